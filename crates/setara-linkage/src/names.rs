//! Indonesian personal names (nama orang): normalisation and token-based comparison.
//!
//! Two registrations of one person often spell the name differently. This module turns a name
//! as written into a list of canonical tokens, so that the usual variants compare equal, and
//! compares two such lists in levels that a Fellegi-Sunter model can weigh.
//!
//! # Normalisation ([`PersonName::parse`])
//!
//! 1. **Characters**: accents folded to ASCII (`deunicode`: `Sárí` → `sari`), lower case.
//! 2. **Titles and honorifics removed** (gelar): pilgrimage and religious titles and academic
//!    prefixes at the start (`H.`, `Hj.`, `Haji`, `Hajjah`, `K.H.`, `Ust.`, `Ir.`, `Dr.`, `dr.`,
//!    `Drs.`, `Dra.`, `Prof.`, `drg.`), several in a row, with or without dots and with or without
//!    a space after the dot (`H.Ahmad`); degrees after the name (`S.Pd.`, `S.E.`, `S.H.`,
//!    `S.Kom.`, `S.T.`, `S.Sos.`, `S.Ag.`, `S.Kep.`, `M.M.`, `M.Si.`, `M.Pd.`, `M.H.`, `A.Md.`,
//!    `Amd.`, `Ph.D.` …, see [`DEGREES`]). A degree is recognised when it is written with dots or
//!    stands after a comma (`Budi, SE`); written without dots and without a comma, only the
//!    unambiguous ones (`Spd`, `Skom`, `Amd` …) are removed, because `Se`, `St` or `Ma` can be
//!    names. A title is never removed when nothing else would remain.
//! 3. **Punctuation**: apostrophes dropped (`Ma'ruf` → `maruf`); dots, hyphens and other marks
//!    separate tokens (`M.Rizki` → `m rizki`).
//! 4. **Old spelling (ejaan lama) to EYD**, one left-to-right pass so that a replacement never
//!    feeds another: `oe` → `u`, `dj` → `j`, `tj` → `c`, `nj` → `ny`, `sj` → `sy`, `ch` → `kh`
//!    (`Soeharto` → `suharto`, `Djoko` → `joko`, `Tjahjadi` → `cahjadi`, `Pandji` → `panji`,
//!    `Chairul` → `khairul`). `j` for `y` (`Tjahjono`) is not changed: in modern spelling `j` is
//!    `j`, and the fuzzy levels of the comparison catch the rest.
//! 5. **Variant groups** become one token: every spelling of Muhammad (`Muhammad`, `Muhamad`,
//!    `Mohammad`, `Mohamad`, `Mochamad`, `Moehammad`, `Mohammed`, `Moh.`, `Muh.`, `Mhd.`, `Mohd.`,
//!    and the initial `M.` when another name follows) → `muhammad`; `Achmad`, `Akhmad`, `Ahmat`
//!    → `ahmad`; `Abd.` → `abdul`; `Sitti` → `siti`.
//!
//! # Comparison ([`compare`])
//!
//! Levels, best first ([`NameLevel`]): the same tokens in the same order; the same tokens in
//! another order (a swapped given and family name); all tokens of the shorter name inside the
//! longer one when the shorter has two or more (a dropped second name; an initial matches any
//! token with its first letter); a one-token name inside the other (many Indonesians have a
//! single name, and a single name recorded with an added name is common, but it is weaker
//! evidence); every token of the shorter name similar (Jaro-Winkler at or above a threshold,
//! default 0.88) to its own token of the longer; at least one token shared or similar; nothing.

use std::borrow::Cow;

use crate::strings::jaro_winkler;

/// Titles and honorifics that stand before the name (written without dots, lower case).
pub const PREFIX_TITLES: &[&str] = &[
    "h", "hj", "haji", "hajjah", "hajah", "kh", "ust", "ustadz", "ustaz", "ustadzah", "ustazah",
    "ir", "dr", "drs", "dra", "drg", "prof", "tn", "ny", "sdr", "sdri",
];

/// Academic degrees and professional titles that stand after the name (without dots, lower
/// case). Those in [`UNAMBIGUOUS_DEGREES`] are removed even when written without dots.
pub const DEGREES: &[&str] = &[
    "se", "sh", "st", "ss", "sp", "ma", "ba", "mm", "mh", "mt", "ak", "spd", "spdi", "sag", "skom",
    "ssos", "skep", "ssi", "sked", "sip", "sgz", "spsi", "sfarm", "stp", "spt", "shut", "sikom",
    "shi", "sei", "sthi", "sei", "sst", "ssn", "sds", "smb", "msi", "mpd", "mpdi", "mkes", "mkom",
    "mag", "msc", "bsc", "mba", "phd", "amd", "amdkeb", "amdkep", "amk", "apt", "mars", "mhum",
    "mag", "dipl", "spog", "spa", "sppd", "spb",
];

/// Degrees removed even when written without dots and without a comma: no Indonesian name is
/// spelled like them.
pub const UNAMBIGUOUS_DEGREES: &[&str] = &[
    "spd", "spdi", "skom", "ssos", "skep", "ssi", "sked", "sgz", "spsi", "sfarm", "shut", "sikom",
    "sthi", "msi", "mpd", "mpdi", "mkes", "mkom", "phd", "amd", "amdkeb", "amdkep", "mhum", "spog",
    "sppd",
];

/// Spellings of Muhammad (after the spelling normalisation of step 4).
const MUHAMMAD: &[&str] = &[
    "muhammad",
    "muhamad",
    "muhammed",
    "muhamed",
    "mohammad",
    "mohamad",
    "mohammed",
    "mohamed",
    "mokhammad",
    "mokhamad",
    "mukhammad",
    "mukhamad",
    "muhamat",
    "muhammat",
    "moh",
    "muh",
    "mhd",
    "mohd",
    "mokh",
    "mukh",
    "mkh",
];

/// Other variant groups: (variant, canonical).
const GROUPS: &[(&str, &str)] = &[
    ("akhmad", "ahmad"),
    ("ahmat", "ahmad"),
    ("akhmat", "ahmad"),
    ("achmad", "ahmad"),
    ("abd", "abdul"),
    ("sitti", "siti"),
];

/// A name in canonical tokens (see the module documentation).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonName {
    tokens: Vec<Box<str>>,
}

impl PersonName {
    /// Normalise a name as written.
    pub fn parse(raw: &str) -> PersonName {
        PersonName {
            tokens: tokens(raw),
        }
    }

    /// The canonical tokens, in the order written.
    pub fn tokens(&self) -> impl ExactSizeIterator<Item = &str> {
        self.tokens.iter().map(|t| t.as_ref())
    }

    /// The tokens joined by single spaces: equal for two names exactly when the comparison
    /// level is [`NameLevel::Exact`].
    pub fn canonical(&self) -> String {
        self.tokens.join(" ")
    }

    /// The tokens sorted and joined by spaces: the same for names that differ only in order.
    pub fn sorted_key(&self) -> String {
        let mut t: Vec<&str> = self.tokens().collect();
        t.sort_unstable();
        t.join(" ")
    }

    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }
}

/// The canonical form of a name as written: its normalised tokens joined by spaces.
pub fn canonical(raw: &str) -> String {
    PersonName::parse(raw).canonical()
}

fn strip_dots(t: &str) -> String {
    t.chars().filter(|c| c.is_ascii_alphanumeric()).collect()
}

fn is_prefix_title(bare: &str) -> bool {
    PREFIX_TITLES.contains(&bare)
}

fn is_degree(bare: &str) -> bool {
    DEGREES.contains(&bare)
}

/// Split a name as written into canonical tokens.
fn tokens(raw: &str) -> Vec<Box<str>> {
    let folded: Cow<str> = if raw.is_ascii() {
        Cow::Borrowed(raw)
    } else {
        Cow::Owned(deunicode::deunicode(raw))
    };
    let lower = folded.to_ascii_lowercase();

    // Raw tokens: split on whitespace; a comma ends a token and marks what follows.
    let mut raw_tokens: Vec<(&str, bool)> = Vec::new(); // (token, after a comma)
    let mut after_comma = false;
    for part in lower.split_inclusive(',') {
        let ends_with_comma = part.ends_with(',');
        let part = part.trim_end_matches(',');
        for t in part.split_whitespace() {
            raw_tokens.push((t, after_comma));
        }
        if ends_with_comma {
            after_comma = true;
        }
    }

    let mut kept: Vec<&str> = Vec::new();
    let mut titles: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < raw_tokens.len() {
        let (t, comma) = raw_tokens[i];
        let bare = strip_dots(t);
        if bare.is_empty() {
            i += 1;
            continue;
        }
        let dotted = t.contains('.');
        if kept.is_empty() {
            // Prefix titles: `H.`, `Hj`, `Dr.`; also glued to the name: `H.Ahmad`.
            if is_prefix_title(&bare) && (dotted || bare.len() > 1 || t == "h") {
                titles.push(t);
                i += 1;
                continue;
            }
            if let Some((head, rest)) = t.split_once('.')
                && is_prefix_title(head)
                && !rest.is_empty()
                && !is_degree(&strip_dots(rest))
            {
                titles.push(head);
                kept.push(rest);
                i += 1;
                continue;
            }
            kept.push(t);
            i += 1;
            continue;
        }
        // After the first name token: degrees, possibly spread over several dotted tokens
        // (`S. Pd.`).
        let mut consumed = 0;
        let mut joined = String::new();
        for (k, (tk, _)) in raw_tokens[i..].iter().enumerate().take(3) {
            if k > 0 && !tk.contains('.') {
                break;
            }
            joined.push_str(&strip_dots(tk));
            let all_dotted = raw_tokens[i..=i + k].iter().all(|(x, _)| x.contains('.'));
            if is_degree(&joined)
                && (all_dotted
                    || comma
                    || (k == 0 && UNAMBIGUOUS_DEGREES.contains(&joined.as_str())))
            {
                consumed = k + 1;
            }
        }
        if consumed > 0 {
            titles.extend(raw_tokens[i..i + consumed].iter().map(|(x, _)| *x));
            i += consumed;
            continue;
        }
        kept.push(t);
        i += 1;
    }
    if kept.is_empty() {
        kept = titles;
    }

    let mut out: Vec<Box<str>> = Vec::new();
    let last_kept = kept.len();
    for (k, t) in kept.into_iter().enumerate() {
        let pieces: Vec<String> = t
            .replace(['\'', '`'], "")
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|s| !s.is_empty())
            .map(respell)
            .collect();
        let n = pieces.len();
        for (p, piece) in pieces.into_iter().enumerate() {
            let followed = p + 1 < n || k + 1 < last_kept;
            out.push(canonical_token(piece, out.is_empty(), followed).into());
        }
    }
    out
}

/// Old spelling to EYD in one left-to-right pass.
pub fn respell(word: &str) -> String {
    let b = word.as_bytes();
    let mut out = String::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let pair = if i + 1 < b.len() {
            Some((b[i], b[i + 1]))
        } else {
            None
        };
        let rep = match pair {
            Some((b'o', b'e')) => Some("u"),
            Some((b'd', b'j')) => Some("j"),
            Some((b't', b'j')) => Some("c"),
            Some((b'n', b'j')) => Some("ny"),
            Some((b's', b'j')) => Some("sy"),
            Some((b'c', b'h')) => Some("kh"),
            _ => None,
        };
        match rep {
            Some(r) => {
                out.push_str(r);
                i += 2;
            }
            None => {
                out.push(b[i] as char);
                i += 1;
            }
        }
    }
    out
}

fn canonical_token(t: String, first: bool, followed: bool) -> String {
    if MUHAMMAD.contains(&t.as_str()) || (t == "m" && first && followed) {
        return "muhammad".into();
    }
    if let Some((_, c)) = GROUPS.iter().find(|(v, _)| *v == t) {
        return (*c).into();
    }
    t
}

/// How two names compare, best first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum NameLevel {
    /// The same canonical tokens in the same order.
    Exact = 0,
    /// The same tokens in another order.
    Reordered = 1,
    /// The shorter name (two or more tokens) lies inside the longer one.
    Contained = 2,
    /// A one-token name is one of the other name's tokens.
    SingleContained = 3,
    /// Every token of the shorter name has a similar token in the longer.
    Similar = 4,
    /// At least one token is shared or similar.
    Partial = 5,
    /// Nothing in common.
    Different = 6,
}

impl NameLevel {
    pub const COUNT: usize = 7;

    pub fn label(self) -> &'static str {
        match self {
            NameLevel::Exact => "same name",
            NameLevel::Reordered => "same tokens, other order",
            NameLevel::Contained => "one name inside the other",
            NameLevel::SingleContained => "single name inside the other",
            NameLevel::Similar => "all tokens similar",
            NameLevel::Partial => "a token in common",
            NameLevel::Different => "different",
        }
    }
}

fn initial_of(short: &str, long: &str) -> bool {
    short.len() == 1 && long.as_bytes().first() == short.as_bytes().first()
}

/// Compare two normalised names; `similarity` is the Jaro-Winkler threshold for similar tokens.
pub fn compare(a: &PersonName, b: &PersonName, similarity: f64) -> NameLevel {
    compare_tokens(&a.tokens, &b.tokens, similarity)
}

pub(crate) fn compare_tokens(a: &[Box<str>], b: &[Box<str>], similarity: f64) -> NameLevel {
    if a.is_empty() || b.is_empty() {
        return NameLevel::Different;
    }
    if a == b {
        return NameLevel::Exact;
    }
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if short.len() > 16 || long.len() > 64 {
        return NameLevel::Different;
    }
    // Exact containment (with initials), one partner per token.
    let mut used: u64 = 0;
    let mut contained = true;
    for s in short {
        let hit = long.iter().enumerate().position(|(j, l)| {
            used & (1 << j) == 0 && (l == s || initial_of(s, l) || initial_of(l, s))
        });
        match hit {
            Some(j) => used |= 1 << j,
            None => {
                contained = false;
                break;
            }
        }
    }
    if contained {
        if short.len() == long.len() {
            // Same multiset (or differing only by initials).
            let all_exact = {
                let mut x: Vec<&str> = short.iter().map(|t| t.as_ref()).collect();
                let mut y: Vec<&str> = long.iter().map(|t| t.as_ref()).collect();
                x.sort_unstable();
                y.sort_unstable();
                x == y
            };
            return if all_exact {
                NameLevel::Reordered
            } else {
                NameLevel::Contained
            };
        }
        return if short.len() >= 2 {
            NameLevel::Contained
        } else {
            NameLevel::SingleContained
        };
    }
    // Fuzzy: a similar partner for every token of the shorter name.
    let mut used: u64 = 0;
    let mut all = true;
    let mut any = false;
    for s in short {
        let mut best = (similarity, usize::MAX);
        for (j, l) in long.iter().enumerate() {
            if used & (1 << j) != 0 {
                continue;
            }
            let sim = if l == s || initial_of(s, l) || initial_of(l, s) {
                1.0
            } else {
                jaro_winkler(s.as_bytes(), l.as_bytes())
            };
            if sim >= best.0 {
                best = (sim, j);
            }
        }
        if best.1 == usize::MAX {
            all = false;
        } else {
            used |= 1 << best.1;
            // An initial alone is no evidence of a shared name.
            if !(short.len() > 1 && s.len() == 1) {
                any = true;
            }
        }
    }
    if all && any {
        NameLevel::Similar
    } else if any {
        NameLevel::Partial
    } else {
        NameLevel::Different
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> String {
        canonical(s)
    }

    fn level(a: &str, b: &str) -> NameLevel {
        compare(&PersonName::parse(a), &PersonName::parse(b), 0.88)
    }

    #[test]
    fn case_accents_punctuation() {
        assert_eq!(c("  SITI   Aminah "), "siti aminah");
        assert_eq!(c("Sárí Dewí"), "sari dewi");
        assert_eq!(c("Ma'ruf Amin"), "maruf amin");
        assert_eq!(c("Abdul-Rahman"), "abdul rahman");
        assert_eq!(c(""), "");
    }

    #[test]
    fn titles_removed() {
        assert_eq!(c("H. Ahmad Dahlan"), "ahmad dahlan");
        assert_eq!(c("Hj. Siti Aminah"), "siti aminah");
        assert_eq!(c("H.Ahmad Dahlan"), "ahmad dahlan");
        assert_eq!(
            c("Prof. Dr. Ir. H. Bambang Sutrisno, M.M."),
            "bambang sutrisno"
        );
        assert_eq!(c("Budi Santoso, S.Pd."), "budi santoso");
        assert_eq!(c("Budi Santoso S.Pd."), "budi santoso");
        assert_eq!(c("Budi Santoso S. Pd."), "budi santoso");
        assert_eq!(c("Budi Santoso, SE"), "budi santoso");
        assert_eq!(c("Budi Santoso S.E."), "budi santoso");
        assert_eq!(c("Dewi Lestari S.Kom., M.Kom."), "dewi lestari");
        assert_eq!(c("Rina Amd."), "rina");
        assert_eq!(c("Rina A.Md."), "rina");
        assert_eq!(c("Rina Spd"), "rina");
        assert_eq!(c("Drs. Slamet"), "slamet");
        assert_eq!(c("Ir Joko Widodo"), "joko widodo");
        // `Se` and `Ma` without dots or a comma may be names.
        assert_eq!(c("Tan Se Ma"), "tan se ma");
        // A title alone stays: it is all there is.
        assert_eq!(c("Haji"), "haji");
    }

    #[test]
    fn old_spelling() {
        assert_eq!(c("Soeharto"), "suharto");
        assert_eq!(c("Djoko Soesilo"), "joko susilo");
        assert_eq!(c("Tjahjadi"), "cahjadi");
        assert_eq!(c("Pandji"), "panji");
        assert_eq!(c("Soenjoto"), "sunyoto");
        assert_eq!(c("Sjamsoel"), "syamsul");
        assert_eq!(c("Chairul"), "khairul");
        assert_eq!(c("Soeharto"), c("Suharto"));
        assert_eq!(c("Djoko"), c("Joko"));
        assert_eq!(c("Tjipto"), c("Cipto"));
    }

    #[test]
    fn muhammad_variants() {
        let want = "muhammad rizki";
        for v in [
            "Muhammad Rizki",
            "Muhamad Rizki",
            "Mohammad Rizki",
            "Mohamad Rizki",
            "Mochamad Rizki",
            "Moehammad Rizki",
            "Moh. Rizki",
            "Mhd. Rizki",
            "Muh Rizki",
            "M. Rizki",
            "M Rizki",
            "M.Rizki",
        ] {
            assert_eq!(c(v), want, "{v}");
        }
        // A trailing initial is not Muhammad.
        assert_eq!(c("Siti M."), "siti m");
        assert_eq!(c("Achmad Fauzi"), "ahmad fauzi");
        assert_eq!(c("Abd. Rahman"), "abdul rahman");
    }

    #[test]
    fn levels() {
        assert_eq!(level("Budi Santoso", "BUDI SANTOSO"), NameLevel::Exact);
        assert_eq!(level("Moh. Rizki", "Muhammad Rizki"), NameLevel::Exact);
        assert_eq!(
            level("H. Ahmad Dahlan", "Ahmad Dahlan, S.Ag."),
            NameLevel::Exact
        );
        assert_eq!(level("Santoso Budi", "Budi Santoso"), NameLevel::Reordered);
        assert_eq!(
            level("Budi Santoso Wibowo", "Budi Wibowo"),
            NameLevel::Contained
        );
        assert_eq!(level("B. Santoso", "Budi Santoso"), NameLevel::Contained);
        assert_eq!(
            level("Sutrisno", "Sutrisno Wibowo"),
            NameLevel::SingleContained
        );
        assert_eq!(level("Sutrisna", "Sutrisno"), NameLevel::Similar);
        assert_eq!(level("Budi Santosa", "Budi Santoso"), NameLevel::Similar);
        assert_eq!(level("Budi Santoso", "Budi Hartono"), NameLevel::Partial);
        assert_eq!(level("Budi Santoso", "Rina Lestari"), NameLevel::Different);
        assert_eq!(level("Sutrisno", "Suparman"), NameLevel::Different);
        // Single names.
        assert_eq!(level("Sutrisno", "sutrisno"), NameLevel::Exact);
        assert_eq!(level("Tjahjono", "Cahyono"), NameLevel::Similar);
    }
}
