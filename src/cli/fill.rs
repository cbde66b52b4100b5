//! `prescreen fill`: answer a questionnaire from a file, as a patient would, and write the
//! summary to the outbox.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::engine::answers_file::{AnswersFile, FillError, MAX_ANSWERS_BYTES, fill};
use crate::engine::{Summary, SystemClock};
use crate::export::Consistency;
use crate::outbox;
use crate::storage::crypto::Recipients;
use crate::storage::names::SUMMARY_SUFFIX;
use crate::storage::sign::SigningKey;
use crate::storage::{ReadError, read_bounded};

use super::{CliError, questionnaire, site};

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
    /// The site configuration, for its `recipients` and `signing_key` (default as for the
    /// kiosk).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Sign the summary with this kiosk signing key (from `prescreen kiosk-keygen`) instead
    /// of the configuration's `signing_key`.
    #[arg(long, value_name = "FILE")]
    pub signing_key: Option<PathBuf>,
}

/// Fills the questionnaire and writes the summary; prints its path. `config` is the site
/// configuration named before the subcommand, used when `args` names none.
pub fn run(
    args: &FillArgs,
    config: Option<&Path>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), CliError> {
    let site = site::config(args.config.as_deref().or(config))?;
    let recipients = site
        .recipients
        .clone()
        .merged(&Recipients::parse(&args.recipient)?);
    let signer = match args.signing_key.as_ref().or(site.signing_key.as_ref()) {
        Some(p) => Some(SigningKey::load(p).map_err(|e| CliError::failed(e.to_string()))?),
        None => None,
    };
    let q = Arc::new(questionnaire::load(Some(&args.questionnaire))?);
    if let Some(l) = &args.lang
        && !q.languages.contains(l)
    {
        return Err(CliError::invalid(format_args!(
            "`{l}` is not a language of {} (offered: {})",
            q.id,
            q.languages.join(", ")
        )));
    }
    let file = read_answers(&args.answers)?;
    let lang = args
        .lang
        .clone()
        .unwrap_or_else(|| q.default_language().to_owned());
    let session = fill(q, file, &lang, Arc::new(SystemClock))
        .map_err(|errors| rejected(&args.answers, &errors))?;
    let submitted = session.now();
    let summary = Summary::build(&session, submitted);
    // The check review runs, so a fault never writes a record that contradicts its answers.
    if let Consistency::Inconsistent(d) = Consistency::against(&summary, session.questionnaire()) {
        return Err(CliError::failed(format_args!(
            "the summary disagrees with its own answers, so it was not written: {}",
            d.join("; ")
        )));
    }
    let dir = args
        .out
        .clone()
        .or_else(site::default_outbox)
        .ok_or_else(|| {
            CliError::failed("no outbox folder: this system has no data folder; pass --out DIR")
        })?;
    std::fs::create_dir_all(&dir)
        .map_err(|e| CliError::failed(format_args!("cannot create {}: {e}", dir.display())))?;
    site::clean_outbox(&dir);
    let path = outbox::write_export(
        &dir,
        submitted,
        SUMMARY_SUFFIX,
        summary.sealed(signer.as_ref()).as_bytes(),
        &recipients,
    )?;
    let _ = writeln!(out, "{}", path.display());
    if recipients.is_empty() {
        let _ = writeln!(
            err,
            "warning: the summary is not encrypted; pass --recipient age1… or set \
             `recipients` in the site configuration (docs/configuration.md)"
        );
    }
    Ok(())
}

/// The answers file, read within its size limit and parsed.
fn read_answers(path: &Path) -> Result<AnswersFile, CliError> {
    let bytes = match read_bounded(path, MAX_ANSWERS_BYTES) {
        Ok(b) => b,
        Err(ReadError::TooLarge { size, .. }) => {
            return Err(CliError::invalid_in(
                path,
                format_args!(
                    "file is {size} bytes; answers files larger than {MAX_ANSWERS_BYTES} bytes are refused"
                ),
            ));
        }
        Err(e) => {
            return Err(CliError::failed_in(
                path,
                format_args!("cannot read file: {e}"),
            ));
        }
    };
    // The parser's message starts with the line and column.
    AnswersFile::parse(&bytes).map_err(|e| CliError::listed(format_args!("{}:{e}", path.display())))
}

/// Every rejected or missing answer, one a line by item id, then how many.
fn rejected(answers: &Path, errors: &[FillError]) -> CliError {
    let shown = answers.display();
    // At most a screenful, then "… and N more": one mistake repeated can give thousands.
    let mut text = crate::engine::answers_file::render_errors(errors, &shown.to_string());
    let n = errors.len();
    let s = if n == 1 { "" } else { "s" };
    text.push_str(&format!("{shown}: {n} problem{s}; no summary written"));
    CliError::listed(text)
}
