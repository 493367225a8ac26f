//! Every error code Setara reports is documented in `docs/errors.md`, exactly once, and that
//! table documents no code that no longer exists.
//!
//! # How codes are found
//!
//! A small scanner (std only: a tokenizer for Rust source and a few patterns over its tokens)
//! reads every `.rs` file under `src/` and `crates/*/src/`, whatever its name, so a code that
//! moves from one file or crate to another is still found. Comments and items marked
//! `#[cfg(test)]` are skipped. A code is a snake_case string literal (`household_not_found`) in
//! one of these places:
//!
//! 1. **The code argument of a constructor.** A constructor is any function or method with a
//!    parameter `code: &'static str` (`Failure::invalid`, `Failure::failed`, `Failure::new`,
//!    `setara_app::Error::{new, invalid, internal}`, and small wrappers such as a command's
//!    `fn usage(code: &'static str, …)`). Its calls are `Type::name(…)` in the same crate for a
//!    method of `impl Type`, and `name(…)` in the same file for a free function; arguments may
//!    span several lines. Every snake_case literal in the code argument counts (so
//!    `if … { "file_not_found" } else { "file_io" }` gives both). When the argument is not a
//!    literal, the scanner follows it one step:
//!    - a local variable (`code`), from its binding in the enclosing function: the literals of
//!      `let code = …;`, or for a tuple pattern (`let (code, id) = …`, `Some((code, id, en))`)
//!      the literals at the same place of every tuple in the function (`("code", id, en)`);
//!    - a field (`f.directory`): every initialiser of that field, `directory: "…"`, anywhere in
//!      the scanned source (a field named `code` is an error's own code being passed on);
//!    - a call (`e.code()`, `stats_code(e)`) or a parameter of the enclosing constructor: the
//!      code was made elsewhere and is found there.
//!
//!    The kind of a call is its `Kind`/`ErrorKind` argument when the constructor takes one, else
//!    the kind of the constructor it calls with its own `code` (so `Failure::invalid` is
//!    `invalid`, `Failure::failed` is `internal`, a wrapper around `Kind::Usage` is `usage`).
//! 2. **The body of an error type's code function**: a function named `code` or ending in
//!    `_code` that returns `&'static str` and takes what it describes by reference
//!    (`fn code(&self)`, `fn stats_code(e: &StatsError)`): the `Localized` impls of the crates'
//!    error types, `setara_ledger::Error::code`, `setara_linkage::Error::code`, … Every
//!    snake_case literal of the body counts (the arms' right-hand sides).
//!
//! Not error codes, by that rule: `fn code(self)` by value, the code of a *value* (a closed code
//! list such as `Floor`, a verification finding's or rule's id, a programme or entitlement
//! state), and the code functions of types named `…Warning` (the rule checker's warnings are
//! printed beside a result, never as an error). The finding ids of `setara nik` are error codes
//! there, since the command fails with the first one.
//!
//! The JSON `{"error": {"code", "message", "exit_code"}}` is only ever built from a `Failure`
//! (`Failure::to_json`), and a wrong command line is `Failure::new(Kind::Usage, "usage", …)`,
//! so both are found by rule 1.
//!
//! # Limits
//!
//! A code that reaches a `Failure` or `setara_app::Error` some other way is not seen: a struct
//! literal `Failure { code: "…", … }`, a constant, a code computed at run time, a wrapper whose
//! parameter is not named `code`, a constructor called through a `use … as` alias. A non-literal
//! code argument the scanner cannot follow fails this test with its place, so that the scanner
//! is taught the new form or the code is written as a literal. The tuple rule may take a
//! snake_case literal that is not a code (it would show up as an undocumented code). The kind of
//! a code made by a code function is not known to the scanner (it depends on the caller:
//! `impl From<StoreError> for Error`, `setara_app::ledger::ledger_error`, …); such rows are
//! checked against the corpus only.
//!
//! As the independent check that the scanner misses nothing important, every `code` expected
//! by the malformed-input corpus (`tests/corpus/*/cases.toml`, read with the `toml`
//! dev-dependency) must be among the codes found, and the exit code documented for it must be
//! the one the case expects.
//!
//! # What is checked of `docs/errors.md`
//!
//! The table rows under `## Codes` whose first cell is a code in backquotes are the documented
//! codes: code, kind, exit code, meaning. Each code is one row; each kind is one of not_found,
//! conflict, invalid, forbidden, unavailable, internal, usage and the exit code is the kind's
//! (usage 2, unavailable and internal 3, the others 1); where every site of a code that tells
//! its kind agrees on an exit code, the table says that exit code. The rows under
//! `## Renamed codes` (old code, new code, …) may only name old codes that are gone and new
//! codes that are documented.
//!
//! `ERROR_CODES_DRAFT=1 cargo test --test error_codes -- --nocapture` prints a draft row for
//! every code found (kind and English message taken from its sites), to start a row from.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

const KINDS: &[(&str, u8)] = &[
    ("not_found", 1),
    ("conflict", 1),
    ("invalid", 1),
    ("forbidden", 1),
    ("unavailable", 3),
    ("internal", 3),
    ("usage", 2),
];

fn exit_of(kind: &str) -> Option<u8> {
    KINDS.iter().find(|(k, _)| *k == kind).map(|&(_, e)| e)
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn is_code(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b[0].is_ascii_lowercase()
        && !s.ends_with('_')
        && !s.contains("__")
        && b.iter()
            .all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_')
}

// ---------------------------------------------------------------------------------------------
// Tokens

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum T {
    Ident,
    Str,
    Punct,
    Other,
}

#[derive(Clone, Debug)]
struct Tok {
    t: T,
    text: String,
    line: usize,
}

/// Rust source as tokens: identifiers (keywords included), string literals (their value),
/// single punctuation characters, and the rest (numbers, characters, lifetimes). Comments and
/// whitespace are dropped.
fn lex(src: &str) -> Vec<Tok> {
    let c: Vec<char> = src.chars().collect();
    let n = c.len();
    let at = |i: usize| c.get(i).copied().unwrap_or('\0');
    let mut toks = Vec::new();
    let (mut i, mut line) = (0, 1);
    let push = |toks: &mut Vec<Tok>, t, text: String, line| toks.push(Tok { t, text, line });
    while i < n {
        let ch = c[i];
        if ch == '\n' {
            line += 1;
            i += 1;
        } else if ch.is_whitespace() {
            i += 1;
        } else if ch == '/' && at(i + 1) == '/' {
            while i < n && c[i] != '\n' {
                i += 1;
            }
        } else if ch == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            while i < n {
                if c[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if c[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if c[i] == '\n' {
                        line += 1;
                    }
                    i += 1;
                }
            }
        } else if ch == '"' {
            let start = line;
            let (value, end) = string(&c, i + 1, &mut line);
            push(&mut toks, T::Str, value, start);
            i = end;
        } else if ch == '\'' {
            // A character literal ('a', '\n', '\'', '\u{1F600}') or a lifetime ('static).
            let end = if at(i + 1) == '\\' {
                let mut j = i + 3;
                while j < n && c[j] != '\'' {
                    j += 1;
                }
                j + 1
            } else if at(i + 2) == '\'' {
                i + 3
            } else {
                let mut j = i + 1;
                while j < n && (c[j].is_alphanumeric() || c[j] == '_') {
                    j += 1;
                }
                j
            };
            push(&mut toks, T::Other, c[i..end].iter().collect(), line);
            i = end;
        } else if ch.is_alphabetic() || ch == '_' {
            let mut j = i;
            while j < n && (c[j].is_alphanumeric() || c[j] == '_') {
                j += 1;
            }
            let word: String = c[i..j].iter().collect();
            let prefix = matches!(word.as_str(), "b" | "r" | "br" | "c" | "cr");
            let raw = word.ends_with('r') && prefix;
            if prefix && at(j) == '"' && !raw {
                let start = line;
                let (value, end) = string(&c, j + 1, &mut line);
                push(&mut toks, T::Str, value, start);
                i = end;
            } else if raw && (at(j) == '"' || at(j) == '#') {
                let mut hashes = 0;
                while at(j + hashes) == '#' {
                    hashes += 1;
                }
                if at(j + hashes) == '"' {
                    let start = line;
                    let open = j + hashes + 1;
                    let mut k = open;
                    while k < n && !(c[k] == '"' && (0..hashes).all(|h| at(k + 1 + h) == '#')) {
                        if c[k] == '\n' {
                            line += 1;
                        }
                        k += 1;
                    }
                    push(&mut toks, T::Str, c[open..k.min(n)].iter().collect(), start);
                    i = k + 1 + hashes;
                } else {
                    // A raw identifier, r#type.
                    let mut k = j + 1;
                    while k < n && (c[k].is_alphanumeric() || c[k] == '_') {
                        k += 1;
                    }
                    push(&mut toks, T::Ident, c[j + 1..k].iter().collect(), line);
                    i = k;
                }
            } else {
                push(&mut toks, T::Ident, word, line);
                i = j;
            }
        } else if ch.is_ascii_digit() {
            let mut j = i;
            while j < n
                && (c[j].is_alphanumeric()
                    || c[j] == '_'
                    || (c[j] == '.' && at(j + 1).is_ascii_digit()))
            {
                j += 1;
            }
            push(&mut toks, T::Other, c[i..j].iter().collect(), line);
            i = j;
        } else {
            push(&mut toks, T::Punct, ch.to_string(), line);
            i += 1;
        }
    }
    toks
}

/// The value of a string literal whose text starts at `i` (after the quote), and the index
/// after its closing quote.
fn string(c: &[char], mut i: usize, line: &mut usize) -> (String, usize) {
    let mut v = String::new();
    while i < c.len() && c[i] != '"' {
        match c[i] {
            '\\' => {
                let e = c.get(i + 1).copied().unwrap_or('\\');
                i += 2;
                match e {
                    'n' => v.push('\n'),
                    't' => v.push('\t'),
                    'r' => v.push('\r'),
                    '0' => v.push('\0'),
                    '\n' => {
                        *line += 1;
                        while i < c.len() && c[i].is_whitespace() {
                            if c[i] == '\n' {
                                *line += 1;
                            }
                            i += 1;
                        }
                    }
                    'u' => {
                        let end = (i..c.len()).find(|&k| c[k] == '}').unwrap_or(i);
                        let hex: String =
                            c[i..end].iter().filter(|x| x.is_ascii_hexdigit()).collect();
                        v.extend(u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32));
                        i = end + 1;
                    }
                    'x' => {
                        let hex: String = c[i..(i + 2).min(c.len())].iter().collect();
                        v.extend(u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32));
                        i += 2;
                    }
                    other => v.push(other),
                }
            }
            ch => {
                if ch == '\n' {
                    *line += 1;
                }
                v.push(ch);
                i += 1;
            }
        }
    }
    (v, i + 1)
}

fn is(t: &Tok, text: &str) -> bool {
    t.t != T::Str && t.text == text
}

/// The index of the bracket closing the one at `open`.
fn close(toks: &[Tok], open: usize) -> usize {
    let mut depth = 0usize;
    for (k, t) in toks.iter().enumerate().skip(open) {
        if t.t != T::Punct {
            continue;
        }
        match t.text.as_str() {
            "(" | "[" | "{" => depth += 1,
            ")" | "]" | "}" => {
                depth -= 1;
                if depth == 0 {
                    return k;
                }
            }
            _ => {}
        }
    }
    toks.len() - 1
}

/// The arguments of the call whose `(` is at `open`, as token ranges split at top-level commas.
fn args(toks: &[Tok], open: usize) -> Vec<(usize, usize)> {
    split(toks, open, close(toks, open), false)
}

/// The token ranges between `open` and `end` split at commas outside brackets (and outside
/// angle brackets too with `angle`, for parameter lists: `HashMap<K, V>`).
fn split(toks: &[Tok], open: usize, end: usize, angle: bool) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0i32, open + 1);
    for (k, t) in toks.iter().enumerate().take(end).skip(open + 1) {
        if t.t != T::Punct {
            continue;
        }
        let arrow = is(&toks[k - 1], "-");
        match t.text.as_str() {
            "(" | "[" | "{" => depth += 1,
            ")" | "]" | "}" => depth -= 1,
            "<" if angle => depth += 1,
            ">" if angle && !arrow => depth -= 1,
            "," if depth == 0 => {
                out.push((start, k));
                start = k + 1;
            }
            _ => {}
        }
    }
    if start < end {
        out.push((start, end));
    }
    out
}

/// Removes the items marked `#[cfg(test)]` (test modules and test helpers).
fn drop_tests(toks: Vec<Tok>) -> Vec<Tok> {
    let mut out = Vec::with_capacity(toks.len());
    let mut i = 0;
    while i < toks.len() {
        let cfg_test = ["#", "[", "cfg", "(", "test", ")", "]"];
        if i + cfg_test.len() <= toks.len()
            && cfg_test
                .iter()
                .enumerate()
                .all(|(k, s)| is(&toks[i + k], s))
        {
            // Skip to the end of the item: its first `{ … }` or `;` at depth 0.
            let mut k = i + cfg_test.len();
            while k < toks.len() && !is(&toks[k], "{") && !is(&toks[k], ";") {
                k += 1;
            }
            i = if k < toks.len() && is(&toks[k], "{") {
                close(&toks, k) + 1
            } else {
                k + 1
            };
            continue;
        }
        out.push(toks[i].clone());
        i += 1;
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Functions and constructors

#[derive(Debug)]
struct Param {
    name: String,
    ty: Vec<Tok>,
}

#[derive(Debug)]
struct Func {
    name: String,
    /// `Some(true)` for `&self`, `Some(false)` for `self` by value.
    self_ref: Option<bool>,
    params: Vec<Param>,
    ret: Vec<Tok>,
    /// Token indices of the body's braces.
    body: (usize, usize),
    impl_type: Option<String>,
}

struct File {
    /// Path from the repository root, with `/`.
    rel: String,
    /// `setara` for `src/`, else the crate's directory name.
    krate: String,
    toks: Vec<Tok>,
    fns: Vec<Func>,
}

impl File {
    /// `rel` is the path from the repository root, with `/`.
    fn parse(rel: String, src: &str) -> File {
        let krate = match rel.strip_prefix("crates/") {
            Some(rest) => rest.split('/').next().unwrap().to_string(),
            None => "setara".to_string(),
        };
        let toks = drop_tests(lex(src));
        let impls = impls(&toks);
        let fns = functions(&toks, &impls);
        File {
            rel,
            krate,
            toks,
            fns,
        }
    }

    /// The innermost function whose body holds token `i`.
    fn enclosing(&self, i: usize) -> Option<&Func> {
        self.fns
            .iter()
            .filter(|f| f.body.0 < i && i < f.body.1)
            .max_by_key(|f| f.body.0)
    }
}

/// `impl` blocks: the type they are for (`impl Trait for Type`, `impl<T> Type<T>`) and the
/// token range of their braces.
fn impls(toks: &[Tok]) -> Vec<(String, usize, usize)> {
    let mut out = Vec::new();
    for i in 0..toks.len() {
        if !is(&toks[i], "impl") {
            continue;
        }
        // Only an item: `impl` in a type (`impl Into<String>`) follows `:`, `->`, `(`, `<`, `,`.
        let item = i == 0
            || ["}", ";", "{", "]", "unsafe"]
                .iter()
                .any(|s| is(&toks[i - 1], s));
        if !item {
            continue;
        }
        let Some(open) = (i..toks.len()).find(|&k| is(&toks[k], "{") || is(&toks[k], ";")) else {
            continue;
        };
        if !is(&toks[open], "{") {
            continue;
        }
        let header = &toks[i + 1..open];
        let tail = match header.iter().position(|t| is(t, "for")) {
            Some(p) => &header[p + 1..],
            None => header,
        };
        let mut angle = 0i32;
        let mut name = None;
        for (k, t) in tail.iter().enumerate() {
            if is(t, "<") {
                angle += 1;
            } else if is(t, ">") && !(k > 0 && is(&tail[k - 1], "-")) {
                angle -= 1;
            } else if t.t == T::Ident && angle == 0 && t.text != "where" {
                name = Some(t.text.clone());
            } else if is(t, "where") {
                break;
            }
        }
        if let Some(name) = name {
            out.push((name, open, close(toks, open)));
        }
    }
    out
}

fn functions(toks: &[Tok], impls: &[(String, usize, usize)]) -> Vec<Func> {
    let mut out = Vec::new();
    for i in 0..toks.len().saturating_sub(2) {
        if !is(&toks[i], "fn") || toks[i + 1].t != T::Ident {
            continue;
        }
        let Some(open) = (i + 2..toks.len()).find(|&k| is(&toks[k], "(")) else {
            continue;
        };
        let close_params = close(toks, open);
        let Some(body) =
            (close_params..toks.len()).find(|&k| is(&toks[k], "{") || is(&toks[k], ";"))
        else {
            continue;
        };
        if !is(&toks[body], "{") {
            continue; // a declaration in a trait
        }
        let mut self_ref = None;
        let mut params = Vec::new();
        for (a, b) in split(toks, open, close_params, true) {
            let p = &toks[a..b];
            let colon = p.iter().position(|t| is(t, ":"));
            let pat = &p[..colon.unwrap_or(p.len())];
            if pat.iter().any(|t| is(t, "self")) {
                self_ref = Some(pat.iter().any(|t| is(t, "&")));
                continue;
            }
            let name = pat
                .iter()
                .rfind(|t| t.t == T::Ident)
                .map(|t| t.text.clone())
                .unwrap_or_default();
            let ty = colon.map(|c| p[c + 1..].to_vec()).unwrap_or_default();
            params.push(Param { name, ty });
        }
        let ret = toks[close_params + 1..body].to_vec();
        let impl_type = impls
            .iter()
            .filter(|(_, a, b)| *a < i && i < *b)
            .max_by_key(|(_, a, _)| *a)
            .map(|(n, _, _)| n.clone());
        out.push(Func {
            name: toks[i + 1].text.clone(),
            self_ref,
            params,
            ret,
            body: (body, close(toks, body)),
            impl_type,
        });
    }
    out
}

fn is_static_str(ty: &[Tok]) -> bool {
    let s: Vec<&str> = ty.iter().map(|t| t.text.as_str()).collect();
    s == ["&", "'static", "str"]
}

/// A function with a parameter `code: &'static str`.
struct Ctor {
    file: usize,
    func: usize,
    code: usize,
    /// The parameter giving the kind (`kind: Kind`, `kind: ErrorKind`), if any.
    kind: Option<usize>,
    /// The parameter giving the English message, if any.
    en: Option<usize>,
}

fn constructors(files: &[File]) -> Vec<Ctor> {
    let mut out = Vec::new();
    for (fi, f) in files.iter().enumerate() {
        for (k, func) in f.fns.iter().enumerate() {
            let Some(code) = func
                .params
                .iter()
                .position(|p| p.name == "code" && is_static_str(&p.ty))
            else {
                continue;
            };
            let kind = func.params.iter().position(|p| {
                p.ty.last()
                    .is_some_and(|t| t.t == T::Ident && t.text.ends_with("Kind"))
            });
            let en = func.params.iter().position(|p| p.name == "en");
            out.push(Ctor {
                file: fi,
                func: k,
                code,
                kind,
                en,
            });
        }
    }
    out
}

/// A call of a constructor: which, where its `(` is, its arguments.
struct Call {
    ctor: usize,
    open: usize,
    args: Vec<(usize, usize)>,
}

fn calls(files: &[File], ctors: &[Ctor], fi: usize, from: usize, to: usize) -> Vec<Call> {
    let f = &files[fi];
    let toks = &f.toks;
    let mut out = Vec::new();
    for i in from.max(1)..to.min(toks.len().saturating_sub(1)) {
        if toks[i].t != T::Ident || !is(&toks[i + 1], "(") {
            continue;
        }
        let name = toks[i].text.as_str();
        let path = (i >= 3 && is(&toks[i - 1], ":") && is(&toks[i - 2], ":"))
            .then(|| toks[i - 3].text.as_str());
        if is(&toks[i - 1], ".") || is(&toks[i - 1], "fn") {
            continue;
        }
        let found = ctors.iter().position(|c| {
            let func = &files[c.file].fns[c.func];
            func.name == name
                && match (&func.impl_type, path) {
                    (Some(t), Some(p)) => {
                        // `Type::name(` in the type's crate, `its_crate::Type::name(` anywhere.
                        let krate = &files[c.file].krate;
                        let qualified = i >= 6
                            && is(&toks[i - 4], ":")
                            && is(&toks[i - 5], ":")
                            && toks[i - 6].text == krate.replace('-', "_");
                        (t == p && (*krate == f.krate || qualified))
                            || (p == "Self" && c.file == fi)
                    }
                    (None, None) => c.file == fi,
                    _ => false,
                }
        });
        if let Some(ctor) = found {
            out.push(Call {
                ctor,
                open: i + 1,
                args: args(toks, i + 1),
            });
        }
    }
    out
}

fn kind_name(t: &str) -> Option<&'static str> {
    Some(match t {
        "Usage" => "usage",
        "Invalid" => "invalid",
        "Failed" | "Internal" => "internal",
        "NotFound" => "not_found",
        "Conflict" => "conflict",
        "Forbidden" => "forbidden",
        "Unavailable" => "unavailable",
        _ => return None,
    })
}

/// The kind of a call: its kind argument, else the kind of the call its constructor passes its
/// own `code` to.
fn call_kind(
    files: &[File],
    ctors: &[Ctor],
    fi: usize,
    call: &Call,
    depth: u32,
) -> Option<&'static str> {
    let c = &ctors[call.ctor];
    if let Some(k) = c.kind {
        // `Kind::Usage`; nothing when the argument is a variable or may be either of two kinds.
        let (a, b) = *call.args.get(k)?;
        let kinds: BTreeSet<&str> = files[fi].toks[a..b]
            .iter()
            .filter(|t| t.t == T::Ident)
            .filter_map(|t| kind_name(&t.text))
            .collect();
        return (kinds.len() == 1).then(|| *kinds.first().unwrap());
    }
    if depth > 8 {
        return None;
    }
    let func = &files[c.file].fns[c.func];
    let toks = &files[c.file].toks;
    calls(files, ctors, c.file, func.body.0, func.body.1)
        .iter()
        .find(|inner| {
            inner
                .args
                .get(ctors[inner.ctor].code)
                .is_some_and(|&(a, b)| b == a + 1 && is(&toks[a], "code"))
        })
        .and_then(|inner| call_kind(files, ctors, c.file, inner, depth + 1))
}

// ---------------------------------------------------------------------------------------------
// The scan

#[derive(Clone, Debug)]
struct Site {
    /// `file:line`.
    at: String,
    /// How it was found.
    how: String,
    kind: Option<&'static str>,
    /// The English message, or what describes the error, when known.
    en: Option<String>,
}

#[derive(Default)]
struct Scan {
    codes: BTreeMap<String, Vec<Site>>,
    /// Places where the scanner could not tell the code.
    unresolved: Vec<String>,
    /// Literals in a code position that are not snake_case.
    malformed: Vec<String>,
}

impl Scan {
    fn add(&mut self, code: &str, site: Site) {
        self.codes.entry(code.to_string()).or_default().push(site);
    }
}

fn source_files(root: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(&root.join("src"), &mut out);
    if let Ok(crates) = std::fs::read_dir(root.join("crates")) {
        for c in crates.flatten() {
            walk(&c.path().join("src"), &mut out);
        }
    }
    out.sort();
    out
}

fn scan(root: &Path) -> Scan {
    let sources: Vec<(String, String)> = source_files(root)
        .iter()
        .map(|p| {
            let rel = p
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let src = std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{rel}: {e}"));
            (rel, src)
        })
        .collect();
    scan_sources(&sources)
}

/// The codes in these sources: (path from the repository root, text).
fn scan_sources(sources: &[(String, String)]) -> Scan {
    let files: Vec<File> = sources
        .iter()
        .map(|(rel, src)| File::parse(rel.clone(), src))
        .collect();
    let ctors = constructors(&files);
    let mut s = Scan::default();

    // Field initialisers `field: "literal"`, for code arguments that are fields.
    let mut fields: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for f in &files {
        let t = &f.toks;
        for i in 1..t.len().saturating_sub(2) {
            if t[i].t == T::Ident
                && is(&t[i + 1], ":")
                && t[i + 2].t == T::Str
                && (is(&t[i - 1], "{") || is(&t[i - 1], ","))
            {
                fields.entry(t[i].text.clone()).or_default().push((
                    t[i + 2].text.clone(),
                    format!("{}:{}", f.rel, t[i + 2].line),
                ));
            }
        }
    }

    // Rule 1: constructor calls.
    for (fi, f) in files.iter().enumerate() {
        let toks = &f.toks;
        for call in calls(&files, &ctors, fi, 0, toks.len()) {
            let c = &ctors[call.ctor];
            let func = &files[c.file].fns[c.func];
            let name = match &func.impl_type {
                Some(t) => format!("{t}::{}", func.name),
                None => func.name.clone(),
            };
            let at = format!("{}:{}", f.rel, toks[call.open].line);
            let Some(&(a, b)) = call.args.get(c.code) else {
                continue;
            };
            let arg = &toks[a..b];
            let kind = call_kind(&files, &ctors, fi, &call, 0);
            let en = c.en.and_then(|k| call.args.get(k)).and_then(|&(a, b)| {
                toks[a..b]
                    .iter()
                    .find(|t| t.t == T::Str)
                    .map(|t| t.text.clone())
            });
            let site = |how: String| Site {
                at: at.clone(),
                how,
                kind,
                en: en.clone(),
            };
            let lits: Vec<&Tok> = arg.iter().filter(|t| t.t == T::Str).collect();
            if !lits.is_empty() {
                for l in lits {
                    if is_code(&l.text) {
                        s.add(&l.text, site(name.clone()));
                    } else if !l.text.is_empty() {
                        s.malformed.push(format!(
                            "{at}: {:?} given to {name} is not snake_case",
                            l.text
                        ));
                    }
                }
                continue;
            }
            let enclosing = f.enclosing(call.open);
            let text: Vec<&str> = arg.iter().map(|t| t.text.as_str()).collect();
            if arg.iter().any(|t| is(t, "(")) {
                continue; // e.code(), stats_code(e): made by a code function (rule 2)
            }
            if let [var] = arg
                && var.t == T::Ident
            {
                if enclosing.is_some_and(|e| e.params.iter().any(|p| p.name == var.text)) {
                    let wrapper = enclosing.is_some_and(|e| {
                        e.params
                            .iter()
                            .any(|p| p.name == var.text && p.name == "code" && is_static_str(&p.ty))
                    });
                    if !wrapper {
                        s.unresolved.push(format!(
                            "{at}: {name} is given the parameter `{}` of a function that is not a constructor (name it `code: &'static str`)",
                            var.text
                        ));
                    }
                    continue;
                }
                let Some(e) = enclosing else {
                    s.unresolved
                        .push(format!("{at}: {name}({}) outside a function", var.text));
                    continue;
                };
                let found = local_codes(toks, e, &var.text);
                if found.is_empty() {
                    s.unresolved.push(format!(
                        "{at}: cannot tell which codes the variable `{}` given to {name} holds",
                        var.text
                    ));
                }
                let site_en = en.clone();
                for (code, line, en) in found {
                    s.add(
                        &code,
                        Site {
                            at: format!("{}:{line}", f.rel),
                            how: format!("{name} via `{}` in fn {}", var.text, e.name),
                            kind,
                            en: en.or_else(|| site_en.clone()),
                        },
                    );
                }
                continue;
            }
            if let [.., dot, field] = arg
                && is(dot, ".")
                && field.t == T::Ident
            {
                if field.text == "code" {
                    continue; // an error's own code, passed on
                }
                let inits = fields.get(&field.text).cloned().unwrap_or_default();
                let mut any = false;
                for (code, where_) in inits {
                    if is_code(&code) {
                        any = true;
                        s.add(
                            &code,
                            Site {
                                at: where_,
                                how: format!("{name} via field `{}` ({at})", field.text),
                                kind,
                                en: None,
                            },
                        );
                    }
                }
                if !any {
                    s.unresolved.push(format!(
                        "{at}: no initialiser `{}: \"…\"` for the field given to {name}",
                        field.text
                    ));
                }
                continue;
            }
            s.unresolved.push(format!(
                "{at}: cannot read the code given to {name}: {}",
                text.join(" ")
            ));
        }
    }

    // Rule 2: code functions of error types.
    for f in &files {
        for func in &f.fns {
            let named = func.name == "code" || func.name.ends_with("_code");
            let by_ref = match func.self_ref {
                Some(r) => r,
                None => func
                    .params
                    .first()
                    .is_some_and(|p| p.ty.first().is_some_and(|t| is(t, "&"))),
            };
            let warning = func
                .impl_type
                .as_deref()
                .is_some_and(|t| t.ends_with("Warning"));
            if !named || !by_ref || warning || func.ret.len() < 2 || !is_static_str(&func.ret[2..])
            {
                continue;
            }
            let owner = func.impl_type.clone().unwrap_or_else(|| func.name.clone());
            for k in func.body.0..func.body.1 {
                let t = &f.toks[k];
                if t.t == T::Str && is_code(&t.text) {
                    s.add(
                        &t.text,
                        Site {
                            at: format!("{}:{}", f.rel, t.line),
                            how: format!("code of {owner}"),
                            kind: None,
                            en: Some(arm_pattern(&f.toks, k)),
                        },
                    );
                }
            }
        }
    }
    s
}

/// The codes a local variable of `func` may hold, from its first appearance in the function
/// (its binding): for `let name = …;` the literals of the initialiser; for a tuple pattern
/// (`let (name, id) = …`, `if let Some((name, id, en)) = …`) the literals at the same place of
/// every tuple in the function, with the tuple's last literal as the English message when it
/// has three elements.
fn local_codes(toks: &[Tok], func: &Func, name: &str) -> Vec<(String, usize, Option<String>)> {
    let mut out = Vec::new();
    let (a, b) = func.body;
    let Some(first) = (a + 1..b).find(|&k| toks[k].t == T::Ident && toks[k].text == name) else {
        return out;
    };
    let after_let =
        is(&toks[first - 1], "let") || (is(&toks[first - 1], "mut") && is(&toks[first - 2], "let"));
    if after_let && is(&toks[first + 1], "=") {
        let mut depth = 0i32;
        for t in &toks[first + 2..b] {
            match t.text.as_str() {
                "(" | "[" | "{" if t.t == T::Punct => depth += 1,
                ")" | "]" | "}" if t.t == T::Punct => depth -= 1,
                ";" if t.t == T::Punct && depth == 0 => break,
                _ => {}
            }
            if t.t == T::Str && is_code(&t.text) {
                out.push((t.text.clone(), t.line, None));
            }
        }
        return out;
    }
    // The place of the name in its tuple pattern.
    let Some(open) = (a + 1..first)
        .rev()
        .find(|&k| is(&toks[k], "(") && close(toks, k) > first)
    else {
        return out;
    };
    let Some(place) = args(toks, open)
        .iter()
        .position(|&(x, y)| y == x + 1 && x == first)
    else {
        return out;
    };
    for k in a + 1..b {
        // A tuple's `(`, not a call's: not after a name (but after `return`), `)`, `]` or `!`.
        let call = [")", "]", "!"].iter().any(|s| is(&toks[k - 1], s))
            || (toks[k - 1].t == T::Ident
                && !["return", "break", "in"].contains(&toks[k - 1].text.as_str()));
        if !is(&toks[k], "(") || call {
            continue;
        }
        let elements = args(toks, k);
        if elements.len() < 2 {
            continue;
        }
        let Some(&(x, y)) = elements.get(place) else {
            continue;
        };
        if y == x + 1 && toks[x].t == T::Str && is_code(&toks[x].text) {
            let en = (elements.len() >= 3)
                .then(|| {
                    elements
                        .last()
                        .and_then(|&(a, b)| toks[a..b].iter().find(|t| t.t == T::Str))
                })
                .flatten()
                .map(|t| t.text.clone());
            out.push((toks[x].text.clone(), toks[x].line, en));
        }
    }
    out
}

/// The pattern of the match arm whose value is the literal at `k` (`StoreError::Corrupt(_)`).
fn arm_pattern(toks: &[Tok], k: usize) -> String {
    let Some(arrow) = (0..k)
        .rev()
        .find(|&j| is(&toks[j], ">") && is(&toks[j - 1], "="))
    else {
        return String::new();
    };
    let mut depth = 0i32;
    let mut start = arrow - 1;
    while start > 0 {
        let t = &toks[start - 1];
        match t.text.as_str() {
            ")" | "]" | "}" if t.t == T::Punct => depth += 1,
            "(" | "[" | "{" if t.t == T::Punct => {
                if depth == 0 {
                    break;
                }
                depth -= 1;
            }
            "," if t.t == T::Punct && depth == 0 => break,
            _ => {}
        }
        start -= 1;
    }
    let mut s = String::new();
    for t in &toks[start..arrow - 1] {
        if t.t == T::Ident && !s.is_empty() && !s.ends_with([':', '(', '{', ' ', '&']) {
            s.push(' ');
        }
        s.push_str(&t.text);
    }
    s
}

// ---------------------------------------------------------------------------------------------
// docs/errors.md

struct Row {
    code: String,
    kind: String,
    exit: String,
    line: usize,
}

/// The rows of the tables under the headings `## Codes` (its `###` areas included) and
/// `## Renamed codes`; other sections are prose.
fn doc_tables(doc: &str) -> (Vec<Row>, Vec<(String, String, usize)>) {
    #[derive(PartialEq)]
    enum Section {
        Other,
        Codes,
        Renamed,
    }
    let mut rows = Vec::new();
    let mut renamed = Vec::new();
    let mut section = Section::Other;
    for (n, line) in doc.lines().enumerate() {
        if let Some(h) = line.strip_prefix("## ") {
            section = match h.trim().to_lowercase().as_str() {
                "codes" => Section::Codes,
                "renamed codes" => Section::Renamed,
                _ => Section::Other,
            };
            continue;
        }
        let Some(inner) = line.trim().strip_prefix('|') else {
            continue;
        };
        let cells: Vec<&str> = inner
            .trim_end_matches('|')
            .split('|')
            .map(str::trim)
            .collect();
        let code = |c: &str| {
            c.strip_prefix('`')
                .and_then(|c| c.strip_suffix('`'))
                .map(String::from)
        };
        let Some(first) = code(cells[0]) else {
            continue; // a header or separator
        };
        match section {
            Section::Codes => rows.push(Row {
                code: first,
                kind: cells.get(1).unwrap_or(&"").to_string(),
                exit: cells.get(2).unwrap_or(&"").to_string(),
                line: n + 1,
            }),
            Section::Renamed => {
                if let Some(new) = cells.get(1).and_then(|c| code(c)) {
                    renamed.push((first, new, n + 1));
                }
            }
            Section::Other => {}
        }
    }
    (rows, renamed)
}

/// The cases of the malformed-input corpus that expect an error code: (case, code, exit).
fn corpus_codes(root: &Path) -> Vec<(String, String, i64)> {
    let mut out = Vec::new();
    let dir = root.join("tests/corpus");
    let mut kinds: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path().join("cases.toml"))
        .filter(|p| p.is_file())
        .collect();
    kinds.sort();
    for path in kinds {
        let text = std::fs::read_to_string(&path).unwrap();
        let table: toml::Table = text
            .parse()
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let folder = path
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .to_string();
        for case in table
            .get("case")
            .and_then(|c| c.as_array())
            .into_iter()
            .flatten()
        {
            if let (Some(code), Some(exit)) = (
                case.get("code").and_then(|c| c.as_str()),
                case.get("exit").and_then(|e| e.as_integer()),
            ) {
                let name = case.get("name").and_then(|n| n.as_str()).unwrap_or("?");
                out.push((format!("{folder}/{name}"), code.to_string(), exit));
            }
        }
    }
    out
}

fn draft_row(code: &str, sites: &[Site]) -> String {
    let kinds: BTreeSet<&str> = sites.iter().filter_map(|s| s.kind).collect();
    let kind = match kinds.len() {
        1 => kinds.first().unwrap().to_string(),
        0 => "?".to_string(),
        _ => kinds.into_iter().collect::<Vec<_>>().join("/"),
    };
    let exit = exit_of(&kind).map_or("?".to_string(), |e| e.to_string());
    let en = sites
        .iter()
        .find_map(|s| s.en.clone())
        .unwrap_or_default()
        .replace('|', "\\|")
        .replace('\n', " ");
    let places: Vec<String> = sites
        .iter()
        .map(|s| format!("{} ({})", s.at, s.how))
        .collect();
    format!(
        "| `{code}` | {kind} | {exit} | {en} |  <!-- {} -->",
        places.join("; ")
    )
}

#[test]
fn every_error_code_is_documented_once() {
    let root = root();
    let s = scan(&root);
    if std::env::var_os("ERROR_CODES_DRAFT").is_some() {
        for (code, sites) in &s.codes {
            println!("{}", draft_row(code, sites));
        }
    }
    let mut problems: Vec<String> = Vec::new();
    problems.extend(s.unresolved.iter().map(|u| format!("scanner: {u}")));
    problems.extend(s.malformed.iter().map(|m| format!("scanner: {m}")));
    assert!(
        s.codes.len() >= 100,
        "the scanner found only {} codes: it is broken",
        s.codes.len()
    );

    // The corpus expects only codes the scanner finds.
    let corpus = corpus_codes(&root);
    for (case, code, _) in &corpus {
        if !s.codes.contains_key(code) {
            problems.push(format!(
                "tests/corpus/{case} expects the code `{code}`, which the scanner did not find in src/ or crates/*/src/: teach the scanner how this code is made (see this test's doc comment)"
            ));
        }
    }

    let doc_path = root.join("docs/errors.md");
    let doc = std::fs::read_to_string(&doc_path).unwrap_or_else(|e| panic!("docs/errors.md: {e}"));
    let (rows, renamed) = doc_tables(&doc);
    let mut documented: BTreeMap<&str, &Row> = BTreeMap::new();
    for r in &rows {
        if let Some(first) = documented.insert(&r.code, r) {
            problems.push(format!(
                "docs/errors.md:{}: `{}` is documented twice (also line {})",
                r.line, r.code, first.line
            ));
        }
        match exit_of(&r.kind) {
            None => problems.push(format!(
                "docs/errors.md:{}: `{}` has the kind {:?}, not one of {}",
                r.line,
                r.code,
                r.kind,
                KINDS.iter().map(|k| k.0).collect::<Vec<_>>().join(", ")
            )),
            Some(e) if r.exit != e.to_string() => problems.push(format!(
                "docs/errors.md:{}: `{}` is {} but its exit code is {:?}: the kind {} exits {e}",
                r.line, r.code, r.kind, r.exit, r.kind
            )),
            Some(_) => {}
        }
    }
    for (code, sites) in &s.codes {
        match documented.get(code.as_str()) {
            None => problems.push(format!(
                "`{code}` is not documented in docs/errors.md; made at {}. Draft row:\n    {}",
                sites
                    .iter()
                    .map(|s| s.at.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                draft_row(code, sites)
            )),
            Some(r) => {
                // Sites that tell their kind must agree with the documented exit code.
                let exits: BTreeSet<u8> = sites
                    .iter()
                    .filter_map(|s| s.kind.and_then(exit_of))
                    .collect();
                if exits.len() == 1
                    && Some(r.exit.as_str()) != exits.first().map(|e| e.to_string()).as_deref()
                {
                    let kinds: BTreeSet<&str> = sites.iter().filter_map(|s| s.kind).collect();
                    problems.push(format!(
                        "docs/errors.md:{}: `{code}` is documented with exit code {}, but it is made as {} (exit {}) at {}",
                        r.line,
                        r.exit,
                        kinds.into_iter().collect::<Vec<_>>().join("/"),
                        exits.first().unwrap(),
                        sites.iter().filter(|s| s.kind.is_some()).map(|s| s.at.as_str()).collect::<Vec<_>>().join(", ")
                    ));
                }
            }
        }
    }
    for r in &rows {
        if !s.codes.contains_key(&r.code) {
            problems.push(format!(
                "docs/errors.md:{}: `{}` is documented but no longer made anywhere in src/ or crates/*/src/: remove its row (or, if it was renamed, add it to \"Renamed codes\")",
                r.line, r.code
            ));
        }
    }
    for (case, code, exit) in &corpus {
        if let Some(r) = documented.get(code.as_str())
            && r.exit != exit.to_string()
        {
            problems.push(format!(
                "docs/errors.md:{}: `{code}` is documented with exit code {}, but tests/corpus/{case} expects exit {exit}",
                r.line, r.exit
            ));
        }
    }
    for (old, new, line) in &renamed {
        if s.codes.contains_key(old) {
            problems.push(format!(
                "docs/errors.md:{line}: `{old}` is listed as renamed to `{new}` but is still made in the source"
            ));
        }
        if !documented.contains_key(new.as_str()) {
            problems.push(format!(
                "docs/errors.md:{line}: `{old}` is renamed to `{new}`, which is not documented"
            ));
        }
    }

    assert!(
        problems.is_empty(),
        "{} problem(s) with the error codes ({} found in the source, {} documented):\n{}",
        problems.len(),
        s.codes.len(),
        rows.len(),
        problems.iter().fold(String::new(), |mut acc, p| {
            let _ = writeln!(acc, "- {p}");
            acc
        })
    );
}

/// The scanner on small sources holding each form it must read, and some it must not.
#[test]
fn the_scanner_reads_the_forms_codes_take() {
    let failure = r#"
        pub enum Kind { Invalid, Usage, Failed }
        impl Failure {
            pub fn new(kind: Kind, code: &'static str, id: impl Into<String>, en: impl Into<String>) -> Failure {
                Failure { kind, code, id: id.into(), en: en.into() }
            }
            pub fn invalid(code: &'static str, id: impl Into<String>, en: impl Into<String>) -> Failure {
                Failure::new(Kind::Invalid, code, id, en)
            }
            pub fn failed(code: &'static str, id: impl Into<String>, en: impl Into<String>) -> Failure {
                Failure::new(Kind::Failed, code, id, en)
            }
        }
    "#;
    let command = r##"
        fn usage(code: &'static str, id: String, en: String) -> Failure {
            Failure::new(Kind::Usage, code, id, en)
        }
        const F: SmallFile = SmallFile { directory: "field_code", max: 1 };
        fn run(f: &SmallFile, e: &Error) -> Result<(), Failure> {
            let _ = Failure::invalid(
                // "not_a_code" in a comment
                "multi_line",
                r#"raw "id" text"#,
                format!("the English {}", '"'),
            );
            let (code, id) = if f.max > 0 { ("tuple_a", 'x') } else { ("tuple_b", 'y') };
            let _ = Failure::failed(code, id, "a tuple");
            let _ = usage("wrapped_usage", String::new(), String::new());
            let _ = Failure::invalid(f.directory, "", "");
            let _ = Failure::new(Kind::Invalid, e.code(), "", "");
            let mystery = e.name;
            let _ = Failure::invalid(mystery, "", "");
            /* Failure::invalid("commented_out", "", "") */
            Ok(())
        }
        #[cfg(test)]
        mod tests {
            fn t() { Failure::invalid("test_only", "", ""); }
        }
    "##;
    let other_crate = r#"
        impl Localized for E {
            fn code(&self) -> &'static str {
                match self { E::A => "fn_code_a", E::B { .. } if true => "fn_code_b" }
            }
        }
        impl Localized for RuleWarning { fn code(&self) -> &'static str { "a_warning" } }
        impl Floor { pub fn code(self) -> &'static str { "a_value" } }
        fn f() { Failure::invalid("other_crate", "", ""); }
    "#;
    let s = scan_sources(&[
        ("src/failure.rs".into(), failure.into()),
        ("src/commands/x.rs".into(), command.into()),
        ("crates/setara-x/src/lib.rs".into(), other_crate.into()),
    ]);
    let found: Vec<&str> = s.codes.keys().map(String::as_str).collect();
    assert_eq!(
        found,
        [
            "field_code",
            "fn_code_a",
            "fn_code_b",
            "multi_line",
            "tuple_a",
            "tuple_b",
            "wrapped_usage"
        ]
    );
    let kind = |c: &str| s.codes[c][0].kind;
    assert_eq!(kind("multi_line"), Some("invalid"));
    assert_eq!(kind("tuple_a"), Some("internal"));
    assert_eq!(kind("wrapped_usage"), Some("usage"));
    assert_eq!(kind("fn_code_a"), None);
    assert_eq!(s.codes["multi_line"][0].at, "src/commands/x.rs:7");
    assert_eq!(
        s.codes["multi_line"][0].en.as_deref(),
        Some("the English {}")
    );
    assert_eq!(s.unresolved.len(), 1, "{:?}", s.unresolved);
    assert!(s.unresolved[0].contains("`mystery`"), "{:?}", s.unresolved);
}
