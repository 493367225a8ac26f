//! What can be wrong with an input row (rejections) and what an import records for later
//! verification (findings).

use setara_core::{IdError, Lang, Localized, RegionCodeError};

/// Why a value or row is rejected. Each has a stable code and a message in both languages.
#[derive(Clone, Debug, PartialEq)]
pub enum Reason {
    /// A required value is empty.
    Required,
    Id(IdError),
    Region(RegionCodeError),
    /// A 16-digit number stored as a number cell in Excel lost its last digit.
    ExcelNumberId,
    Date,
    FutureDate {
        today: String,
    },
    Integer,
    Number,
    Negative,
    /// Out of the allowed range.
    Range {
        min: i64,
        max: i64,
    },
    Code {
        allowed: String,
    },
    Bool,
    NotUtf8,
    WeightNotPositive,
    /// Consumption without a survey weight, or a weight without consumption.
    SurveyIncomplete,
    DuplicateKk {
        first_row: u64,
    },
    DuplicateNik {
        first_row: u64,
    },
    /// The person's KK is neither in the households file nor in the store.
    HouseholdAbsent,
    /// The row was rejected because its household row was rejected.
    HouseholdRejected,
    /// Fewer or more fields than the header.
    FieldCount {
        expected: usize,
        found: usize,
    },
    /// A value that cannot be changed by a correction (the identifier).
    NotEditable,
    UnknownField {
        suggestion: Option<String>,
    },
    /// Longer than the field allows (bytes for any cell, characters for names and addresses).
    TooLong {
        max: usize,
    },
    /// A control character (NUL, an escape, a text-direction override) in a text value.
    ControlCharacter {
        found: String,
    },
    /// A birth date before [`setara_core::plausible::MIN_BIRTH_YEAR`].
    BirthTooEarly {
        min_year: i32,
    },
}

impl Localized for Reason {
    fn code(&self) -> &'static str {
        match self {
            Reason::Required => "value_required",
            Reason::Id(e) => e.code(),
            Reason::Region(e) => e.code(),
            Reason::ExcelNumberId => "excel_number_id",
            Reason::Date => "date_invalid",
            Reason::FutureDate { .. } => "date_in_future",
            Reason::Integer => "integer_invalid",
            Reason::Number => "number_invalid",
            Reason::Negative => "amount_negative",
            Reason::Range { .. } => "value_out_of_range",
            Reason::Code { .. } => "code_unknown",
            Reason::Bool => "yes_no_invalid",
            Reason::NotUtf8 => "text_not_utf8",
            Reason::WeightNotPositive => "weight_not_positive",
            Reason::SurveyIncomplete => "survey_incomplete",
            Reason::DuplicateKk { .. } => "kk_duplicate_in_file",
            Reason::DuplicateNik { .. } => "nik_duplicate_in_household",
            Reason::HouseholdAbsent => "household_absent",
            Reason::HouseholdRejected => "household_rejected",
            Reason::FieldCount { .. } => "field_count",
            Reason::NotEditable => "field_not_editable",
            Reason::UnknownField { .. } => "field_unknown",
            Reason::TooLong { .. } => "value_too_long",
            Reason::ControlCharacter { .. } => "text_control_character",
            Reason::BirthTooEarly { .. } => "birth_date_too_early",
        }
    }

    fn message(&self, lang: Lang) -> String {
        use Lang::*;
        match (self, lang) {
            (Reason::Id(e), l) => e.message(l),
            (Reason::Region(e), l) => e.message(l),
            (Reason::Required, Id) => "wajib diisi".into(),
            (Reason::Required, En) => "a value is required".into(),
            (Reason::ExcelNumberId, Id) => "NIK/KK disimpan sebagai angka di Excel sehingga digit terakhir hilang; format kolom sebagai Teks dan ketik ulang".into(),
            (Reason::ExcelNumberId, En) => "NIK/KK stored as a number in Excel, which drops the last digit; format the column as Text and re-enter it".into(),
            (Reason::Date, Id) => "tanggal tidak dikenali; gunakan YYYY-MM-DD, DD-MM-YYYY atau DD/MM/YYYY".into(),
            (Reason::Date, En) => "not a date; use YYYY-MM-DD, DD-MM-YYYY or DD/MM/YYYY".into(),
            (Reason::FutureDate { today }, Id) => format!("tanggal lahir setelah hari ini ({today})"),
            (Reason::FutureDate { today }, En) => format!("birth date is after today ({today})"),
            (Reason::Integer, Id) => "bukan bilangan bulat".into(),
            (Reason::Integer, En) => "not a whole number".into(),
            (Reason::Number, Id) => "bukan angka".into(),
            (Reason::Number, En) => "not a number".into(),
            (Reason::Negative, Id) => "jumlah tidak boleh negatif".into(),
            (Reason::Negative, En) => "amount must not be negative".into(),
            (Reason::Range { min, max }, Id) => format!("di luar rentang {min}..{max}"),
            (Reason::Range { min, max }, En) => format!("outside the range {min}..{max}"),
            (Reason::Code { allowed }, Id) => format!("kode tidak dikenal; pilihan: {allowed}"),
            (Reason::Code { allowed }, En) => format!("unknown code; allowed: {allowed}"),
            (Reason::Bool, Id) => "isi ya/tidak (1/0)".into(),
            (Reason::Bool, En) => "use yes/no (1/0)".into(),
            (Reason::NotUtf8, Id) => "teks bukan UTF-8; simpan berkas sebagai \"CSV UTF-8\"".into(),
            (Reason::NotUtf8, En) => "text is not UTF-8; save the file as \"CSV UTF-8\"".into(),
            (Reason::WeightNotPositive, Id) => "bobot survei harus lebih dari 0".into(),
            (Reason::WeightNotPositive, En) => "survey weight must be greater than 0".into(),
            (Reason::SurveyIncomplete, Id) => "pengeluaran per kapita dan bobot survei harus diisi bersama".into(),
            (Reason::SurveyIncomplete, En) => "consumption per capita and survey weight go together".into(),
            (Reason::DuplicateKk { first_row }, Id) => format!("KK yang sama sudah ada di baris {first_row}"),
            (Reason::DuplicateKk { first_row }, En) => format!("the same KK is already on row {first_row}"),
            (Reason::DuplicateNik { first_row }, Id) => format!("NIK yang sama dalam KK yang sama sudah ada di baris {first_row}"),
            (Reason::DuplicateNik { first_row }, En) => format!("the same NIK in the same KK is already on row {first_row}"),
            (Reason::HouseholdAbsent, Id) => "KK tidak ada di berkas keluarga maupun di basis data".into(),
            (Reason::HouseholdAbsent, En) => "the KK is neither in the households file nor in the store".into(),
            (Reason::HouseholdRejected, Id) => "baris keluarganya ditolak".into(),
            (Reason::HouseholdRejected, En) => "its household row was rejected".into(),
            (Reason::FieldCount { expected, found }, Id) => format!("jumlah kolom {found}, seharusnya {expected}"),
            (Reason::FieldCount { expected, found }, En) => format!("{found} fields, expected {expected}"),
            (Reason::NotEditable, Id) => "kolom ini adalah pengenal dan tidak dapat dikoreksi".into(),
            (Reason::NotEditable, En) => "this field is the identifier and cannot be corrected".into(),
            (Reason::TooLong { max }, Id) => format!("lebih panjang dari {max} karakter"),
            (Reason::TooLong { max }, En) => format!("longer than {max} characters"),
            (Reason::ControlCharacter { found }, Id) => format!("memuat karakter kendali {found}"),
            (Reason::ControlCharacter { found }, En) => format!("contains the control character {found}"),
            (Reason::BirthTooEarly { min_year }, Id) => format!("tanggal lahir sebelum tahun {min_year}"),
            (Reason::BirthTooEarly { min_year }, En) => format!("birth date before {min_year}"),
            (Reason::UnknownField { suggestion }, l) => {
                let base = l.pick("kolom tidak dikenal", "unknown field").to_string();
                match suggestion {
                    Some(s) => format!("{base}; {} {s}?", l.pick("maksud Anda", "did you mean")),
                    None => base,
                }
            }
        }
    }
}

/// A rejected value: file, row, column, value and reason.
#[derive(Clone, Debug, PartialEq)]
pub struct RowError {
    /// Row number as a spreadsheet shows it: the header is row 1.
    pub row: u64,
    /// Canonical column name, when the problem is in one column.
    pub column: Option<&'static str>,
    pub value: String,
    pub reason: Reason,
}

impl RowError {
    pub fn new(
        row: u64,
        column: Option<&'static str>,
        value: impl Into<String>,
        reason: Reason,
    ) -> Self {
        RowError {
            row,
            column,
            value: value.into(),
            reason,
        }
    }
}

/// A kind of verification finding recorded by an import (the row is loaded).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FindingKind {
    /// The NIK's district prefix `PPKKCC` is not a current district.
    NikDistrictUnknown,
    /// The household's region is not a current region code.
    RegionUnknown,
    /// The household's region is a current code but not a village.
    RegionNotVillage,
    /// The birth date encoded in the NIK differs from the recorded birth date.
    NikBirthDateMismatch,
    /// The sex encoded in the NIK (day + 40 for women) differs from the recorded sex.
    NikSexMismatch,
    /// The same NIK is a member of another household too.
    NikInOtherHousehold,
    /// Consumption per capita outside [`setara_core::plausible::PLAUSIBLE_CONSUMPTION`].
    ConsumptionImplausible,
    /// A survey weight above [`setara_core::plausible::PLAUSIBLE_MAX_SURVEY_WEIGHT`].
    WeightImplausible,
    /// Older than [`setara_core::plausible::PLAUSIBLE_MAX_AGE`].
    AgeImplausible,
}

impl FindingKind {
    pub const ALL: &'static [FindingKind] = &[
        FindingKind::NikDistrictUnknown,
        FindingKind::RegionUnknown,
        FindingKind::RegionNotVillage,
        FindingKind::NikBirthDateMismatch,
        FindingKind::NikSexMismatch,
        FindingKind::NikInOtherHousehold,
        FindingKind::ConsumptionImplausible,
        FindingKind::WeightImplausible,
        FindingKind::AgeImplausible,
    ];

    /// Stable rule id.
    pub fn code(self) -> &'static str {
        match self {
            FindingKind::NikDistrictUnknown => "nik_district_unknown",
            FindingKind::RegionUnknown => "region_unknown",
            FindingKind::RegionNotVillage => "region_not_village",
            FindingKind::NikBirthDateMismatch => "nik_birth_date_mismatch",
            FindingKind::NikSexMismatch => "nik_sex_mismatch",
            FindingKind::NikInOtherHousehold => "nik_in_other_household",
            FindingKind::ConsumptionImplausible => "consumption_implausible",
            FindingKind::WeightImplausible => "weight_implausible",
            FindingKind::AgeImplausible => "age_implausible",
        }
    }

    pub fn parse(code: &str) -> Option<FindingKind> {
        Self::ALL.iter().copied().find(|k| k.code() == code)
    }

    pub fn describe(self, lang: Lang) -> &'static str {
        match self {
            FindingKind::NikDistrictUnknown => lang.pick(
                "kode kecamatan pada NIK bukan kode yang berlaku",
                "the NIK's district prefix is not a current district",
            ),
            FindingKind::RegionUnknown => lang.pick(
                "kode wilayah keluarga tidak berlaku",
                "the household's region code is not a current code",
            ),
            FindingKind::RegionNotVillage => lang.pick(
                "wilayah keluarga bukan desa/kelurahan",
                "the household's region is not a village",
            ),
            FindingKind::NikBirthDateMismatch => lang.pick(
                "tanggal lahir pada NIK berbeda dengan tanggal lahir tercatat",
                "the birth date in the NIK differs from the recorded birth date",
            ),
            FindingKind::NikSexMismatch => lang.pick(
                "jenis kelamin pada NIK berbeda dengan yang tercatat",
                "the sex in the NIK differs from the recorded sex",
            ),
            FindingKind::NikInOtherHousehold => lang.pick(
                "NIK yang sama tercatat di KK lain",
                "the same NIK is a member of another household",
            ),
            FindingKind::ConsumptionImplausible => lang.pick(
                "pengeluaran per kapita di luar rentang yang wajar",
                "consumption per capita outside the plausible range",
            ),
            FindingKind::WeightImplausible => {
                lang.pick("bobot survei sangat besar", "a very large survey weight")
            }
            FindingKind::AgeImplausible => lang.pick(
                "umur di atas batas yang wajar",
                "older than the plausible maximum age",
            ),
        }
    }
}

/// One finding about a loaded row.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub kind: FindingKind,
    pub kk: setara_core::Kk,
    pub nik: Option<setara_core::Nik>,
    /// What was seen, e.g. `NIK 17-08-85, record 1985-08-18`.
    pub detail: String,
}
