//! The columns of the household and person files.
//!
//! One table per record type drives everything that touches a field by name: reading a file's
//! header and values, writing files, recording history (old → new as text) and corrections. A
//! field's text form is the same everywhere, so a value written by one reads back unchanged.

use chrono::{Datelike, NaiveDate};
use setara_core::*;

use crate::problem::Reason;
use crate::value::*;

/// A named field of a record type `T`.
pub struct Field<T: 'static> {
    /// Canonical column name (English, snake_case).
    pub name: &'static str,
    /// Other accepted header names (Indonesian and common variants), normalised.
    pub aliases: &'static [&'static str],
    /// Label in Indonesian and English.
    pub label: (&'static str, &'static str),
    pub required: bool,
    /// The identifier (KK, NIK) cannot be corrected in place.
    pub editable: bool,
    /// Current value as canonical text; `None` when unknown.
    pub get: fn(&T) -> Option<String>,
    /// Set from text; `None` (an empty cell) clears an optional field.
    pub set: fn(&mut T, Option<&str>) -> Result<(), Reason>,
}

impl<T> Field<T> {
    pub fn label(&self, lang: Lang) -> &'static str {
        lang.pick(self.label.0, self.label.1)
    }
}

fn opt<V>(s: Option<&str>, f: impl FnOnce(&str) -> Result<V, Reason>) -> Result<Option<V>, Reason> {
    match s {
        None => Ok(None),
        Some(s) => f(s).map(Some),
    }
}

fn req(s: Option<&str>) -> Result<&str, Reason> {
    s.ok_or(Reason::Required)
}

fn code<V>(
    parse: fn(&str) -> Option<V>,
    codes: fn() -> String,
) -> impl Fn(&str) -> Result<V, Reason> {
    move |s| parse(s).ok_or_else(|| Reason::Code { allowed: codes() })
}

fn small(s: &str, max: i64) -> Result<u16, Reason> {
    parse_bounded(s, max).map(|v| v as u16)
}

/// Free text as stored: runs of whitespace (line breaks and tabs included) become one space;
/// other control characters are refused, and so is text longer than `max` characters.
fn clean_text(s: &str, max: usize) -> Result<String, Reason> {
    if let Some(c) = s
        .chars()
        .find(|&c| setara_core::text::is_forbidden(c) && !c.is_whitespace())
    {
        return Err(Reason::ControlCharacter {
            found: c.escape_default().to_string(),
        });
    }
    let t = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if t.chars().count() > max {
        return Err(Reason::TooLong { max });
    }
    Ok(t)
}

macro_rules! enum_field {
    ($name:literal, [$($alias:literal),*], $label:expr, $ty:ty, |$h:ident| $place:expr) => {
        Field {
            name: $name,
            aliases: &[$($alias),*],
            label: $label,
            required: false,
            editable: true,
            get: |$h| $place.map(|v: $ty| v.code().to_string()),
            set: |$h, s| {
                $place = opt(s, code(<$ty>::parse, <$ty>::codes))?;
                Ok(())
            },
        }
    };
}

macro_rules! asset_field {
    ($name:literal, [$($alias:literal),*], $id:literal, $en:literal, $asset:expr) => {
        Field {
            name: $name,
            aliases: &[$($alias),*],
            label: ($id, $en),
            required: false,
            editable: true,
            get: |h: &Household| h.assets.get($asset).map(|b| format_bool(b).to_string()),
            set: |h: &mut Household, s| {
                let v = opt(s, parse_bool)?;
                h.assets.set($asset, v);
                Ok(())
            },
        }
    };
}

/// A sentinel for "consumption not (yet) given" while a survey is being assembled.
const NO_CONSUMPTION: i64 = -1;

/// The columns of `households.csv`, in file order.
pub static HOUSEHOLD_FIELDS: &[Field<Household>] = &[
    Field {
        name: "kk",
        aliases: &["no_kk", "nomor_kk", "nkk", "kartu_keluarga"],
        label: ("nomor KK", "KK number"),
        required: true,
        editable: false,
        get: |h| Some(h.kk.to_string()),
        set: |h, s| {
            h.kk = Kk::parse(req(s)?).map_err(Reason::Id)?;
            Ok(())
        },
    },
    Field {
        name: "region",
        aliases: &[
            "kode_wilayah",
            "kode_desa",
            "wilayah",
            "region_code",
            "kode_kelurahan",
        ],
        label: ("kode wilayah (desa/kelurahan)", "region code (village)"),
        required: true,
        editable: true,
        get: |h| Some(h.region.to_string()),
        set: |h, s| {
            h.region = RegionCode::parse(req(s)?).map_err(Reason::Region)?;
            Ok(())
        },
    },
    Field {
        name: "address",
        aliases: &["alamat"],
        label: ("alamat", "address"),
        required: false,
        editable: true,
        get: |h| h.address.clone(),
        set: |h, s| {
            h.address =
                opt(s, |s| clean_text(s, plausible::MAX_ADDRESS_CHARS))?.filter(|a| !a.is_empty());
            Ok(())
        },
    },
    Field {
        name: "rt",
        aliases: &["no_rt"],
        label: ("RT", "RT (neighbourhood)"),
        required: false,
        editable: true,
        get: |h| h.rt.map(|v| v.to_string()),
        set: |h, s| {
            h.rt = opt(s, |s| small(s, 999))?;
            Ok(())
        },
    },
    Field {
        name: "rw",
        aliases: &["no_rw"],
        label: ("RW", "RW (hamlet)"),
        required: false,
        editable: true,
        get: |h| h.rw.map(|v| v.to_string()),
        set: |h, s| {
            h.rw = opt(s, |s| small(s, 999))?;
            Ok(())
        },
    },
    Field {
        name: "declared_size",
        aliases: &[
            "jumlah_anggota",
            "jml_anggota",
            "jumlah_art",
            "household_size",
        ],
        label: ("jumlah anggota keluarga", "declared household size"),
        required: false,
        editable: true,
        get: |h| h.declared_size.map(|v| v.to_string()),
        set: |h, s| {
            h.declared_size = opt(s, |s| small(s, plausible::MAX_DECLARED_SIZE))?;
            Ok(())
        },
    },
    enum_field!(
        "tenure",
        ["status_rumah", "kepemilikan_rumah", "status_kepemilikan"],
        Tenure::FIELD,
        Tenure,
        |h| h.dwelling.tenure
    ),
    Field {
        name: "floor_area_m2",
        aliases: &["luas_lantai", "luas_lantai_m2"],
        label: ("luas lantai (m²)", "floor area (m²)"),
        required: false,
        editable: true,
        get: |h| h.dwelling.floor_area_m2.map(|v| v.to_string()),
        set: |h, s| {
            h.dwelling.floor_area_m2 = opt(s, |s| {
                parse_bounded(s, plausible::MAX_FLOOR_AREA_M2).map(|v| v as u32)
            })?;
            Ok(())
        },
    },
    enum_field!(
        "floor",
        ["lantai", "jenis_lantai"],
        Floor::FIELD,
        Floor,
        |h| h.dwelling.floor
    ),
    enum_field!(
        "wall",
        ["dinding", "jenis_dinding"],
        Wall::FIELD,
        Wall,
        |h| h.dwelling.wall
    ),
    enum_field!("roof", ["atap", "jenis_atap"], Roof::FIELD, Roof, |h| h
        .dwelling
        .roof),
    enum_field!(
        "water_source",
        ["sumber_air_minum", "air_minum"],
        WaterSource::FIELD,
        WaterSource,
        |h| h.dwelling.water
    ),
    enum_field!(
        "toilet",
        ["fasilitas_bab", "jamban"],
        Toilet::FIELD,
        Toilet,
        |h| h.dwelling.toilet
    ),
    enum_field!(
        "electricity",
        ["penerangan", "sumber_penerangan"],
        Electricity::FIELD,
        Electricity,
        |h| h.dwelling.electricity
    ),
    Field {
        name: "electricity_va",
        aliases: &["daya_listrik", "daya_va", "daya"],
        label: ("daya listrik (VA)", "electricity power (VA)"),
        required: false,
        editable: true,
        get: |h| h.dwelling.electricity_va.map(|v| v.to_string()),
        set: |h, s| {
            h.dwelling.electricity_va = opt(s, |s| {
                parse_bounded(s, plausible::MAX_ELECTRICITY_VA).map(|v| v as u32)
            })?;
            Ok(())
        },
    },
    enum_field!(
        "cooking_fuel",
        ["bahan_bakar_memasak", "bahan_bakar"],
        CookingFuel::FIELD,
        CookingFuel,
        |h| h.dwelling.cooking_fuel
    ),
    asset_field!(
        "asset_gas_cylinder",
        ["aset_tabung_gas"],
        "tabung gas 5,5 kg atau lebih",
        "gas cylinder 5.5 kg or more",
        Asset::GasCylinder
    ),
    asset_field!(
        "asset_refrigerator",
        ["aset_kulkas", "aset_lemari_es"],
        "lemari es/kulkas",
        "refrigerator",
        Asset::Refrigerator
    ),
    asset_field!(
        "asset_air_conditioner",
        ["aset_ac"],
        "AC",
        "air conditioner",
        Asset::AirConditioner
    ),
    asset_field!(
        "asset_water_heater",
        ["aset_pemanas_air"],
        "pemanas air",
        "water heater",
        Asset::WaterHeater
    ),
    asset_field!(
        "asset_landline",
        ["aset_telepon_rumah"],
        "telepon rumah",
        "landline telephone",
        Asset::Landline
    ),
    asset_field!(
        "asset_television",
        ["aset_tv", "aset_televisi"],
        "televisi layar datar",
        "flat-screen television",
        Asset::Television
    ),
    asset_field!(
        "asset_gold",
        ["aset_emas"],
        "emas/perhiasan (min. 10 gram)",
        "gold/jewellery (10 g or more)",
        Asset::Gold
    ),
    asset_field!(
        "asset_computer",
        ["aset_komputer", "aset_laptop"],
        "komputer/laptop",
        "computer/laptop",
        Asset::Computer
    ),
    asset_field!(
        "asset_bicycle",
        ["aset_sepeda"],
        "sepeda",
        "bicycle",
        Asset::Bicycle
    ),
    asset_field!(
        "asset_motorcycle",
        ["aset_sepeda_motor", "aset_motor"],
        "sepeda motor",
        "motorcycle",
        Asset::Motorcycle
    ),
    asset_field!("asset_car", ["aset_mobil"], "mobil", "car", Asset::Car),
    asset_field!("asset_boat", ["aset_perahu"], "perahu", "boat", Asset::Boat),
    asset_field!(
        "asset_motorboat",
        ["aset_perahu_motor"],
        "perahu motor",
        "motorboat",
        Asset::Motorboat
    ),
    asset_field!(
        "asset_smartphone",
        ["aset_hp", "aset_telepon_pintar"],
        "telepon pintar",
        "smartphone",
        Asset::Smartphone
    ),
    Field {
        name: "land_m2",
        aliases: &["luas_lahan", "luas_lahan_m2"],
        label: ("luas lahan dimiliki (m²)", "land owned (m²)"),
        required: false,
        editable: true,
        get: |h| h.land_m2.map(|v| v.to_string()),
        set: |h, s| {
            h.land_m2 = opt(s, |s| {
                parse_bounded(s, plausible::MAX_LAND_M2).map(|v| v as u64)
            })?;
            Ok(())
        },
    },
    Field {
        name: "consumption_per_capita",
        aliases: &[
            "pengeluaran_per_kapita",
            "konsumsi_per_kapita",
            "pengeluaran_kapita",
        ],
        label: (
            "pengeluaran per kapita sebulan (Rp)",
            "monthly consumption per capita (Rp)",
        ),
        required: false,
        editable: true,
        get: |h| {
            h.survey
                .map(|s| s.consumption_per_capita.0)
                .filter(|&c| c != NO_CONSUMPTION)
                .map(|c| c.to_string())
        },
        set: |h, s| {
            let v = opt(s, |s| {
                let v = parse_amount(s)?;
                if plausible::CONSUMPTION.contains(&v) {
                    Ok(v)
                } else {
                    Err(Reason::Range {
                        min: *plausible::CONSUMPTION.start(),
                        max: *plausible::CONSUMPTION.end(),
                    })
                }
            })?;
            match (v, h.survey.as_mut()) {
                (Some(c), Some(sv)) => sv.consumption_per_capita = Rupiah(c),
                (Some(c), None) => {
                    h.survey = Some(Survey {
                        consumption_per_capita: Rupiah(c),
                        weight: f64::NAN,
                    })
                }
                (None, Some(sv)) => sv.consumption_per_capita = Rupiah(NO_CONSUMPTION),
                (None, None) => {}
            }
            normalize_survey(h);
            Ok(())
        },
    },
    Field {
        name: "survey_weight",
        aliases: &["bobot", "penimbang", "bobot_survei", "weight"],
        label: ("bobot survei", "survey weight"),
        required: false,
        editable: true,
        get: |h| {
            h.survey
                .map(|s| s.weight)
                .filter(|w| !w.is_nan())
                .map(format_decimal)
        },
        set: |h, s| {
            let v = opt(s, parse_decimal)?;
            if let Some(w) = v {
                if w <= 0.0 {
                    return Err(Reason::WeightNotPositive);
                }
                if w > plausible::MAX_SURVEY_WEIGHT {
                    return Err(Reason::Range {
                        min: 0,
                        max: plausible::MAX_SURVEY_WEIGHT as i64,
                    });
                }
            }
            match (v, h.survey.as_mut()) {
                (Some(w), Some(sv)) => sv.weight = w,
                (Some(w), None) => {
                    h.survey = Some(Survey {
                        consumption_per_capita: Rupiah(NO_CONSUMPTION),
                        weight: w,
                    })
                }
                (None, Some(sv)) => sv.weight = f64::NAN,
                (None, None) => {}
            }
            normalize_survey(h);
            Ok(())
        },
    },
];

fn normalize_survey(h: &mut Household) {
    if let Some(s) = h.survey
        && s.consumption_per_capita.0 == NO_CONSUMPTION
        && s.weight.is_nan()
    {
        h.survey = None;
    }
}

/// Whole-record rule for households: survey consumption and weight come together.
pub fn check_household(h: &Household) -> Result<(), (&'static str, Reason)> {
    if let Some(s) = h.survey {
        if s.consumption_per_capita.0 == NO_CONSUMPTION {
            return Err(("consumption_per_capita", Reason::SurveyIncomplete));
        }
        if s.weight.is_nan() {
            return Err(("survey_weight", Reason::SurveyIncomplete));
        }
    }
    Ok(())
}

/// The columns of `persons.csv`, in file order.
pub static PERSON_FIELDS: &[Field<Person>] = &[
    Field {
        name: "nik",
        aliases: &["no_nik", "nomor_nik", "nomor_induk_kependudukan"],
        label: ("NIK", "NIK"),
        required: true,
        editable: false,
        get: |p| Some(p.nik.to_string()),
        set: |p, s| {
            p.nik = Nik::parse(req(s)?).map_err(Reason::Id)?;
            Ok(())
        },
    },
    Field {
        name: "kk",
        aliases: &["no_kk", "nomor_kk", "nkk"],
        label: ("nomor KK", "KK number"),
        required: true,
        editable: false,
        get: |p| Some(p.kk.to_string()),
        set: |p, s| {
            p.kk = Kk::parse(req(s)?).map_err(Reason::Id)?;
            Ok(())
        },
    },
    Field {
        name: "name",
        aliases: &["nama", "nama_lengkap"],
        label: ("nama", "name"),
        required: true,
        editable: true,
        get: |p| Some(p.name.clone()),
        set: |p, s| {
            let n = clean_text(req(s)?, plausible::MAX_NAME_CHARS)?;
            if n.is_empty() {
                return Err(Reason::Required);
            }
            p.name = n;
            Ok(())
        },
    },
    Field {
        name: "sex",
        aliases: &["jenis_kelamin", "jk", "gender"],
        label: ("jenis kelamin", "sex"),
        required: true,
        editable: true,
        get: |p| Some(p.sex.code().to_string()),
        set: |p, s| {
            p.sex = code(Sex::parse, Sex::codes)(req(s)?)?;
            Ok(())
        },
    },
    Field {
        name: "birth_date",
        aliases: &["tanggal_lahir", "tgl_lahir"],
        label: ("tanggal lahir", "birth date"),
        required: true,
        editable: true,
        get: |p| Some(format_date(p.birth_date)),
        set: |p, s| {
            let d = parse_date(req(s)?)?;
            if d.year() < plausible::MIN_BIRTH_YEAR {
                return Err(Reason::BirthTooEarly {
                    min_year: plausible::MIN_BIRTH_YEAR,
                });
            }
            p.birth_date = d;
            Ok(())
        },
    },
    Field {
        name: "relation",
        aliases: &["hubungan", "shdk", "hubungan_keluarga", "status_hubungan"],
        label: ("hubungan dengan kepala keluarga", "relation to head"),
        required: true,
        editable: true,
        get: |p| Some(p.relation.code().to_string()),
        set: |p, s| {
            p.relation = code(Relation::parse, Relation::codes)(req(s)?)?;
            Ok(())
        },
    },
    enum_field!(
        "education",
        ["pendidikan", "pendidikan_terakhir"],
        Education::FIELD,
        Education,
        |p| p.education
    ),
    enum_field!(
        "work",
        ["pekerjaan", "occupation"],
        Work::FIELD,
        Work,
        |p| p.work
    ),
    enum_field!(
        "disability",
        ["disabilitas", "jenis_disabilitas"],
        Disability::FIELD,
        Disability,
        |p| p.disability
    ),
    Field {
        name: "chronic_illness",
        aliases: &["penyakit_kronis", "sakit_kronis"],
        label: ("penyakit kronis", "chronic illness"),
        required: false,
        editable: true,
        get: |p| p.chronic_illness.map(|b| format_bool(b).to_string()),
        set: |p, s| {
            p.chronic_illness = opt(s, parse_bool)?;
            Ok(())
        },
    },
    enum_field!(
        "health_insurance",
        ["jaminan_kesehatan", "jkn", "asuransi_kesehatan"],
        HealthInsurance::FIELD,
        HealthInsurance,
        |p| p.health_insurance
    ),
    enum_field!(
        "school_attendance",
        ["partisipasi_sekolah", "status_sekolah"],
        SchoolAttendance::FIELD,
        SchoolAttendance,
        |p| p.school
    ),
];

/// Whole-record rule for persons: no birth date after `today`.
pub fn check_person(p: &Person, today: NaiveDate) -> Result<(), (&'static str, Reason)> {
    if p.birth_date > today {
        return Err((
            "birth_date",
            Reason::FutureDate {
                today: format_date(today),
            },
        ));
    }
    Ok(())
}

/// A blank household to fill field by field (every required field is then set by the reader).
pub fn blank_household() -> Household {
    Household {
        kk: Kk::from_u64(0).expect("zero is 16 digits"),
        region: RegionCode::from_digits(0, Level::Province),
        address: None,
        rt: None,
        rw: None,
        declared_size: None,
        dwelling: Dwelling::default(),
        assets: Assets::default(),
        land_m2: None,
        survey: None,
    }
}

/// A blank person to fill field by field.
pub fn blank_person() -> Person {
    Person {
        nik: Nik::parse("0000000101000001").expect("valid"),
        kk: Kk::from_u64(0).expect("valid"),
        name: String::new(),
        sex: Sex::Male,
        birth_date: NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid"),
        relation: Relation::Other,
        education: None,
        work: None,
        disability: None,
        chronic_illness: None,
        health_insurance: None,
        school: None,
    }
}

/// Find a field by canonical name or alias (normalised: case, spaces and dashes ignored).
pub fn find_field<T>(
    fields: &'static [Field<T>],
    name: &str,
) -> Option<(usize, &'static Field<T>)> {
    let n = normalize_header(name);
    fields
        .iter()
        .enumerate()
        .find(|(_, f)| f.name == n || f.aliases.contains(&n.as_str()))
}

/// The closest field name to a misspelt one, if any is near.
pub fn suggest_field<T>(fields: &'static [Field<T>], name: &str) -> Option<&'static str> {
    let n = normalize_header(name);
    let len = n.chars().count();
    let mut best: Option<(usize, &'static str)> = None;
    for f in fields {
        for cand in std::iter::once(&f.name).chain(f.aliases.iter()) {
            // The distance is at least the difference in length: a name far longer than any
            // field's (a hostile header of long names) is never compared character by character.
            if len.abs_diff(cand.len()) > 2.max(cand.len() / 4) {
                continue;
            }
            let d = edit_distance(&n, cand);
            if d <= 2.max(cand.len() / 4) && best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, f.name));
            }
        }
    }
    best.map(|(_, name)| name)
}

/// Header names compare in lower case with spaces, dashes and dots as `_`.
pub fn normalize_header(s: &str) -> String {
    fold_key(s.trim_start_matches('\u{feff}'), |_| false)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_aliases_do_not_collide() {
        fn check<T>(fields: &'static [Field<T>]) {
            let mut seen = std::collections::HashSet::new();
            for f in fields {
                assert!(seen.insert(f.name), "{} twice", f.name);
                for a in f.aliases {
                    assert_eq!(*a, normalize_header(a), "alias {a} is not normalised");
                    assert!(seen.insert(a), "alias {a} twice");
                }
            }
        }
        check(HOUSEHOLD_FIELDS);
        check(PERSON_FIELDS);
    }

    #[test]
    fn headers_match_by_alias_and_suggest_typos() {
        assert_eq!(
            find_field(HOUSEHOLD_FIELDS, "Kode Wilayah").unwrap().1.name,
            "region"
        );
        assert_eq!(
            find_field(PERSON_FIELDS, "Tanggal-Lahir").unwrap().1.name,
            "birth_date"
        );
        assert_eq!(
            find_field(PERSON_FIELDS, "\u{feff}NIK").unwrap().1.name,
            "nik"
        );
        assert!(find_field(HOUSEHOLD_FIELDS, "flor").is_none());
        assert_eq!(suggest_field(HOUSEHOLD_FIELDS, "flor"), Some("floor"));
        assert_eq!(
            suggest_field(HOUSEHOLD_FIELDS, "consumption_per_kapita"),
            Some("consumption_per_capita")
        );
        assert_eq!(suggest_field(HOUSEHOLD_FIELDS, "zzzzzz"), None);
        // A long name is not a typo of any field, and is not compared letter by letter.
        assert_eq!(suggest_field(HOUSEHOLD_FIELDS, &"floor".repeat(800)), None);
    }

    #[test]
    fn every_field_reads_back_what_it_writes() {
        let mut h = blank_household();
        let values = [
            ("kk", "3204050101200001"),
            ("region", "32.04.05.2001"),
            ("address", "Jl. Merdeka No. 5"),
            ("rt", "3"),
            ("rw", "12"),
            ("declared_size", "4"),
            ("tenure", "owned"),
            ("floor_area_m2", "36"),
            ("floor", "ceramic"),
            ("wall", "masonry"),
            ("roof", "clay_tile"),
            ("water_source", "refill"),
            ("toilet", "private"),
            ("electricity", "pln_metered"),
            ("electricity_va", "900"),
            ("cooking_fuel", "lpg_3kg"),
            ("asset_motorcycle", "1"),
            ("asset_car", "0"),
            ("land_m2", "250"),
            ("consumption_per_capita", "850000"),
            ("survey_weight", "123.5"),
        ];
        for (name, v) in values {
            let (_, f) = find_field(HOUSEHOLD_FIELDS, name).unwrap();
            (f.set)(&mut h, Some(v)).unwrap();
        }
        check_household(&h).unwrap();
        for (name, v) in values {
            let (_, f) = find_field(HOUSEHOLD_FIELDS, name).unwrap();
            assert_eq!((f.get)(&h).as_deref(), Some(v), "{name}");
        }
        assert_eq!(h.survey.unwrap().consumption_per_capita, Rupiah(850_000));
    }

    #[test]
    fn survey_needs_both_parts() {
        let mut h = blank_household();
        let (_, c) = find_field(HOUSEHOLD_FIELDS, "consumption_per_capita").unwrap();
        (c.set)(&mut h, Some("500000")).unwrap();
        assert!(check_household(&h).is_err());
        (c.set)(&mut h, None).unwrap();
        assert_eq!(h.survey, None);
        check_household(&h).unwrap();
        let (_, w) = find_field(HOUSEHOLD_FIELDS, "survey_weight").unwrap();
        assert_eq!((w.set)(&mut h, Some("0")), Err(Reason::WeightNotPositive));
    }
}
