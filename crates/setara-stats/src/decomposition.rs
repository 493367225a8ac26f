//! Decomposition of the generalized entropy index by population subgroup (within + between),
//! with linearized standard errors as R `convey::svygeidec`.
//!
//! # Building blocks for fused passes
//!
//! - [`GroupIndex`] maps group ids (`u32`) to dense slots `0..k` in ascending id order: a lookup
//!   table when the largest id is below 2²⁰ and below `max(n, 65 536)` (one load per row),
//!   else a sorted list of the distinct ids (binary search).
//! - [`GroupedEntropySums`] holds one [`EntropySums`] per slot; [`GroupedEntropySums::add`]
//!   evaluates the basis functions of a row once and adds them to its group's sums. The total
//!   sums are the merge of the groups' ([`GroupedEntropySums::total`]): no second accumulator.
//! - [`GroupedEntropySums::finish_decomposition`] gives total, within, between, each group's
//!   share and index, and the linearizations: one for the total ([`Linearization`] over the
//!   basis functions) and one *per group* for the within component (row `i` of group `g` has
//!   `z_within,i = within_lin[g].z(row)`); the between component's is `z_total − z_within`.
//! - Fast path (what [`Sample::ge_decomposition`] does): per chunk of rows, the slots of its ids,
//!   `spec.columns(x, cols)`, then [`GroupedEntropySums::add_columns`]; in the second pass
//!   [`Linearization::z_columns`] for the total and [`Linearization::z_at`] per row for the
//!   within component.
//! - Second pass, per row: `slot = index.slot(id)`, `r = spec.row(x)`, push `w·z` of the three
//!   components into three [`LinearizedVariance`]s (each component is invariant to rescaling
//!   all weights, so its `Σ wᵢzᵢ` is 0 and plain sums of `u`, `u²` are accurate).

use crate::StatsError;
use crate::entropy::{
    CHUNK, EntropyColumns, EntropyMeasure, EntropySpec, EntropySums, Linearization,
    LinearizedVariance, ONE, X, check_domain, for_each_chunk,
};
use crate::{Estimate, Sample};

/// Ids below this value may use a direct lookup table (4 bytes per possible id).
const DENSE_LIMIT: u32 = 1 << 20;

/// Group ids to dense slots `0..len()`, slots in ascending order of id.
#[derive(Clone, Debug)]
pub(crate) struct GroupIndex {
    ids: Vec<u32>,
    lookup: Lookup,
}

#[derive(Clone, Debug)]
enum Lookup {
    /// `table[id]` is the slot (every id in the data is present).
    Dense(Vec<u32>),
    /// Binary search in `ids`.
    Sorted,
}

impl GroupIndex {
    /// The distinct ids of `groups`.
    pub(crate) fn new(groups: &[u32]) -> Self {
        let max = groups.iter().copied().max().unwrap_or(0);
        // A table when it is small next to the data (or small in absolute terms).
        if max < DENSE_LIMIT && (max as usize) < groups.len().max(1 << 16) {
            let mut table = vec![u32::MAX; max as usize + 1];
            for &g in groups {
                table[g as usize] = 0;
            }
            let mut ids = Vec::new();
            for (id, slot) in table.iter_mut().enumerate() {
                if *slot == 0 {
                    *slot = ids.len() as u32;
                    ids.push(id as u32);
                }
            }
            GroupIndex {
                ids,
                lookup: Lookup::Dense(table),
            }
        } else {
            let mut ids = groups.to_vec();
            ids.sort_unstable();
            ids.dedup();
            GroupIndex {
                ids,
                lookup: Lookup::Sorted,
            }
        }
    }

    /// Number of distinct groups.
    pub(crate) fn len(&self) -> usize {
        self.ids.len()
    }

    /// The distinct ids, ascending (`ids()[slot]` is the id of a slot).
    pub(crate) fn ids(&self) -> &[u32] {
        &self.ids
    }

    /// The slot of an id present in the data the index was built from.
    #[inline]
    pub(crate) fn slot(&self, id: u32) -> usize {
        match &self.lookup {
            Lookup::Dense(table) => table[id as usize] as usize,
            Lookup::Sorted => self
                .ids
                .binary_search(&id)
                .expect("group id not in the index"),
        }
    }
}

/// One [`EntropySums`] per group slot.
#[derive(Clone, Debug)]
pub(crate) struct GroupedEntropySums {
    spec: EntropySpec,
    groups: Vec<EntropySums>,
}

impl GroupedEntropySums {
    /// Empty sums for `n_groups` slots.
    pub(crate) fn new(spec: EntropySpec, n_groups: usize) -> Self {
        GroupedEntropySums {
            spec,
            groups: vec![EntropySums::new(spec); n_groups],
        }
    }

    /// Sums already accumulated per slot (e.g. each group's by its own pass), same spec.
    pub(crate) fn from_groups(spec: EntropySpec, groups: Vec<EntropySums>) -> Self {
        GroupedEntropySums { spec, groups }
    }

    /// Add one observation to group `slot`.
    #[allow(
        dead_code,
        reason = "per-row building block for fused passes (the measures use the chunked path)"
    )]
    #[inline]
    pub(crate) fn add(&mut self, slot: usize, x: f64, w: f64) {
        let row = self.spec.row(x);
        self.groups[slot].add_row(&row, w);
    }

    /// Add the rows of a chunk (columns from `spec.columns`, weights `w`) to their groups'
    /// sums, `slots[k]` the slot of row `k`.
    pub(crate) fn add_columns(&mut self, cols: &EntropyColumns, w: &[f64], slots: &[u32]) {
        assert!(w.len() == cols.len() && slots.len() == cols.len());
        for (k, (&wk, &slot)) in w.iter().zip(slots).enumerate() {
            self.groups[slot as usize].add_column_row(cols, k, wk);
        }
    }

    /// Add partial sums over other rows (same spec and slots).
    #[allow(dead_code, reason = "building block for fused multi-threaded passes")]
    pub(crate) fn merge(&mut self, other: &GroupedEntropySums) {
        for (a, b) in self.groups.iter_mut().zip(&other.groups) {
            a.merge(b);
        }
    }

    /// Sums over every row (the merge of the groups').
    pub(crate) fn total(&self) -> EntropySums {
        let mut total = EntropySums::new(self.spec);
        for g in &self.groups {
            total.merge(g);
        }
        total
    }

    /// Decompose `GE(α)` (`α` registered in the spec). Groups without rows are skipped (their
    /// `GroupShare::n` is 0 and they contribute nothing).
    ///
    /// With `p_g = W_g/W` (population share), `s_g = T_g/T` (income share), `μ_g` the group mean:
    ///
    /// - within `= Σ_g p_g^{1−α} s_g^α GE_g` (`Σ p_g GE_g` for Theil L, `Σ s_g GE_g` for
    ///   Theil T);
    /// - between `= Σ_g p_g ((μ_g/μ)^α − 1)/(α(α−1))`, `Σ p_g ln(μ/μ_g)` for `α = 0`,
    ///   `Σ s_g ln(μ_g/μ)` for `α = 1`: the index of the distribution where everyone has their
    ///   group's mean. Computed directly (not as total − within, which loses digits when it is
    ///   small); total = within + between up to rounding.
    ///
    /// Linearizations as convey 1.0.1 `svygeidec` (the version built on `CalcGEI_IF`): the
    /// within component `Σ_g c_g GE_g`, `c_g = s_g^α p_g^{1−α}`, is linearized by the product
    /// rule, with each group's `GE_g` linearized on the group's own sums (`z_g`, zero outside the
    /// group) and the weights `c_g` through `p_g ↦ (1[i∈g] − p_g)/W`,
    /// `s_g ↦ xᵢ(1[i∈g] − s_g)/T` for *every* row. Summed over the groups, for row `i` of group
    /// `h`:
    ///
    /// `z_within = c_h z_h(xᵢ) + α·xᵢ/T·(c_h GE_h/s_h − within) + (1 − α)/W·(c_h GE_h/p_h − within)`
    ///
    /// (`α = 0`: `p_h z_h + (GE_h − within)/W`; `α = 1`: `s_h z_h + xᵢ(GE_h − within)/T`).
    /// The between component's linearized variable is `z_total − z_within`, as in convey.
    ///
    /// An older convey `svygeidec` (before `CalcGEI_IF`) zeroed each group's term outside the
    /// group (`ifelse(w_i > 0, …, 0)`), dropping the `−p_g/W`, `−s_g xᵢ/T` parts for rows of
    /// other groups; that gives a different within standard error (3.6 % larger on the
    /// reference data) and is *not* what convey 1.0.1 reports.
    ///
    /// # Errors
    ///
    /// Those of [`EntropySums::finish`] for the total; [`StatsError::Undefined`] if a group's
    /// mean is zero (every value of the group zero, possible for `α > 0`).
    pub(crate) fn finish_decomposition(
        &self,
        alpha: f64,
    ) -> Result<DecompositionFinish, StatsError> {
        let measure = EntropyMeasure::Ge(alpha);
        let total_sums = self.total();
        let total = total_sums.finish(measure)?;
        let w_total = total_sums.total_weight();
        let t_total = total_sums.total();
        let mean = t_total / w_total;
        let total_lin = total.lin.unwrap_or(Linearization::zero());

        // First the groups' indices and weights (the within total enters every row's
        // linearized value), then the linearizations.
        struct Part {
            ge: f64,
            lin: Linearization,
            weight: f64,
        }
        let mut within = 0.0;
        let mut between = 0.0;
        let mut parts = Vec::with_capacity(self.groups.len());
        let mut shares = Vec::with_capacity(self.groups.len());
        for g in &self.groups {
            if g.n() == 0 {
                parts.push(None);
                shares.push(GroupShare::default());
                continue;
            }
            let (w_g, t_g) = (g.total_weight(), g.total());
            if t_g <= 0.0 {
                return Err(StatsError::Undefined {
                    measure: "the decomposition of GE(α) by group",
                    reason: "a group's mean is zero (every value of the group is zero)",
                });
            }
            let fin = g.finish(measure)?;
            let (p, s) = (w_g / w_total, t_g / t_total);
            let ratio = (t_g / w_g) / mean;
            let weight = if alpha == 0.0 {
                between -= p * ratio.ln();
                p
            } else if alpha == 1.0 {
                between += s * ratio.ln();
                s
            } else {
                between += p * (ratio.powf(alpha) - 1.0) / (alpha * (alpha - 1.0));
                s.powf(alpha) * p.powf(1.0 - alpha)
            };
            within += weight * fin.value;
            parts.push(Some(Part {
                ge: fin.value,
                lin: fin.lin.unwrap_or(Linearization::zero()),
                weight,
            }));
            shares.push(GroupShare {
                n: g.n(),
                total_weight: w_g,
                population_share: p,
                income_share: s,
                mean: t_g / w_g,
                ge: fin.value,
            });
        }
        // Row i of group h: c_h z_h(xᵢ) + Σ_g GE_g ∂c_g, where the weights c_g = s_g^α p_g^{1−α}
        // have p_g ↦ (1[i∈g] − p_g)/W and s_g ↦ xᵢ(1[i∈g] − s_g)/T, so the sum over g is
        // α xᵢ/T · (c_h GE_h/s_h − within) + (1 − α)/W · (c_h GE_h/p_h − within).
        let within_lin = parts
            .iter()
            .zip(&shares)
            .map(|(part, share)| match part {
                None => Linearization::zero(),
                Some(part) => {
                    let term = part.weight * part.ge;
                    let mut lin = Linearization::zero();
                    if alpha != 0.0 {
                        lin.c[X] = alpha * (term / share.income_share - within) / t_total;
                    }
                    if alpha != 1.0 {
                        lin.c[ONE] =
                            (1.0 - alpha) * (term / share.population_share - within) / w_total;
                    }
                    lin.combine(1.0, &part.lin, part.weight)
                }
            })
            .collect();
        Ok(DecompositionFinish {
            total: total.value,
            within,
            between,
            total_lin,
            within_lin,
            groups: shares,
        })
    }
}

/// Result of [`GroupedEntropySums::finish_decomposition`].
#[derive(Clone, Debug)]
pub(crate) struct DecompositionFinish {
    pub(crate) total: f64,
    pub(crate) within: f64,
    pub(crate) between: f64,
    /// Linearization of the total index (every row).
    pub(crate) total_lin: Linearization,
    /// Linearization of the within component, for rows of each slot.
    pub(crate) within_lin: Vec<Linearization>,
    /// Per slot.
    pub(crate) groups: Vec<GroupShare>,
}

/// A group's part of the decomposition (by slot, without its id).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct GroupShare {
    pub(crate) n: usize,
    pub(crate) total_weight: f64,
    pub(crate) population_share: f64,
    pub(crate) income_share: f64,
    pub(crate) mean: f64,
    pub(crate) ge: f64,
}

/// One population subgroup in a [`GeDecomposition`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GroupEntropy {
    /// The group id, as passed in.
    pub id: u32,
    /// Number of observations in the group.
    pub n: usize,
    /// Total weight of the group `W_g` (its estimated population).
    pub total_weight: f64,
    /// Population share `p_g = W_g / W`.
    pub population_share: f64,
    /// Income share `s_g = T_g / T` (share of the weighted total of the values).
    pub income_share: f64,
    /// Weighted mean of the group `μ_g`.
    pub mean: f64,
    /// `GE(α)` within the group alone.
    pub ge: f64,
}

/// `GE(α)` decomposed by population subgroup: `total = within + between` (up to rounding).
#[derive(Clone, Debug, PartialEq)]
pub struct GeDecomposition {
    /// The `α` of the index.
    pub alpha: f64,
    /// `GE(α)` of the whole sample (the same as [`Sample::ge`]).
    pub total: Estimate,
    /// Within-group component `Σ_g p_g^{1−α} s_g^α GE_g`.
    pub within: Estimate,
    /// Between-group component: `GE(α)` of the distribution where everyone has their group's
    /// mean.
    pub between: Estimate,
    /// The groups, in ascending order of id.
    pub groups: Vec<GroupEntropy>,
}

impl Sample<'_> {
    /// Decomposition of `GE(α)` by population subgroup, with linearized standard errors of the
    /// total, within and between components as R `convey::svygeidec` (convey 1.0.1) computes
    /// them for `svydesign(ids = ~1, weights = ~w)`.
    ///
    /// `groups[i]` is the group id of observation `i`: any `u32` (e.g. a BPS region code);
    /// ids need not be contiguous. Cost: one lookup per row (a table indexed by id when every
    /// id is below 2²⁰ and below `max(n, 65 536)`, else a binary search among the distinct
    /// ids), one pass for the sums and one for the variances, each evaluating `ln x` (or `x^α`)
    /// once per row; about 0.25 s for 10 million rows in 500 groups on one core.
    ///
    /// Formulas (`p_g` population share, `s_g` income share, `μ_g` group mean, `GE_g` the index
    /// within group `g`):
    ///
    /// - within `= Σ_g p_g^{1−α} s_g^α GE_g` (Theil L: `Σ p_g GE_g`; Theil T: `Σ s_g GE_g`);
    /// - between `= Σ_g p_g ((μ_g/μ)^α − 1)/(α(α−1))` (Theil L: `Σ p_g ln(μ/μ_g)`; Theil T:
    ///   `Σ s_g ln(μ_g/μ)`).
    ///
    /// Standard errors: convey's linearization of the within component (product rule over
    /// `Σ_g s_g^α p_g^{1−α} GE_g`, with the shares linearized for every row, not only the
    /// group's); the between component's linearized variable is the total's minus the within's,
    /// so the three standard errors are those of convey's `svygeidec` to rounding.
    ///
    /// Domain: as [`Sample::ge`]; also every group must have a positive mean.
    ///
    /// # Errors
    ///
    /// [`StatsError::SizeMismatch`] if `groups` and the values differ in length; those of
    /// [`Sample::ge`]; [`StatsError::Undefined`] if a group's values are all zero.
    pub fn ge_decomposition(
        &self,
        groups: &[u32],
        alpha: f64,
    ) -> Result<GeDecomposition, StatsError> {
        if groups.len() != self.len() {
            return Err(StatsError::SizeMismatch {
                what: "group ids (one per value)",
                expected: self.len(),
                found: groups.len(),
            });
        }
        let measure = EntropyMeasure::Ge(alpha);
        let spec = EntropySpec::for_measure(measure)?;
        check_domain(self.values(), spec.requires_positive(), measure.name())?;
        let index = GroupIndex::new(groups);
        let mut sums = GroupedEntropySums::new(spec, index.len());
        let mut cols = EntropyColumns::new();
        let mut slots = [0u32; CHUNK];
        let mut start = 0;
        for_each_chunk(self.values(), self.weights(), |x, w| {
            let slots = &mut slots[..x.len()];
            for (s, &g) in slots.iter_mut().zip(&groups[start..start + x.len()]) {
                *s = index.slot(g) as u32;
            }
            spec.columns(x, &mut cols);
            sums.add_columns(&cols, w, slots);
            start += x.len();
        });
        let fin = sums.finish_decomposition(alpha)?;

        let (mut v_total, mut v_within, mut v_between) = (
            LinearizedVariance::default(),
            LinearizedVariance::default(),
            LinearizedVariance::default(),
        );
        let (mut u_total, mut u_within, mut u_between) = ([0.0; CHUNK], [0.0; CHUNK], [0.0; CHUNK]);
        let mut start = 0;
        for_each_chunk(self.values(), self.weights(), |x, w| {
            let n = x.len();
            spec.columns(x, &mut cols);
            fin.total_lin.z_columns(&cols, &mut u_total[..n]);
            for (k, &g) in groups[start..start + n].iter().enumerate() {
                let z_within = fin.within_lin[index.slot(g)].z_at(&cols, k);
                let z_total = u_total[k];
                u_total[k] = w[k] * z_total;
                u_within[k] = w[k] * z_within;
                u_between[k] = w[k] * (z_total - z_within);
            }
            v_total.push_slice(&u_total[..n]);
            v_within.push_slice(&u_within[..n]);
            v_between.push_slice(&u_between[..n]);
            start += n;
        });

        let estimate = |value: f64, var: &LinearizedVariance| Estimate {
            value,
            se: var.standard_error(),
            n: self.len(),
            total_weight: self.total_weight(),
        };
        Ok(GeDecomposition {
            alpha,
            total: estimate(fin.total, &v_total),
            within: estimate(fin.within, &v_within),
            between: estimate(fin.between, &v_between),
            groups: index
                .ids()
                .iter()
                .zip(&fin.groups)
                .map(|(&id, g)| GroupEntropy {
                    id,
                    n: g.n,
                    total_weight: g.total_weight,
                    population_share: g.population_share,
                    income_share: g.income_share,
                    mean: g.mean,
                    ge: g.ge,
                })
                .collect(),
        })
    }

    /// Theil T (`GE(1)`) decomposed by group; see [`Sample::ge_decomposition`].
    ///
    /// # Errors
    ///
    /// As [`Sample::ge_decomposition`].
    pub fn theil_t_decomposition(&self, groups: &[u32]) -> Result<GeDecomposition, StatsError> {
        self.ge_decomposition(groups, 1.0)
    }

    /// Theil L / mean log deviation (`GE(0)`) decomposed by group; see
    /// [`Sample::ge_decomposition`].
    ///
    /// # Errors
    ///
    /// As [`Sample::ge_decomposition`].
    pub fn theil_l_decomposition(&self, groups: &[u32]) -> Result<GeDecomposition, StatsError> {
        self.ge_decomposition(groups, 0.0)
    }
}

/// Decomposition of `GE(α)` by group; shorthand for
/// `Sample::new(values, weights)?.ge_decomposition(groups, alpha)`, see
/// [`Sample::ge_decomposition`].
///
/// # Errors
///
/// The input checks of [`Sample::new`], and those of [`Sample::ge_decomposition`].
pub fn ge_decomposition(
    values: &[f64],
    weights: Option<&[f64]>,
    groups: &[u32],
    alpha: f64,
) -> Result<GeDecomposition, StatsError> {
    Sample::new(values, weights)?.ge_decomposition(groups, alpha)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The linearized variables are the derivatives of the estimates with respect to each
    /// row's weight: check every component against central finite differences.
    #[test]
    fn linearization_is_the_weight_derivative() {
        let v = [1.5, 2.0, 4.0, 8.0, 3.0, 5.0, 0.7, 12.0, 2.5];
        let w = [1.0, 2.0, 1.5, 3.0, 1.0, 2.5, 1.0, 0.5, 2.0];
        let g = [4, 4, 9, 9, 9, 2, 2, 4, 2];
        let index = GroupIndex::new(&g);
        let run = |w: &[f64], alpha: f64| {
            let spec = EntropySpec::for_measure(EntropyMeasure::Ge(alpha)).unwrap();
            let mut sums = GroupedEntropySums::new(spec, index.len());
            for i in 0..v.len() {
                sums.add(index.slot(g[i]), v[i], w[i]);
            }
            (spec, sums.finish_decomposition(alpha).unwrap())
        };
        for alpha in [-1.0, 0.0, 0.5, 1.0, 2.0, 3.0] {
            let (spec, fin) = run(&w, alpha);
            for i in 0..v.len() {
                let row = spec.row(v[i]);
                let z_total = fin.total_lin.z(&row);
                let z_within = fin.within_lin[index.slot(g[i])].z(&row);
                let h = 1e-6 * w[i];
                let (mut up, mut down) = (w.to_vec(), w.to_vec());
                up[i] += h;
                down[i] -= h;
                let (a, b) = (run(&up, alpha).1, run(&down, alpha).1);
                let d_total = (a.total - b.total) / (2.0 * h);
                let d_within = (a.within - b.within) / (2.0 * h);
                let d_between = (a.between - b.between) / (2.0 * h);
                for (what, got, expected) in [
                    ("total", z_total, d_total),
                    ("within", z_within, d_within),
                    ("between", z_total - z_within, d_between),
                ] {
                    assert!(
                        (got - expected).abs() <= 1e-6 * (1e-3 + expected.abs()),
                        "alpha {alpha} row {i} {what}: z = {got}, derivative = {expected}"
                    );
                }
            }
        }
    }

    /// Zero values are in the domain of Theil T; the within/between standard errors must not
    /// turn into `0·ln 0 = NaN` (reported as 0): they are the limits for values tending to 0.
    #[test]
    fn zero_values_have_theil_t_standard_errors() {
        let g = [1, 2, 1, 2, 1, 2, 1];
        let at = |eps: f64| {
            let v = [eps, eps, 1.0, 2.0, 3.0, eps, 5.0];
            ge_decomposition(&v, None, &g, 1.0).unwrap()
        };
        let (zero, tiny) = (at(0.0), at(1e-200));
        for (a, b) in [
            (zero.within.se, tiny.within.se),
            (zero.between.se, tiny.between.se),
        ] {
            let (a, b) = (a.unwrap(), b.unwrap());
            assert!(a > 0.1 && (a - b).abs() < 1e-12 * b, "{a} vs {b}");
        }
    }

    #[test]
    fn group_index_dense_and_sparse() {
        let g = [7, 3, 7, 9, 3];
        let idx = GroupIndex::new(&g);
        assert_eq!(idx.ids(), &[3, 7, 9]);
        assert_eq!(
            g.iter().map(|&id| idx.slot(id)).collect::<Vec<_>>(),
            vec![1, 0, 1, 2, 0]
        );
        let g = [u32::MAX, 5, u32::MAX - 1, 5];
        let idx = GroupIndex::new(&g);
        assert!(matches!(idx.lookup, Lookup::Sorted));
        assert_eq!(idx.ids(), &[5, u32::MAX - 1, u32::MAX]);
        assert_eq!(idx.slot(u32::MAX), 2);
    }

    #[test]
    fn sparse_and_dense_ids_agree() {
        let v = [1.0, 2.0, 4.0, 8.0, 3.0, 5.0];
        let dense = [0, 0, 1, 1, 2, 2];
        let sparse = [
            10,
            10,
            4_000_000_000,
            4_000_000_000,
            4_000_000_001,
            4_000_000_001,
        ];
        for alpha in [0.0, 1.0, 2.0] {
            let a = ge_decomposition(&v, None, &dense, alpha).unwrap();
            let b = ge_decomposition(&v, None, &sparse, alpha).unwrap();
            assert_eq!(a.within, b.within);
            assert_eq!(a.between, b.between);
        }
    }

    #[test]
    fn one_group_has_no_between() {
        let v = [1.0, 2.0, 4.0, 8.0];
        for alpha in [0.0, 1.0, 2.0, -1.0] {
            let d = ge_decomposition(&v, None, &[3; 4], alpha).unwrap();
            assert_eq!(d.between.value, 0.0);
            assert!((d.within.value - d.total.value).abs() < 1e-15);
            assert!(d.between.se.unwrap() < 1e-15);
        }
    }

    #[test]
    fn errors() {
        let v = [1.0, 2.0];
        assert_eq!(
            ge_decomposition(&v, None, &[1], 1.0).unwrap_err(),
            StatsError::SizeMismatch {
                what: "group ids (one per value)",
                expected: 2,
                found: 1
            }
        );
        assert!(matches!(
            ge_decomposition(&[0.0, 0.0, 2.0], None, &[1, 1, 2], 1.0),
            Err(StatsError::Undefined { .. })
        ));
        assert!(matches!(
            ge_decomposition(&[1.0, 0.0], None, &[1, 2], 0.0),
            Err(StatsError::OutOfDomain { index: 1, .. })
        ));
    }
}
