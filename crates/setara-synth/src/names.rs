//! Indonesian personal names: pools by culture area, old (pre-1972, van Ophuijsen/Soewandi)
//! spelling, titles, and the variants a second registration of the same person tends to carry.
//!
//! Names are built from common given names and family names (marga, fam) so that the
//! population looks plausible region by region: Javanese single names (Sutrisno, Sri Wahyuni),
//! Sundanese (Asep Sunarya), Batak given name + marga inherited from the father, Minang,
//! Balinese birth-order names (I Wayan, Ni Made), Malay/Acehnese/Bugis/Banjar Muslim names
//! (Muhammad, Nur, Siti), Chinese-Indonesian names, and Christian given names with family names
//! in Nusa Tenggara Timur, Maluku, Minahasa, Toraja and Papua.

use std::borrow::Cow;

use rand::Rng;
use setara_core::Sex;

/// Culture area that decides which name pools a family draws from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Culture {
    Javanese,
    Sundanese,
    /// Malay, Acehnese, Banjar, Bugis-Makassar, Sasak, Betawi, Madurese, Gorontalo: Muslim names.
    Malay,
    Minang,
    /// Batak Toba, Karo, Simalungun (mostly Christian given names) with marga.
    BatakToba,
    /// Mandailing and Angkola Batak (Muslim given names) with marga.
    BatakMuslim,
    Balinese,
    Tionghoa,
    /// Nusa Tenggara Timur: Christian given names and Timorese, Rotenese, Flores family names.
    Ntt,
    MalukuChristian,
    MalukuMuslim,
    Minahasa,
    Toraja,
    /// Dayak: Christian given names, no family name.
    Dayak,
    Papua,
}

impl Culture {
    /// Whether titles such as H. / Hj. (after the pilgrimage) apply.
    pub(crate) fn is_muslim(self) -> bool {
        matches!(
            self,
            Culture::Javanese
                | Culture::Sundanese
                | Culture::Malay
                | Culture::Minang
                | Culture::BatakMuslim
                | Culture::MalukuMuslim
        )
    }

    fn family_names(self) -> Option<&'static [&'static str]> {
        Some(match self {
            Culture::BatakToba => BATAK_TOBA_MARGA,
            Culture::BatakMuslim => BATAK_MUSLIM_MARGA,
            Culture::Tionghoa => TIONGHOA_FAMILY,
            Culture::Ntt => NTT_FAMILY,
            Culture::MalukuChristian => MALUKU_CHRISTIAN_FAMILY,
            Culture::MalukuMuslim => MALUKU_MUSLIM_FAMILY,
            Culture::Minahasa => MINAHASA_FAMILY,
            Culture::Toraja => TORAJA_FAMILY,
            Culture::Papua => PAPUA_FAMILY,
            _ => return None,
        })
    }

    /// A family name of this culture (marga, fam), if the culture has them.
    pub(crate) fn draw_family<R: Rng>(self, rng: &mut R) -> Option<&'static str> {
        self.family_names().map(|f| pick(rng, f))
    }

    /// Whether a wife takes her husband's family name (otherwise she keeps her own).
    pub(crate) fn wife_takes_husband_family<R: Rng>(self, rng: &mut R) -> bool {
        match self {
            Culture::Ntt
            | Culture::MalukuChristian
            | Culture::MalukuMuslim
            | Culture::Minahasa
            | Culture::Papua => rng.random_bool(0.6),
            Culture::Toraja => rng.random_bool(0.3),
            _ => false,
        }
    }

    fn christian(self) -> bool {
        matches!(
            self,
            Culture::Ntt
                | Culture::MalukuChristian
                | Culture::Minahasa
                | Culture::Toraja
                | Culture::Dayak
                | Culture::Papua
        )
    }
}

/// Culture mix of a province's households (Kemendagri province code), weights in per cent.
pub(crate) fn culture_mix(province: u64) -> &'static [(Culture, u16)] {
    use Culture::*;
    match province {
        11 => &[(Malay, 90), (Javanese, 7), (BatakMuslim, 3)],
        12 => &[
            (BatakToba, 35),
            (BatakMuslim, 15),
            (Malay, 15),
            (Javanese, 30),
            (Tionghoa, 5),
        ],
        13 => &[(Minang, 88), (Javanese, 5), (BatakMuslim, 5), (Malay, 2)],
        14 => &[
            (Malay, 45),
            (Javanese, 28),
            (Minang, 14),
            (BatakToba, 6),
            (BatakMuslim, 4),
            (Tionghoa, 3),
        ],
        15 => &[
            (Malay, 50),
            (Javanese, 33),
            (Minang, 12),
            (Sundanese, 3),
            (Tionghoa, 2),
        ],
        16 => &[(Malay, 66), (Javanese, 28), (Sundanese, 4), (Tionghoa, 2)],
        17 => &[(Malay, 55), (Javanese, 25), (Minang, 12), (Sundanese, 8)],
        18 => &[(Javanese, 62), (Malay, 24), (Sundanese, 12), (Balinese, 2)],
        19 => &[(Malay, 68), (Tionghoa, 25), (Javanese, 5), (BatakToba, 2)],
        21 => &[
            (Malay, 40),
            (Javanese, 22),
            (BatakToba, 10),
            (Minang, 10),
            (Tionghoa, 12),
            (Sundanese, 6),
        ],
        31 => &[
            (Javanese, 35),
            (Sundanese, 15),
            (Malay, 25),
            (BatakToba, 5),
            (BatakMuslim, 2),
            (Minang, 6),
            (Tionghoa, 6),
            (Ntt, 2),
            (MalukuChristian, 1),
            (Minahasa, 3),
        ],
        32 => &[
            (Sundanese, 78),
            (Javanese, 12),
            (Malay, 8),
            (BatakToba, 1),
            (Tionghoa, 1),
        ],
        33 => &[(Javanese, 96), (Malay, 2), (Sundanese, 1), (Tionghoa, 1)],
        34 => &[(Javanese, 97), (Malay, 1), (Sundanese, 1), (Tionghoa, 1)],
        35 => &[(Javanese, 78), (Malay, 20), (Tionghoa, 1), (Balinese, 1)],
        36 => &[(Sundanese, 58), (Malay, 24), (Javanese, 15), (Tionghoa, 3)],
        51 => &[(Balinese, 86), (Javanese, 10), (Malay, 3), (Tionghoa, 1)],
        52 => &[(Malay, 94), (Balinese, 4), (Javanese, 2)],
        53 => &[(Ntt, 88), (Malay, 9), (Javanese, 2), (Balinese, 1)],
        61 => &[
            (Malay, 42),
            (Dayak, 33),
            (Tionghoa, 10),
            (Javanese, 12),
            (Sundanese, 3),
        ],
        62 => &[(Malay, 40), (Dayak, 30), (Javanese, 28), (Balinese, 2)],
        63 => &[(Malay, 80), (Javanese, 17), (Dayak, 3)],
        64 => &[
            (Javanese, 32),
            (Malay, 48),
            (Dayak, 12),
            (Toraja, 4),
            (Tionghoa, 2),
            (Ntt, 2),
        ],
        65 => &[(Malay, 45), (Dayak, 33), (Javanese, 17), (Toraja, 5)],
        71 => &[
            (Minahasa, 68),
            (Malay, 28),
            (Javanese, 2),
            (MalukuChristian, 2),
        ],
        72 => &[
            (Malay, 72),
            (Toraja, 14),
            (Balinese, 6),
            (Javanese, 6),
            (Minahasa, 2),
        ],
        73 => &[(Malay, 88), (Toraja, 11), (Javanese, 1)],
        74 => &[(Malay, 86), (Javanese, 6), (Balinese, 4), (Toraja, 4)],
        75 => &[(Malay, 96), (Minahasa, 2), (Javanese, 2)],
        76 => &[(Malay, 82), (Toraja, 16), (Javanese, 2)],
        81 => &[
            (MalukuChristian, 45),
            (MalukuMuslim, 45),
            (Malay, 6),
            (Javanese, 4),
        ],
        82 => &[
            (MalukuMuslim, 45),
            (Malay, 30),
            (MalukuChristian, 20),
            (Javanese, 5),
        ],
        91 => &[
            (Papua, 65),
            (Malay, 15),
            (Javanese, 12),
            (Toraja, 4),
            (MalukuChristian, 2),
            (Ntt, 2),
        ],
        92 => &[
            (Papua, 60),
            (Malay, 15),
            (Javanese, 15),
            (MalukuChristian, 5),
            (Toraja, 5),
        ],
        93 => &[(Papua, 60), (Javanese, 25), (Malay, 10), (Ntt, 5)],
        94 => &[(Papua, 78), (Malay, 10), (Javanese, 7), (Toraja, 5)],
        95 => &[(Papua, 92), (Malay, 4), (Javanese, 2), (Toraja, 2)],
        96 => &[
            (Papua, 58),
            (Malay, 18),
            (Javanese, 12),
            (MalukuChristian, 7),
            (Toraja, 5),
        ],
        _ => &[(Malay, 60), (Javanese, 40)],
    }
}

/// Draw a culture from a province mix.
pub(crate) fn draw_culture<R: Rng>(rng: &mut R, mix: &[(Culture, u16)]) -> Culture {
    let total: u32 = mix.iter().map(|(_, w)| u32::from(*w)).sum();
    let mut x = rng.random_range(0..total);
    for (c, w) in mix {
        let w = u32::from(*w);
        if x < w {
            return *c;
        }
        x -= w;
    }
    mix[mix.len() - 1].0
}

fn pick<R: Rng>(rng: &mut R, pool: &'static [&'static str]) -> &'static str {
    pool[rng.random_range(0..pool.len())]
}

/// A person's name: given names (and family name) with optional titles. The *true* name of a
/// person is the words without titles; a record may show titles.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Name {
    pub prefix: Option<&'static str>,
    pub words: Vec<Cow<'static, str>>,
    pub suffix: Option<&'static str>,
}

impl Name {
    /// The name without titles.
    pub(crate) fn plain(&self) -> String {
        let mut s = String::with_capacity(self.words.iter().map(|w| w.len() + 1).sum());
        for (i, w) in self.words.iter().enumerate() {
            if i > 0 {
                s.push(' ');
            }
            s.push_str(w);
        }
        s
    }

    /// The name as written on a record: `H. Ahmad Fauzi`, `Siti Aminah, S.Pd.`.
    pub(crate) fn render(&self) -> String {
        let mut s = String::with_capacity(32);
        if let Some(p) = self.prefix {
            s.push_str(p);
            s.push(' ');
        }
        for (i, w) in self.words.iter().enumerate() {
            if i > 0 {
                s.push(' ');
            }
            s.push_str(w);
        }
        if let Some(t) = self.suffix {
            s.push_str(", ");
            s.push_str(t);
        }
        s
    }
}

/// Everything needed to name one person.
pub(crate) struct NameRequest {
    pub culture: Culture,
    pub sex: Sex,
    pub birth_year: i32,
    /// Family name (marga, fam) to carry, for cultures that have them.
    pub family: Option<&'static str>,
    /// Birth order among siblings, 0-based (Balinese names).
    pub birth_order: usize,
}

/// Build a name. People born before 1972 sometimes keep the old spelling (Soeharto, Djoko).
pub(crate) fn draw_name<R: Rng>(rng: &mut R, req: &NameRequest) -> Name {
    // Names in fashion since about 2000 (Zidan, Nayla, Arkan) against the older stock.
    let modern_p = ((f64::from(req.birth_year) - 1988.0) / 22.0).clamp(0.02, 0.92);
    let modern = rng.random_bool(modern_p);
    let mut words: Vec<Cow<'static, str>> = Vec::with_capacity(4);
    let female = req.sex == Sex::Female;
    match req.culture {
        Culture::Balinese => {
            words.push(Cow::Borrowed(if female { "Ni" } else { "I" }));
            let order = BALI_ORDER[req.birth_order % 4];
            let choices: &[&str] = if female && req.birth_order.is_multiple_of(4) {
                BALI_FIRST_FEMALE
            } else {
                order
            };
            words.push(Cow::Borrowed(pick(rng, choices)));
            let pool = if female { BALI_FEMALE } else { BALI_MALE };
            words.push(Cow::Borrowed(pick(rng, pool)));
            if rng.random_bool(0.15) {
                let extra = if female {
                    JAVA_F2_MODERN
                } else {
                    JAVA_M2_MODERN
                };
                words.push(Cow::Borrowed(pick(rng, extra)));
            }
        }
        c => {
            let pool = pools(c, female, modern);
            given_names(rng, pool, &mut words);
        }
    }
    if let Some(fam) = req.family {
        if req.culture == Culture::BatakToba && female && rng.random_bool(0.3) {
            words.push(Cow::Borrowed("br."));
        }
        words.push(Cow::Borrowed(fam));
    }
    if req.birth_year < 1972 && !modern && rng.random_bool(0.45) {
        // Family names of eastern Indonesia keep their own orthography.
        let n = words.len() - usize::from(req.family.is_some() && req.culture.christian());
        for w in &mut words[..n] {
            *w = Cow::Owned(old_spelling(w));
        }
    }
    Name {
        prefix: None,
        words,
        suffix: None,
    }
}

fn given_names<R: Rng>(rng: &mut R, pool: &Pool, words: &mut Vec<Cow<'static, str>>) {
    let x: f64 = rng.random();
    if x < pool.p_single {
        words.push(Cow::Borrowed(pick(rng, pool.single)));
    } else {
        let first = pick(rng, pool.first);
        words.push(Cow::Borrowed(first));
        if x > 1.0 - pool.p_triple {
            let middle = pick(rng, pool.first);
            if middle != first {
                words.push(Cow::Borrowed(middle));
            }
        }
        let last = pick(rng, pool.second);
        if !words.iter().any(|w| w == last) {
            words.push(Cow::Borrowed(last));
        }
    }
}

/// Titles a record may carry: pilgrimage (H., Hj.) and academic degrees.
pub(crate) fn draw_titles<R: Rng>(
    rng: &mut R,
    name: &mut Name,
    culture: Culture,
    sex: Sex,
    age: i32,
    education: Option<setara_core::Education>,
) {
    use setara_core::Education as E;
    // Haji/hajjah: more common with age.
    if age >= 35
        && culture.is_muslim()
        && rng.random_bool((0.01 + 0.003 * f64::from(age - 35)).min(0.12))
    {
        name.prefix = Some(if sex == Sex::Female { "Hj." } else { "H." });
    }
    match education {
        Some(E::Bachelor) if age >= 22 && rng.random_bool(0.35) => {
            if age >= 55 && name.prefix.is_none() && rng.random_bool(0.5) {
                name.prefix = Some(if rng.random_bool(0.3) {
                    "Ir."
                } else if sex == Sex::Female {
                    "Dra."
                } else {
                    "Drs."
                });
            } else {
                name.suffix = Some(pick(rng, BACHELOR_TITLES));
            }
        }
        Some(E::Postgraduate) if rng.random_bool(0.4) => {
            if name.prefix.is_none() && age >= 40 && rng.random_bool(0.3) {
                name.prefix = Some("Dr.");
            } else {
                name.suffix = Some(pick(rng, MASTER_TITLES));
            }
        }
        Some(E::Diploma) if rng.random_bool(0.15) => name.suffix = Some("A.Md."),
        _ => {}
    }
}

const BACHELOR_TITLES: &[&str] = &[
    "S.Pd.", "S.E.", "S.H.", "S.Kom.", "S.T.", "S.Sos.", "S.Ag.", "S.Kep.",
];
const MASTER_TITLES: &[&str] = &["M.Pd.", "M.Si.", "M.M.", "M.H."];
/// Titles a duplicate record may add.
const ADDED_TITLES: &[&str] = &["S.Pd.", "S.E.", "S.H.", "S.Kom."];
const ADDED_PREFIX: &[&str] = &["Ir.", "Dr.", "Drs."];

/// Old spelling (ejaan lama, before 1972): u → oe, j → dj, c → tj, y → j, ny → nj, sy → sj,
/// kh → ch. `Suharto` → `Soeharto`, `Joko` → `Djoko`, `Cahyono` → `Tjahjono`.
pub(crate) fn old_spelling(word: &str) -> String {
    let mut out = String::with_capacity(word.len() + 4);
    let chars: Vec<char> = word.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let upper = c.is_uppercase();
        let lc = c.to_ascii_lowercase();
        let next = chars.get(i + 1).map(|n| n.to_ascii_lowercase());
        let cased = |s: &str| -> String {
            if upper {
                let mut it = s.chars();
                let first = it.next().expect("non-empty").to_ascii_uppercase();
                std::iter::once(first).chain(it).collect()
            } else {
                s.to_string()
            }
        };
        match (lc, next) {
            ('n', Some('y')) => {
                out.push_str(&cased("nj"));
                i += 2;
            }
            ('s', Some('y')) => {
                out.push_str(&cased("sj"));
                i += 2;
            }
            ('k', Some('h')) => {
                out.push_str(&cased("ch"));
                i += 2;
            }
            ('c', _) => {
                out.push_str(&cased("tj"));
                i += 1;
            }
            ('j', _) => {
                out.push_str(&cased("dj"));
                i += 1;
            }
            ('y', _) => {
                out.push_str(&cased("j"));
                i += 1;
            }
            // The diphthong au (Maulana, Aulia) keeps its u.
            ('u', _) if i == 0 || !chars[i - 1].eq_ignore_ascii_case(&'a') => {
                out.push_str(&cased("oe"));
                i += 1;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

const MUHAMMAD: &[&str] = &[
    "Muhammad",
    "Muhamad",
    "Mohammad",
    "Mohamad",
    "Mochamad",
    "Moh.",
    "M.",
    "Moehammad",
];

/// Replace one spelling convention in `s` (`from` → `to`), keeping a leading capital.
fn replace_cased(s: &str, from: &str, to: &str) -> String {
    let cap = |x: &str| -> String {
        let mut it = x.chars();
        match it.next() {
            Some(f) => f.to_ascii_uppercase().to_string() + it.as_str(),
            None => String::new(),
        }
    };
    s.replace(from, to).replace(&cap(from), &cap(to))
}

/// How a second registration of the same person spells the name: Muhammad ↔ Muhamad ↔ Moh. ↔ M.,
/// old ↔ new spelling (oe ↔ u, dj ↔ j, tj ↔ c), a title added or removed, a dropped second name,
/// or the whole name in capitals. One change (sometimes two) among those that apply; one
/// duplicate in ten keeps the name exactly.
pub(crate) fn variant<R: Rng>(rng: &mut R, name: &Name, sex: Sex, age: i32, muslim: bool) -> Name {
    let mut v = name.clone();
    if rng.random_bool(0.1) {
        return v;
    }
    let changes = if rng.random_bool(0.3) { 2 } else { 1 };
    let mut done = [false; 5];
    for _ in 0..changes {
        let applicable = [
            !done[0] && v.words.iter().any(|w| MUHAMMAD.contains(&w.as_ref())),
            !done[1] && spelling_options(&v).next().is_some(),
            !done[2] && (v.prefix.is_some() || v.suffix.is_some() || age >= 25),
            !done[3] && droppable(&v),
            !done[4] && v.words.iter().any(|w| w.to_uppercase() != w.as_ref()),
        ];
        let weights: Vec<f64> = [5.0, 3.0, 2.0, 2.0, 1.0]
            .iter()
            .zip(applicable)
            .map(|(w, ok)| if ok { *w } else { 0.0 })
            .collect();
        if weights.iter().all(|&w| w == 0.0) {
            break;
        }
        let kind = crate::attributes::weighted(rng, &weights);
        done[kind] = true;
        match kind {
            0 => {
                let i = v
                    .words
                    .iter()
                    .position(|w| MUHAMMAD.contains(&w.as_ref()))
                    .expect("applicable");
                let cur = v.words[i].clone();
                let mut alt = pick(rng, MUHAMMAD);
                while alt == cur {
                    alt = pick(rng, MUHAMMAD);
                }
                v.words[i] = Cow::Borrowed(alt);
            }
            1 => {
                let options: Vec<(usize, &str, &str)> = spelling_options(&v).collect();
                let (i, from, to) = options[rng.random_range(0..options.len())];
                v.words[i] = Cow::Owned(if from == "u" {
                    // New to old for u: the same rule as `old_spelling` (au stays).
                    old_u(&v.words[i])
                } else {
                    replace_cased(&v.words[i], from, to)
                });
            }
            2 => {
                if v.prefix.is_some() || v.suffix.is_some() {
                    if v.prefix.is_some() && (v.suffix.is_none() || rng.random_bool(0.5)) {
                        v.prefix = None;
                    } else {
                        v.suffix = None;
                    }
                } else if muslim && age >= 35 && rng.random_bool(0.5) {
                    v.prefix = Some(if sex == Sex::Female { "Hj." } else { "H." });
                } else if rng.random_bool(0.75) {
                    v.suffix = Some(pick(rng, ADDED_TITLES));
                } else {
                    v.prefix = Some(pick(rng, ADDED_PREFIX));
                }
            }
            3 => {
                if v.words.len() >= 3 {
                    v.words.remove(1);
                } else {
                    v.words.pop();
                }
            }
            _ => {
                for w in &mut v.words {
                    *w = Cow::Owned(w.to_uppercase());
                }
            }
        }
    }
    v
}

/// `u` → `oe` except in the diphthong `au`.
fn old_u(word: &str) -> String {
    let mut out = String::with_capacity(word.len() + 2);
    let mut prev = ' ';
    for c in word.chars() {
        match c {
            'u' if !prev.eq_ignore_ascii_case(&'a') => out.push_str("oe"),
            'U' if !prev.eq_ignore_ascii_case(&'a') => out.push_str("Oe"),
            _ => out.push(c),
        }
        prev = c;
    }
    out
}

/// Given names where old and new spelling can be exchanged: (word, from, to). Family names
/// (the last word of a multi-word name) keep their spelling.
fn spelling_options(v: &Name) -> impl Iterator<Item = (usize, &'static str, &'static str)> + '_ {
    let given = if v.words.len() > 1 {
        v.words.len() - 1
    } else {
        1
    };
    v.words[..given].iter().enumerate().flat_map(|(i, w)| {
        let lower = w.to_lowercase();
        let old: Vec<(usize, &'static str, &'static str)> = [("oe", "u"), ("dj", "j"), ("tj", "c")]
            .into_iter()
            .filter(|(o, _)| lower.contains(o))
            .map(|(o, n)| (i, o, n))
            .collect();
        let new: Vec<(usize, &'static str, &'static str)> = if old.is_empty() {
            [("u", "oe"), ("j", "dj"), ("c", "tj")]
                .into_iter()
                .filter(|(n, _)| {
                    if *n == "u" {
                        old_u(&lower) != lower
                    } else {
                        lower.contains(n)
                    }
                })
                .map(|(n, o)| (i, n, o))
                .collect()
        } else {
            Vec::new()
        };
        old.into_iter().chain(new)
    })
}

/// Whether a second name can be dropped (not from Balinese birth-order names, nor leaving a
/// bare Sri, Siti or Muhammad).
fn droppable(v: &Name) -> bool {
    let first = v.words.first().map(|w| w.as_ref()).unwrap_or("");
    if matches!(first, "I" | "Ni") {
        return false;
    }
    match v.words.len() {
        0 | 1 => false,
        2 => {
            !["Sri", "Siti", "Nur", "Sitti", "Andi"].contains(&first) && !MUHAMMAD.contains(&first)
        }
        _ => true,
    }
}

struct Pool {
    first: &'static [&'static str],
    second: &'static [&'static str],
    single: &'static [&'static str],
    p_single: f64,
    p_triple: f64,
}

fn pools(culture: Culture, female: bool, modern: bool) -> &'static Pool {
    use Culture::*;
    match (culture, female, modern) {
        (Javanese, false, false) => &Pool {
            first: JAVA_M1,
            second: JAVA_M2,
            single: JAVA_M2,
            p_single: 0.45,
            p_triple: 0.05,
        },
        (Javanese, true, false) => &Pool {
            first: JAVA_F1,
            second: JAVA_F2,
            single: JAVA_F2,
            p_single: 0.35,
            p_triple: 0.05,
        },
        (Javanese, false, true) => &Pool {
            first: JAVA_M1_MODERN,
            second: JAVA_M2_MODERN,
            single: JAVA_M1_MODERN,
            p_single: 0.1,
            p_triple: 0.25,
        },
        (Javanese, true, true) => &Pool {
            first: JAVA_F1_MODERN,
            second: JAVA_F2_MODERN,
            single: JAVA_F1_MODERN,
            p_single: 0.1,
            p_triple: 0.25,
        },
        (Sundanese, false, false) => &Pool {
            first: SUNDA_M1,
            second: SUNDA_M2,
            single: SUNDA_M2,
            p_single: 0.15,
            p_triple: 0.05,
        },
        (Sundanese, true, false) => &Pool {
            first: SUNDA_F1,
            second: SUNDA_F2,
            single: SUNDA_F2,
            p_single: 0.15,
            p_triple: 0.05,
        },
        (Minang, false, false) => &Pool {
            first: MINANG_M1,
            second: MINANG_M2,
            single: MINANG_M1,
            p_single: 0.55,
            p_triple: 0.02,
        },
        (Minang, true, false) => &Pool {
            first: MINANG_F1,
            second: MINANG_F2,
            single: MINANG_F1,
            p_single: 0.55,
            p_triple: 0.02,
        },
        (Malay | BatakMuslim | MalukuMuslim, false, false) => &Pool {
            first: MUSLIM_M1,
            second: MUSLIM_M2,
            single: MUSLIM_M1_SINGLE,
            p_single: 0.2,
            p_triple: 0.12,
        },
        (Malay | BatakMuslim | MalukuMuslim, true, false) => &Pool {
            first: MUSLIM_F1,
            second: MUSLIM_F2,
            single: MUSLIM_F1_SINGLE,
            p_single: 0.2,
            p_triple: 0.12,
        },
        (Sundanese | Minang | Malay | BatakMuslim | MalukuMuslim, false, true) => &Pool {
            first: MUSLIM_M1_MODERN,
            second: MUSLIM_M2_MODERN,
            single: MUSLIM_M2_MODERN,
            p_single: 0.08,
            p_triple: 0.3,
        },
        (Sundanese | Minang | Malay | BatakMuslim | MalukuMuslim, true, true) => &Pool {
            first: MUSLIM_F1_MODERN,
            second: MUSLIM_F2_MODERN,
            single: MUSLIM_F1_MODERN,
            p_single: 0.08,
            p_triple: 0.3,
        },
        (BatakToba, false, false) => &Pool {
            first: BATAK_M,
            second: CHRISTIAN_M,
            single: BATAK_M,
            p_single: 0.75,
            p_triple: 0.0,
        },
        (BatakToba, true, false) => &Pool {
            first: BATAK_F,
            second: CHRISTIAN_F,
            single: BATAK_F,
            p_single: 0.75,
            p_triple: 0.0,
        },
        (Tionghoa, false, _) => &Pool {
            first: TIONGHOA_M,
            second: TIONGHOA_M,
            single: TIONGHOA_M,
            p_single: 0.8,
            p_triple: 0.0,
        },
        (Tionghoa, true, _) => &Pool {
            first: TIONGHOA_F,
            second: TIONGHOA_F,
            single: TIONGHOA_F,
            p_single: 0.8,
            p_triple: 0.0,
        },
        (BatakToba | Ntt | MalukuChristian | Minahasa | Toraja | Dayak | Papua, false, true) => {
            &Pool {
                first: CHRISTIAN_M_MODERN,
                second: CHRISTIAN_M,
                single: CHRISTIAN_M_MODERN,
                p_single: 0.6,
                p_triple: 0.0,
            }
        }
        (BatakToba | Ntt | MalukuChristian | Minahasa | Toraja | Dayak | Papua, true, true) => {
            &Pool {
                first: CHRISTIAN_F_MODERN,
                second: CHRISTIAN_F,
                single: CHRISTIAN_F_MODERN,
                p_single: 0.6,
                p_triple: 0.0,
            }
        }
        (Papua, false, false) => &Pool {
            first: PAPUA_M,
            second: CHRISTIAN_M,
            single: PAPUA_M,
            p_single: 0.7,
            p_triple: 0.0,
        },
        (Papua, true, false) => &Pool {
            first: PAPUA_F,
            second: CHRISTIAN_F,
            single: PAPUA_F,
            p_single: 0.7,
            p_triple: 0.0,
        },
        (Dayak, false, false) => &Pool {
            first: CHRISTIAN_M,
            second: DAYAK_M2,
            single: CHRISTIAN_M,
            p_single: 0.3,
            p_triple: 0.0,
        },
        (Dayak, true, false) => &Pool {
            first: CHRISTIAN_F,
            second: DAYAK_F2,
            single: CHRISTIAN_F,
            p_single: 0.3,
            p_triple: 0.0,
        },
        (_, false, false) => &Pool {
            first: CHRISTIAN_M,
            second: CHRISTIAN_M,
            single: CHRISTIAN_M,
            p_single: 0.65,
            p_triple: 0.0,
        },
        (_, true, false) => &Pool {
            first: CHRISTIAN_F,
            second: CHRISTIAN_F,
            single: CHRISTIAN_F,
            p_single: 0.65,
            p_triple: 0.0,
        },
        (Balinese, _, _) => unreachable!("Balinese names are built from birth-order names"),
    }
}

const JAVA_M1: &[&str] = &[
    "Agus", "Bambang", "Budi", "Joko", "Eko", "Dwi", "Tri", "Heru", "Slamet", "Sugeng", "Teguh",
    "Hadi", "Rudi", "Yudi", "Dedi", "Hari", "Arif", "Wahyu", "Bayu", "Anton", "Edi", "Imam",
    "Didik", "Nanang", "Sigit", "Totok", "Endro", "Catur", "Puji", "Yoyok",
];
const JAVA_M2: &[&str] = &[
    "Santoso",
    "Prasetyo",
    "Nugroho",
    "Setiawan",
    "Kurniawan",
    "Wibowo",
    "Susanto",
    "Cahyono",
    "Purnomo",
    "Hartono",
    "Haryanto",
    "Sutrisno",
    "Suparman",
    "Wahyudi",
    "Suyanto",
    "Sumarno",
    "Mulyono",
    "Priyono",
    "Sarwono",
    "Suwarno",
    "Sugiarto",
    "Triyono",
    "Darmawan",
    "Gunawan",
    "Supriyadi",
    "Sukirman",
    "Suprapto",
    "Sunarto",
    "Subagyo",
    "Raharjo",
    "Widodo",
    "Wiyono",
    "Riyanto",
    "Handoko",
    "Utomo",
    "Saputro",
    "Susilo",
    "Tukiman",
    "Paimin",
    "Kasiman",
    "Sukardi",
    "Sujatmiko",
    "Suharto",
    "Juwono",
];
const JAVA_F1: &[&str] = &[
    "Sri", "Siti", "Dwi", "Tri", "Eka", "Endang", "Rina", "Dewi", "Retno", "Ayu", "Yuni", "Wulan",
    "Indah", "Dian", "Ani", "Nur", "Tutik", "Rini", "Sari", "Lilik", "Umi", "Erna", "Kartika",
    "Ratna",
];
const JAVA_F2: &[&str] = &[
    "Wahyuni",
    "Rahayu",
    "Lestari",
    "Handayani",
    "Suryani",
    "Sulistyowati",
    "Wulandari",
    "Purwanti",
    "Susilowati",
    "Mulyani",
    "Kusumawati",
    "Setyaningsih",
    "Puspitasari",
    "Rahmawati",
    "Anggraini",
    "Maryati",
    "Sumarni",
    "Suparmi",
    "Sukarti",
    "Tuminah",
    "Sriyati",
    "Sulastri",
    "Partini",
    "Sumiyati",
    "Ningsih",
    "Widayati",
    "Astuti",
    "Hartini",
    "Supriyati",
    "Rusmini",
    "Suwarni",
    "Kasmini",
    "Wartini",
    "Juwariyah",
];
const JAVA_M1_MODERN: &[&str] = &[
    "Aditya", "Dimas", "Bagus", "Yoga", "Galih", "Rizky", "Fajar", "Andika", "Bima", "Rendi",
    "Danang", "Arya", "Satria", "Wisnu", "Muhammad", "Yusuf",
];
const JAVA_M2_MODERN: &[&str] = &[
    "Pratama",
    "Saputra",
    "Ramadhan",
    "Prasetya",
    "Nugraha",
    "Wicaksono",
    "Kusuma",
    "Wijaya",
    "Setiawan",
    "Firmansyah",
    "Hidayat",
    "Maulana",
    "Aji",
    "Cahyo",
    "Pamungkas",
];
const JAVA_F1_MODERN: &[&str] = &[
    "Putri", "Ayu", "Dinda", "Nadia", "Anisa", "Citra", "Intan", "Bella", "Dita", "Ratih", "Laras",
    "Tiara", "Nabila", "Aulia", "Yulia", "Cahya",
];
const JAVA_F2_MODERN: &[&str] = &[
    "Maharani",
    "Puspita",
    "Lestari",
    "Anggraeni",
    "Safitri",
    "Rahmawati",
    "Kusumaningrum",
    "Pertiwi",
    "Wulandari",
    "Cahyani",
    "Salsabila",
    "Oktaviani",
    "Permatasari",
    "Juliana",
];
const SUNDA_M1: &[&str] = &[
    "Asep", "Ujang", "Dadang", "Cecep", "Deden", "Iwan", "Ade", "Yayat", "Dede", "Engkus", "Aceng",
    "Oman", "Nana", "Dudung", "Endang", "Jajang", "Encep", "Usep", "Yana", "Entis",
];
const SUNDA_M2: &[&str] = &[
    "Sunarya",
    "Saepudin",
    "Hidayat",
    "Suhendar",
    "Kurnia",
    "Permana",
    "Sopian",
    "Ruhiyat",
    "Setiawan",
    "Gunawan",
    "Rukmana",
    "Suryana",
    "Mulyana",
    "Supriatna",
    "Sulaeman",
    "Hermawan",
    "Sumantri",
    "Sutisna",
    "Rohendi",
    "Rustandi",
    "Juhana",
    "Cahyadi",
];
const SUNDA_F1: &[&str] = &[
    "Euis", "Iis", "Neneng", "Enok", "Cucu", "Imas", "Ai", "Yati", "Elis", "Tuti", "Nining",
    "Nenden", "Lilis", "Popon", "Entin", "Yeni", "Ela", "Titin", "Rina", "Dewi",
];
const SUNDA_F2: &[&str] = &[
    "Sumiati",
    "Rohmah",
    "Nurhayati",
    "Kurniasih",
    "Rostika",
    "Suryani",
    "Komalasari",
    "Sulastri",
    "Kartini",
    "Rahayu",
    "Nuraeni",
    "Rosmiati",
    "Juariah",
    "Hayati",
    "Karlina",
    "Marlina",
    "Mulyati",
    "Ratnasari",
    "Yuliani",
    "Kusmiati",
    "Cahyati",
];
const MINANG_M1: &[&str] = &[
    "Afrizal",
    "Zulkarnain",
    "Syafrizal",
    "Yusrizal",
    "Hendri",
    "Irwan",
    "Rahmat",
    "Fauzi",
    "Ridwan",
    "Syahrul",
    "Jasman",
    "Firdaus",
    "Erizal",
    "Yulizar",
    "Novrizal",
    "Dasril",
    "Zulfikar",
    "Nasrul",
    "Amril",
    "Yusuf",
];
const MINANG_M2: &[&str] = &[
    "Putra",
    "Syahputra",
    "Saputra",
    "Rahman",
    "Hidayat",
    "Efendi",
    "Hamdani",
    "Ilyas",
    "Chaniago",
];
const MINANG_F1: &[&str] = &[
    "Yusnimar",
    "Rosmaniar",
    "Yulia",
    "Fitri",
    "Rahmi",
    "Nurhasanah",
    "Desi",
    "Novi",
    "Yenni",
    "Elfi",
    "Rina",
    "Syafitri",
    "Mardiah",
    "Asmah",
    "Yusnidar",
    "Rosnida",
    "Zuraida",
    "Ernawati",
    "Yulinar",
    "Nurmaini",
];
const MINANG_F2: &[&str] = &[
    "Putri",
    "Yanti",
    "Wati",
    "Sari",
    "Hayati",
    "Rahmadani",
    "Yusra",
    "Juwita",
];
const MUSLIM_M1: &[&str] = &[
    "Muhammad",
    "Ahmad",
    "Abdul",
    "Syahrul",
    "Zulkifli",
    "Hasan",
    "Ismail",
    "Rahmat",
    "Ridwan",
    "Samsul",
    "Yusuf",
    "Hamzah",
    "Umar",
    "Ali",
    "Andi",
    "Syamsuddin",
    "Nasrul",
    "Irfan",
    "Rizal",
    "Faisal",
    "Taufik",
    "Hendra",
    "Saiful",
    "Jamal",
    "Darwis",
    "Baharuddin",
    "Nurdin",
    "Sulaiman",
    "Muhammad",
    "Muhammad",
];
const MUSLIM_M1_SINGLE: &[&str] = &[
    "Syahrul",
    "Zulkifli",
    "Hasan",
    "Ismail",
    "Rahmat",
    "Ridwan",
    "Samsul",
    "Yusuf",
    "Hamzah",
    "Umar",
    "Syamsuddin",
    "Nasrul",
    "Irfan",
    "Rizal",
    "Faisal",
    "Taufik",
    "Hendra",
    "Saiful",
    "Jamal",
    "Darwis",
    "Baharuddin",
    "Nurdin",
    "Sulaiman",
    "Juhri",
    "Chairul",
];
const MUSLIM_M2: &[&str] = &[
    "Rahman",
    "Hakim",
    "Hidayat",
    "Ramadhan",
    "Saputra",
    "Basri",
    "Idris",
    "Hasanuddin",
    "Ibrahim",
    "Amin",
    "Syarif",
    "Abdullah",
    "Husain",
    "Effendi",
    "Kadir",
    "Latif",
    "Zainuddin",
    "Syahputra",
    "Arifin",
    "Anwar",
    "Hamid",
    "Yunus",
    "Jafar",
    "Yusuf",
    "Kurniawan",
];
const MUSLIM_F1: &[&str] = &[
    "Siti", "Nur", "Nurul", "Fatimah", "Aisyah", "Rahmah", "Halimah", "Maryam", "Salmah", "Rosnah",
    "Hasnah", "Ratna", "Yanti", "Fitri", "Sitti", "Andi", "Hajrah", "Juwita", "Zubaidah", "Rukiah",
    "Wati", "Siti", "Nur",
];
const MUSLIM_F1_SINGLE: &[&str] = &[
    "Fatimah",
    "Aisyah",
    "Rahmah",
    "Halimah",
    "Maryam",
    "Salmah",
    "Rosnah",
    "Hasnah",
    "Nurhayati",
    "Hajrah",
    "Zubaidah",
    "Rukiah",
    "Jamilah",
    "Khadijah",
    "Rosmiati",
    "Nuraini",
    "Kasmawati",
    "Chadijah",
];
const MUSLIM_F2: &[&str] = &[
    "Aminah",
    "Rahmawati",
    "Fitriani",
    "Nurjanah",
    "Hasanah",
    "Marlina",
    "Sari",
    "Wahyuni",
    "Hayati",
    "Rosmini",
    "Mariana",
    "Hartati",
    "Nuraini",
    "Zahara",
    "Khadijah",
    "Yusnidar",
    "Jumiati",
    "Rosdiana",
    "Suriani",
    "Haryati",
];
const MUSLIM_M1_MODERN: &[&str] = &[
    "Muhammad", "Ahmad", "Rizki", "Fajar", "Ilham", "Fauzan", "Farhan", "Rafi", "Alif", "Dimas",
    "Raka", "Daffa", "Haikal", "Zidan", "Arkan", "Akbar", "Reza", "Naufal", "Muhammad",
];
const MUSLIM_M2_MODERN: &[&str] = &[
    "Ramadhan",
    "Pratama",
    "Saputra",
    "Hidayat",
    "Maulana",
    "Fadillah",
    "Alfarizi",
    "Firmansyah",
    "Akbar",
    "Rizki",
    "Hakim",
    "Syahputra",
    "Kurniawan",
    "Nugraha",
    "Zulfikar",
];
const MUSLIM_F1_MODERN: &[&str] = &[
    "Nabila",
    "Salsabila",
    "Aisyah",
    "Zahra",
    "Nayla",
    "Alya",
    "Khansa",
    "Syifa",
    "Anisa",
    "Putri",
    "Aulia",
    "Nurul",
    "Siti",
    "Dinda",
    "Fitri",
    "Cici",
];
const MUSLIM_F2_MODERN: &[&str] = &[
    "Azzahra",
    "Ramadhani",
    "Putri",
    "Rahmadani",
    "Safitri",
    "Amalia",
    "Khairunnisa",
    "Maharani",
    "Fitriani",
    "Aulia",
    "Lestari",
    "Febriani",
    "Oktavia",
    "Jannah",
];
const BATAK_M: &[&str] = &[
    "Parlindungan",
    "Togar",
    "Tigor",
    "Hotman",
    "Binsar",
    "Marihot",
    "Maruli",
    "Sahat",
    "Jonny",
    "Robert",
    "Hendrik",
    "Ronald",
    "Daniel",
    "Poltak",
    "Saut",
    "Jansen",
    "Bonar",
    "Tumpal",
    "Horas",
    "Rudolf",
    "Lamhot",
    "Mangasi",
    "Monang",
    "Juliper",
];
const BATAK_F: &[&str] = &[
    "Romauli",
    "Tiurma",
    "Rosmawati",
    "Rotua",
    "Hotnida",
    "Dame",
    "Lasma",
    "Sondang",
    "Mariani",
    "Ester",
    "Rina",
    "Debora",
    "Yohana",
    "Lisbet",
    "Rosmeri",
    "Tiarma",
    "Lamria",
    "Rugun",
    "Hotmaida",
    "Masniari",
    "Juita",
];
const BATAK_TOBA_MARGA: &[&str] = &[
    "Simanjuntak",
    "Sitompul",
    "Hutapea",
    "Sinaga",
    "Silalahi",
    "Pardede",
    "Simatupang",
    "Situmorang",
    "Hutagalung",
    "Panjaitan",
    "Manurung",
    "Sihombing",
    "Tambunan",
    "Gultom",
    "Butarbutar",
    "Siahaan",
    "Napitupulu",
    "Pangaribuan",
    "Hutabarat",
    "Simbolon",
    "Sembiring",
    "Ginting",
    "Tarigan",
    "Perangin-angin",
    "Purba",
    "Saragih",
    "Damanik",
    "Sitorus",
    "Siregar",
];
const BATAK_MUSLIM_MARGA: &[&str] = &[
    "Nasution",
    "Harahap",
    "Lubis",
    "Siregar",
    "Hasibuan",
    "Pulungan",
    "Rangkuti",
    "Daulay",
    "Batubara",
    "Matondang",
    "Ritonga",
    "Dalimunthe",
];
const BALI_ORDER: [&[&str]; 4] = [
    &["Wayan", "Putu", "Gede"],
    &["Made", "Kadek"],
    &["Nyoman", "Komang"],
    &["Ketut"],
];
const BALI_FIRST_FEMALE: &[&str] = &["Wayan", "Putu", "Luh"];
const BALI_MALE: &[&str] = &[
    "Sudarsana",
    "Suardana",
    "Sukadana",
    "Adnyana",
    "Wirawan",
    "Mertayasa",
    "Arsana",
    "Suarjana",
    "Budiasa",
    "Sudiarta",
    "Mahendra",
    "Artawan",
    "Widiana",
    "Sutama",
    "Parwata",
    "Suweta",
    "Darmawan",
    "Astawa",
    "Suparta",
    "Yasa",
    "Juliarta",
];
const BALI_FEMALE: &[&str] = &[
    "Sukerti",
    "Suartini",
    "Ariani",
    "Sudiartini",
    "Wardani",
    "Sriasih",
    "Murniasih",
    "Kartini",
    "Lestari",
    "Widiastuti",
    "Sukarmi",
    "Suwastini",
    "Suciati",
    "Mariani",
    "Sulasmini",
    "Sutarini",
    "Puspawati",
    "Arsini",
    "Darmini",
    "Juliani",
];
const TIONGHOA_M: &[&str] = &[
    "Hendra", "Budi", "Kevin", "Michael", "Steven", "Vincent", "Andreas", "Rudi", "Hendrik",
    "William", "Robert", "Jonathan", "Sugianto", "Johan", "Ferry", "Edy", "Yohanes", "Cahyadi",
];
const TIONGHOA_F: &[&str] = &[
    "Lili", "Susanti", "Yanti", "Stefanie", "Cindy", "Jessica", "Melinda", "Lina", "Meiliana",
    "Vivian", "Sherly", "Angelina", "Lanny", "Linda", "Fenny", "Yenny", "Juliana",
];
const TIONGHOA_FAMILY: &[&str] = &[
    "Wijaya",
    "Gunawan",
    "Halim",
    "Salim",
    "Tanoto",
    "Santoso",
    "Hartono",
    "Sutanto",
    "Tanjaya",
    "Kusuma",
    "Lim",
    "Tan",
    "Gozali",
    "Setiadi",
    "Wibisono",
    "Kurniawan",
    "Susanto",
    "Chandra",
    "Hidayat",
    "Tjandra",
];
const CHRISTIAN_M: &[&str] = &[
    "Yohanes",
    "Petrus",
    "Paulus",
    "Markus",
    "Yakobus",
    "Stefanus",
    "Agustinus",
    "Fransiskus",
    "Yosef",
    "Nikolas",
    "Frans",
    "Daniel",
    "Yulius",
    "Alfons",
    "Benediktus",
    "Kornelis",
    "Matius",
    "Simon",
    "Elias",
    "Lukas",
    "Yulianus",
    "Aloysius",
    "Laurensius",
    "Hendrik",
    "Semuel",
    "Obed",
    "Marthen",
    "Yeremias",
    "Demianus",
    "Zakarias",
    "Melkianus",
    "Yusuf",
];
const CHRISTIAN_F: &[&str] = &[
    "Maria",
    "Yosefina",
    "Agustina",
    "Fransiska",
    "Yuliana",
    "Margaretha",
    "Ester",
    "Magdalena",
    "Theresia",
    "Veronika",
    "Yosina",
    "Fransina",
    "Selfina",
    "Debora",
    "Rebeka",
    "Lusia",
    "Anastasia",
    "Elisabet",
    "Regina",
    "Martha",
    "Yohana",
    "Naomi",
    "Adolfina",
    "Yakomina",
    "Paulina",
    "Sara",
    "Rut",
];
const CHRISTIAN_M_MODERN: &[&str] = &[
    "Kevin",
    "Michael",
    "Christian",
    "Daniel",
    "Gabriel",
    "Jonathan",
    "Felix",
    "Nathan",
    "Yosua",
    "Steven",
    "Ryan",
    "Glen",
    "Brayen",
    "Kristian",
    "Yohanes",
];
const CHRISTIAN_F_MODERN: &[&str] = &[
    "Angelina", "Grace", "Jessica", "Natalia", "Gracia", "Cindy", "Yohana", "Stefani", "Clara",
    "Feby", "Priska", "Gloria", "Christin", "Melani", "Maria",
];
const PAPUA_M: &[&str] = &[
    "Yance",
    "Otis",
    "Decky",
    "Beni",
    "Yan",
    "Nus",
    "Herman",
    "Titus",
    "Yeheskiel",
    "Amos",
    "Yohanes",
    "Markus",
    "Petrus",
    "Yulianus",
    "Nikolas",
    "Demianus",
    "Obaja",
    "Yakob",
    "Lukas",
    "Musa",
];
const PAPUA_F: &[&str] = &[
    "Yosina", "Fransina", "Mince", "Yakomina", "Orpa", "Dorkas", "Ance", "Selina", "Maria",
    "Agustina", "Ester", "Yuliana", "Naomi", "Martha", "Sarlota", "Lea",
];
const DAYAK_M2: &[&str] = &[
    "Herman",
    "Kristianto",
    "Edison",
    "Yanto",
    "Sudirman",
    "Jarau",
    "Ringo",
    "Anyau",
    "Lambang",
];
const DAYAK_F2: &[&str] = &[
    "Lusiana", "Kristina", "Dayang", "Yanti", "Ria", "Marlina", "Susana",
];
const NTT_FAMILY: &[&str] = &[
    "Ndun",
    "Manafe",
    "Tefa",
    "Bani",
    "Nenobais",
    "Lake",
    "Tallo",
    "Ratu",
    "Sogen",
    "Kolo",
    "Nahak",
    "Bria",
    "Seran",
    "Atok",
    "Pandie",
    "Haning",
    "Benu",
    "Nope",
    "Tanone",
    "Sinlae",
    "Fanggidae",
    "Lado",
    "Koten",
    "Making",
    "Kelen",
    "da Costa",
    "Fernandez",
    "Pereira",
    "Lewar",
    "Daton",
];
const MALUKU_CHRISTIAN_FAMILY: &[&str] = &[
    "Pattinama",
    "Pattiasina",
    "Tuhumury",
    "Sahetapy",
    "Matulessy",
    "Wattimena",
    "Huwae",
    "Tupamahu",
    "Manuputty",
    "Latumahina",
    "Leatemia",
    "Pesulima",
    "Siwabessy",
    "Tahapary",
    "Sopacua",
    "Lewerissa",
    "Nanlohy",
    "Latupeirissa",
    "Rehatta",
    "Souisa",
];
const MALUKU_MUSLIM_FAMILY: &[&str] = &[
    "Latuconsina",
    "Ohorella",
    "Tuasikal",
    "Marasabessy",
    "Pellu",
    "Tuanaya",
    "Lestaluhu",
    "Ollong",
    "Tomia",
    "Tuakia",
    "Wailissa",
    "Sangadji",
    "Umasugi",
    "Tuharea",
];
const MINAHASA_FAMILY: &[&str] = &[
    "Pangemanan",
    "Sumampouw",
    "Wenas",
    "Rumengan",
    "Lumentut",
    "Mandagi",
    "Supit",
    "Lasut",
    "Kalalo",
    "Tumbelaka",
    "Rondonuwu",
    "Kaunang",
    "Sondakh",
    "Mamahit",
    "Rompas",
    "Tumewu",
    "Wowor",
    "Pontoh",
    "Karamoy",
    "Runtuwene",
];
const TORAJA_FAMILY: &[&str] = &[
    "Pasulu",
    "Palinggi",
    "Sampe",
    "Tandirerung",
    "Parinding",
    "Pakiding",
    "Rombe",
    "Toding",
];
const PAPUA_FAMILY: &[&str] = &[
    "Wenda", "Tabuni", "Wonda", "Kogoya", "Murib", "Yikwa", "Wanimbo", "Rumbiak", "Mandowen",
    "Kambu", "Ayomi", "Korwa", "Sawaki", "Yoku", "Rumbewas", "Gebze", "Mahuze", "Kambuaya",
    "Gobai", "Pigai", "Degei", "Tebay", "Kayame", "Wakerkwa", "Elopere", "Wetipo", "Lokbere",
    "Hisage", "Karoba", "Mandacan",
];

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn old_spelling_examples() {
        assert_eq!(old_spelling("Suharto"), "Soeharto");
        assert_eq!(old_spelling("Joko"), "Djoko");
        assert_eq!(old_spelling("Cahyono"), "Tjahjono");
        assert_eq!(old_spelling("Yusuf"), "Joesoef");
        assert_eq!(old_spelling("Nyoman"), "Njoman");
        assert_eq!(old_spelling("Wijaya"), "Widjaja");
        assert_eq!(old_spelling("Khadijah"), "Chadidjah");
        assert_eq!(old_spelling("Maulana"), "Maulana");
        assert_eq!(old_u("Aulia Susanti"), "Aulia Soesanti");
    }

    #[test]
    fn names_are_plausible_in_every_culture() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        for province in [11, 12, 13, 31, 32, 33, 51, 53, 71, 81, 95] {
            for _ in 0..200 {
                let culture = draw_culture(&mut rng, culture_mix(province));
                for sex in [Sex::Male, Sex::Female] {
                    let req = NameRequest {
                        culture,
                        sex,
                        birth_year: rng.random_range(1935..2025),
                        family: culture.draw_family(&mut rng),
                        birth_order: rng.random_range(0..6),
                    };
                    let n = draw_name(&mut rng, &req);
                    let s = n.render();
                    assert!(!s.trim().is_empty());
                    assert_eq!(
                        s,
                        s.split_whitespace().collect::<Vec<_>>().join(" "),
                        "{s:?}"
                    );
                    assert!(n.words.len() <= 6, "{s}");
                }
            }
        }
    }

    #[test]
    fn variants_change_the_name_when_they_can() {
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let name = Name {
            prefix: None,
            words: vec![
                Cow::Borrowed("Muhammad"),
                Cow::Borrowed("Rizki"),
                Cow::Borrowed("Pratama"),
            ],
            suffix: None,
        };
        let mut changed = 0;
        for _ in 0..200 {
            let v = variant(&mut rng, &name, Sex::Male, 40, true);
            assert!(!v.render().is_empty());
            if v != name {
                changed += 1;
            }
        }
        assert!((160..200).contains(&changed), "{changed}");
    }
}
