//! What the ranking and targeting commands share: the ranking file beside a snapshot, loading
//! the latest ranking with its snapshot, checking rules, the beneficiaries of programmes as
//! bitmaps, and household vulnerability.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use arrow_array::{Array, Float64Array, RecordBatch, UInt8Array, UInt32Array};
use arrow_schema::{DataType, Field, Schema};
use chrono::NaiveDate;
use setara_core::{Disability, Lang, RegionCode};
use setara_rules::{Bitmap, Inputs, MAX_RULE_BYTES, Ranking, Rule, Warning};
use setara_snapshot::Snapshot;
use setara_store::{RankingInfo, Store};

use crate::context::{Context, show_path};
use crate::failure::{Failure, Result};

/// The date a snapshot describes: ages and the ranking are computed on it, so that the same
/// snapshot always gives the same answers.
pub fn reference_date(snap: &Snapshot) -> NaiveDate {
    chrono::DateTime::parse_from_rfc3339(&snap.manifest().created)
        .map(|t| t.date_naive())
        .unwrap_or_else(|_| chrono::Utc::now().date_naive())
}

/// The columns of a ranking run, one entry per household row of its snapshot.
#[derive(Clone, Debug, Default)]
pub struct RankingColumns {
    pub score: Vec<f64>,
    pub rank: Vec<u32>,
    pub desil: Vec<u8>,
    pub desil_province: Vec<u8>,
    pub desil_regency: Vec<u8>,
}

impl RankingColumns {
    pub fn as_ranking(&self) -> Ranking<'_> {
        Ranking {
            desil: &self.desil,
            desil_province: &self.desil_province,
            desil_regency: &self.desil_regency,
            score: &self.score,
            rank: &self.rank,
        }
    }
}

fn ranking_schema() -> Arc<Schema> {
    Arc::new(Schema::new(vec![
        Field::new("score", DataType::Float64, false),
        Field::new("rank", DataType::UInt32, false),
        Field::new("desil", DataType::UInt8, false),
        Field::new("desil_province", DataType::UInt8, false),
        Field::new("desil_regency", DataType::UInt8, false),
    ]))
}

/// Write the ranking's columns as an Arrow IPC file (atomically: a temporary file renamed).
pub fn write_ranking(path: &Path, cols: &RankingColumns) -> Result<()> {
    let batch = RecordBatch::try_new(
        ranking_schema(),
        vec![
            Arc::new(Float64Array::from(cols.score.clone())),
            Arc::new(UInt32Array::from(cols.rank.clone())),
            Arc::new(UInt8Array::from(cols.desil.clone())),
            Arc::new(UInt8Array::from(cols.desil_province.clone())),
            Arc::new(UInt8Array::from(cols.desil_regency.clone())),
        ],
    )
    .expect("columns of equal length");
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Failure::io(dir, &e))?;
    }
    let tmp = path.with_extension("arrow.tmp");
    let write = || -> std::result::Result<(), Box<dyn std::error::Error>> {
        let file = std::fs::File::create(&tmp)?;
        let mut w = arrow_ipc::writer::FileWriter::try_new(
            std::io::BufWriter::new(file),
            &ranking_schema(),
        )?;
        w.write(&batch)?;
        w.finish()?;
        let file = w.into_inner()?.into_inner()?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)?;
        Ok(())
    };
    write().map_err(|e| {
        Failure::failed(
            "ranking_write",
            format!("{}: {e}", show_path(path)),
            format!("{}: {e}", show_path(path)),
        )
    })
}

/// Read a ranking file written by [`write_ranking`].
pub fn read_ranking(path: &Path, households: usize) -> Result<RankingColumns> {
    let damaged = |why: String| {
        Failure::failed(
            "ranking_damaged",
            format!(
                "berkas peringkat {} rusak atau tidak cocok ({why}); jalankan `setara rank` lagi",
                show_path(path)
            ),
            format!(
                "ranking file {} is damaged or does not match ({why}); run `setara rank` again",
                show_path(path)
            ),
        )
    };
    let file = std::fs::File::open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Failure::failed(
            "ranking_missing",
            format!(
                "berkas peringkat {} yang dicatat basis data tidak ada; jalankan `setara rank` lagi, atau pulihkan direktori data dari cadangan (`setara restore`)",
                show_path(path)
            ),
            format!(
                "the ranking file {} that the store refers to is missing; run `setara rank` again, or restore the data directory from a backup (`setara restore`)",
                show_path(path)
            ),
        ),
        _ => Failure::io(path, &e),
    })?;
    let reader = arrow_ipc::reader::FileReader::try_new(std::io::BufReader::new(file), None)
        .map_err(|e| damaged(e.to_string()))?;
    let mut cols = RankingColumns::default();
    for batch in reader {
        let batch = batch.map_err(|e| damaged(e.to_string()))?;
        if batch.schema().fields() != ranking_schema().fields() {
            return Err(damaged("schema".into()));
        }
        let col = |i: usize| batch.column(i).clone();
        let f64s = col(0);
        let f64s = f64s
            .as_any()
            .downcast_ref::<Float64Array>()
            .expect("schema");
        cols.score.extend_from_slice(f64s.values());
        let u32s = col(1);
        let u32s = u32s.as_any().downcast_ref::<UInt32Array>().expect("schema");
        cols.rank.extend_from_slice(u32s.values());
        for (i, out) in [
            (2, &mut cols.desil),
            (3, &mut cols.desil_province),
            (4, &mut cols.desil_regency),
        ] {
            let a = col(i);
            out.extend_from_slice(
                a.as_any()
                    .downcast_ref::<UInt8Array>()
                    .expect("schema")
                    .values(),
            );
        }
    }
    if cols.score.len() != households {
        return Err(damaged(format!(
            "{} rows for {households} households",
            cols.score.len()
        )));
    }
    Ok(cols)
}

/// The latest ranking, its snapshot and its columns.
pub struct Ranked {
    pub info: RankingInfo,
    pub snapshot: Snapshot,
    pub columns: RankingColumns,
}

/// Load the latest ranking run; a clear error when there is none. Warns when the registry has a
/// newer snapshot than the one ranked.
pub fn load_ranking(ctx: &Context, store: &dyn Store) -> Result<Ranked> {
    let info = store.rankings()?.into_iter().next().ok_or_else(|| {
        Failure::invalid(
            "ranking_missing",
            "belum ada peringkat kesejahteraan: jalankan `setara rank` dahulu",
            "there is no welfare ranking yet: run `setara rank` first",
        )
    })?;
    let dir = ctx.snapshots_dir().join(&info.snapshot);
    let snapshot = Snapshot::open(&dir).map_err(|e| {
        Failure::failed(
            "ranking_snapshot_missing",
            format!(
                "snapshot {} yang dipakai peringkat {} tidak dapat dibuka ({e}); jalankan `setara rank` lagi",
                info.snapshot, info.id
            ),
            format!(
                "snapshot {} of ranking {} cannot be opened ({e}); run `setara rank` again",
                info.snapshot, info.id
            ),
        )
    })?;
    let columns = read_ranking(&ctx.data_dir.join(&info.file), snapshot.household_count())?;
    if !ctx.quiet
        && let Ok(latest) = setara_snapshot::latest_hash(&ctx.snapshots_dir())
        && latest != info.snapshot
    {
        errln!(
            "{}",
            ctx.t(
                "peringatan: ada snapshot yang lebih baru daripada yang diperingkat; jalankan `setara rank` agar penargetan memakai data terbaru",
                "warning: there is a newer snapshot than the one ranked; run `setara rank` so that targeting uses the latest data"
            )
        );
    }
    Ok(Ranked {
        info,
        snapshot,
        columns,
    })
}

/// A rule's error as a failure with the rule crate's stable code (`rule_syntax`,
/// `rule_too_deep`, …): the message, and the rule line with a caret under the column.
pub fn rule_failure(source: &str, e: &setara_rules::Error) -> Failure {
    use setara_core::Localized;
    Failure::invalid(
        e.code(),
        e.render(source, Lang::Id),
        e.render(source, Lang::En),
    )
}

fn rule_context(programmes: &[String]) -> setara_rules::Context {
    setara_rules::Context {
        programmes: programmes.to_vec(),
        ranking: true,
    }
}

/// Parse and type-check a rule; `programmes` are the codes `receives(...)` may name. The
/// rule's [`warnings`](Rule::warnings) are for the caller to show ([`show_warnings`]).
pub fn check_rule(source: &str, programmes: &[String]) -> Result<Rule> {
    Rule::compile(source, &rule_context(programmes)).map_err(|e| rule_failure(source, &e))
}

/// [`check_rule`] restricted to the households inside `area`; errors and warnings point into
/// `source` as written.
pub fn check_rule_in(source: &str, area: RegionCode, programmes: &[String]) -> Result<Rule> {
    Rule::compile_in_region(source, area, &rule_context(programmes))
        .map_err(|e| rule_failure(source, &e))
}

/// A rule's warnings on stderr (unless `--quiet` or `--json`), each with the rule line and a
/// caret; `label` says which rule when a command checks several.
pub fn show_warnings(ctx: &Context, label: Option<&str>, source: &str, warnings: &[Warning]) {
    if ctx.quiet || ctx.json {
        return;
    }
    for w in warnings {
        let head = ctx.t("peringatan", "warning");
        let which = label.map(|l| format!(" ({l})")).unwrap_or_default();
        errln!("{head}{which}: {}", w.render(source, ctx.lang));
    }
}

/// Warnings as `--json` prints them: `[{"code", "message"}]` (with `"rule"` naming the rule
/// when a command checks several).
pub fn warnings_json(
    ctx: &Context,
    label: Option<&str>,
    warnings: &[Warning],
) -> Vec<serde_json::Value> {
    use setara_core::Localized;
    warnings
        .iter()
        .map(|w| {
            let mut v = serde_json::json!({ "code": w.code(), "message": w.message(ctx.lang) });
            if let Some(l) = label {
                v["rule"] = serde_json::Value::from(l);
            }
            v
        })
        .collect()
}

/// Read a rule from a file (`--rule-file`): at most [`MAX_RULE_BYTES`] bytes of UTF-8 text.
pub fn read_rule_file(path: &Path) -> Result<String> {
    crate::input::read_text(
        path,
        &crate::input::SmallFile {
            max: MAX_RULE_BYTES,
            what: ("berkas aturan", "rule file"),
            directory: "rule_file_is_directory",
            too_large: "rule_too_long",
            not_utf8: "rule_not_utf8",
        },
    )
}

/// Everything a rule is evaluated on: the ranked snapshot and the current beneficiaries.
pub struct RuleInputs {
    pub programmes: HashMap<String, Bitmap>,
    pub reference_date: NaiveDate,
}

impl RuleInputs {
    /// Beneficiary bitmaps of every programme in the store (built only when `needed`: the
    /// KK → row index costs a pass over all households).
    pub fn new(store: &dyn Store, ranked: &Ranked, needed: bool) -> Result<RuleInputs> {
        let snap = &ranked.snapshot;
        let n = snap.household_count();
        let mut programmes: HashMap<String, Bitmap> = store
            .programmes()?
            .into_iter()
            .map(|p| (p.programme.code, Bitmap::new(n)))
            .collect();
        if needed {
            let live = store.live_entitlements()?;
            if !live.is_empty() {
                let rows = kk_rows(snap);
                for e in live {
                    if let (Some(&row), Some(b)) =
                        (rows.get(&e.kk.as_u64()), programmes.get_mut(&e.programme))
                    {
                        b.set(row as usize, true);
                    }
                }
            }
        }
        Ok(RuleInputs {
            programmes,
            reference_date: reference_date(snap),
        })
    }

    pub fn codes(&self) -> Vec<String> {
        let mut c: Vec<String> = self.programmes.keys().cloned().collect();
        c.sort();
        c
    }

    pub fn inputs<'a>(&'a self, ranked: &'a Ranked) -> Inputs<'a> {
        Inputs {
            snapshot: &ranked.snapshot,
            reference_date: self.reference_date,
            ranking: Some(ranked.columns.as_ranking()),
            programmes: &self.programmes,
        }
    }
}

/// KK → household row of a snapshot.
pub fn kk_rows(snap: &Snapshot) -> HashMap<u64, u32> {
    snap.kk()
        .values()
        .iter()
        .enumerate()
        .map(|(i, &k)| (k, i as u32))
        .collect()
}

/// Vulnerable conditions among each household's members: a disability, age 60 or more, a
/// chronic illness, age under 5 (each member counts once per condition).
pub fn vulnerability(snap: &Snapshot, on: NaiveDate) -> Vec<u16> {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid");
    let today = (on - epoch).num_days() as i32;
    let birth = snap.birth_date();
    let disability = snap.disability();
    let chronic = snap.chronic_illness();
    let none = Disability::None.index();
    let first = snap.first_person().values();
    let members = snap.members().values();
    (0..snap.household_count())
        .map(|h| {
            let start = first[h] as usize;
            let mut v = 0u16;
            for p in start..start + members[h] as usize {
                let age_days = today - birth.value(p);
                // Whole years are close enough for a priority order: 365.25 days a year.
                let age = age_days as f64 / 365.25;
                v += u16::from(age >= 60.0) + u16::from(age < 5.0);
                if disability.is_valid(p) && disability.value(p) != none {
                    v += 1;
                }
                if chronic.is_valid(p) && chronic.value(p) {
                    v += 1;
                }
            }
            v
        })
        .collect()
}

/// Does the rule text use `receives(`? Then the beneficiary bitmaps must be built.
pub fn uses_receives(rule: &str) -> bool {
    rule.contains("receives")
}
