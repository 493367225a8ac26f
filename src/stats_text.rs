//! Statistics errors in the user's language (setara-stats words them in English only).

use setara_core::Lang;
use setara_stats::StatsError;

/// The message of a statistics error in `lang`.
pub fn stats_error(e: &StatsError, lang: Lang) -> String {
    if lang == Lang::En {
        // The library names its own functions; on the command line the flag does that job.
        return e
            .to_string()
            .replace("e.g. with drop_non_positive", "e.g. with --positive-only")
            .replace(", e.g. with drop_negative", "")
            .replace(" e.g. with drop_negative", "");
    }
    match e {
        StatsError::Empty => "tidak ada pengamatan".into(),
        StatsError::OutOfDomain {
            measure,
            requirement,
            index,
            value,
        } => format!(
            "{} memerlukan nilai {}; nilai ke-{} adalah {value}",
            measure_id(measure),
            requirement_id(requirement),
            index + 1
        ),
        StatsError::Undefined { measure, reason } => {
            format!(
                "{} tidak terdefinisi: {}",
                measure_id(measure),
                reason_id(reason)
            )
        }
        StatsError::NonFiniteValue { index, value } => format!(
            "nilai ke-{} adalah {value}: harus bilangan hingga",
            index + 1
        ),
        StatsError::NonFiniteWeight { index, value } => format!(
            "bobot ke-{} adalah {value}: harus bilangan hingga",
            index + 1
        ),
        StatsError::NonPositiveWeight { index, value } => {
            format!(
                "bobot ke-{} adalah {value}: bobot harus > 0 (buang baris berbobot nol)",
                index + 1
            )
        }
        StatsError::InvalidTotalWeight { total } => {
            format!("jumlah bobot {total}: harus positif dan hingga")
        }
        StatsError::InvalidParameter {
            name,
            value,
            requirement,
        } => {
            format!("parameter {name} = {value} tidak sah: harus {requirement}")
        }
        other => other.to_string(),
    }
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
        "the decomposition of GE(α) by group" => "dekomposisi GE(α) menurut kelompok".into(),
        other => other.strip_prefix("the ").unwrap_or(other).to_string(),
    }
}

fn requirement_id(r: &str) -> String {
    match r {
        ">= 0 (drop negative values first, e.g. with drop_negative)" => ">= 0 (buang nilai negatif dahulu)".into(),
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
        other => other.to_string(),
    }
}
