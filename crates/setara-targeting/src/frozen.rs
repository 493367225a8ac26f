//! A frozen list (daftar yang dibekukan): the households a cycle's selection chose, as stored,
//! and the content hash that tells later whether the stored list is still what was decided.
//!
//! The hash is computed when the list is frozen and again before it is exported; both must give
//! the same bytes, so its canonical form is defined once, here, on plain values.

use setara_core::Kk;
use sha2::{Digest, Sha256};

/// One household of a frozen list.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct SelectionMember {
    /// 1-based position in the priority order of the selected households.
    pub position: u32,
    pub kk: Kk,
    /// The household's region code (dotted) when it was selected.
    pub region: String,
    pub members: u16,
    pub desil: u8,
    pub score: f64,
    /// Rupiah per cycle.
    pub amount: i64,
}

/// What a frozen list's hash names besides its members: which programme version, cycle,
/// snapshot, ranking and rule decided it.
#[derive(Clone, Copy, Debug)]
pub struct ListHeader<'a> {
    pub programme: &'a str,
    pub version: u32,
    pub cycle: u32,
    pub snapshot: &'a str,
    pub ranking_run: i64,
    pub rule: &'a str,
}

/// SHA-256 (lowercase hex) of the canonical list: a header naming the programme version, cycle,
/// snapshot and ranking, then one line per member. Scores are written with 9 decimals, so the
/// hash does not depend on how a float is printed elsewhere.
pub fn content_hash(header: &ListHeader<'_>, members: &[SelectionMember]) -> String {
    let ListHeader {
        programme,
        version,
        cycle,
        snapshot,
        ranking_run,
        rule,
    } = header;
    let mut h = Sha256::new();
    h.update(
        format!(
            "setara-selection 1\nprogramme={programme}\nversion={version}\ncycle={cycle}\nsnapshot={snapshot}\nranking={ranking_run}\nrule={rule}\n",
        )
        .as_bytes(),
    );
    for m in members {
        h.update(
            format!(
                "{},{},{},{},{},{:.9},{}\n",
                m.position, m.kk, m.region, m.members, m.desil, m.score, m.amount
            )
            .as_bytes(),
        );
    }
    hex::encode(h.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_is_of_the_canonical_text() {
        let header = ListHeader {
            programme: "PKH",
            version: 2,
            cycle: 1,
            snapshot: "abc",
            ranking_run: 7,
            rule: "desil <= 4",
        };
        let members = [SelectionMember {
            position: 1,
            kk: Kk::from_u64(3204050101200001).unwrap(),
            region: "32.04.05.2001".into(),
            members: 4,
            desil: 1,
            score: 12.5,
            amount: 750_000,
        }];
        let text = "setara-selection 1\nprogramme=PKH\nversion=2\ncycle=1\nsnapshot=abc\nranking=7\nrule=desil <= 4\n1,3204050101200001,32.04.05.2001,4,1,12.500000000,750000\n";
        assert_eq!(
            content_hash(&header, &members),
            hex::encode(Sha256::digest(text.as_bytes()))
        );
        let mut other = members.clone();
        other[0].amount += 1;
        assert_ne!(
            content_hash(&header, &other),
            content_hash(&header, &members)
        );
    }
}
