//! Small text files a command reads whole (a rule, a programme, a linkage configuration): never
//! a directory, never more than a limit (one byte more is read to know, so `/dev/zero` ends),
//! and UTF-8 with the line of the first bad byte named. Tables are read by
//! `setara_registry::Source` instead, as a stream.

use std::io::Read;
use std::path::Path;

use crate::DataDir;
use crate::error::{Error, Result};

/// What a small file is, for the codes and messages of [`read_text`].
pub struct SmallFile {
    /// The most bytes it may have.
    pub max: usize,
    /// Its name in both languages ("berkas aturan", "rule file").
    pub what: (&'static str, &'static str),
    /// Code when the path is a directory.
    pub directory: &'static str,
    /// Code when it is larger than `max`.
    pub too_large: &'static str,
    /// Code when it is not UTF-8 text.
    pub not_utf8: &'static str,
}

/// Read `path` whole as UTF-8 text within the limits of `f`; every problem with the file
/// (other than reading it) is invalid input naming the file (shown as `shown` says).
pub fn read_text(shown: &DataDir, path: &Path, f: &SmallFile) -> Result<String> {
    let shown = shown.show(path);
    let (what_id, what_en) = f.what;
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, &e))?;
    if meta.is_dir() {
        return Err(Error::invalid(
            f.directory,
            format!("{shown} adalah direktori, bukan {what_id}"),
            format!("{shown} is a directory, not a {what_en}"),
        ));
    }
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, &e))?;
    let mut bytes = Vec::new();
    file.take(f.max as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, &e))?;
    if bytes.len() > f.max {
        let max = f.max;
        return Err(Error::invalid(
            f.too_large,
            format!("{shown}: lebih dari {max} bita; {what_id} adalah berkas teks kecil"),
            format!("{shown}: more than {max} bytes; a {what_en} is a small text file"),
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        Error::invalid(
            f.not_utf8,
            format!(
                "{shown}, baris {line} (bita {}): bukan teks UTF-8; {what_id} adalah berkas teks",
                at + 1
            ),
            format!(
                "{shown}, line {line} (byte {}): not UTF-8 text; a {what_en} is a text file",
                at + 1
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULE: SmallFile = SmallFile {
        max: 8,
        what: ("berkas aturan", "rule file"),
        directory: "rule_file_is_directory",
        too_large: "rule_too_long",
        not_utf8: "rule_not_utf8",
    };

    #[test]
    fn directories_long_files_and_bad_bytes_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let d = DataDir::new("unused");
        assert_eq!(
            read_text(&d, dir.path(), &RULE).unwrap_err().code,
            "rule_file_is_directory"
        );
        let long = dir.path().join("long");
        std::fs::write(&long, "desil <= 4").unwrap();
        assert_eq!(
            read_text(&d, &long, &RULE).unwrap_err().code,
            "rule_too_long"
        );
        let bad = dir.path().join("bad");
        std::fs::write(&bad, b"a\nb\xff").unwrap();
        let e = read_text(&d, &bad, &RULE).unwrap_err();
        assert_eq!(e.code, "rule_not_utf8");
        assert!(e.en.contains("line 2"), "{}", e.en);
        let ok = dir.path().join("ok");
        std::fs::write(&ok, "desil<4").unwrap();
        assert_eq!(read_text(&d, &ok, &RULE).unwrap(), "desil<4");
        // A file that never ends stops at the limit.
        assert_eq!(
            read_text(&d, Path::new("/dev/zero"), &RULE)
                .unwrap_err()
                .code,
            "rule_too_long"
        );
    }
}
