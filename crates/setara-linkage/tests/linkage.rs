//! The configuration's errors, blocking, and small end-to-end runs through the public API.

use std::collections::HashSet;

use setara_linkage::{Comparator, Config, Error, KeyFunction, Table, dedup, link};

const MINIMAL: &str = r#"
[[blocking]]
keys = ["dob"]

[[comparison]]
column = "name"
comparator = "person_name"
"#;

fn err(text: &str) -> String {
    Config::from_toml(text).unwrap_err().to_string()
}

#[test]
fn parses_the_shipped_examples() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/linkage");
    let febrl =
        Config::from_toml(&std::fs::read_to_string(root.join("febrl.toml")).unwrap()).unwrap();
    assert_eq!(febrl.comparisons.len(), 10);
    assert_eq!(febrl.blocking.len(), 5);
    assert_eq!(febrl.blocking[2].keys[0].function, KeyFunction::Unordered);
    let persons =
        Config::from_toml(&std::fs::read_to_string(root.join("persons.toml")).unwrap()).unwrap();
    assert!(matches!(
        persons.comparisons[0].comparator,
        Comparator::Nik { date_part: false }
    ));
    persons
        .validate(&["nik", "kk", "name", "sex", "birth_date", "relation"])
        .unwrap();
}

#[test]
fn defaults() {
    let c = Config::from_toml(MINIMAL).unwrap();
    assert_eq!(c.match_threshold, 0.9);
    assert_eq!(c.min_probability, 0.01);
    assert_eq!(c.training.u_sample_pairs, 1_000_000);
    assert_eq!(c.blocking[0].name, "dob");
    assert_eq!(c.comparisons[0].line, 5);
}

#[test]
fn errors_name_the_line_and_key() {
    // Unknown comparator.
    let e = err(
        "[[blocking]]\nkeys = [\"a\"]\n\n[[comparison]]\ncolumn = \"a\"\ncomparator = \"jaro\"\n",
    );
    assert!(e.contains("line 6"), "{e}");
    assert!(e.contains("unknown comparator `jaro`"), "{e}");
    assert!(e.contains("jaro_winkler"), "{e}");

    // Bad thresholds: out of range, wrong order, not whole.
    let e = err(
        "[[blocking]]\nkeys = [\"a\"]\n[[comparison]]\ncolumn = \"a\"\ncomparator = \"jaro_winkler\"\nthresholds = [0.8, 1.2]\n",
    );
    assert!(
        e.contains("line 6") && e.contains("1.2 is not a similarity"),
        "{e}"
    );
    let e = err(
        "[[blocking]]\nkeys = [\"a\"]\n[[comparison]]\ncolumn = \"a\"\ncomparator = \"jaro_winkler\"\nthresholds = [0.8, 0.9]\n",
    );
    assert!(e.contains("strictly descending"), "{e}");
    let e = err(
        "[[blocking]]\nkeys = [\"a\"]\n[[comparison]]\ncolumn = \"a\"\ncomparator = \"damerau_levenshtein\"\nthresholds = [1.5]\n",
    );
    assert!(e.contains("not a positive whole number"), "{e}");

    // An option of another comparator.
    let e = err(
        "[[blocking]]\nkeys = [\"a\"]\n[[comparison]]\ncolumn = \"a\"\ncomparator = \"exact\"\nthresholds = [1]\n",
    );
    assert!(
        e.contains("line 6") && e.contains("`thresholds` does not apply to comparator `exact`"),
        "{e}"
    );

    // Thresholds of the whole configuration.
    let e = err(&format!("match_threshold = 1.5\n{MINIMAL}"));
    assert!(e.contains("line 1") && e.contains("match_threshold"), "{e}");
    let e = err(&format!(
        "match_threshold = 0.5\nmin_probability = 0.6\n{MINIMAL}"
    ));
    assert!(
        e.contains("line 2") && e.contains("above match_threshold"),
        "{e}"
    );

    // Unknown keys and wrong types come from the TOML reader, with the line.
    let e = err(&format!("treshold = 0.5\n{MINIMAL}"));
    assert!(e.contains("line 1") && e.contains("treshold"), "{e}");
    let e = err(&format!("{MINIMAL}term_frequency = \"yes\"\n"));
    assert!(e.contains("line 8"), "{e}");

    // Blocking keys.
    let e = err(
        "[[blocking]]\nkeys = [\"soundex(a)\"]\n[[comparison]]\ncolumn = \"a\"\ncomparator = \"exact\"\n",
    );
    assert!(
        e.contains("line 2") && e.contains("unknown key function `soundex`"),
        "{e}"
    );
    let e = err(
        "[[blocking]]\nkeys = [\"prefix(a, x)\"]\n[[comparison]]\ncolumn = \"a\"\ncomparator = \"exact\"\n",
    );
    assert!(e.contains("not a positive whole number"), "{e}");
    assert!(
        err("[[comparison]]\ncolumn = \"a\"\ncomparator = \"exact\"\n").contains("[[blocking]]")
    );

    // A column compared twice.
    let e = err(&format!(
        "{MINIMAL}\n[[comparison]]\ncolumn = \"name\"\ncomparator = \"exact\"\n"
    ));
    assert!(e.contains("compared twice") && e.contains("line 5"), "{e}");
}

#[test]
fn unknown_columns() {
    let c = Config::from_toml(MINIMAL).unwrap();
    let e = c.validate(&["name", "birth_date"]).unwrap_err();
    assert!(
        matches!(&e, Error::UnknownColumn { column, line: 2, .. } if column == "dob"),
        "{e}"
    );
    assert!(e.to_string().contains("columns: name, birth_date"), "{e}");
    let e = c.validate(&["dob"]).unwrap_err();
    assert!(
        e.to_string().contains("`name`") && e.to_string().contains("line 5"),
        "{e}"
    );
    c.validate(&["dob", "name"]).unwrap();
    let e = c.validate_link(&["dob", "name"], &["dob"]).unwrap_err();
    assert!(e.to_string().contains("right table"), "{e}");

    // An optional comparison is left out instead.
    let c = Config::from_toml(&format!(
        "{MINIMAL}\n[[comparison]]\ncolumn = \"region\"\ncomparator = \"prefix\"\nlengths = [6, 4]\noptional = true\n"
    ))
    .unwrap();
    c.validate(&["dob", "name"]).unwrap();
}

/// A table where pairs agree on several rules at once.
fn people() -> Table {
    let mut t = Table::new(["id", "name", "dob", "city"]).unwrap();
    let rows = [
        ["1", "Budi Santoso", "1980-05-08", "Bandung"],
        ["2", "Budi Santoso", "1980-05-08", "Bandung"],
        ["3", "Budi Santosa", "1980-08-05", "Bandung"],
        ["4", "Siti Aminah", "1980-05-08", "Medan"],
        ["5", "Siti Aminah", "1991-01-01", "Medan"],
        ["6", "Rina", "1991-01-01", ""],
        ["7", "Agus", "", "Bandung"],
        ["8", "Joko", "1970-02-02", "Surabaya"],
    ];
    for r in rows {
        t.push_row(r).unwrap();
    }
    t
}

#[test]
fn blocking_union_counts_each_pair_once() {
    let cfg = Config::from_toml(
        r#"
min_probability = 1e-300
match_threshold = 0.5
[training]
u_sample_pairs = 1000
[[blocking]]
keys = ["dob"]
[[blocking]]
keys = ["city"]
[[blocking]]
keys = ["name_key(name)"]
[[blocking]]
keys = ["date_unordered(dob)"]
[[comparison]]
column = "name"
comparator = "person_name"
[[comparison]]
column = "dob"
comparator = "date"
"#,
    )
    .unwrap();
    let t = people();
    let l = dedup(&t, &cfg).unwrap();
    // Brute force: the union of the rules' pairs.
    let v = |r: usize, c: usize| t.value(r, c).to_lowercase();
    let swap = |d: &str| {
        if d.len() == 10 {
            let (m, dd) = (&d[5..7], &d[8..10]);
            format!("{}-{}-{}", &d[..4], m.min(dd), m.max(dd))
        } else {
            String::new()
        }
    };
    let mut want = HashSet::new();
    for i in 0..t.len() {
        for j in i + 1..t.len() {
            let same = |c| !v(i, c).is_empty() && v(i, c) == v(j, c);
            let sw = !swap(&v(i, 2)).is_empty() && swap(&v(i, 2)) == swap(&v(j, 2));
            let name = setara_linkage::names::PersonName::parse(t.value(i, 1)).sorted_key()
                == setara_linkage::names::PersonName::parse(t.value(j, 1)).sorted_key();
            if same(2) || same(3) || name || sw {
                want.insert((i as u32, j as u32));
            }
        }
    }
    let got: Vec<(u32, u32)> = l.pairs.iter().map(|p| (p.left, p.right)).collect();
    let got_set: HashSet<(u32, u32)> = got.iter().copied().collect();
    assert_eq!(got.len(), got_set.len(), "a pair was returned twice");
    assert_eq!(got_set, want);
    assert_eq!(l.stats.candidate_pairs as usize, want.len());
    let per_rule: u64 = l.stats.pairs_per_rule.iter().map(|(_, n)| n).sum();
    assert_eq!(per_rule as usize, want.len());
    // Rule 4 finds 1-3 (swapped day and month) and nothing the others found.
    assert_eq!(l.stats.pairs_per_rule[3].1, 1); // (2,3): only the swapped date joins them
    // Pairs are sorted and in a deduplication left < right.
    assert!(got.windows(2).all(|w| w[0] < w[1]));
    assert!(got.iter().all(|(a, b)| a < b));
}

#[test]
fn link_two_small_tables() {
    let cfg = Config::from_toml(
        r#"
match_threshold = 0.5
[training]
u_sample_pairs = 1000
[[blocking]]
keys = ["year(dob)"]
[[comparison]]
column = "name"
comparator = "person_name"
[[comparison]]
column = "dob"
comparator = "date"
"#,
    )
    .unwrap();
    let mut a = Table::new(["name", "dob"]).unwrap();
    let mut b = Table::new(["dob", "name"]).unwrap();
    let names = [
        "Budi", "Siti", "Agus", "Rina", "Dewi", "Joko", "Sri", "Wati",
    ];
    for (i, n) in names.iter().enumerate() {
        a.push_row([
            format!("H. {n} Santoso"),
            format!("19{}-0{}-1{}", 50 + i, 1 + i % 9, i % 10),
        ])
        .unwrap();
        b.push_row([
            format!("19{}-0{}-1{}", 50 + i, 1 + i % 9, i % 10),
            format!("{n} Santoso, S.Pd."),
        ])
        .unwrap();
    }
    let l = link(&a, &b, &cfg).unwrap();
    // Every row links to its counterpart (columns in another order, titles removed).
    let m: Vec<(u32, u32)> = l.matches(0.5).map(|p| (p.left, p.right)).collect();
    assert_eq!(m, (0..8u32).map(|i| (i, i)).collect::<Vec<_>>());
    let c = l.clusters(0.5);
    assert_eq!(c.count, 8);
    assert_eq!(c.left, c.right);
    // The explanation names each column and level.
    let e = l.explain(0);
    assert_eq!(e[0].column, "name");
    assert_eq!(e[0].level, Some("same name"));
    assert_eq!(e[1].level, Some("exact"));
}

#[test]
fn tables_too_small_or_wrong() {
    let cfg = Config::from_toml(MINIMAL).unwrap();
    let mut t = Table::new(["name", "dob"]).unwrap();
    t.push_row(["Budi", "1980-01-01"]).unwrap();
    assert!(dedup(&t, &cfg).is_err());
    let e = dedup(&Table::new(["x"]).unwrap(), &cfg).unwrap_err();
    assert!(matches!(e, Error::UnknownColumn { .. }));
}
