//! Entry points for the fuzz targets (`fuzz/`): never panic, whatever the bytes.

use setara_core::{Lang, Localized};

use crate::syntax::{Limits, parse_limited};
use crate::{Context, Rule, parse};

/// Parse `data` as a rule (when it is UTF-8) and check it against the real attribute schema;
/// render every error and warning in both languages. When it parses, the printed tree must
/// parse back to the same tree, and print the same again.
pub fn rule(data: &[u8]) {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    let context = Context {
        programmes: vec!["PKH".into(), "BPNT".into()],
        ranking: true,
    };
    let expr = match parse(source) {
        Ok(e) => e,
        Err(e) => {
            for lang in [Lang::Id, Lang::En] {
                let _ = e.render(source, lang);
            }
            let _ = e.code();
            return;
        }
    };
    let printed = expr.to_string();
    // The printed text may be longer than the source (canonical spacing), never deeper.
    let relaxed = Limits {
        bytes: usize::MAX,
        ..Limits::RULE
    };
    let again = parse_limited(&printed, relaxed)
        .unwrap_or_else(|e| panic!("printed rule does not parse: {e}\n{printed}"));
    assert!(
        expr.same_tree(&again),
        "printed rule parses to another tree:\n{source}\n{printed}"
    );
    assert_eq!(again.to_string(), printed, "printing is not stable");
    match Rule::compile(source, &context) {
        Ok(rule) => {
            for w in rule.warnings() {
                for lang in [Lang::Id, Lang::En] {
                    let _ = w.render(source, lang);
                }
            }
            let area = setara_core::RegionCode::parse("32.04").expect("a region");
            let wrapped = Rule::compile_in_region(source, area, &context)
                .unwrap_or_else(|e| panic!("a valid rule fails in a region: {e}\n{source}"));
            assert_eq!(wrapped.warnings(), rule.warnings());
        }
        Err(e) => {
            for lang in [Lang::Id, Lang::En] {
                let _ = e.render(source, lang);
            }
        }
    }
}
