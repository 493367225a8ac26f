//! Statistics errors in the user's language (setara-stats words them in English only), with
//! the row named as the user knows it: a file line or a household's KK, never an index into
//! a slice.

use setara_core::Lang;
use setara_stats::StatsError;

use crate::error::Error;

/// Names the row at an index of the slices given to setara-stats, in a language: "line 17 of
/// survey.csv", "household (KK) 3204…". Gets the index and the offending value (a value, or
/// a weight for the weight errors), so that a caller whose indices are not its own (a group's
/// rows) can find the row by its value.
pub type RowName<'a> = &'a dyn Fn(usize, f64, Lang) -> String;

/// Rows named by their position, counting from 1 (for slices that are not rows of a file).
pub fn by_position(index: usize, _value: f64, lang: Lang) -> String {
    match lang {
        Lang::Id => format!("baris ke-{}", index + 1),
        Lang::En => format!("row {}", index + 1),
    }
}

/// The stable error code of a statistics error that stops a command.
pub fn stats_code(e: &StatsError) -> &'static str {
    match e {
        StatsError::Empty => "stats_empty",
        StatsError::NonFiniteValue { .. } | StatsError::NonFiniteWeight { .. } => {
            "stats_not_finite"
        }
        StatsError::ValueTooLarge { .. } => "stats_value_too_large",
        StatsError::WeightOutOfRange { .. } => "stats_weight_out_of_range",
        StatsError::NonPositiveWeight { .. } => "stats_weight_not_positive",
        StatsError::InvalidTotalWeight { .. } => "stats_total_weight",
        StatsError::BootstrapReplicate { source, .. } => stats_code(source),
        _ => "stats_invalid_input",
    }
}

/// A statistics error that stops an operation, its rows named by `row`.
pub fn stats_error(e: &StatsError, row: RowName<'_>) -> Error {
    Error::invalid(
        stats_code(e),
        stats_error_at(e, Lang::Id, row),
        stats_error_at(e, Lang::En, row),
    )
}

/// The message of a statistics error in `lang`, naming rows with `row`.
pub fn stats_error_at(e: &StatsError, lang: Lang, row: RowName<'_>) -> String {
    let id = lang == Lang::Id;
    match e {
        StatsError::Empty if id => "tidak ada pengamatan".into(),
        StatsError::OutOfDomain {
            measure,
            requirement,
            index,
            value,
        } => {
            let at = row(*index, *value, lang);
            if id {
                format!(
                    "{} memerlukan nilai {}; nilai di {at} adalah {value}",
                    measure_id(measure),
                    requirement_id(requirement)
                )
            } else {
                format!(
                    "{measure} requires values {}; the value at {at} is {value}",
                    requirement_en(requirement)
                )
            }
        }
        StatsError::Undefined { measure, reason } if id => format!(
            "{} tidak terdefinisi: {}",
            measure_id(measure),
            reason_id(reason)
        ),
        StatsError::NonFiniteValue { index, value } => {
            let at = row(*index, *value, lang);
            lang.pick(
                &format!("nilai di {at} adalah {value}: harus bilangan hingga"),
                &format!("the value at {at} is {value}: values must be finite"),
            )
            .to_string()
        }
        StatsError::ValueTooLarge { index, value } => {
            let at = row(*index, *value, lang);
            lang.pick(
                &format!(
                    "nilai di {at} adalah {value:e}: nilai harus berada dalam ±1e30 (di luar itu jumlah dan kuadrat yang dihitung ukuran-ukuran ini melampaui jangkauan bilangan titik-mengambang 64-bit; ubah skalanya, mis. ke ribuan)"
                ),
                &format!(
                    "the value at {at} is {value:e}: values must lie within ±1e30 (beyond that the sums and squares the measures form overflow 64-bit floating point; rescale the values, e.g. to thousands)"
                ),
            )
            .to_string()
        }
        StatsError::NonFiniteWeight { index, value } => {
            let at = row(*index, *value, lang);
            lang.pick(
                &format!("bobot di {at} adalah {value}: harus bilangan hingga"),
                &format!("the weight at {at} is {value}: weights must be finite"),
            )
            .to_string()
        }
        StatsError::NonPositiveWeight { index, value } => {
            let at = row(*index, *value, lang);
            lang.pick(
                &format!("bobot di {at} adalah {value}: bobot harus > 0 (buang baris berbobot nol)"),
                &format!(
                    "the weight at {at} is {value}: weights must be > 0 (drop rows with zero weight)"
                ),
            )
            .to_string()
        }
        StatsError::WeightOutOfRange { index, value } => {
            let at = row(*index, *value, lang);
            lang.pick(
                &format!(
                    "bobot di {at} adalah {value:e}: bobot harus antara 1e-30 dan 1e30 (di luar itu jumlah dan hasil kali yang dihitung melampaui jangkauan bilangan titik-mengambang 64-bit)"
                ),
                &format!(
                    "the weight at {at} is {value:e}: weights must lie between 1e-30 and 1e30 (beyond that the sums and products the measures form leave the range of 64-bit floating point)"
                ),
            )
            .to_string()
        }
        StatsError::InvalidTotalWeight { total } if id => {
            format!("jumlah bobot {total}: harus positif dan hingga")
        }
        StatsError::InvalidParameter {
            name,
            value,
            requirement,
        } if id => {
            format!("parameter {name} = {value} tidak sah: harus {requirement}")
        }
        StatsError::NotFinite { measure } => lang
            .pick(
                &format!(
                    "{} tidak dapat dihitung dengan bilangan titik-mengambang 64-bit: ada hasil antara yang tidak hingga (nilai sangat dekat nol atau besarnya sangat berbeda-beda)",
                    measure_id(measure)
                ),
                &e.to_string(),
            )
            .to_string(),
        StatsError::BootstrapReplicate { replicate, source } => format!(
            "{} {replicate}: {}",
            lang.pick("replikasi bootstrap", "bootstrap replicate"),
            stats_error_at(source, lang, row)
        ),
        other => requirement_en(&other.to_string()),
    }
}

/// The library names its own functions; on the command line the flag does that job.
fn requirement_en(r: &str) -> String {
    r.replace("e.g. with drop_non_positive", "e.g. with --positive-only")
        .replace(", e.g. with drop_negative", "")
        .replace(" e.g. with drop_negative", "")
}

fn measure_id(m: &str) -> String {
    match m {
        "the Gini coefficient" => "koefisien Gini".into(),
        "Theil L (mean log deviation, GE(0))" => "Theil L (deviasi log rata-rata, GE(0))".into(),
        "Theil T (GE(1))" => "Theil T (GE(1))".into(),
        "the generalized entropy index GE(α)" => "indeks entropi umum GE(α)".into(),
        "the Atkinson index" => "indeks Atkinson".into(),
        "the coefficient of variation" => "koefisien variasi".into(),
        "a share ratio" => "rasio bagian (Palma, S80/S20)".into(),
        "a relative poverty line" => "garis kemiskinan relatif".into(),
        "the poverty line" => "garis kemiskinan".into(),
        "the decomposition of GE(α) by group" => "dekomposisi GE(α) menurut kelompok".into(),
        "the mean" => "rata-rata".into(),
        "the median" => "median".into(),
        "the FGT poverty index" => "indeks kemiskinan FGT".into(),
        "the Watts index" => "indeks Watts".into(),
        "the Lorenz curve" => "kurva Lorenz".into(),
        "Lorenz shares" => "bagian kurva Lorenz".into(),
        "the quantile share ratio" => "rasio bagian kuantil (S80/S20)".into(),
        "the bootstrapped statistic" => "statistik bootstrap".into(),
        "the deprivation matrix" => "matriks deprivasi".into(),
        other => other.strip_prefix("the ").unwrap_or(other).to_string(),
    }
}

fn requirement_id(r: &str) -> String {
    match r {
        ">= 0 (drop negative values first, e.g. with drop_negative)" => {
            ">= 0 (buang nilai negatif dahulu)".into()
        }
        "> 0 (logarithms or negative powers; drop zero and negative values first, e.g. with drop_non_positive)" => {
            "> 0 (logaritma atau pangkat negatif; buang nilai nol dan negatif, mis. dengan --positive-only)".into()
        }
        "> 0 (drop zero and negative values first, e.g. with drop_non_positive)" => {
            "> 0 (buang nilai nol dan negatif, mis. dengan --positive-only)".into()
        }
        ">= 0 (drop or bottom-code negative values first, e.g. with drop_negative)" => {
            ">= 0 (buang nilai negatif dahulu)".into()
        }
        other => other.to_string(),
    }
}

fn reason_id(r: &str) -> String {
    match r {
        "every value is zero (the mean is zero)" => "semua nilai nol (rata-rata nol)".into(),
        "every value is zero (the total income is zero)" => "semua nilai nol (total nol)".into(),
        "the bottom group has no income (its share is zero)" => {
            "kelompok terbawah tidak berpendapatan (bagiannya nol)".into()
        }
        "the bottom group has no income (the bottom quantile is zero)" => {
            "kelompok terbawah tidak berpendapatan (kuantil bawah nol)".into()
        }
        "a group's mean is zero (every value of the group is zero)" => {
            "rata-rata suatu kelompok nol (semua nilainya nol)".into()
        }
        "the quantile it is a share of is <= 0, so the line is not positive" => {
            "kuantil acuannya <= 0 sehingga garisnya tidak positif".into()
        }
        "the total weight is not positive and finite" => {
            "jumlah bobot tidak positif dan hingga".into()
        }
        "not computed" => "tidak dihitung".into(),
        "it returned a non-finite value (NaN or infinite)" => {
            "hasilnya bukan bilangan hingga (NaN atau tak hingga)".into()
        }
        "the mean is negative (values outside the domain?)" => {
            "rata-rata negatif (nilai di luar domain?)".into()
        }
        "the weighted total of the values is not finite (values outside the domain?)" => {
            "total berbobot nilai tidak hingga (nilai di luar domain?)".into()
        }
        "a power or logarithm sum is not finite (values outside the domain, or x^α overflows: the index is scale invariant, rescale the values)" => {
            "jumlah pangkat atau logaritma tidak hingga (nilai di luar domain, atau x^α melampaui batas: indeks ini tidak bergantung skala, ubah skala nilainya)".into()
        }
        r if r.contains("overflows f64") => {
            "pangkat nilai melampaui batas bilangan titik-mengambang (indeks ini tidak bergantung skala: ubah skala nilainya)".into()
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Finding 13 of issue 10: "weight at index 0 is inf" named no household. Every error
    /// about a row names it as the caller knows it, in both languages.
    #[test]
    fn errors_about_a_row_name_it() {
        let name = |i: usize, _: f64, lang: Lang| {
            format!(
                "{} 3204012345670001 ({i})",
                lang.pick("keluarga", "household")
            )
        };
        let errors = [
            StatsError::NonFiniteValue {
                index: 0,
                value: f64::INFINITY,
            },
            StatsError::NonFiniteWeight {
                index: 0,
                value: f64::INFINITY,
            },
            StatsError::ValueTooLarge {
                index: 0,
                value: 1e308,
            },
            StatsError::WeightOutOfRange {
                index: 0,
                value: 1e308,
            },
            StatsError::NonPositiveWeight {
                index: 0,
                value: -1.0,
            },
            StatsError::OutOfDomain {
                measure: "the Gini coefficient",
                requirement: ">= 0 (drop or bottom-code negative values first, e.g. with drop_negative)",
                index: 0,
                value: -5.0,
            },
            StatsError::BootstrapReplicate {
                replicate: 3,
                source: Box::new(StatsError::OutOfDomain {
                    measure: "the Gini coefficient",
                    requirement: ">= 0",
                    index: 0,
                    value: -5.0,
                }),
            },
        ];
        for e in &errors {
            for lang in [Lang::Id, Lang::En] {
                let m = stats_error_at(e, lang, &name);
                assert!(m.contains("3204012345670001"), "{lang:?}: {m}");
                assert!(!m.contains("index"), "{lang:?}: {m}");
                assert!(!m.contains("drop_negative"), "{lang:?}: {m}");
            }
        }
        assert_eq!(stats_code(&errors[2]), "stats_value_too_large");
        assert_eq!(stats_code(&errors[3]), "stats_weight_out_of_range");
    }
}
