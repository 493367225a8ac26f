//! The registry model: households (keluarga, identified by KK) and their members (anggota, by NIK).
//!
//! Categorical attributes are closed code lists. Each value has a stable English code used in files
//! and storage (`ceramic`), an Indonesian label, and the Indonesian words officers write in their
//! spreadsheets as accepted aliases (`keramik`). See `docs/formats/registry-csv.md`.

use chrono::NaiveDate;

use crate::id::{Kk, Nik};
use crate::lang::Lang;
use crate::region::RegionCode;

/// Integer rupiah. Money is never floating point.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Rupiah(pub i64);

impl Rupiah {
    /// The largest amount of money Setara accepts as one value (a budget, a benefit, a fund
    /// entry): Rp1,000,000,000,000,000 (10^15, a thousand trillion), about a quarter of
    /// Indonesia's whole state budget. Sums of up to 9,000 such values fit in an `i64`;
    /// every sum and product of money is still checked.
    pub const MAX: i64 = 1_000_000_000_000_000;

    /// `Some` when `v` is an amount between 0 and [`Rupiah::MAX`].
    pub fn amount(v: i64) -> Option<Rupiah> {
        (0..=Self::MAX).contains(&v).then_some(Rupiah(v))
    }

    pub fn checked_add(self, other: Rupiah) -> Option<Rupiah> {
        self.0.checked_add(other.0).map(Rupiah)
    }

    pub fn checked_sub(self, other: Rupiah) -> Option<Rupiah> {
        self.0.checked_sub(other.0).map(Rupiah)
    }

    pub fn checked_mul(self, n: i64) -> Option<Rupiah> {
        self.0.checked_mul(n).map(Rupiah)
    }
}

impl std::fmt::Display for Rupiah {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Normalise a categorical value for comparison: lower case, separators as `_`.
fn norm_code(s: &str) -> String {
    fold_key(s, |c| c == '.')
}

/// Fold a key typed by people (a code, a column name) for comparison: lower case, and every run
/// of characters that are neither alphanumeric nor `kept` becomes one `_` (none at the ends).
pub fn fold_key(s: &str, kept: impl Fn(char) -> bool) -> String {
    let mut out = String::with_capacity(s.len());
    let mut sep = false;
    for c in s.trim().chars() {
        if c.is_alphanumeric() || kept(c) {
            if sep && !out.is_empty() {
                out.push('_');
            }
            sep = false;
            out.extend(c.to_lowercase());
        } else {
            sep = true;
        }
    }
    out
}

macro_rules! code_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident ($field_id:literal, $field_en:literal) {
            $( $variant:ident = $code:literal, $id:literal, $en:literal $(, [$($alias:literal),* $(,)?])? ; )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $( #[doc = $id] $variant ),* }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[ $( $name::$variant ),* ];
            /// Name of the attribute in Indonesian and English.
            pub const FIELD: (&'static str, &'static str) = ($field_id, $field_en);

            /// The stable code used in files and storage.
            pub fn code(self) -> &'static str {
                match self { $( $name::$variant => $code ),* }
            }

            /// Label for people.
            pub fn label(self, lang: Lang) -> &'static str {
                match self { $( $name::$variant => lang.pick($id, $en) ),* }
            }

            /// 1-based position in [`Self::ALL`]; stable, used by columnar snapshots.
            pub fn index(self) -> u8 {
                Self::ALL.iter().position(|v| *v == self).expect("listed") as u8 + 1
            }

            pub fn from_index(i: u8) -> Option<$name> {
                Self::ALL.get((i as usize).checked_sub(1)?).copied()
            }

            /// Accepts the code, the Indonesian label or an alias; case, spaces and dashes ignored.
            pub fn parse(s: &str) -> Option<$name> {
                $( if s == $code { return Some($name::$variant); } )*
                let n = norm_code(s);
                $(
                    if n == $code || n == norm_code($id) $( $( || n == norm_code($alias) )* )? {
                        return Some($name::$variant);
                    }
                )*
                None
            }

            /// All accepted codes, for error messages.
            pub fn codes() -> String {
                Self::ALL.iter().map(|v| v.code()).collect::<Vec<_>>().join(", ")
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }

        impl std::str::FromStr for $name {
            type Err = UnknownCode;
            /// As [`Self::parse`], with an error that names the attribute and the valid codes.
            fn from_str(s: &str) -> Result<$name, UnknownCode> {
                $name::parse(s).ok_or_else(|| UnknownCode {
                    field: $name::FIELD,
                    found: s.to_string(),
                    codes: $name::codes(),
                })
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<$name, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

/// A value that is none of a code list's codes, labels or aliases.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownCode {
    /// The attribute, in Indonesian and English.
    pub field: (&'static str, &'static str),
    pub found: String,
    /// The valid codes, comma-separated.
    pub codes: String,
}

impl std::fmt::Display for UnknownCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "unknown {} {}; valid: {}",
            self.field.1,
            crate::text::printable(&self.found),
            self.codes
        )
    }
}

impl std::error::Error for UnknownCode {}

impl crate::Localized for UnknownCode {
    fn code(&self) -> &'static str {
        "code_unknown"
    }
    fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Id => format!(
                "{} {} tidak dikenal; pilihan: {}",
                self.field.0,
                crate::text::printable(&self.found),
                self.codes
            ),
        }
    }
}

code_enum! {
    /// Jenis kelamin.
    pub enum Sex ("jenis kelamin", "sex") {
        Male = "male", "laki-laki", "male", ["l", "m", "lk", "pria", "1"];
        Female = "female", "perempuan", "female", ["p", "f", "pr", "wanita", "2"];
    }
}

code_enum! {
    /// Hubungan dengan kepala keluarga.
    pub enum Relation ("hubungan dengan kepala keluarga", "relation to head") {
        Head = "head", "kepala keluarga", "head", ["kepala", "kk", "1"];
        Spouse = "spouse", "istri/suami", "spouse", ["istri", "suami", "pasangan", "2"];
        Child = "child", "anak", "child", ["3"];
        ChildInLaw = "child_in_law", "menantu", "child-in-law", ["4"];
        Grandchild = "grandchild", "cucu", "grandchild", ["5"];
        Parent = "parent", "orang tua", "parent", ["orangtua", "ayah", "ibu", "6"];
        ParentInLaw = "parent_in_law", "mertua", "parent-in-law", ["7"];
        Sibling = "sibling", "saudara kandung", "sibling", ["saudara", "8"];
        OtherRelative = "other_relative", "famili lain", "other relative", ["famili", "9"];
        Helper = "helper", "pembantu", "household helper", ["asisten rumah tangga", "10"];
        Other = "other", "lainnya", "other", ["lain", "11"];
    }
}

code_enum! {
    /// Pendidikan tertinggi yang ditamatkan.
    pub enum Education ("pendidikan tertinggi", "highest education") {
        None = "none", "tidak/belum sekolah", "no schooling", ["tidak sekolah", "belum sekolah", "tidak pernah sekolah"];
        PrimaryIncomplete = "primary_incomplete", "tidak tamat SD", "primary not completed", ["tidak tamat sd", "belum tamat sd"];
        Primary = "primary", "SD/sederajat", "primary", ["sd", "mi", "sd/mi", "paket a"];
        JuniorSecondary = "junior_secondary", "SMP/sederajat", "junior secondary", ["smp", "mts", "sltp", "paket b"];
        SeniorSecondary = "senior_secondary", "SMA/sederajat", "senior secondary", ["sma", "smk", "ma", "slta", "paket c"];
        Diploma = "diploma", "D1-D3", "diploma", ["d1", "d2", "d3"];
        Bachelor = "bachelor", "D4/S1", "bachelor", ["s1", "d4"];
        Postgraduate = "postgraduate", "S2/S3", "postgraduate", ["s2", "s3"];
    }
}

code_enum! {
    /// Kegiatan/pekerjaan utama.
    pub enum Work ("pekerjaan utama", "main work") {
        NotWorking = "not_working", "tidak bekerja", "not working", ["belum/tidak bekerja", "menganggur"];
        Student = "student", "pelajar/mahasiswa", "student", ["pelajar", "mahasiswa"];
        Housekeeping = "housekeeping", "mengurus rumah tangga", "housekeeping", ["ibu rumah tangga", "irt"];
        Farmer = "farmer", "petani/pekebun/peternak", "farmer", ["petani", "pekebun", "peternak"];
        Fisher = "fisher", "nelayan", "fisher";
        Laborer = "laborer", "buruh", "laborer", ["buruh harian lepas", "buruh tani"];
        Trader = "trader", "pedagang", "trader";
        PrivateEmployee = "private_employee", "karyawan swasta", "private employee", ["karyawan"];
        CivilServant = "civil_servant", "PNS/TNI/Polri", "civil servant", ["pns", "tni", "polri", "asn"];
        SelfEmployed = "self_employed", "wiraswasta", "self-employed", ["wirausaha"];
        Retired = "retired", "pensiunan", "retired";
        Other = "other", "lainnya", "other";
    }
}

code_enum! {
    /// Disabilitas.
    pub enum Disability ("disabilitas", "disability") {
        None = "none", "tidak ada", "none", ["tidak", "no", "0"];
        Physical = "physical", "fisik", "physical";
        Intellectual = "intellectual", "intelektual", "intellectual";
        Mental = "mental", "mental", "mental";
        Sensory = "sensory", "sensorik", "sensory", ["netra", "rungu", "wicara"];
        Multiple = "multiple", "ganda", "multiple";
        Unspecified = "unspecified", "ada (jenis tidak disebut)", "yes (type not stated)", ["ya", "yes", "ada", "1"];
    }
}

code_enum! {
    /// Jaminan kesehatan.
    pub enum HealthInsurance ("jaminan kesehatan", "health insurance") {
        None = "none", "tidak punya", "none", ["tidak ada", "tidak"];
        JknPbi = "jkn_pbi", "JKN PBI (dibayar pemerintah)", "JKN PBI (government-paid)", ["pbi", "pbi jk", "kis", "pbi jkn"];
        JknContributory = "jkn_contributory", "JKN mandiri/pekerja", "JKN contributory", ["jkn mandiri", "bpjs mandiri", "jkn", "bpjs"];
        Private = "private", "asuransi swasta", "private insurance", ["swasta"];
        Other = "other", "lainnya", "other";
    }
}

code_enum! {
    /// Partisipasi sekolah.
    pub enum SchoolAttendance ("partisipasi sekolah", "school attendance") {
        Never = "never", "tidak/belum pernah sekolah", "never attended", ["belum sekolah", "tidak pernah sekolah"];
        Attending = "attending", "masih sekolah", "attending", ["sekolah", "ya", "yes"];
        NotAttending = "not_attending", "tidak bersekolah lagi", "no longer attending", ["putus sekolah", "tidak sekolah lagi", "tidak", "no"];
    }
}

code_enum! {
    /// Jenis lantai terluas.
    pub enum Floor ("lantai", "floor") {
        MarbleGranite = "marble_granite", "marmer/granit", "marble/granite", ["marmer", "granit"];
        Ceramic = "ceramic", "keramik", "ceramic";
        ParquetVinyl = "parquet_vinyl", "parket/vinil/karpet", "parquet/vinyl/carpet", ["parket", "vinil", "karpet"];
        TilesTerrazzo = "tiles_terrazzo", "ubin/tegel/teraso", "tiles/terrazzo", ["ubin", "tegel", "teraso"];
        Wood = "wood", "kayu/papan", "wood", ["kayu", "papan"];
        CementBrick = "cement_brick", "semen/bata merah", "cement/red brick", ["semen", "bata merah", "plester"];
        Bamboo = "bamboo", "bambu", "bamboo";
        Earth = "earth", "tanah", "earth";
        Other = "other", "lainnya", "other";
    }
}

code_enum! {
    /// Jenis dinding terluas.
    pub enum Wall ("dinding", "wall") {
        Masonry = "masonry", "tembok", "masonry", ["bata", "beton"];
        PlasteredBamboo = "plastered_bamboo", "plesteran anyaman bambu/kawat", "plastered woven bamboo/wire", ["plesteran"];
        Wood = "wood", "kayu/papan", "wood", ["kayu", "papan", "gypsum", "grc"];
        WovenBamboo = "woven_bamboo", "anyaman bambu", "woven bamboo", ["bilik", "gedek"];
        Log = "log", "batang kayu", "logs";
        Bamboo = "bamboo", "bambu", "bamboo";
        Other = "other", "lainnya", "other";
    }
}

code_enum! {
    /// Jenis atap terluas.
    pub enum Roof ("atap", "roof") {
        Concrete = "concrete", "beton", "concrete";
        CeramicTile = "ceramic_tile", "genteng keramik", "ceramic tile";
        MetalTile = "metal_tile", "genteng metal", "metal tile";
        ClayTile = "clay_tile", "genteng tanah liat", "clay tile", ["genteng", "genteng tanah"];
        Asbestos = "asbestos", "asbes", "asbestos";
        Zinc = "zinc", "seng", "zinc";
        Shingle = "shingle", "sirap", "wooden shingle";
        Bamboo = "bamboo", "bambu", "bamboo";
        Thatch = "thatch", "jerami/ijuk/daun/rumbia", "thatch/leaves", ["jerami", "ijuk", "daun", "rumbia"];
        Other = "other", "lainnya", "other";
    }
}

code_enum! {
    /// Sumber air minum utama.
    pub enum WaterSource ("sumber air minum", "drinking water source") {
        Bottled = "bottled", "air kemasan bermerk", "bottled water", ["air kemasan"];
        Refill = "refill", "air isi ulang", "refill water", ["isi ulang"];
        Piped = "piped", "leding", "piped water", ["ledeng", "pam", "pdam"];
        BoreWell = "bore_well", "sumur bor/pompa", "bore well/pump", ["sumur bor", "pompa"];
        ProtectedWell = "protected_well", "sumur terlindung", "protected well";
        UnprotectedWell = "unprotected_well", "sumur tak terlindung", "unprotected well", ["sumur tidak terlindung"];
        ProtectedSpring = "protected_spring", "mata air terlindung", "protected spring";
        UnprotectedSpring = "unprotected_spring", "mata air tak terlindung", "unprotected spring", ["mata air tidak terlindung"];
        Surface = "surface", "air permukaan (sungai/danau/waduk)", "surface water", ["sungai", "danau", "air sungai"];
        Rain = "rain", "air hujan", "rainwater";
        Other = "other", "lainnya", "other";
    }
}

code_enum! {
    /// Fasilitas buang air besar.
    pub enum Toilet ("fasilitas BAB", "toilet") {
        Private = "private", "milik sendiri", "own", ["sendiri"];
        Shared = "shared", "bersama", "shared", ["bersama rumah tangga lain"];
        Public = "public", "umum", "public", ["mck umum"];
        None = "none", "tidak ada", "none", ["tidak"];
    }
}

code_enum! {
    /// Sumber penerangan utama.
    pub enum Electricity ("sumber penerangan", "lighting source") {
        PlnMetered = "pln_metered", "listrik PLN dengan meteran", "PLN with meter", ["pln", "pln meteran"];
        PlnUnmetered = "pln_unmetered", "listrik PLN tanpa meteran", "PLN without meter", ["pln tanpa meteran"];
        NonPln = "non_pln", "listrik non-PLN", "non-PLN electricity", ["non pln", "genset", "tenaga surya"];
        None = "none", "bukan listrik", "no electricity", ["tidak ada", "pelita", "petromak"];
    }
}

code_enum! {
    /// Bahan bakar utama untuk memasak.
    pub enum CookingFuel ("bahan bakar memasak", "cooking fuel") {
        Electricity = "electricity", "listrik", "electricity";
        LpgLarge = "lpg_large", "gas 5,5 kg/12 kg", "LPG 5.5 kg or more", ["elpiji 12 kg", "gas 12 kg", "gas 5.5 kg"];
        Lpg3kg = "lpg_3kg", "gas 3 kg", "LPG 3 kg", ["elpiji 3 kg", "gas melon", "lpg 3 kg"];
        CityGas = "city_gas", "gas kota/biogas", "piped gas/biogas", ["gas kota", "biogas"];
        Kerosene = "kerosene", "minyak tanah", "kerosene";
        Briquette = "briquette", "briket", "briquette";
        Charcoal = "charcoal", "arang", "charcoal";
        Firewood = "firewood", "kayu bakar", "firewood", ["kayu"];
        NoCooking = "no_cooking", "tidak memasak di rumah", "no cooking at home", ["tidak memasak"];
        Other = "other", "lainnya", "other";
    }
}

code_enum! {
    /// Status kepemilikan bangunan tempat tinggal.
    pub enum Tenure ("status kepemilikan rumah", "home tenure") {
        Owned = "owned", "milik sendiri", "owned", ["sendiri"];
        Rented = "rented", "kontrak/sewa", "rented", ["kontrak", "sewa"];
        RentFree = "rent_free", "bebas sewa", "rent-free", ["menumpang"];
        Official = "official", "dinas", "official housing", ["rumah dinas"];
        Other = "other", "lainnya", "other";
    }
}

code_enum! {
    /// Aset rumah tangga (as DTSEN asks).
    pub enum Asset ("aset", "asset") {
        GasCylinder = "gas_cylinder", "tabung gas 5,5 kg atau lebih", "gas cylinder 5.5 kg or more";
        Refrigerator = "refrigerator", "lemari es/kulkas", "refrigerator", ["kulkas", "lemari es"];
        AirConditioner = "air_conditioner", "AC", "air conditioner", ["ac"];
        WaterHeater = "water_heater", "pemanas air", "water heater";
        Landline = "landline", "telepon rumah", "landline telephone";
        Television = "television", "televisi layar datar", "flat-screen television", ["tv", "televisi"];
        Gold = "gold", "emas/perhiasan (min. 10 gram)", "gold/jewellery (10 g or more)", ["emas", "perhiasan"];
        Computer = "computer", "komputer/laptop", "computer/laptop", ["laptop", "komputer"];
        Bicycle = "bicycle", "sepeda", "bicycle";
        Motorcycle = "motorcycle", "sepeda motor", "motorcycle", ["motor"];
        Car = "car", "mobil", "car";
        Boat = "boat", "perahu", "boat";
        Motorboat = "motorboat", "perahu motor", "motorboat";
        Smartphone = "smartphone", "telepon pintar", "smartphone", ["hp", "handphone"];
    }
}

/// Which assets a household has. An asset not recorded is *unknown*, not *absent*.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Assets {
    known: u16,
    owned: u16,
}

impl Assets {
    pub fn get(self, a: Asset) -> Option<bool> {
        let bit = 1u16 << (a.index() - 1);
        (self.known & bit != 0).then_some(self.owned & bit != 0)
    }

    pub fn set(&mut self, a: Asset, value: Option<bool>) {
        let bit = 1u16 << (a.index() - 1);
        match value {
            None => {
                self.known &= !bit;
                self.owned &= !bit;
            }
            Some(v) => {
                self.known |= bit;
                if v {
                    self.owned |= bit;
                } else {
                    self.owned &= !bit;
                }
            }
        }
    }

    pub fn known_bits(self) -> u16 {
        self.known
    }

    pub fn owned_bits(self) -> u16 {
        self.owned
    }

    pub fn from_bits(known: u16, owned: u16) -> Assets {
        Assets {
            known,
            owned: owned & known,
        }
    }

    /// Number of assets recorded as owned.
    pub fn count_owned(self) -> u32 {
        self.owned.count_ones()
    }
}

/// The dwelling (kondisi tempat tinggal).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Dwelling {
    pub tenure: Option<Tenure>,
    /// Floor area, m².
    pub floor_area_m2: Option<u32>,
    pub floor: Option<Floor>,
    pub wall: Option<Wall>,
    pub roof: Option<Roof>,
    pub water: Option<WaterSource>,
    pub toilet: Option<Toilet>,
    pub electricity: Option<Electricity>,
    /// Installed PLN power in volt-ampere (450, 900, 1300, 2200, ...).
    pub electricity_va: Option<u32>,
    pub cooking_fuel: Option<CookingFuel>,
}

/// Survey data of a surveyed household (rumah tangga sampel).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Survey {
    /// Monthly consumption expenditure per capita, rupiah.
    pub consumption_per_capita: Rupiah,
    /// Survey weight: households in the population that this one represents (> 0).
    pub weight: f64,
}

/// A household (keluarga), identified by its KK number.
#[derive(Clone, Debug, PartialEq)]
pub struct Household {
    pub kk: Kk,
    /// Region down to the village (desa/kelurahan).
    pub region: RegionCode,
    pub address: Option<String>,
    pub rt: Option<u16>,
    pub rw: Option<u16>,
    /// Number of members as declared on the form (jumlah anggota keluarga).
    pub declared_size: Option<u16>,
    pub dwelling: Dwelling,
    pub assets: Assets,
    /// Agricultural or other land owned, m².
    pub land_m2: Option<u64>,
    pub survey: Option<Survey>,
}

/// A member of a household (anggota keluarga), identified by NIK within the household.
#[derive(Clone, Debug, PartialEq)]
pub struct Person {
    pub nik: Nik,
    pub kk: Kk,
    pub name: String,
    pub sex: Sex,
    pub birth_date: NaiveDate,
    pub relation: Relation,
    pub education: Option<Education>,
    pub work: Option<Work>,
    pub disability: Option<Disability>,
    pub chronic_illness: Option<bool>,
    pub health_insurance: Option<HealthInsurance>,
    pub school: Option<SchoolAttendance>,
}

impl Person {
    /// Age in completed years on `on`.
    pub fn age_on(&self, on: NaiveDate) -> i32 {
        age_on(self.birth_date, on)
    }
}

/// Age in completed years on `on` for someone born on `birth`.
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> i32 {
    use chrono::Datelike;
    let mut age = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `FromStr` and serde agree with `parse` and `code`: every code reads back to its value,
    /// through a string and through JSON; an unknown value names the attribute and the codes.
    #[test]
    fn every_code_parses_and_round_trips_through_serde() {
        fn check<T>(all: &[T])
        where
            T: Copy
                + PartialEq
                + std::fmt::Debug
                + std::str::FromStr<Err = UnknownCode>
                + serde::Serialize
                + serde::de::DeserializeOwned,
        {
            for v in all {
                let json = serde_json::to_string(v).unwrap();
                assert_eq!(serde_json::from_str::<T>(&json).unwrap(), *v, "{json}");
                assert_eq!(json.trim_matches('"').parse::<T>().unwrap(), *v);
            }
        }
        check(Sex::ALL);
        check(Relation::ALL);
        check(Education::ALL);
        check(Work::ALL);
        check(Disability::ALL);
        check(HealthInsurance::ALL);
        check(SchoolAttendance::ALL);
        check(Floor::ALL);
        check(Wall::ALL);
        check(Roof::ALL);
        check(WaterSource::ALL);
        check(Toilet::ALL);
        check(Electricity::ALL);
        check(CookingFuel::ALL);
        check(Tenure::ALL);
        check(Asset::ALL);
        let e = "lava".parse::<Floor>().unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("unknown floor lava; valid: {}", Floor::codes())
        );
        assert_eq!(crate::Localized::code(&e), "code_unknown");
        assert!(serde_json::from_str::<Floor>("\"lava\"").is_err());
    }

    #[test]
    fn codes_labels_and_aliases_parse() {
        assert_eq!(Floor::parse("ceramic"), Some(Floor::Ceramic));
        assert_eq!(Floor::parse("Keramik"), Some(Floor::Ceramic));
        assert_eq!(
            Floor::parse(" marmer / granit "),
            Some(Floor::MarbleGranite)
        );
        assert_eq!(Sex::parse("P"), Some(Sex::Female));
        assert_eq!(Sex::parse("laki-laki"), Some(Sex::Male));
        assert_eq!(Relation::parse("Kepala Keluarga"), Some(Relation::Head));
        assert_eq!(CookingFuel::parse("Gas 3 kg"), Some(CookingFuel::Lpg3kg));
        assert_eq!(Education::parse("SMA"), Some(Education::SeniorSecondary));
        assert_eq!(Floor::parse("lava"), None);
    }

    #[test]
    fn every_code_round_trips_and_is_unique() {
        fn check<T: Copy + PartialEq + std::fmt::Debug>(
            all: &[T],
            code: fn(T) -> &'static str,
            parse: fn(&str) -> Option<T>,
            index: fn(T) -> u8,
            from_index: fn(u8) -> Option<T>,
        ) {
            for &v in all {
                assert_eq!(parse(code(v)), Some(v));
                assert_eq!(from_index(index(v)), Some(v));
            }
            let mut codes: Vec<_> = all.iter().map(|&v| code(v)).collect();
            codes.sort();
            codes.dedup();
            assert_eq!(codes.len(), all.len());
        }
        check(Sex::ALL, Sex::code, Sex::parse, Sex::index, Sex::from_index);
        check(
            Relation::ALL,
            Relation::code,
            Relation::parse,
            Relation::index,
            Relation::from_index,
        );
        check(
            Education::ALL,
            Education::code,
            Education::parse,
            Education::index,
            Education::from_index,
        );
        check(
            Work::ALL,
            Work::code,
            Work::parse,
            Work::index,
            Work::from_index,
        );
        check(
            Disability::ALL,
            Disability::code,
            Disability::parse,
            Disability::index,
            Disability::from_index,
        );
        check(
            HealthInsurance::ALL,
            HealthInsurance::code,
            HealthInsurance::parse,
            HealthInsurance::index,
            HealthInsurance::from_index,
        );
        check(
            SchoolAttendance::ALL,
            SchoolAttendance::code,
            SchoolAttendance::parse,
            SchoolAttendance::index,
            SchoolAttendance::from_index,
        );
        check(
            Floor::ALL,
            Floor::code,
            Floor::parse,
            Floor::index,
            Floor::from_index,
        );
        check(
            Wall::ALL,
            Wall::code,
            Wall::parse,
            Wall::index,
            Wall::from_index,
        );
        check(
            Roof::ALL,
            Roof::code,
            Roof::parse,
            Roof::index,
            Roof::from_index,
        );
        check(
            WaterSource::ALL,
            WaterSource::code,
            WaterSource::parse,
            WaterSource::index,
            WaterSource::from_index,
        );
        check(
            Toilet::ALL,
            Toilet::code,
            Toilet::parse,
            Toilet::index,
            Toilet::from_index,
        );
        check(
            Electricity::ALL,
            Electricity::code,
            Electricity::parse,
            Electricity::index,
            Electricity::from_index,
        );
        check(
            CookingFuel::ALL,
            CookingFuel::code,
            CookingFuel::parse,
            CookingFuel::index,
            CookingFuel::from_index,
        );
        check(
            Tenure::ALL,
            Tenure::code,
            Tenure::parse,
            Tenure::index,
            Tenure::from_index,
        );
        check(
            Asset::ALL,
            Asset::code,
            Asset::parse,
            Asset::index,
            Asset::from_index,
        );
    }

    #[test]
    fn assets_distinguish_unknown_from_absent() {
        let mut a = Assets::default();
        assert_eq!(a.get(Asset::Car), None);
        a.set(Asset::Car, Some(false));
        a.set(Asset::Motorcycle, Some(true));
        assert_eq!(a.get(Asset::Car), Some(false));
        assert_eq!(a.get(Asset::Motorcycle), Some(true));
        assert_eq!(a.count_owned(), 1);
        a.set(Asset::Motorcycle, None);
        assert_eq!(a.get(Asset::Motorcycle), None);
    }

    #[test]
    fn age_counts_completed_years() {
        let b = NaiveDate::from_ymd_opt(2000, 2, 29).unwrap();
        assert_eq!(age_on(b, NaiveDate::from_ymd_opt(2026, 2, 28).unwrap()), 25);
        assert_eq!(age_on(b, NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()), 26);
    }
}
