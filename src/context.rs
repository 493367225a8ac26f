//! What every command knows: language, data directory, actor, and how to talk to the user.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use setara_app::model::Actor;
use setara_core::Lang;

/// Settings shared by every command.
#[derive(Clone, Debug)]
pub struct Context {
    pub lang: Lang,
    pub data_dir: PathBuf,
    pub quiet: bool,
    pub json: bool,
    pub actor: Actor,
    /// `--scope`: act as the officer of this region.
    pub scope: Option<setara_core::RegionCode>,
}

impl Context {
    /// The application layer on this data directory (`SETARA_STORE` names another store;
    /// paths in messages are shown from the current directory).
    pub fn app(&self) -> setara_app::App {
        setara_app::App::new(
            setara_app::DataDir::new(&self.data_dir)
                .with_store_location(std::env::var("SETARA_STORE").ok())
                .shown_from(std::env::current_dir().ok()),
        )
    }

    /// Who is calling: the actor of `--actor`; an administrator over everything, or with
    /// `--scope` the officer of that region.
    pub fn caller(&self) -> setara_app::Caller {
        match self.scope {
            Some(region) => {
                setara_app::Caller::officer(self.actor.clone(), self.lang, Some(region))
            }
            None => setara_app::Caller::administrator(self.actor.clone(), self.lang),
        }
    }

    pub fn t<'a>(&self, id: &'a str, en: &'a str) -> &'a str {
        self.lang.pick(id, en)
    }

    /// Progress bars are drawn only on a terminal and never with `--quiet` or `--json`.
    pub fn progress_visible(&self) -> bool {
        !self.quiet && !self.json && std::io::stderr().is_terminal()
    }

    /// A progress bar for `len` units (0: a spinner) labelled `msg`.
    pub fn progress(&self, len: u64, msg: &str) -> ProgressBar {
        let bar = if len == 0 {
            ProgressBar::new_spinner()
        } else {
            ProgressBar::new(len)
        };
        if !self.progress_visible() {
            bar.set_draw_target(ProgressDrawTarget::hidden());
        }
        let template = if len == 0 {
            "{spinner} {msg} {human_pos} [{elapsed_precise}]"
        } else {
            "{msg:24} [{bar:32}] {percent:>3}% {human_pos}/{human_len} ({per_sec}, {eta})"
        };
        bar.set_style(
            ProgressStyle::with_template(template)
                .expect("valid template")
                .progress_chars("=> "),
        );
        bar.set_message(msg.to_string());
        bar
    }

    /// A progress bar labelled `label`, drawn as long work of the application layer reports
    /// ([`setara_app::Progress`]); hidden as [`Context::progress`] says.
    pub fn bar(&self, label: &str) -> Bar<'_> {
        Bar {
            ctx: self,
            label: label.to_string(),
            phases: &[],
            bar: None,
        }
    }

    /// A progress bar for work in phases ([`setara_app::Progress::phase`]): `phases` gives the
    /// label of each phase, `(phase, Indonesian, English)`.
    pub fn phased_bar(
        &self,
        phases: &'static [(&'static str, &'static str, &'static str)],
    ) -> Bar<'_> {
        Bar {
            ctx: self,
            label: String::new(),
            phases,
            bar: None,
        }
    }

    /// Print a line for people (stdout), unless quiet or JSON output was asked for.
    pub fn say(&self, line: impl AsRef<str>) {
        if !self.quiet && !self.json {
            outln!("{}", line.as_ref());
        }
    }
}

/// The actor: `--actor`, else `SETARA_ACTOR`, else the OS user.
pub fn default_actor() -> String {
    for key in ["SETARA_ACTOR", "USER", "USERNAME", "LOGNAME"] {
        if let Ok(v) = std::env::var(key)
            && !v.trim().is_empty()
        {
            return v.trim().to_string();
        }
    }
    // Containers often run without USER set: ask the system.
    std::process::Command::new("id")
        .arg("-un")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "unknown".to_string())
}

/// Display a path relative to the current directory when it is inside it.
pub fn show_path(p: &Path) -> String {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| p.strip_prefix(cwd).ok().map(|r| r.display().to_string()))
        .map(|r| if r.is_empty() { ".".to_string() } else { r })
        .unwrap_or_else(|| p.display().to_string())
}

/// A progress bar for work of the application layer: created when the work says how much there
/// is, cleared when it ends.
pub struct Bar<'a> {
    ctx: &'a Context,
    label: String,
    phases: &'static [(&'static str, &'static str, &'static str)],
    bar: Option<ProgressBar>,
}

impl setara_app::Progress for Bar<'_> {
    fn phase(&mut self, name: &'static str) {
        self.finish();
        if let Some((_, id, en)) = self.phases.iter().find(|p| p.0 == name) {
            self.label = self.ctx.t(id, en).to_string();
        }
    }
    fn start(&mut self, total: u64) {
        match &self.bar {
            // The same work, its total now known better.
            Some(b) if total > 0 && b.length().is_some() => b.set_length(total),
            _ => self.bar = Some(self.ctx.progress(total, &self.label)),
        }
    }
    fn set(&mut self, done: u64) {
        if let Some(b) = &self.bar {
            b.set_position(done);
        }
    }
    fn finish(&mut self) {
        if let Some(b) = self.bar.take() {
            b.finish_and_clear();
        }
    }
}

/// A region code given on the command line (`--region`, `--scope`): well formed and in the
/// Kepmendagri 2025 table, else invalid input (exit 1) in its own words.
pub fn parse_region(s: &str) -> crate::failure::Result<setara_core::RegionCode> {
    setara_core::Regions::kemendagri_2025()
        .parse_existing(s)
        .map_err(|e| crate::failure::Failure::from_localized(crate::failure::Kind::Invalid, &e))
}
