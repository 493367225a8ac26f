//! Entities from pairs: connected components of the pairs at or above a match threshold.
//!
//! Records joined by a chain of matches form one entity, even when the two ends of the chain
//! were not themselves scored as a match (transitive closure, as Splink's
//! `cluster_pairwise_predictions_at_threshold`). A record in no match is an entity alone.

use serde::Serialize;

use crate::linkage::{Kind, Linkage};

/// Cluster (entity) ids of every record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Clusters {
    /// Cluster of each row of the left table (of the table, in a deduplication).
    pub left: Vec<u32>,
    /// Cluster of each row of the right table (empty in a deduplication).
    pub right: Vec<u32>,
    /// Number of clusters, records alone included. Ids are `0..count`, numbered in order of
    /// each cluster's first record (left rows first).
    pub count: usize,
}

impl Clusters {
    /// The record pairs a clustering implies: every two records of one cluster (in a link, every
    /// left-right pair of one cluster), as (left row, right row) with left < right in a
    /// deduplication.
    pub fn implied_pairs(&self) -> Vec<(u32, u32)> {
        let members = |ids: &[u32]| {
            let mut m: Vec<Vec<u32>> = vec![Vec::new(); self.count];
            for (row, &c) in ids.iter().enumerate() {
                m[c as usize].push(row as u32);
            }
            m
        };
        let l = members(&self.left);
        let mut out = Vec::new();
        if self.right.is_empty() {
            for g in &l {
                for (x, &a) in g.iter().enumerate() {
                    for &b in &g[x + 1..] {
                        out.push((a, b));
                    }
                }
            }
        } else {
            let r = members(&self.right);
            for (gl, gr) in l.iter().zip(&r) {
                for &a in gl {
                    for &b in gr {
                        out.push((a, b));
                    }
                }
            }
        }
        out
    }

    /// Number of records in each cluster.
    pub fn sizes(&self) -> Vec<u32> {
        let mut s = vec![0u32; self.count];
        for &c in self.left.iter().chain(&self.right) {
            s[c as usize] += 1;
        }
        s
    }
}

struct UnionFind(Vec<u32>);

impl UnionFind {
    fn find(&mut self, mut x: u32) -> u32 {
        while self.0[x as usize] != x {
            let p = self.0[x as usize];
            self.0[x as usize] = self.0[p as usize];
            x = p;
        }
        x
    }

    fn union(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.find(a), self.find(b));
        // The smaller root wins, so roots are each component's first record.
        if ra < rb {
            self.0[rb as usize] = ra;
        } else if rb < ra {
            self.0[ra as usize] = rb;
        }
    }
}

/// Cluster records from pairs: `n_left` rows (the table, in a deduplication) and, for a link,
/// `n_right` right rows; each pair is (left row, right row).
pub fn cluster_pairs(
    n_left: usize,
    n_right: Option<usize>,
    pairs: impl IntoIterator<Item = (u32, u32)>,
) -> Clusters {
    let offset = n_left as u32;
    let total = n_left + n_right.unwrap_or(0);
    let mut uf = UnionFind((0..total as u32).collect());
    for (a, b) in pairs {
        let b = if n_right.is_some() { b + offset } else { b };
        uf.union(a, b);
    }
    let mut id = vec![u32::MAX; total];
    let mut count = 0u32;
    let mut all = Vec::with_capacity(total);
    for x in 0..total as u32 {
        let r = uf.find(x);
        if id[r as usize] == u32::MAX {
            id[r as usize] = count;
            count += 1;
        }
        all.push(id[r as usize]);
    }
    let right = all.split_off(n_left);
    Clusters {
        left: all,
        right,
        count: count as usize,
    }
}

/// Cluster a linkage's pairs at or above `threshold` (match probability).
pub fn cluster(linkage: &Linkage, threshold: f64) -> Clusters {
    let pairs = linkage.matches(threshold).map(|p| (p.left, p.right));
    match linkage.kind {
        Kind::Dedup => cluster_pairs(linkage.stats.left_rows, None, pairs),
        Kind::Link => cluster_pairs(
            linkage.stats.left_rows,
            Some(linkage.stats.right_rows),
            pairs,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transitive_dedup() {
        // 0-1, 1-2 chain; 3 alone; 4-5.
        let c = cluster_pairs(6, None, [(0, 1), (1, 2), (4, 5)]);
        assert_eq!(c.left, vec![0, 0, 0, 1, 2, 2]);
        assert_eq!(c.count, 3);
        assert_eq!(c.sizes(), vec![3, 1, 2]);
        let mut p = c.implied_pairs();
        p.sort();
        assert_eq!(p, vec![(0, 1), (0, 2), (1, 2), (4, 5)]);
    }

    #[test]
    fn link_two_tables() {
        // left 0 ↔ right 1, left 2 ↔ right 1 (so left 0 and 2 join), right 0 alone.
        let c = cluster_pairs(3, Some(2), [(0, 1), (2, 1)]);
        assert_eq!(c.left, vec![0, 1, 0]);
        assert_eq!(c.right, vec![2, 0]);
        assert_eq!(c.count, 3);
        let mut p = c.implied_pairs();
        p.sort();
        assert_eq!(p, vec![(0, 1), (2, 1)]);
    }

    #[test]
    fn empty() {
        let c = cluster_pairs(0, None, []);
        assert_eq!(c.count, 0);
        assert!(c.implied_pairs().is_empty());
    }
}
