//! What this installation keeps outside the command line: the site configuration and the
//! default outbox, found and read in one place for every command.

use std::path::{Path, PathBuf};

use std::sync::Arc;

use crate::config::{Config, ConfigError};
use crate::engine::recheck::Library;
use crate::inbox::Known;
use crate::outbox;

use super::questionnaire;

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

/// What this installation trusts: the configured kiosks, and the questionnaires it knows — the
/// built-in one, the configured `questionnaire`, and every `*.ron` in the configured
/// `questionnaires` folder that loads (one that does not is left out: records made with it
/// are then "not recomputed", said plainly).
pub fn known(config: &Config) -> Known {
    let mut found = Vec::new();
    found.extend(questionnaire::load(None).ok());
    found.extend(
        config
            .questionnaire
            .as_deref()
            .and_then(|p| questionnaire::load(Some(p)).ok()),
    );
    if let Some(dir) = &config.questionnaires
        && let Ok(entries) = std::fs::read_dir(dir)
    {
        let mut paths: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "ron"))
            .collect();
        paths.sort();
        found.extend(
            paths
                .iter()
                .filter_map(|p| questionnaire::load(Some(p)).ok()),
        );
    }
    let mut library: Vec<Arc<crate::engine::Questionnaire>> = Vec::new();
    for q in found {
        if !library.iter().any(|k| k.sha256 == q.sha256) {
            library.push(Arc::new(q));
        }
    }
    Known {
        kiosks: config.kiosks.clone(),
        library: Library::new(library),
    }
}
