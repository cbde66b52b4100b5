//! What this installation keeps outside the command line: the site configuration and the
//! default outbox, found and read in one place for every command.

use std::path::{Path, PathBuf};

use crate::config::{Config, ConfigError};
use crate::outbox;

/// The site configuration named, or the one at the default location when it exists, or the
/// defaults when there is none.
pub fn config(named: Option<&Path>) -> Result<Config, ConfigError> {
    match config_path(named) {
        Some(path) => Config::load(&path),
        None => Ok(Config::default()),
    }
}

/// The site configuration file: the one named, or the default location when it exists.
fn config_path(named: Option<&Path>) -> Option<PathBuf> {
    named.map(Path::to_path_buf).or_else(|| {
        directories::ProjectDirs::from("", "", "prescreen")
            .map(|d| d.config_dir().join("config.ron"))
            .filter(|p| p.exists())
    })
}

/// The outbox used when none is named: in the platform's data folder, if the system has one.
pub fn default_outbox() -> Option<PathBuf> {
    outbox::default_dir()
}

/// Removes the leftovers of writers killed mid-write from `dir` (never a finished summary,
/// never a live write). Best effort: what is left is hidden, and readers never list it.
pub fn clean_outbox(dir: &Path) {
    let _ = crate::storage::clean_abandoned(dir);
}
