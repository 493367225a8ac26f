//! Resource limits: blocking rules that would make too many candidate pairs are refused before
//! any pair is made (issue 10, finding 9), and absurd configurations are refused.

use setara_linkage::{
    Config, DEFAULT_MAX_CANDIDATE_PAIRS, Error, MAX_BLOCKING_RULES, MAX_CONFIG_BYTES, Table, dedup,
    link,
};

fn persons_config() -> Config {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/linkage/persons.toml");
    Config::from_toml(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn identical(n: usize) -> Table {
    let mut t = Table::new(["nik", "name", "sex", "birth_date"]).unwrap();
    for _ in 0..n {
        t.push_row(["3201014101800001", "Budi Santoso", "male", "1980-01-01"])
            .unwrap();
    }
    t
}

fn explosion(e: Error) -> setara_linkage::PairExplosion {
    assert_eq!(e.code(), "linkage_too_many_pairs");
    match e {
        Error::TooManyPairs(x) => *x,
        other => panic!("not an explosion: {other}"),
    }
}

#[test]
fn identical_rows_are_refused_naming_the_rule_and_its_block() {
    // Finding 9: 5,000 identical rows took 2.5 GB in 3 s.
    match dedup(&identical(5_000), &persons_config()) {
        Ok(l) => panic!("accepted: {} candidate pairs", l.stats.candidate_pairs),
        Err(e) => {
            let text = e.to_string();
            assert!(text.contains("12497500"), "{text}");
            let x = explosion(e);
            // The first rule already makes more than the limit alone.
            assert_eq!(x.rule.as_deref(), Some("nik"));
            assert_eq!(x.pairs, Some(12_497_500));
            assert_eq!(x.limit, DEFAULT_MAX_CANDIDATE_PAIRS);
            assert_eq!(x.blocks.len(), 1);
            assert_eq!(x.blocks[0].rows, 5_000);
            assert_eq!(x.blocks[0].key, "nik = \"3201014101800001\"");
            assert_eq!(x.rules.len(), 5);
            assert!(x.rules.iter().all(|r| r.pairs == 12_497_500));
        }
    }
}

#[test]
fn a_huge_block_is_counted_not_made() {
    // 50,000 identical rows: 1.25 billion pairs per rule (6.2 GB asked for before).
    let x = explosion(dedup(&identical(50_000), &persons_config()).unwrap_err());
    assert_eq!(x.pairs, Some(1_249_975_000));
}

#[test]
fn blocking_on_sex_names_the_biggest_blocks() {
    let mut t = Table::new(["id", "name", "sex"]).unwrap();
    for i in 0..30_000 {
        let sex = if i % 3 == 0 { "female" } else { "male" };
        t.push_row([i.to_string().as_str(), "Budi", sex]).unwrap();
    }
    let cfg = Config::from_toml(
        "[[blocking]]\nname = \"sex\"\nkeys = [\"sex\"]\n[[comparison]]\ncolumn = \"name\"\ncomparator = \"exact\"\n",
    )
    .unwrap();
    let x = explosion(dedup(&t, &cfg).unwrap_err());
    assert_eq!(x.rule.as_deref(), Some("sex"));
    assert_eq!(x.line, 1);
    assert_eq!(x.pairs, Some(20_000 * 19_999 / 2 + 10_000 * 9_999 / 2));
    let blocks: Vec<(&str, u64)> = x.blocks.iter().map(|b| (b.key.as_str(), b.rows)).collect();
    assert_eq!(
        blocks,
        [("sex = \"male\"", 20_000), ("sex = \"female\"", 10_000)]
    );
}

#[test]
fn link_counts_left_times_right() {
    let mut a = Table::new(["id", "name", "city"]).unwrap();
    let mut b = Table::new(["id", "name", "city"]).unwrap();
    for i in 0..4_000 {
        a.push_row([i.to_string().as_str(), "Budi", "Bandung"])
            .unwrap();
    }
    for i in 0..3_000 {
        b.push_row([i.to_string().as_str(), "Budi", "Bandung"])
            .unwrap();
    }
    let cfg = Config::from_toml(
        "[[blocking]]\nkeys = [\"city\"]\n[[comparison]]\ncolumn = \"name\"\ncomparator = \"exact\"\n",
    )
    .unwrap();
    let x = explosion(link(&a, &b, &cfg).unwrap_err());
    assert_eq!(x.pairs, Some(12_000_000));
    assert_eq!(x.blocks[0].rows, 4_000);
    assert_eq!(x.blocks[0].right_rows, Some(3_000));
}

/// Two rules: `a` makes 870 pairs, `b` 570, 270 of them the same, so 1,170 distinct pairs.
fn ab(limit: u64) -> (Table, Config) {
    let mut t = Table::new(["a", "b", "name"]).unwrap();
    for (a, b) in [(0, 0), (1, 1), (0, 2), (1, 0), (0, 1), (1, 2)] {
        for _ in 0..10 {
            t.push_row([a.to_string(), b.to_string(), "budi".to_string()])
                .unwrap();
        }
    }
    let cfg = Config::from_toml(&format!(
        "max_candidate_pairs = {limit}\n[[blocking]]\nkeys = [\"a\"]\n[[blocking]]\nkeys = [\"b\"]\n[[comparison]]\ncolumn = \"name\"\ncomparator = \"exact\"\n"
    ))
    .unwrap();
    (t, cfg)
}

#[test]
fn the_limit_counts_the_union_each_pair_once() {
    // Exactly the union: accepted.
    let (t, cfg) = ab(1_170);
    let l = dedup(&t, &cfg).unwrap();
    assert_eq!(l.stats.candidate_pairs, 1_170);
    // One less: refused, although each rule alone is within the limit.
    let (t, cfg) = ab(1_169);
    let x = explosion(dedup(&t, &cfg).unwrap_err());
    assert_eq!(x.rule, None);
    assert_eq!(x.pairs, None);
    let per_rule: Vec<u64> = x.rules.iter().map(|r| r.pairs).collect();
    assert_eq!(per_rule, [870, 570]);
    // The blocks shown are those of the rule with the most pairs.
    assert_eq!(x.blocks[0].key, "a = \"0\"");
    // A rule alone above the limit is named.
    let (t, cfg) = ab(869);
    let x = explosion(dedup(&t, &cfg).unwrap_err());
    assert_eq!(x.rule.as_deref(), Some("a"));
    assert_eq!(x.pairs, Some(870));
}

#[test]
fn the_same_results_under_any_limit_that_allows_the_run() {
    let (t, small) = ab(1_170);
    let (_, large) = ab(u64::MAX);
    let a = dedup(&t, &small).unwrap();
    let b = dedup(&t, &large).unwrap();
    assert_eq!(a.pairs, b.pairs);
}

fn config_error(text: &str) -> String {
    let e = Config::from_toml(text).unwrap_err();
    assert_eq!(e.code(), "linkage_config_invalid", "{e}");
    e.to_string()
}

const TAIL: &str = "[[comparison]]\ncolumn = \"name\"\ncomparator = \"exact\"\n";

#[test]
fn absurd_configurations_are_refused() {
    let rule = "[[blocking]]\nkeys = [\"city\"]\n";
    let e = config_error(&format!("max_candidate_pairs = 0\n{rule}{TAIL}"));
    assert!(
        e.contains("line 1") && e.contains("max_candidate_pairs"),
        "{e}"
    );
    let e = config_error(&format!("max_candidate_pairs = -5\n{rule}{TAIL}"));
    assert!(e.contains("max_candidate_pairs"), "{e}");
    let e = config_error(&format!(
        "[training]\nmax_iterations = 4000000000\n{rule}{TAIL}"
    ));
    assert!(e.contains("training.max_iterations"), "{e}");
    let e = config_error(&format!(
        "[training]\nu_sample_pairs = 1000000000000000000\n{rule}{TAIL}"
    ));
    assert!(e.contains("training.u_sample_pairs"), "{e}");
    let e = config_error(&format!("{}{TAIL}", rule.repeat(MAX_BLOCKING_RULES + 1)));
    assert!(e.contains("at most 32"), "{e}");
    let e = config_error(&format!(
        "[[blocking]]\nkeys = [\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\"]\n{TAIL}"
    ));
    assert!(e.contains("9 keys"), "{e}");
    let e = config_error(&format!(
        "[[blocking]]\nname = \"a\\nforged line\"\nkeys = [\"city\"]\n{TAIL}"
    ));
    assert!(e.contains("blocking[1].name"), "{e}");
    let thresholds = vec!["0.5"; 2_000].join(", ");
    let e = config_error(&format!(
        "{rule}[[comparison]]\ncolumn = \"name\"\ncomparator = \"jaro_winkler\"\nthresholds = [{thresholds}]\n"
    ));
    assert!(e.contains("2002 levels"), "{e}");
    // An edit-distance comparison without a distance panicked while comparing (found by
    // fuzzing `config_toml`).
    let e = config_error(&format!(
        "{rule}[[comparison]]\ncolumn = \"name\"\ncomparator = \"damerau_levenshtein\"\nthresholds = []\n"
    ));
    assert!(e.contains("comparison[1] (name).thresholds"), "{e}");
    // Over 1 MiB: refused before parsing.
    let big = format!("{rule}{TAIL}{}", "#\n".repeat(MAX_CONFIG_BYTES));
    let e = Config::from_toml(&big).unwrap_err();
    assert_eq!(e.code(), "linkage_config_too_large");
}

#[test]
fn the_default_limit_and_its_key() {
    let c = Config::from_toml(&format!("[[blocking]]\nkeys = [\"city\"]\n{TAIL}")).unwrap();
    assert_eq!(c.max_candidate_pairs, DEFAULT_MAX_CANDIDATE_PAIRS);
    let c = Config::from_toml(&format!(
        "max_candidate_pairs = 50_000_000\n[[blocking]]\nkeys = [\"city\"]\n{TAIL}"
    ))
    .unwrap();
    assert_eq!(c.max_candidate_pairs, 50_000_000);
}

#[test]
fn fuzzing_entry_point_survives_its_seeds() {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/seeds/linkage_toml");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let bytes = std::fs::read(e.unwrap().path()).unwrap();
        setara_linkage::fuzzing::config_toml(&bytes);
        n += 1;
    }
    assert!(n >= 5, "{} has {n} seeds", dir.display());
}
