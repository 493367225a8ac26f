//! Indonesian text of the command-line help (clap's derive texts are the English ones).

use std::collections::HashMap;
use std::sync::OnceLock;

use clap::{Arg, ArgAction, Command};

/// The Indonesian texts, one `PATH = TEXT` per line (see the file's header).
const TEXTS: &str = include_str!("../i18n/help.id.txt");

/// The lines of `TEXTS` by path, read once; comments and blank lines skipped.
fn texts() -> &'static HashMap<&'static str, &'static str> {
    static TABLE: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
    TABLE.get_or_init(|| {
        TEXTS
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .filter_map(|l| l.split_once('='))
            .map(|(k, t)| (k.trim(), t.trim()))
            .collect()
    })
}

fn lookup(path: &str, id: Option<&str>) -> Option<&'static str> {
    let exact = match id {
        Some(id) if path.is_empty() => id.to_string(),
        Some(id) => format!("{path}.{id}"),
        None => path.to_string(),
    };
    let any = id.map(|id| format!("*.{id}"));
    let find = |key: &str| texts().get(key).copied();
    find(&exact).or_else(|| any.as_deref().and_then(find))
}

/// The command with Indonesian help texts and headings.
pub fn indonesian(cmd: Command) -> Command {
    localize(cmd, "")
}

fn localize(mut cmd: Command, path: &str) -> Command {
    if let Some(t) = lookup(path, None) {
        cmd = cmd.about(t);
    }
    // clap's own help and version flags, in Indonesian.
    cmd = cmd.disable_help_flag(true).arg(
        Arg::new("help")
            .short('h')
            .long("help")
            .action(ArgAction::Help)
            .help("Tampilkan bantuan"),
    );
    if path.is_empty() {
        cmd = cmd.disable_version_flag(true).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help("Tampilkan versi"),
        );
    }
    let ids: Vec<String> = cmd
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .collect();
    for id in ids {
        let positional = cmd
            .get_arguments()
            .any(|a| a.get_id() == id.as_str() && a.is_positional());
        let text = lookup(path, Some(&id));
        cmd = cmd.mut_arg(id.as_str(), |a| {
            let a = a.help_heading(if positional { "Argumen" } else { "Opsi" });
            match text {
                Some(t) => a.help(t),
                None => a,
            }
        });
    }
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for s in subs {
        let p = if path.is_empty() {
            s.clone()
        } else {
            format!("{path}.{s}")
        };
        cmd = cmd.mut_subcommand(s.as_str(), |c| localize(c, &p));
    }
    cmd.subcommand_help_heading("Perintah")
        .help_template("{about-with-newline}\nPenggunaan: {usage}\n\n{all-args}{after-help}")
        .disable_help_subcommand(true)
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    /// Every line of the file is a text, and no path has two.
    #[test]
    fn the_text_file_is_well_formed() {
        let mut seen = std::collections::HashSet::new();
        for line in super::TEXTS.lines() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let (path, text) = line.split_once('=').expect("PATH = TEXT");
            assert!(!text.trim().is_empty(), "{line}");
            assert!(seen.insert(path.trim()), "{} twice", path.trim());
        }
    }

    /// Every command and argument has Indonesian help.
    #[test]
    fn every_help_text_is_translated() {
        fn check(cmd: &clap::Command, path: &str) {
            if !path.is_empty() {
                assert!(
                    super::lookup(path, None).is_some(),
                    "command {path} has no Indonesian help"
                );
            }
            for a in cmd.get_arguments() {
                let id = a.get_id().as_str();
                if id == "help" || id == "version" {
                    continue;
                }
                assert!(
                    super::lookup(path, Some(id)).is_some(),
                    "argument {path}.{id} has no Indonesian help"
                );
            }
            for s in cmd.get_subcommands() {
                let p = if path.is_empty() {
                    s.get_name().to_string()
                } else {
                    format!("{path}.{}", s.get_name())
                };
                check(s, &p);
            }
        }
        check(&crate::cli::Cli::command(), "");
    }
}
