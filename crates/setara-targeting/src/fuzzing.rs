//! Entry points for the fuzz targets (`fuzz/`): never panic, whatever the bytes.

use setara_core::{Lang, Localized, Regions};

use crate::programme::Programme;

/// Read `data` as a programme file ([`Programme::from_toml_bytes`]) and check it. A programme
/// that passes the check has every amount of money within the ceiling, and its TOML reads
/// back to the same programme.
pub fn programme_toml(data: &[u8]) {
    let programme = match Programme::from_toml_bytes(data) {
        Ok(p) => p,
        Err(e) => {
            let _ = (e.code(), e.message(Lang::Id), e.message(Lang::En));
            return;
        }
    };
    match programme.check(Regions::kemendagri_2025()) {
        Ok(checked) => {
            let max = setara_core::Rupiah::MAX;
            assert!((1..=max).contains(&checked.rupiah_per_household));
            assert!((1..=max).contains(&programme.budget_per_cycle));
            assert!((0..=max).contains(&checked.co_funding_per_cycle));
            let text = programme.to_toml();
            let again = Programme::from_toml(&text)
                .unwrap_or_else(|e| panic!("a checked programme does not read back: {e}\n{text}"));
            assert_eq!(again, programme, "TOML round trip");
        }
        Err(e) => {
            let _ = (e.code(), e.message(Lang::Id), e.message(Lang::En));
        }
    }
}
