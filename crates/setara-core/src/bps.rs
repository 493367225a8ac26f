//! Official statistics of Badan Pusat Statistik (BPS) by province, shipped inside the binary,
//! and the BPS ↔ Kemendagri province code crosswalk.
//!
//! Source: BPS (Gini ratio, percentage of poor population P0, poverty line), see
//! `data/bps/README.md` and `data/bps/bps_province_stats_sources.csv`. BPS codes equal Kemendagri
//! codes except for the six Papua provinces, hence the crosswalk.

use std::sync::OnceLock;

use crate::region::{Level, RegionCode};

const STATS_CSV: &str = include_str!("../../../data/bps/bps_province_stats.csv");
const CROSSWALK_CSV: &str = include_str!("../../../data/bps/province_codes_crosswalk.csv");

/// One province (or the nation) in one period.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct BpsProvinceStat {
    /// BPS province code (`00` for Indonesia).
    pub bps_code: u8,
    /// Kemendagri province code; `None` for the national row.
    pub province: Option<RegionCode>,
    pub name: String,
    /// `YYYY-MM`, e.g. `2024-03` (Susenas March round).
    pub period: String,
    pub gini: Option<f64>,
    /// Percentage of poor population (P0), in percent.
    pub poverty_pct: Option<f64>,
    /// Poverty line, rupiah per capita per month.
    pub poverty_line: Option<i64>,
}

/// The BPS figures and crosswalk.
pub struct Bps {
    stats: Vec<BpsProvinceStat>,
    /// (bps code, kemendagri code)
    crosswalk: Vec<(u8, RegionCode)>,
}

impl Bps {
    pub fn shipped() -> &'static Bps {
        static BPS: OnceLock<Bps> = OnceLock::new();
        BPS.get_or_init(|| {
            Bps::parse(STATS_CSV, CROSSWALK_CSV).expect("shipped BPS tables are well-formed")
        })
    }

    fn parse(stats: &str, crosswalk: &str) -> Result<Bps, String> {
        let mut xw = Vec::new();
        for line in crosswalk.lines().skip(1).filter(|l| !l.is_empty()) {
            let f: Vec<&str> = line.split(',').collect();
            let bps: u8 = f[0].parse().map_err(|_| format!("crosswalk: {line}"))?;
            let kd = RegionCode::parse(f[1]).map_err(|e| format!("crosswalk: {e}"))?;
            if kd.level() != Level::Province {
                return Err(format!("crosswalk: {kd} is not a province"));
            }
            xw.push((bps, kd));
        }
        let mut out = Vec::new();
        for line in stats.lines().skip(1).filter(|l| !l.is_empty()) {
            // province_code,province_name,period,gini_ratio,poverty_pct,poverty_line_idr,source
            let f: Vec<&str> = line.split(',').collect();
            if f.len() < 6 {
                return Err(format!("bps stats: short line {line}"));
            }
            let bps_code: u8 = f[0].parse().map_err(|_| format!("bps stats: {line}"))?;
            let opt_f = |s: &str| {
                if s.is_empty() {
                    Ok(None)
                } else {
                    s.parse::<f64>().map(Some)
                }
            };
            let gini = opt_f(f[3]).map_err(|_| format!("bps stats gini: {line}"))?;
            let poverty_pct = opt_f(f[4]).map_err(|_| format!("bps stats p0: {line}"))?;
            let poverty_line = if f[5].is_empty() {
                None
            } else {
                Some(
                    f[5].parse::<i64>()
                        .map_err(|_| format!("bps stats line: {line}"))?,
                )
            };
            let province = if bps_code == 0 {
                None
            } else {
                Some(
                    xw.iter()
                        .find(|(b, _)| *b == bps_code)
                        .map(|(_, k)| *k)
                        .ok_or_else(|| format!("bps code {bps_code} missing from crosswalk"))?,
                )
            };
            out.push(BpsProvinceStat {
                bps_code,
                province,
                name: f[1].to_string(),
                period: f[2].to_string(),
                gini,
                poverty_pct,
                poverty_line,
            });
        }
        Ok(Bps {
            stats: out,
            crosswalk: xw,
        })
    }

    /// Kemendagri province code for a BPS province code.
    pub fn kemendagri_for_bps(&self, bps: u8) -> Option<RegionCode> {
        self.crosswalk
            .iter()
            .find(|(b, _)| *b == bps)
            .map(|(_, k)| *k)
    }

    /// BPS province code for a Kemendagri province code.
    pub fn bps_for_kemendagri(&self, province: RegionCode) -> Option<u8> {
        self.crosswalk
            .iter()
            .find(|(_, k)| *k == province)
            .map(|(b, _)| *b)
    }

    /// Periods available, oldest first.
    pub fn periods(&self) -> Vec<&str> {
        let mut p: Vec<&str> = self.stats.iter().map(|s| s.period.as_str()).collect();
        p.sort();
        p.dedup();
        p
    }

    /// Figures for a Kemendagri province in a period.
    pub fn province(&self, province: RegionCode, period: &str) -> Option<&BpsProvinceStat> {
        self.stats
            .iter()
            .find(|s| s.province == Some(province) && s.period == period)
    }

    /// National figures in a period.
    pub fn national(&self, period: &str) -> Option<&BpsProvinceStat> {
        self.stats
            .iter()
            .find(|s| s.bps_code == 0 && s.period == period)
    }

    /// All province rows of one period.
    pub fn provinces(&self, period: &str) -> impl Iterator<Item = &BpsProvinceStat> {
        let period = period.to_string();
        self.stats
            .iter()
            .filter(move |s| s.province.is_some() && s.period == period)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Regions;

    #[test]
    fn national_march_2024_matches_the_release() {
        let n = Bps::shipped().national("2024-03").unwrap();
        assert_eq!(n.gini, Some(0.379));
        assert_eq!(n.poverty_pct, Some(9.03));
        assert_eq!(n.poverty_line, Some(582_932));
    }

    #[test]
    fn papua_codes_go_through_the_crosswalk() {
        let bps = Bps::shipped();
        let p = |s| RegionCode::parse(s).unwrap();
        // BPS 94 Papua is Kemendagri 91; BPS 91 Papua Barat is Kemendagri 92.
        assert_eq!(bps.kemendagri_for_bps(94), Some(p("91")));
        assert_eq!(bps.kemendagri_for_bps(91), Some(p("92")));
        assert_eq!(bps.bps_for_kemendagri(p("96")), Some(92));
        let regions = Regions::kemendagri_2025();
        assert_eq!(regions.get(p("91")).unwrap().name, "Papua");
        assert_eq!(bps.province(p("91"), "2024-03").unwrap().name, "Papua");
    }

    #[test]
    fn march_2024_is_complete_for_all_38_provinces() {
        let bps = Bps::shipped();
        let rows: Vec<_> = bps.provinces("2024-03").collect();
        assert_eq!(rows.len(), 38);
        for r in rows {
            assert!(
                r.gini.is_some() && r.poverty_pct.is_some() && r.poverty_line.is_some(),
                "{}",
                r.name
            );
        }
    }
}
