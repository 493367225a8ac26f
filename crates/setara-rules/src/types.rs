//! The attribute schema and value types.

use setara_core::{Lang, plausible};

/// The code lists that attributes take values from (setara_core's closed code lists).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CodeList {
    Floor,
    Wall,
    Roof,
    Water,
    Toilet,
    Electricity,
    CookingFuel,
    Tenure,
    Sex,
    Relation,
    Education,
    Work,
    Disability,
    HealthInsurance,
    School,
    Asset,
}

macro_rules! code_lists {
    ($($v:ident => $t:ty),* $(,)?) => {
        impl CodeList {
            /// Parse a code, Indonesian label or alias into the 1-based index.
            pub fn parse(self, s: &str) -> Option<u8> {
                match self { $(CodeList::$v => <$t>::parse(s).map(|v| v.index()),)* }
            }
            /// The English code of 1-based index `i`.
            pub fn code(self, i: u8) -> Option<&'static str> {
                match self { $(CodeList::$v => <$t>::from_index(i).map(|v| v.code()),)* }
            }
            /// Number of values in the list.
            pub fn count(self) -> usize {
                match self { $(CodeList::$v => <$t>::ALL.len(),)* }
            }
            /// All codes, comma-separated.
            pub fn codes(self) -> String {
                match self { $(CodeList::$v => <$t>::codes(),)* }
            }
        }
    };
}

code_lists! {
    Floor => setara_core::Floor,
    Wall => setara_core::Wall,
    Roof => setara_core::Roof,
    Water => setara_core::WaterSource,
    Toilet => setara_core::Toilet,
    Electricity => setara_core::Electricity,
    CookingFuel => setara_core::CookingFuel,
    Tenure => setara_core::Tenure,
    Sex => setara_core::Sex,
    Relation => setara_core::Relation,
    Education => setara_core::Education,
    Work => setara_core::Work,
    Disability => setara_core::Disability,
    HealthInsurance => setara_core::HealthInsurance,
    School => setara_core::SchoolAttendance,
    Asset => setara_core::Asset,
}

/// The type of a value in a rule.
#[derive(Clone, Debug, PartialEq)]
pub enum Type {
    Bool,
    Int,
    Decimal,
    String,
    /// A region code (`region`).
    Region,
    /// A code of a code list, named by the attribute.
    Code(CodeList, &'static str),
    List,
}

impl Type {
    /// The type's name for messages.
    pub fn name(&self, lang: Lang) -> String {
        match self {
            Type::Bool => lang
                .pick("syarat (benar/salah)", "a condition (true/false)")
                .into(),
            Type::Int => lang.pick("bilangan bulat", "an integer").into(),
            Type::Decimal => lang.pick("bilangan desimal", "a decimal number").into(),
            Type::String => lang.pick("teks", "a string").into(),
            Type::Region => lang.pick("kode wilayah", "a region code").into(),
            Type::Code(_, attr) => match lang {
                Lang::Id => format!("kode {attr} (teks)"),
                Lang::En => format!("a code of {attr} (a string)"),
            },
            Type::List => lang.pick("daftar", "a list").into(),
        }
    }
}

/// Whether an attribute belongs to the household or to each member.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Household,
    Person,
}

/// Where an attribute's value comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Attr {
    // Ranking (per household row, from the caller).
    Desil,
    DesilProvince,
    DesilRegency,
    Score,
    Rank,
    // Household columns.
    Members,
    DeclaredSize,
    FloorAreaM2,
    ElectricityVa,
    LandM2,
    Consumption,
    Surveyed,
    Region,
    Floor,
    Wall,
    Roof,
    Water,
    Toilet,
    Electricity,
    CookingFuel,
    Tenure,
    // Person columns.
    Age,
    Sex,
    Relation,
    Education,
    Work,
    Disability,
    HealthInsurance,
    School,
    ChronicIllness,
}

/// One row of the attribute table.
#[derive(Clone, Copy, Debug)]
pub struct AttrDef {
    pub name: &'static str,
    pub attr: Attr,
    pub scope: Scope,
    pub ty: Kind,
    /// Whether the value can be unrecorded.
    pub nullable: bool,
    /// The values it can take, for out-of-range warnings.
    pub range: Option<(i64, i64)>,
}

/// The kind of an attribute's values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Int,
    Decimal,
    Bool,
    Region,
    Code(CodeList),
}

impl AttrDef {
    pub fn ty(&self) -> Type {
        match self.ty {
            Kind::Int => Type::Int,
            Kind::Decimal => Type::Decimal,
            Kind::Bool => Type::Bool,
            Kind::Region => Type::Region,
            Kind::Code(c) => Type::Code(c, self.name),
        }
    }

    /// Whether the attribute comes from the ranking.
    pub fn needs_ranking(&self) -> bool {
        matches!(
            self.attr,
            Attr::Desil | Attr::DesilProvince | Attr::DesilRegency | Attr::Score | Attr::Rank
        )
    }
}

const fn def(
    name: &'static str,
    attr: Attr,
    scope: Scope,
    ty: Kind,
    nullable: bool,
    range: Option<(i64, i64)>,
) -> AttrDef {
    AttrDef {
        name,
        attr,
        scope,
        ty,
        nullable,
        range,
    }
}

/// Every attribute a rule can use (the table in the crate documentation).
pub const ATTRIBUTES: &[AttrDef] = {
    use Kind::*;
    use Scope::{Household as H, Person as P};
    &[
        def("desil", Attr::Desil, H, Int, true, Some((1, 10))),
        def(
            "desil_province",
            Attr::DesilProvince,
            H,
            Int,
            true,
            Some((1, 10)),
        ),
        def(
            "desil_regency",
            Attr::DesilRegency,
            H,
            Int,
            true,
            Some((1, 10)),
        ),
        def("score", Attr::Score, H, Decimal, true, None),
        def("rank", Attr::Rank, H, Int, true, Some((1, u32::MAX as i64))),
        def(
            "members",
            Attr::Members,
            H,
            Int,
            false,
            Some((0, u16::MAX as i64)),
        ),
        def(
            "declared_size",
            Attr::DeclaredSize,
            H,
            Int,
            true,
            Some((0, plausible::MAX_DECLARED_SIZE)),
        ),
        def(
            "floor_area_m2",
            Attr::FloorAreaM2,
            H,
            Int,
            true,
            Some((0, plausible::MAX_FLOOR_AREA_M2)),
        ),
        def(
            "electricity_va",
            Attr::ElectricityVa,
            H,
            Int,
            true,
            Some((0, plausible::MAX_ELECTRICITY_VA)),
        ),
        def(
            "land_m2",
            Attr::LandM2,
            H,
            Int,
            true,
            Some((0, plausible::MAX_LAND_M2)),
        ),
        def(
            "consumption_per_capita",
            Attr::Consumption,
            H,
            Int,
            true,
            Some((
                *plausible::CONSUMPTION.start(),
                *plausible::CONSUMPTION.end(),
            )),
        ),
        def("surveyed", Attr::Surveyed, H, Bool, false, None),
        def("region", Attr::Region, H, Region, false, None),
        def("floor", Attr::Floor, H, Code(CodeList::Floor), true, None),
        def("wall", Attr::Wall, H, Code(CodeList::Wall), true, None),
        def("roof", Attr::Roof, H, Code(CodeList::Roof), true, None),
        def("water", Attr::Water, H, Code(CodeList::Water), true, None),
        def(
            "toilet",
            Attr::Toilet,
            H,
            Code(CodeList::Toilet),
            true,
            None,
        ),
        def(
            "electricity",
            Attr::Electricity,
            H,
            Code(CodeList::Electricity),
            true,
            None,
        ),
        def(
            "cooking_fuel",
            Attr::CookingFuel,
            H,
            Code(CodeList::CookingFuel),
            true,
            None,
        ),
        def(
            "tenure",
            Attr::Tenure,
            H,
            Code(CodeList::Tenure),
            true,
            None,
        ),
        def("age", Attr::Age, P, Int, false, None),
        def("sex", Attr::Sex, P, Code(CodeList::Sex), false, None),
        def(
            "relation",
            Attr::Relation,
            P,
            Code(CodeList::Relation),
            false,
            None,
        ),
        def(
            "education",
            Attr::Education,
            P,
            Code(CodeList::Education),
            true,
            None,
        ),
        def("work", Attr::Work, P, Code(CodeList::Work), true, None),
        def(
            "disability",
            Attr::Disability,
            P,
            Code(CodeList::Disability),
            true,
            None,
        ),
        def(
            "health_insurance",
            Attr::HealthInsurance,
            P,
            Code(CodeList::HealthInsurance),
            true,
            None,
        ),
        def(
            "school",
            Attr::School,
            P,
            Code(CodeList::School),
            true,
            None,
        ),
        def("chronic_illness", Attr::ChronicIllness, P, Bool, true, None),
    ]
};

/// The functions a rule can call (for suggestions).
pub const FUNCTIONS: &[&str] = &["owns", "receives", "known"];

/// Look up an attribute by name.
pub fn attribute(name: &str) -> Option<&'static AttrDef> {
    ATTRIBUTES.iter().find(|d| d.name == name)
}

/// The definition of `attr`.
pub fn definition(attr: Attr) -> &'static AttrDef {
    ATTRIBUTES
        .iter()
        .find(|d| d.attr == attr)
        .expect("every attribute is in the table")
}

/// The closest of `candidates` to `name`, if close enough to be a plausible typo.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let lower = name.to_lowercase();
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        let d = strsim::damerau_levenshtein(&lower, &c.to_lowercase());
        let sim = strsim::jaro_winkler(&lower, &c.to_lowercase());
        let close = d <= 2.max(c.len() / 4) || sim >= 0.85;
        if close && best.is_none_or(|(s, _)| sim > s) {
            best = Some((sim, c));
        }
    }
    best.map(|(_, c)| c.to_string())
}
