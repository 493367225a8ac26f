//! Small text files a command reads whole ([`setara_app::input`]), with paths shown from the
//! current directory.

use std::path::Path;

use crate::failure::Result;

pub use setara_app::input::SmallFile;

/// See [`setara_app::input::read_text`].
pub fn read_text(path: &Path, f: &SmallFile) -> Result<String> {
    let shown = setara_app::DataDir::new("").shown_from(std::env::current_dir().ok());
    Ok(setara_app::input::read_text(&shown, path, f)?)
}
