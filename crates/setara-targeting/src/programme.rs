//! Programme definitions (program bantuan): who owns it, who takes part, what it gives, to whom,
//! with how much money — read from TOML and checked before anything is stored.
//!
//! The format is documented in `docs/programmes.md`; `examples/programmes/` holds one programme
//! of each kind the demo defines.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use setara_core::text::check_line;
use setara_core::{Lang, RegionCode, Regions, Rupiah};

use crate::error::{Error, quoted};
use crate::money::rupiah;

/// Largest programme file, in bytes (1 MiB). A programme is a page of text — the shipped
/// examples are 2–3 KiB; even a quota for each of Indonesia's 84,000 villages fits. The CLI
/// reads at most one byte more, so a huge or endless file (`/dev/zero`) costs nothing.
pub const MAX_PROGRAMME_BYTES: usize = 1 << 20;
/// Longest name (programme, organisation, partner, in-kind item), in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// Longest description or Business Model Canvas block, in characters.
pub const MAX_TEXT_CHARS: usize = 2_000;
/// Most partners of one programme. Real programmes have a handful; the limit keeps the sum of
/// contributions far inside `i64` (100 × [`Rupiah::MAX`] = 10^17).
pub const MAX_PARTNERS: usize = 100;
/// Most quotas of one programme: one for each of Indonesia's ~84,000 villages fits.
pub const MAX_QUOTAS: usize = 100_000;
/// Largest quota, in households (10^9): Indonesia has about 70 million households, so a larger
/// quota is a typo, not a limit.
pub const MAX_QUOTA_HOUSEHOLDS: u64 = 1_000_000_000;
/// Most cycles of one programme (a cycle a week for nearly twenty years).
pub const MAX_CYCLES: u32 = 1_000;

/// The kind of organisation that owns or joins a programme (jenis organisasi).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgType {
    /// Pemerintah: a ministry, a provincial or regency office (Dinas Sosial).
    Government,
    /// Perusahaan (CSR): a company's corporate social responsibility programme.
    Csr,
    /// Wirausaha sosial.
    SocialEnterprise,
    /// Perguruan tinggi: a university, the campus of the Triple Helix.
    Campus,
    /// LSM / organisasi masyarakat sipil.
    Ngo,
    /// Kelompok masyarakat: a community group.
    Community,
}

impl OrgType {
    pub const ALL: [OrgType; 6] = [
        OrgType::Government,
        OrgType::Csr,
        OrgType::SocialEnterprise,
        OrgType::Campus,
        OrgType::Ngo,
        OrgType::Community,
    ];

    pub fn code(self) -> &'static str {
        match self {
            OrgType::Government => "government",
            OrgType::Csr => "csr",
            OrgType::SocialEnterprise => "social_enterprise",
            OrgType::Campus => "campus",
            OrgType::Ngo => "ngo",
            OrgType::Community => "community",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            OrgType::Government => lang.pick("pemerintah", "government"),
            OrgType::Csr => lang.pick("CSR perusahaan", "company CSR"),
            OrgType::SocialEnterprise => lang.pick("wirausaha sosial", "social enterprise"),
            OrgType::Campus => lang.pick("perguruan tinggi", "campus"),
            OrgType::Ngo => lang.pick("LSM", "NGO"),
            OrgType::Community => lang.pick("kelompok masyarakat", "community"),
        }
    }

    pub fn codes() -> String {
        Self::ALL.map(OrgType::code).join(", ")
    }
}

impl FromStr for OrgType {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        let s = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        let t = match s.as_str() {
            "government" | "pemerintah" | "gov" => OrgType::Government,
            "csr" | "company" | "perusahaan" => OrgType::Csr,
            "social_enterprise" | "wirausaha_sosial" => OrgType::SocialEnterprise,
            "campus" | "university" | "perguruan_tinggi" | "kampus" => OrgType::Campus,
            "ngo" | "lsm" => OrgType::Ngo,
            "community" | "komunitas" | "kelompok_masyarakat" => OrgType::Community,
            _ => {
                return Err(Error::UnknownCode {
                    what: "organisation type",
                    what_id: "jenis organisasi",
                    value: s,
                    valid: OrgType::codes(),
                });
            }
        };
        Ok(t)
    }
}

impl fmt::Display for OrgType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The role a partner plays in a programme (peran mitra).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartnerRole {
    /// Penyandang dana: puts money in (co-funding).
    Funder,
    /// Pelaksana: delivers the benefit in the field.
    Implementer,
    /// Peneliti / evaluator.
    Evaluator,
    /// Regulator.
    Regulator,
}

impl PartnerRole {
    pub const ALL: [PartnerRole; 4] = [
        PartnerRole::Funder,
        PartnerRole::Implementer,
        PartnerRole::Evaluator,
        PartnerRole::Regulator,
    ];

    pub fn code(self) -> &'static str {
        match self {
            PartnerRole::Funder => "funder",
            PartnerRole::Implementer => "implementer",
            PartnerRole::Evaluator => "evaluator",
            PartnerRole::Regulator => "regulator",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            PartnerRole::Funder => lang.pick("penyandang dana", "funder"),
            PartnerRole::Implementer => lang.pick("pelaksana", "implementer"),
            PartnerRole::Evaluator => lang.pick("peneliti/evaluator", "researcher/evaluator"),
            PartnerRole::Regulator => "regulator",
        }
    }
}

impl FromStr for PartnerRole {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        let s = s.trim().to_ascii_lowercase();
        Ok(match s.as_str() {
            "funder" | "penyandang_dana" | "donor" => PartnerRole::Funder,
            "implementer" | "pelaksana" => PartnerRole::Implementer,
            "evaluator" | "researcher" | "peneliti" => PartnerRole::Evaluator,
            "regulator" => PartnerRole::Regulator,
            _ => {
                return Err(Error::UnknownCode {
                    what: "partner role",
                    what_id: "peran mitra",
                    value: s,
                    valid: PartnerRole::ALL.map(PartnerRole::code).join(", "),
                });
            }
        })
    }
}

/// An organisation (organisasi): owner or partner of programmes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    /// Short stable identifier, e.g. `dinsos-3204`.
    pub code: String,
    pub name: String,
    #[serde(rename = "type")]
    pub org_type: OrgType,
}

/// An organisation taking part in a programme it does not own.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Partner {
    pub code: String,
    pub name: String,
    #[serde(rename = "type")]
    pub org_type: OrgType,
    pub role: PartnerRole,
    /// Rupiah per cycle the partner puts in (co-funding); funders should state it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contribution_per_cycle: Option<i64>,
}

/// What a programme gives a household each cycle (manfaat).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Benefit {
    /// Bantuan tunai: money.
    Cash { rupiah_per_household: i64 },
    /// Bantuan barang / jasa: goods or services, valued in rupiah so that budgets and the
    /// ledger stay in money.
    InKind {
        /// What is given, e.g. `Beras 10 kg` or `Beasiswa satu semester`.
        item: String,
        /// Units per household per cycle.
        units: i64,
        /// Rupiah value of one unit.
        unit_value: i64,
    },
}

impl Benefit {
    /// Rupiah per household per cycle; for goods, units × unit value, an error when the product
    /// does not fit (never a wrapped or saturated number). [`Programme::check`] also refuses a
    /// value above [`Rupiah::MAX`].
    pub fn rupiah_per_household(&self) -> Result<i64, Error> {
        match self {
            Benefit::Cash {
                rupiah_per_household,
            } => Ok(*rupiah_per_household),
            Benefit::InKind {
                units, unit_value, ..
            } => units.checked_mul(*unit_value).ok_or(Error::Overflow {
                what: "benefit (units × unit_value)",
            }),
        }
    }

    pub fn describe(&self, lang: Lang) -> String {
        match self {
            Benefit::Cash {
                rupiah_per_household,
            } => format!(
                "{} {}",
                lang.pick("tunai", "cash"),
                rupiah(*rupiah_per_household)
            ),
            Benefit::InKind {
                item,
                units,
                unit_value,
            } => format!(
                "{units} × {item} ({} {} {})",
                lang.pick("nilai", "valued at"),
                rupiah(*unit_value),
                lang.pick("per unit", "each")
            ),
        }
    }
}

/// The nine blocks of the Business Model Canvas, as text.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Canvas {
    #[serde(default)]
    pub customer_segments: String,
    #[serde(default)]
    pub value_propositions: String,
    #[serde(default)]
    pub channels: String,
    #[serde(default)]
    pub customer_relationships: String,
    #[serde(default)]
    pub revenue_streams: String,
    #[serde(default)]
    pub key_resources: String,
    #[serde(default)]
    pub key_activities: String,
    #[serde(default)]
    pub key_partners: String,
    #[serde(default)]
    pub cost_structure: String,
}

impl Canvas {
    /// The blocks in the canvas's usual order: (key, Indonesian title, English title, text).
    pub fn blocks(&self) -> [(&'static str, &'static str, &'static str, &str); 9] {
        [
            (
                "customer_segments",
                "Segmen penerima manfaat",
                "Beneficiary segments",
                &self.customer_segments,
            ),
            (
                "value_propositions",
                "Proposisi nilai",
                "Value propositions",
                &self.value_propositions,
            ),
            ("channels", "Saluran", "Channels", &self.channels),
            (
                "customer_relationships",
                "Hubungan dengan penerima",
                "Relationships",
                &self.customer_relationships,
            ),
            (
                "revenue_streams",
                "Sumber pendanaan / keberlanjutan",
                "Revenue / sustainability",
                &self.revenue_streams,
            ),
            (
                "key_resources",
                "Sumber daya utama",
                "Key resources",
                &self.key_resources,
            ),
            (
                "key_activities",
                "Kegiatan utama",
                "Key activities",
                &self.key_activities,
            ),
            (
                "key_partners",
                "Mitra utama",
                "Key partners",
                &self.key_partners,
            ),
            (
                "cost_structure",
                "Struktur biaya",
                "Cost structure",
                &self.cost_structure,
            ),
        ]
    }
}

/// A criterion of the order in which eligible households are served when the budget or a quota
/// does not reach all of them (prioritas).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// Lower national desil first.
    Desil,
    /// Lower welfare score (predicted consumption) first.
    Score,
    /// More vulnerable members first: members with a disability, aged 60 or more, with a
    /// chronic illness, or under 5 (each member counts once per condition).
    Vulnerability,
    /// Larger households first.
    Members,
}

impl Priority {
    pub fn code(self) -> &'static str {
        match self {
            Priority::Desil => "desil",
            Priority::Score => "score",
            Priority::Vulnerability => "vulnerability",
            Priority::Members => "members",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Priority::Desil => lang.pick("desil terendah", "lowest desil"),
            Priority::Score => lang.pick("skor kesejahteraan terendah", "lowest welfare score"),
            Priority::Vulnerability => lang.pick(
                "anggota rentan terbanyak (disabilitas, lansia, sakit kronis, balita)",
                "most vulnerable members (disability, elderly, chronic illness, under 5)",
            ),
            Priority::Members => lang.pick("anggota keluarga terbanyak", "largest household"),
        }
    }
}

fn default_priority() -> Vec<Priority> {
    vec![Priority::Desil, Priority::Score, Priority::Vulnerability]
}

/// A programme (program), as written in its TOML file and stored with each version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Programme {
    /// Short stable identifier used by rules (`receives("PKH")`) and commands.
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub owner: Organisation,
    #[serde(default)]
    pub partners: Vec<Partner>,
    #[serde(default)]
    pub canvas: Canvas,
    /// The region subtree the programme serves (`32`, `32.04`, ...), or `ID` for all of
    /// Indonesia.
    pub area: String,
    pub benefit: Benefit,
    /// Rupiah available in each cycle.
    pub budget_per_cycle: i64,
    /// Number of cycles (siklus/tahap), numbered from 1.
    pub cycles: u32,
    /// Maximum households per region (kuota), keyed by region code inside the area.
    #[serde(default)]
    pub quotas: BTreeMap<String, u64>,
    /// The eligibility rule (docs/rules.md).
    pub rule: String,
    #[serde(default = "default_priority")]
    pub priority: Vec<Priority>,
}

/// A programme whose references were checked: the area and quota regions exist, and every
/// amount of money is between 0 and [`Rupiah::MAX`].
#[derive(Clone, Debug, PartialEq)]
pub struct Checked {
    pub programme: Programme,
    /// `None`: the whole of Indonesia (`area = "ID"`).
    pub area: Option<RegionCode>,
    /// Quotas in region tree order.
    pub quotas: Vec<(RegionCode, u64)>,
    /// Rupiah per household per cycle, 1 ..= [`Rupiah::MAX`].
    pub rupiah_per_household: i64,
    /// What the partners put in per cycle, 0 ..= [`Rupiah::MAX`].
    pub co_funding_per_cycle: i64,
}

/// A code: 1–40 ASCII letters, digits, `-`, `_` or `.`, starting with a letter or digit (so that
/// it can never be read as a flag, a path or a control sequence).
fn valid_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= 40
        && code.starts_with(|c: char| c.is_ascii_alphanumeric())
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// An amount of money named `field`: 0 ..= [`Rupiah::MAX`].
fn money(field: &'static str, value: i64) -> Result<i64, Error> {
    Rupiah::amount(value)
        .map(|r| r.0)
        .ok_or(Error::Money { field, value })
}

/// The canvas blocks' field names in errors.
const CANVAS_FIELDS: [&str; 9] = [
    "canvas.customer_segments",
    "canvas.value_propositions",
    "canvas.channels",
    "canvas.customer_relationships",
    "canvas.revenue_streams",
    "canvas.key_resources",
    "canvas.key_activities",
    "canvas.key_partners",
    "canvas.cost_structure",
];

impl Programme {
    /// A programme with only its code, everything else empty or zero, and the default priority
    /// (desil, score, vulnerability): what a definition given field by field starts from. It
    /// does not pass [`Programme::check`] until its fields are filled.
    pub fn blank(code: &str) -> Programme {
        Programme {
            code: code.to_string(),
            name: String::new(),
            description: String::new(),
            owner: Organisation {
                code: String::new(),
                name: String::new(),
                org_type: OrgType::Government,
            },
            partners: Vec::new(),
            canvas: Default::default(),
            area: String::new(),
            benefit: Benefit::Cash {
                rupiah_per_household: 0,
            },
            budget_per_cycle: 0,
            cycles: 0,
            quotas: Default::default(),
            rule: String::new(),
            priority: vec![Priority::Desil, Priority::Score, Priority::Vulnerability],
        }
    }

    /// Parse a programme from TOML text. Errors name the line and what is wrong.
    pub fn from_toml(text: &str) -> Result<Programme, Error> {
        if text.len() > MAX_PROGRAMME_BYTES {
            return Err(Error::FileTooLarge {
                max: MAX_PROGRAMME_BYTES,
            });
        }
        toml::from_str(text).map_err(|e| Error::Toml(e.to_string().trim_end().to_string()))
    }

    /// Parse a programme from the bytes of its file: at most [`MAX_PROGRAMME_BYTES`], UTF-8
    /// text, then [`from_toml`](Self::from_toml).
    pub fn from_toml_bytes(bytes: &[u8]) -> Result<Programme, Error> {
        if bytes.len() > MAX_PROGRAMME_BYTES {
            return Err(Error::FileTooLarge {
                max: MAX_PROGRAMME_BYTES,
            });
        }
        let text = std::str::from_utf8(bytes).map_err(|e| {
            let good = &bytes[..e.valid_up_to()];
            Error::NotUtf8 {
                line: good.iter().filter(|&&b| b == b'\n').count() + 1,
                byte: e.valid_up_to() + 1,
            }
        })?;
        Programme::from_toml(text)
    }

    /// The programme as TOML (as `programme show --toml` prints it and `edit --file` reads it).
    /// Every programme that passed [`check`](Self::check) can be written; anything else that
    /// TOML cannot hold (a quota above `i64::MAX`) is written as a comment saying so.
    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self)
            .unwrap_or_else(|e| format!("# this programme cannot be written as TOML: {e}\n"))
    }

    /// Check everything that does not need the registry: codes, texts, money, area, quotas,
    /// cycles. The rule is checked by the caller against the attribute schema
    /// (`setara-rules`).
    pub fn check(&self, regions: &Regions) -> Result<Checked, Error> {
        let bad = |field: &'static str, id: String, en: String| Error::Invalid { field, id, en };
        if !valid_code(&self.code) {
            return Err(bad(
                "code",
                format!(
                    "kode program {} tidak sah: 1–40 huruf, angka, '-', '_' atau '.', diawali huruf atau angka",
                    quoted(&self.code)
                ),
                format!(
                    "programme code {} is not valid: 1–40 letters, digits, '-', '_' or '.', starting with a letter or digit",
                    quoted(&self.code)
                ),
            ));
        }
        if self.name.trim().is_empty() {
            return Err(bad(
                "name",
                "nama program kosong".into(),
                "the programme has no name".into(),
            ));
        }
        self.check_texts()?;
        for (field, org) in std::iter::once(("owner.code", &self.owner.code))
            .chain(self.partners.iter().map(|p| ("partners.code", &p.code)))
        {
            if !valid_code(org) {
                return Err(bad(
                    field,
                    format!("kode organisasi {} tidak sah", quoted(org)),
                    format!("organisation code {} is not valid", quoted(org)),
                ));
            }
        }
        if self.partners.len() > MAX_PARTNERS {
            return Err(Error::TooMany {
                field: "partners",
                max: MAX_PARTNERS,
                found: self.partners.len(),
            });
        }
        let mut seen = std::collections::HashSet::new();
        let mut co_funding: i64 = 0;
        for p in &self.partners {
            if p.code == self.owner.code {
                return Err(bad(
                    "partners",
                    format!("{} adalah pemilik program, bukan mitra", p.code),
                    format!("{} owns the programme; it cannot also be a partner", p.code),
                ));
            }
            if !seen.insert((&p.code, p.role)) {
                return Err(bad(
                    "partners",
                    format!(
                        "mitra {} dengan peran {} tercantum dua kali",
                        p.code,
                        p.role.code()
                    ),
                    format!("partner {} is listed twice as {}", p.code, p.role.code()),
                ));
            }
            if let Some(c) = p.contribution_per_cycle {
                if c < 0 {
                    return Err(bad(
                        "partners.contribution_per_cycle",
                        format!("kontribusi {} negatif", p.code),
                        format!("contribution of {} is negative", p.code),
                    ));
                }
                co_funding = co_funding
                    .checked_add(money("partners.contribution_per_cycle", c)?)
                    .ok_or(Error::Overflow {
                        what: "co-funding per cycle",
                    })?;
            }
        }
        money(
            "co-funding per cycle (the partners' contributions together)",
            co_funding,
        )?;
        let in_kind_bad = match &self.benefit {
            Benefit::InKind {
                item,
                units,
                unit_value,
            } => {
                if *unit_value > 0 {
                    money("benefit.unit_value", *unit_value)?;
                }
                item.trim().is_empty() || *units <= 0 || *unit_value <= 0
            }
            Benefit::Cash {
                rupiah_per_household,
            } => {
                if *rupiah_per_household > 0 {
                    money("benefit.rupiah_per_household", *rupiah_per_household)?;
                }
                false
            }
        };
        let per_household = if in_kind_bad {
            0
        } else {
            self.benefit.rupiah_per_household()?
        };
        if per_household <= 0 || in_kind_bad {
            return Err(bad(
                "benefit",
                "manfaat harus bernilai lebih dari Rp0 per keluarga (barang: nama, jumlah dan nilai per unit)".into(),
                "the benefit must be worth more than Rp0 per household (in kind: item, units and unit value)".into(),
            ));
        }
        let per_household = money("benefit (rupiah per household)", per_household)?;
        if self.budget_per_cycle <= 0 {
            return Err(Error::EmptyBudget {
                budget: self.budget_per_cycle,
            });
        }
        money("budget_per_cycle", self.budget_per_cycle)?;
        if self.budget_per_cycle < per_household {
            return Err(bad(
                "budget_per_cycle",
                format!(
                    "anggaran per siklus {} tidak cukup untuk satu keluarga ({})",
                    rupiah(self.budget_per_cycle),
                    rupiah(per_household)
                ),
                format!(
                    "the budget per cycle, {}, does not cover one household ({})",
                    rupiah(self.budget_per_cycle),
                    rupiah(per_household)
                ),
            ));
        }
        if self.cycles == 0 || self.cycles > MAX_CYCLES {
            return Err(bad(
                "cycles",
                format!("jumlah siklus harus 1–{MAX_CYCLES}"),
                format!("cycles must be 1–{MAX_CYCLES}"),
            ));
        }
        if self.rule.trim().is_empty() {
            return Err(bad(
                "rule",
                "aturan kelayakan kosong".into(),
                "the eligibility rule is empty".into(),
            ));
        }
        if self.priority.is_empty() {
            return Err(bad(
                "priority",
                "urutan prioritas kosong".into(),
                "the priority order is empty".into(),
            ));
        }
        for (i, p) in self.priority.iter().enumerate() {
            if self.priority[..i].contains(p) {
                return Err(bad(
                    "priority",
                    format!("prioritas {} tercantum dua kali", p.code()),
                    format!("priority {} is listed twice", p.code()),
                ));
            }
        }
        let area = if is_national(&self.area) {
            None
        } else {
            Some(region(regions, "area", &self.area)?)
        };
        if self.quotas.len() > MAX_QUOTAS {
            return Err(Error::TooMany {
                field: "quotas",
                max: MAX_QUOTAS,
                found: self.quotas.len(),
            });
        }
        let mut quotas = Vec::new();
        for (code, &n) in &self.quotas {
            let r = region(regions, "quotas", code)?;
            if n > MAX_QUOTA_HOUSEHOLDS {
                return Err(bad(
                    "quotas",
                    format!(
                        "kuota {r} sebanyak {n} keluarga melebihi batas {MAX_QUOTA_HOUSEHOLDS}"
                    ),
                    format!(
                        "the quota of {r}, {n} households, is over the limit of {MAX_QUOTA_HOUSEHOLDS}"
                    ),
                ));
            }
            if let Some(area) = area
                && !r.is_within(area)
            {
                return Err(bad(
                    "quotas",
                    format!("kuota untuk {r} berada di luar wilayah program {area}"),
                    format!("quota region {r} is outside the programme's area {area}"),
                ));
            }
            quotas.push((r, n));
        }
        quotas.sort_by_key(|(r, _)| r.key());
        for w in quotas.windows(2) {
            if w[1].0.is_within(w[0].0) {
                return Err(bad(
                    "quotas",
                    format!(
                        "kuota {} berada di dalam kuota {}; kuota tidak boleh bertumpuk",
                        w[1].0, w[0].0
                    ),
                    format!(
                        "quota {} lies inside quota {}; quotas must not nest",
                        w[1].0, w[0].0
                    ),
                ));
            }
        }
        Ok(Checked {
            programme: self.clone(),
            area,
            quotas,
            rupiah_per_household: per_household,
            co_funding_per_cycle: co_funding,
        })
    }

    /// Names, the description and the canvas: one line each (no line breaks or other control
    /// characters, which could forge a line of `programme show` or move the terminal), at most
    /// [`MAX_NAME_CHARS`] or [`MAX_TEXT_CHARS`] characters. The optional ones may be empty.
    fn check_texts(&self) -> Result<(), Error> {
        check_line("name", &self.name, MAX_NAME_CHARS)?;
        check_line("owner.name", &self.owner.name, MAX_NAME_CHARS)?;
        for p in &self.partners {
            check_line("partners.name", &p.name, MAX_NAME_CHARS)?;
        }
        if let Benefit::InKind { item, .. } = &self.benefit
            && !item.trim().is_empty()
        {
            check_line("benefit.item", item, MAX_NAME_CHARS)?;
        }
        let optional = std::iter::once(("description", self.description.as_str())).chain(
            CANVAS_FIELDS
                .into_iter()
                .zip(self.canvas.blocks().map(|(.., text)| text)),
        );
        for (field, text) in optional {
            if !text.is_empty() {
                check_line(field, text, MAX_TEXT_CHARS)?;
            }
        }
        Ok(())
    }

    /// Total the partners put in per cycle; an error when the sum does not fit.
    pub fn co_funding_per_cycle(&self) -> Result<i64, Error> {
        self.partners
            .iter()
            .filter_map(|p| p.contribution_per_cycle)
            .try_fold(0i64, |sum, c| sum.checked_add(c))
            .ok_or(Error::Overflow {
                what: "co-funding per cycle",
            })
    }

    /// What changed from `self` to `new`, field by field, as (field, old, new) in TOML form.
    pub fn diff(&self, new: &Programme) -> Vec<(String, String, String)> {
        let a = toml_fields(self);
        let b = toml_fields(new);
        let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
        keys.sort();
        keys.dedup();
        keys.into_iter()
            .filter_map(|k| {
                let old = a.get(k).cloned().unwrap_or_default();
                let new = b.get(k).cloned().unwrap_or_default();
                (old != new).then(|| (k.clone(), old, new))
            })
            .collect()
    }
}

fn toml_fields(p: &Programme) -> BTreeMap<String, String> {
    let value = serde_json::to_value(p).expect("serializes");
    let mut out = BTreeMap::new();
    if let serde_json::Value::Object(map) = value {
        for (k, v) in map {
            let text = match v {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            out.insert(k, text);
        }
    }
    out
}

/// `ID` (or `nasional` / `national`): the whole country.
pub fn is_national(area: &str) -> bool {
    let a = area.trim().to_ascii_lowercase();
    a == "id" || a == "nasional" || a == "national"
}

fn region(regions: &Regions, field: &'static str, code: &str) -> Result<RegionCode, Error> {
    let r = RegionCode::parse(code.trim()).map_err(|_| Error::Invalid {
        field,
        id: format!("kode wilayah {} tidak sah", quoted(code)),
        en: format!("region code {} is not valid", quoted(code)),
    })?;
    if !regions.contains(r) {
        return Err(Error::Invalid {
            field,
            id: format!("wilayah {r} tidak ada dalam daftar Kemendagri 2025"),
            en: format!("region {r} is not in the Kemendagri 2025 table"),
        });
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PKH: &str = r#"
code = "PKH-3204"
name = "Program Keluarga Harapan Kabupaten Bandung"
area = "32.04"
budget_per_cycle = 1_000_000_000
cycles = 4
rule = "desil <= 4"

[owner]
code = "dinsos-3204"
name = "Dinas Sosial Kabupaten Bandung"
type = "government"

[benefit]
kind = "cash"
rupiah_per_household = 750_000

[[partners]]
code = "unpad"
name = "Universitas Padjadjaran"
type = "campus"
role = "evaluator"

[quotas]
"32.04.05" = 100
"32.04.06" = 50
"#;

    #[test]
    fn a_programme_parses_and_checks() {
        let p = Programme::from_toml(PKH).unwrap();
        assert_eq!(p.benefit.rupiah_per_household().unwrap(), 750_000);
        assert_eq!(p.priority, default_priority());
        let c = p.check(Regions::kemendagri_2025()).unwrap();
        assert_eq!(c.area.unwrap().to_string(), "32.04");
        let national = Programme::from_toml(&PKH.replace("area = \"32.04\"", "area = \"ID\""))
            .unwrap()
            .check(Regions::kemendagri_2025())
            .unwrap();
        assert_eq!(national.area, None);
        assert_eq!(c.quotas.len(), 2);
        // Round trip through the TOML the CLI prints.
        assert_eq!(Programme::from_toml(&p.to_toml()).unwrap(), p);
    }

    #[test]
    fn errors_name_what_is_wrong() {
        let regions = Regions::kemendagri_2025();
        let with = |from: &str, to: &str| Programme::from_toml(&PKH.replace(from, to));
        let e = with("budget_per_cycle = 1_000_000_000", "budget_per_cycle = 0")
            .unwrap()
            .check(regions)
            .unwrap_err();
        assert!(matches!(e, Error::EmptyBudget { budget: 0 }));
        let e = with("\"32.04.06\" = 50", "\"33.01\" = 50")
            .unwrap()
            .check(regions)
            .unwrap_err();
        assert!(e.to_string().contains("outside"), "{e}");
        let e = with("\"32.04.06\" = 50", "\"32.04.05.2001\" = 5")
            .unwrap()
            .check(regions)
            .unwrap_err();
        assert!(e.to_string().contains("nest"), "{e}");
        let e = with("type = \"campus\"", "type = \"kampus\"").unwrap_err();
        assert!(e.to_string().contains("line"), "{e}");
        let e = with("area = \"32.04\"", "area = \"99.99\"")
            .unwrap()
            .check(regions)
            .unwrap_err();
        assert!(e.to_string().contains("99.99"), "{e}");
        let e = with("rupiah_per_household = 750_000", "rupiah_per_household = 0")
            .unwrap()
            .check(regions)
            .unwrap_err();
        assert!(e.to_string().contains("benefit"), "{e}");
        let e = with("cycles = 4", "cycles = 4\ncolour = \"red\"").unwrap_err();
        assert!(e.to_string().contains("colour"), "{e}");
    }

    #[test]
    fn in_kind_benefits_are_valued_in_rupiah() {
        let b = Benefit::InKind {
            item: "Beras 10 kg".into(),
            units: 2,
            unit_value: 140_000,
        };
        assert_eq!(b.rupiah_per_household().unwrap(), 280_000);
    }

    #[test]
    fn diff_names_changed_fields() {
        let a = Programme::from_toml(PKH).unwrap();
        let mut b = a.clone();
        b.budget_per_cycle = 2_000_000_000;
        b.rule = "desil <= 3".into();
        let d = a.diff(&b);
        let fields: Vec<&str> = d.iter().map(|(f, _, _)| f.as_str()).collect();
        assert_eq!(fields, ["budget_per_cycle", "rule"]);
        assert_eq!(d[0].1, "1000000000");
        assert_eq!(d[0].2, "2000000000");
    }

    #[test]
    fn rupiah_is_written_with_dots() {
        assert_eq!(rupiah(0), "Rp0");
        assert_eq!(rupiah(750_000), "Rp750.000");
        assert_eq!(rupiah(1_250_000_000), "Rp1.250.000.000");
        assert_eq!(rupiah(-5_000), "-Rp5.000");
    }

    #[test]
    fn org_types_read_both_languages() {
        assert_eq!(
            "pemerintah".parse::<OrgType>().unwrap(),
            OrgType::Government
        );
        assert_eq!(
            "social enterprise".parse::<OrgType>().unwrap(),
            OrgType::SocialEnterprise
        );
        assert!("bank".parse::<OrgType>().is_err());
    }
}
