//! A proxy means test fitted on the generated attributes reaches the R² of published PMTs
//! (0.4-0.6): OLS of log consumption per capita on dwelling, utilities, assets, land, the head's
//! education, household size and urban/rural, with province fixed effects.

use std::collections::BTreeMap;

use setara_core::{Asset, Education, Relation};
use setara_synth::{Config, MemorySink, ProblemRates, SyntheticHousehold, generate};

/// Columns of the design matrix, built from categorical codes (one dummy per category seen,
/// the first one seen being the base) and numeric regressors.
struct Design {
    names: Vec<String>,
    index: BTreeMap<String, usize>,
    rows: Vec<Vec<(usize, f64)>>,
}

impl Design {
    fn new() -> Design {
        Design {
            names: vec!["intercept".into()],
            index: BTreeMap::new(),
            rows: Vec::new(),
        }
    }

    fn column(&mut self, name: String) -> usize {
        if let Some(&i) = self.index.get(&name) {
            return i;
        }
        self.names.push(name.clone());
        self.index.insert(name, self.names.len() - 1);
        self.names.len() - 1
    }

    fn row(&mut self, h: &SyntheticHousehold) {
        let mut r: Vec<(usize, f64)> = vec![(0, 1.0)];
        let mut cat = |d: &mut Design, var: &str, value: String| {
            let c = d.column(format!("{var}={value}"));
            r.push((c, 1.0));
        };
        let dw = &h.household.dwelling;
        cat(self, "province", h.truth.region_true.province().to_string());
        cat(self, "tenure", format!("{:?}", dw.tenure));
        cat(self, "floor", format!("{:?}", dw.floor));
        cat(self, "wall", format!("{:?}", dw.wall));
        cat(self, "roof", format!("{:?}", dw.roof));
        cat(self, "water", format!("{:?}", dw.water));
        cat(self, "toilet", format!("{:?}", dw.toilet));
        cat(
            self,
            "electricity",
            format!("{:?}/{:?}", dw.electricity, dw.electricity_va),
        );
        cat(self, "fuel", format!("{:?}", dw.cooking_fuel));
        let head = h
            .members
            .iter()
            .find(|p| p.relation == Relation::Head)
            .unwrap();
        cat(
            self,
            "head_education",
            format!("{:?}", head.education.unwrap_or(Education::None)),
        );
        cat(self, "urban", h.truth.urban.to_string());
        let mut num = |d: &mut Design, name: &str, v: f64| {
            let c = d.column(name.to_string());
            r.push((c, v));
        };
        for &a in Asset::ALL {
            if h.household.assets.get(a) == Some(true) {
                num(self, a.code(), 1.0);
            }
        }
        num(
            self,
            "ln_floor_area",
            f64::from(dw.floor_area_m2.unwrap()).ln(),
        );
        let land = h.household.land_m2.unwrap() as f64;
        num(self, "owns_land", if land > 0.0 { 1.0 } else { 0.0 });
        num(self, "ln_1_land", (1.0 + land).ln());
        let size = f64::from(h.household.declared_size.unwrap());
        num(self, "size", size);
        num(self, "size2", size * size);
        self.rows.push(r);
    }
}

/// Base categories: drop the first dummy of each categorical variable so that the intercept
/// is identified.
fn base_columns(d: &Design) -> Vec<bool> {
    let mut keep = vec![true; d.names.len()];
    let mut seen = std::collections::HashSet::new();
    for (i, name) in d.names.iter().enumerate() {
        if let Some((var, _)) = name.split_once('=')
            && seen.insert(var.to_string())
        {
            keep[i] = false;
        }
    }
    keep
}

/// Solve `A x = b` for symmetric positive definite `A` by Cholesky (A = L Lᵀ).
fn cholesky_solve(a: &[Vec<f64>], b: &[f64]) -> Vec<f64> {
    let n = b.len();
    let mut l = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..=i {
            let s: f64 = (0..j).map(|k| l[i][k] * l[j][k]).sum();
            if i == j {
                let d = a[i][i] - s;
                assert!(
                    d > 1e-9 * a[i][i].max(1.0),
                    "matrix not positive definite at {i}"
                );
                l[i][i] = d.sqrt();
            } else {
                l[i][j] = (a[i][j] - s) / l[j][j];
            }
        }
    }
    let mut y = vec![0.0; n];
    for i in 0..n {
        y[i] = (b[i] - (0..i).map(|k| l[i][k] * y[k]).sum::<f64>()) / l[i][i];
    }
    let mut x = vec![0.0; n];
    for i in (0..n).rev() {
        x[i] = (y[i] - (i + 1..n).map(|k| l[k][i] * x[k]).sum::<f64>()) / l[i][i];
    }
    x
}

#[test]
fn pmt_r_squared_is_like_published_pmts() {
    let config = Config {
        rates: ProblemRates::none(),
        survey_fraction: 0.0,
        ..Config::new(20_000, 11)
    };
    let mut sink = MemorySink::new();
    generate(&config, &mut sink, &mut |_| {}).unwrap();
    let households = &sink.households;
    let mut design = Design::new();
    for h in households {
        design.row(h);
    }
    let y: Vec<f64> = households
        .iter()
        .map(|h| (h.truth.consumption_per_capita.0 as f64).ln())
        .collect();

    let keep = base_columns(&design);
    // Drop columns that are constant zero too (categories never seen after the base).
    let map: Vec<Option<usize>> = {
        let mut next = 0;
        keep.iter()
            .map(|&k| {
                if k {
                    next += 1;
                    Some(next - 1)
                } else {
                    None
                }
            })
            .collect()
    };
    let p = keep.iter().filter(|&&k| k).count();
    let mut xtx = vec![vec![0.0; p]; p];
    let mut xty = vec![0.0; p];
    for (row, &yi) in design.rows.iter().zip(&y) {
        let cols: Vec<(usize, f64)> = row
            .iter()
            .filter_map(|&(c, v)| map[c].map(|m| (m, v)))
            .collect();
        for &(i, vi) in &cols {
            xty[i] += vi * yi;
            for &(j, vj) in &cols {
                xtx[i][j] += vi * vj;
            }
        }
    }
    let beta = cholesky_solve(&xtx, &xty);
    let mean = y.iter().sum::<f64>() / y.len() as f64;
    let (mut ssr, mut sst) = (0.0, 0.0);
    for (row, &yi) in design.rows.iter().zip(&y) {
        let fit: f64 = row
            .iter()
            .filter_map(|&(c, v)| map[c].map(|m| beta[m] * v))
            .sum();
        ssr += (yi - fit).powi(2);
        sst += (yi - mean).powi(2);
    }
    let r2 = 1.0 - ssr / sst;
    println!("R² = {r2:.4} on {} households, {p} regressors", y.len());
    assert!((0.4..=0.6).contains(&r2), "R² = {r2}");
}
