//! `prescreen fill`: answer a questionnaire from a file, as a patient would, and write the
//! summary to the outbox.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::crypto::Recipients;
use crate::engine::answers_file::{AnswersFile, MAX_ANSWERS_BYTES, fill};
use crate::engine::{LoadError, Summary, SystemClock, read_limited};
use crate::outbox;

use super::{questionnaire, site};

#[derive(Debug, clap::Args)]
pub struct FillArgs {
    /// The questionnaire (RON).
    #[arg(value_name = "QUESTIONNAIRE")]
    pub questionnaire: PathBuf,
    /// The answers (a RON map from item id to answer; see docs/answers-format.md).
    #[arg(long, value_name = "ANSWERS.ron")]
    pub answers: PathBuf,
    /// Language of the session (default: the questionnaire's first language).
    #[arg(long, value_name = "CODE")]
    pub lang: Option<String>,
    /// Folder to write the summary into (default: the outbox).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Encrypt the summary to this public key (`age1…`, from `prescreen keygen`); may be
    /// given more than once. Added to the site configuration's `recipients`.
    #[arg(long, value_name = "age1…")]
    pub recipient: Vec<String>,
    /// The site configuration, for its `recipients` (default as for the kiosk).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// Fills the questionnaire and writes the summary; prints its path. `config` is the site
/// configuration named before the subcommand, used when `args` names none.
pub fn run(
    args: &FillArgs,
    config: Option<&Path>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let recipients = match recipients(&args.recipient, args.config.as_deref().or(config)) {
        Ok(r) => r,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return 1;
        }
    };
    let answers = &args.answers;
    let lang = args.lang.as_deref();
    let q = match questionnaire::load(Some(&args.questionnaire)) {
        Ok(q) => Arc::new(q),
        Err(e @ LoadError::Io { .. }) => {
            let _ = writeln!(err, "error: {e}");
            return 2;
        }
        Err(e) => {
            let _ = writeln!(err, "{e}");
            return 1;
        }
    };
    if let Some(l) = lang
        && !q.languages.iter().any(|x| x == l)
    {
        let _ = writeln!(
            err,
            "error: `{l}` is not a language of {} (offered: {})",
            q.id,
            q.languages.join(", ")
        );
        return 1;
    }
    let bytes = match read_limited(answers, MAX_ANSWERS_BYTES) {
        Ok(Ok(b)) => b,
        Ok(Err(size)) => {
            let _ = writeln!(
                err,
                "{}: error: file is {size} bytes; answers files larger than {MAX_ANSWERS_BYTES} bytes are refused",
                answers.display()
            );
            return 1;
        }
        Err(e) => {
            let _ = writeln!(err, "{}: error: cannot read file: {e}", answers.display());
            return 2;
        }
    };
    let file = match AnswersFile::parse(&bytes) {
        Ok(f) => f,
        Err(e) => {
            let _ = writeln!(err, "{}:{e}", answers.display());
            return 1;
        }
    };
    let lang = lang.unwrap_or(q.default_language()).to_owned();
    let session = match fill(q.clone(), file, &lang, Arc::new(SystemClock)) {
        Ok(s) => s,
        Err(errors) => {
            for e in &errors {
                let _ = writeln!(err, "{}: {e}", answers.display());
            }
            let n = errors.len();
            let _ = writeln!(
                err,
                "{}: {n} problem{}; no summary written",
                answers.display(),
                if n == 1 { "" } else { "s" }
            );
            return 1;
        }
    };
    let submitted = session.now();
    let summary = Summary::build(&session, submitted);
    let Some(dir) = args.out.clone().or_else(site::default_outbox) else {
        let _ = writeln!(
            err,
            "error: no outbox folder: this system has no data folder; pass --out DIR"
        );
        return 2;
    };
    if let Err(e) = std::fs::create_dir_all(&dir) {
        let _ = writeln!(err, "error: cannot create {}: {e}", dir.display());
        return 2;
    }
    site::clean_outbox(&dir);
    let written = outbox::write_export(
        &dir,
        submitted,
        outbox::SUMMARY_SUFFIX,
        summary.to_ron().as_bytes(),
        &recipients,
    );
    match written {
        Ok(path) => {
            let _ = writeln!(out, "{}", path.display());
            if recipients.is_empty() {
                let _ = writeln!(
                    err,
                    "warning: the summary is not encrypted; pass --recipient age1… or set \
                     `recipients` in the site configuration (docs/configuration.md)"
                );
            }
            0
        }
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            2
        }
    }
}

/// The recipients given on the command line and the site configuration's.
fn recipients(given: &[String], config: Option<&Path>) -> Result<Recipients, String> {
    let given = Recipients::parse(given).map_err(|e| e.to_string())?;
    let configured = site::config(config)
        .map_err(|e| format!("the site configuration could not be read:\n{e}"))?
        .recipients;
    Ok(configured.merged(&given))
}
