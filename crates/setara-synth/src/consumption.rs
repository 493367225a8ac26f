//! Latent consumption per capita (pengeluaran per kapita): a lognormal per province whose Gini
//! coefficient and poverty headcount at the province's own poverty line are exactly the BPS
//! figures of March 2024.
//!
//! For a lognormal `ln c ~ N(μ, σ²)` the Gini is `G = 2Φ(σ/√2) − 1` and the share below a line
//! `z` is `P0 = Φ((ln z − μ)/σ)`, so
//!
//! - `σ = √2·Φ⁻¹((G + 1)/2)`,
//! - `μ = ln z − σ·Φ⁻¹(P0/100)`.
//!
//! Each household's per-capita consumption is drawn independently of its size, so the
//! distribution over persons (household-size weighted) is this lognormal exactly.

use setara_core::{Bps, Level, RegionCode};

use crate::Error;

/// The BPS period the generator reproduces (Susenas March 2024).
pub const BPS_PERIOD: &str = "2024-03";

/// The consumption distribution of one province.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ConsumptionModel {
    /// Kemendagri province code.
    pub province: RegionCode,
    /// BPS Gini ratio.
    pub gini: f64,
    /// BPS percentage of poor population (P0), in per cent.
    pub poverty_pct: f64,
    /// BPS poverty line, rupiah per capita per month.
    pub poverty_line: i64,
    /// Mean of log consumption per capita.
    pub mu: f64,
    /// Standard deviation of log consumption per capita.
    pub sigma: f64,
}

impl ConsumptionModel {
    /// The model of a province (Kemendagri code) from the shipped BPS figures of [`BPS_PERIOD`].
    pub fn for_province(province: RegionCode) -> Result<ConsumptionModel, Error> {
        if province.level() != Level::Province {
            return Err(Error::Config(format!("{province} is not a province code")));
        }
        let stat = Bps::shipped()
            .province(province, BPS_PERIOD)
            .ok_or_else(|| {
                Error::Config(format!(
                    "no BPS figures for province {province} in {BPS_PERIOD}"
                ))
            })?;
        let missing = |what: &str| {
            Error::Config(format!(
                "BPS {what} missing for province {province} in {BPS_PERIOD}"
            ))
        };
        let gini = stat.gini.ok_or_else(|| missing("Gini"))?;
        let poverty_pct = stat.poverty_pct.ok_or_else(|| missing("poverty rate"))?;
        let poverty_line = stat.poverty_line.ok_or_else(|| missing("poverty line"))?;
        ConsumptionModel::from_figures(province, gini, poverty_pct, poverty_line)
    }

    /// The lognormal with Gini `gini` and `poverty_pct` per cent below `poverty_line`.
    pub fn from_figures(
        province: RegionCode,
        gini: f64,
        poverty_pct: f64,
        poverty_line: i64,
    ) -> Result<ConsumptionModel, Error> {
        let bad = |what: &str| Error::Config(format!("province {province}: {what}"));
        if !(gini > 0.0 && gini < 1.0) {
            return Err(bad("Gini must be in (0, 1)"));
        }
        if !(poverty_pct > 0.0 && poverty_pct < 100.0) {
            return Err(bad("poverty rate must be in (0, 100)"));
        }
        if poverty_line <= 0 {
            return Err(bad("poverty line must be positive"));
        }
        let sigma =
            setara_stats::lognormal_sigma_for_gini(gini).map_err(|e| bad(&e.to_string()))?;
        let q =
            setara_stats::normal_quantile(poverty_pct / 100.0).map_err(|e| bad(&e.to_string()))?;
        let mu = (poverty_line as f64).ln() - sigma * q;
        Ok(ConsumptionModel {
            province,
            gini,
            poverty_pct,
            poverty_line,
            mu,
            sigma,
        })
    }

    /// Consumption per capita at standard normal deviate `z`.
    pub fn at(&self, z: f64) -> f64 {
        (self.mu + self.sigma * z).exp()
    }

    /// Log consumption relative to the poverty line at the median, `μ − ln z`: how far above
    /// its poverty line the typical person of the province lives.
    pub fn median_over_line(&self) -> f64 {
        self.mu - (self.poverty_line as f64).ln()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reproduces_the_figures_in_closed_form() {
        for stat in Bps::shipped().provinces(BPS_PERIOD) {
            let m = ConsumptionModel::for_province(stat.province.unwrap()).unwrap();
            let g = setara_stats::lognormal_gini(m.sigma).unwrap();
            assert!((g - stat.gini.unwrap()).abs() < 1e-12, "{}", stat.name);
            let p0 =
                setara_stats::normal_cdf(((m.poverty_line as f64).ln() - m.mu) / m.sigma) * 100.0;
            assert!(
                (p0 - stat.poverty_pct.unwrap()).abs() < 1e-9,
                "{}",
                stat.name
            );
        }
    }

    #[test]
    fn rejects_non_provinces() {
        assert!(ConsumptionModel::for_province(RegionCode::parse("32.04").unwrap()).is_err());
        assert!(ConsumptionModel::for_province(RegionCode::parse("99").unwrap()).is_err());
    }
}
