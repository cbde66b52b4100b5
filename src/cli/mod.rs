//! The command line. `main` parses arguments and calls [`run`]; everything here writes to the
//! streams it is given, so tests can run commands in-process.
//!
//! Exit codes: 0 success; 1 the input has problems (diagnostics, rejected answers); 2 a file
//! could not be read or written.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::{Parser, Subcommand};

use crate::config::Config;
use crate::crypto::{Identities, Recipients};
use crate::engine::answers_file::{AnswersFile, MAX_ANSWERS_BYTES, fill};
use crate::engine::{LoadError, Summary, SystemClock, diagnostic, read_limited};
use crate::outbox;

mod questionnaire;
mod site;

pub use questionnaire::BUILT_IN;

#[derive(Debug, Parser)]
#[command(
    name = "prescreen",
    version,
    about = "Pre-consultation screening kiosk for ketamine / esketamine therapy"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// With no subcommand: the questionnaire the kiosk runs (default: the built-in
    /// ketamine-candidacy questionnaire).
    #[arg(long, value_name = "FILE")]
    pub questionnaire: Option<PathBuf>,
    /// With no subcommand: the folder summaries and alerts are written to (default: the outbox).
    #[arg(long, value_name = "DIR")]
    pub outbox: Option<PathBuf>,
    /// With no subcommand: the site configuration (default: `<config dir>/prescreen/config.ron`
    /// when it exists). See docs/configuration.md.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// With no subcommand: locked kiosk mode (fullscreen; closing only through the staff PIN).
    #[arg(long)]
    pub kiosk: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check questionnaire files and print every problem found, with its line and column.
    ///
    /// Exits 0 when every file is clean, 1 when any has diagnostics, 2 when a file cannot be read.
    Check {
        /// Questionnaire files (RON).
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// Fill a questionnaire from an answers file, as a patient would, and write the summary.
    ///
    /// Answers are applied in order with exactly the rules a patient faces: only questions that
    /// are shown, each answer checked, required questions enforced. Prints the summary's path.
    /// Exits 1 (listing each problem by item id) when an answer is rejected or missing.
    Fill {
        /// The questionnaire (RON).
        #[arg(value_name = "QUESTIONNAIRE")]
        questionnaire: PathBuf,
        /// The answers (a RON map from item id to answer; see docs/answers-format.md).
        #[arg(long, value_name = "ANSWERS.ron")]
        answers: PathBuf,
        /// Language of the session (default: the questionnaire's first language).
        #[arg(long, value_name = "CODE")]
        lang: Option<String>,
        /// Folder to write the summary into (default: the outbox).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Encrypt the summary to this public key (`age1…`, from `prescreen keygen`); may be
        /// given more than once. Added to the site configuration's `recipients`.
        #[arg(long, value_name = "age1…")]
        recipient: Vec<String>,
        /// The site configuration, for its `recipients` (default as for the kiosk).
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
    /// Make a key pair for encrypted exports: write the secret identity file, print the public
    /// recipient.
    ///
    /// The identity file (readable only by its owner, never overwritten) stays on the
    /// clinicians' computer and opens the exports: `prescreen review --identity FILE`. The
    /// printed recipient (`age1…`) goes into the kiosk's site configuration, `recipients`.
    Keygen {
        /// Where to write the identity file (it must not exist yet).
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
    },
    /// Render a summary for reading (text, printable HTML) or for other systems (FHIR R4 JSON).
    ///
    /// `prescreen render SUMMARY [--format text|html|fhir] [-o FILE]` renders a summary file;
    /// `prescreen render --format fhir-questionnaire [--questionnaire FILE]` gives the FHIR
    /// Questionnaire the FHIR responses refer to (default: the built-in questionnaire). Output
    /// goes to standard output, or with `-o` to a new file readable only by its owner (an
    /// existing file is never replaced). A summary whose digest does not match is refused
    /// (exit 1) unless `--force`, which renders text or HTML marked as not verified.
    Render {
        /// The summary file (`*.summary.ron`).
        #[arg(value_name = "SUMMARY")]
        summary: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = RenderFormat::Text)]
        format: RenderFormat,
        /// With `--format fhir-questionnaire`: the questionnaire (default: the built-in one).
        #[arg(long, value_name = "FILE")]
        questionnaire: Option<PathBuf>,
        /// Write to this new file instead of standard output.
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
        /// Render text or HTML even when the summary's digest does not match, marked as not
        /// verified. Never for FHIR, which has no place for the warning.
        #[arg(long)]
        force: bool,
        /// An identity file (from `prescreen keygen`) that opens an encrypted summary
        /// (`*.summary.ron.age`); may be given more than once.
        #[arg(long, value_name = "FILE")]
        identity: Vec<PathBuf>,
    },
    /// Turn a staff PIN into the `staff_pin` line of the site configuration.
    ///
    /// Reads the PIN from standard input (so it is not left in the shell history) and prints
    /// `staff_pin: "sha256:<salt>:<hash>",`.
    HashPin,
    /// Open the clinician review window: the inbox of summaries and urgent alerts, urgent
    /// first, and each summary with its flags, scores and answers.
    Review {
        /// A summary file or a folder (default: the configured outbox).
        #[arg(value_name = "PATH")]
        path: Option<PathBuf>,
        /// The site configuration, for its outbox and questionnaire (default as for the kiosk).
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// An identity file (from `prescreen keygen`) that opens encrypted exports; may be
        /// given more than once.
        #[arg(long, value_name = "FILE")]
        identity: Vec<PathBuf>,
    },
}

/// The formats of `prescreen render`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum RenderFormat {
    /// Plain text for a terminal.
    Text,
    /// One self-contained, printable HTML page.
    Html,
    /// A FHIR R4 QuestionnaireResponse (JSON).
    Fhir,
    /// The FHIR R4 Questionnaire the responses refer to (JSON).
    FhirQuestionnaire,
}

/// Runs a parsed command line; returns the process exit code.
pub fn run(cli: Cli, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    match cli.command {
        Some(Command::Check { files }) => check(&files, out, err),
        Some(Command::Fill {
            questionnaire,
            answers,
            lang,
            out: dir,
            recipient,
            config,
        }) => {
            let recipients = match fill_recipients(&recipient, config.or(cli.config).as_deref()) {
                Ok(r) => r,
                Err(e) => {
                    let _ = writeln!(err, "error: {e}");
                    return 1;
                }
            };
            let fill = FillArgs {
                questionnaire: &questionnaire,
                answers: &answers,
                lang: lang.as_deref(),
                dir,
                recipients: &recipients,
            };
            run_fill(fill, out, err)
        }
        Some(Command::Keygen { output }) => keygen(&output, out, err),
        Some(Command::Render {
            summary,
            format,
            questionnaire,
            output,
            force,
            identity,
        }) => render(
            RenderArgs {
                summary: summary.as_deref(),
                format,
                questionnaire: questionnaire.as_deref(),
                output: output.as_deref(),
                force,
                identity: &identity,
            },
            out,
            err,
        ),
        Some(Command::HashPin) => hash_pin(out, err),
        Some(Command::Review {
            path,
            config,
            identity,
        }) => review(path, config.or(cli.config), &identity, err),
        None => kiosk(&cli, err),
    }
}

fn hash_pin(out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let mut pin = String::new();
    if std::io::stdin().read_line(&mut pin).is_err() {
        let _ = writeln!(err, "error: cannot read the PIN from standard input");
        return 2;
    }
    let pin = pin.trim();
    if pin.len() < 4 || !pin.bytes().all(|b| b.is_ascii_digit()) {
        let _ = writeln!(
            err,
            "error: a staff PIN is 4 or more digits (the kiosk's PIN pad has digits only)"
        );
        return 1;
    }
    let _ = writeln!(out, "staff_pin: \"{}\",", crate::config::PinHash::hash(pin));
    0
}

fn keygen(path: &Path, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    match crate::crypto::generate_identity_file(path, chrono::Utc::now()) {
        Ok(recipient) => {
            let _ = writeln!(out, "{recipient}");
            let _ = writeln!(
                out,
                "Put this public key in the kiosk's site configuration (`recipients: [\"{recipient}\"]`); \
                 keep {} on the clinicians' computer, never on the kiosk.",
                path.display()
            );
            0
        }
        Err(e @ crate::crypto::CryptoError::KeyExists(_)) => {
            let _ = writeln!(err, "error: {e}");
            1
        }
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            2
        }
    }
}

/// Recipients for `fill`: those given on the command line and the site configuration's.
fn fill_recipients(given: &[String], config: Option<&Path>) -> Result<Recipients, String> {
    let given = Recipients::parse(given).map_err(|e| e.to_string())?;
    let configured = site::config(config)
        .map_err(|e| format!("the site configuration could not be read:\n{e}"))?
        .recipients;
    Ok(configured.merged(&given))
}

/// Opens the clinician review window on a file or folder (default: the configured outbox).
fn review(
    path: Option<PathBuf>,
    config: Option<PathBuf>,
    identity: &[PathBuf],
    err: &mut dyn Write,
) -> i32 {
    let identities = match Identities::load(identity) {
        Ok(i) => i,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return 2;
        }
    };
    let config = match site::config(config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            let _ = writeln!(err, "error: the site configuration could not be read:\n{e}");
            return 1;
        }
    };
    let Some(path) = path
        .or_else(|| config.outbox.clone())
        .or_else(site::default_outbox)
    else {
        let _ = writeln!(
            err,
            "error: this system has no data folder; name a folder or file"
        );
        return 2;
    };
    if !path.exists() {
        let _ = writeln!(err, "error: {} does not exist", path.display());
        return 2;
    }
    // The questionnaires this installation knows: summaries from others are marked.
    let mut known = Vec::new();
    if let Ok(q) = questionnaire::load(None) {
        known.push(q.sha256);
    }
    if let Some(p) = &config.questionnaire
        && let Ok(q) = questionnaire::load(Some(p))
    {
        known.push(q.sha256);
    }
    match crate::gui::review::run(Some(path), known, identities, Arc::new(SystemClock)) {
        Ok(()) => 0,
        Err(e) => {
            let _ = writeln!(err, "error: cannot open the window: {e}");
            2
        }
    }
}

/// Opens the patient kiosk. A questionnaire or configuration that does not load opens a
/// staff-facing error screen with the problems rather than failing to start.
fn kiosk(cli: &Cli, err: &mut dyn Write) -> i32 {
    let (config, problem) = match site::config(cli.config.as_deref()) {
        Ok(c) => (c, None),
        Err(e) => (Config::default(), Some(e)),
    };
    let questionnaire = cli
        .questionnaire
        .as_deref()
        .or(config.questionnaire.as_deref());
    let q = match problem {
        Some(e) => Err(format!("The site configuration could not be read:\n\n{e}")),
        None => questionnaire::load(questionnaire).map_err(|e| e.to_string()),
    };
    let q = q.and_then(|q| {
        config
            .offered_languages(&q.languages)
            .map(|langs| (Arc::new(q), langs))
            .map_err(|e| format!("The site configuration: {e}"))
    });
    let chosen = cli.outbox.clone().or_else(|| config.outbox.clone());
    // The default outbox is made on first use; a chosen one must exist (see `Kiosk::submit`).
    if chosen.is_none()
        && let Some(dir) = site::default_outbox()
        && let Err(e) = std::fs::create_dir_all(&dir)
    {
        let _ = writeln!(
            err,
            "warning: cannot create the outbox {}: {e}",
            dir.display()
        );
    }
    let Some(outbox) = chosen.or_else(site::default_outbox) else {
        let _ = writeln!(
            err,
            "error: this system has no data folder for the outbox; pass --outbox DIR"
        );
        return 2;
    };
    if outbox.is_dir() {
        site::clean_outbox(&outbox);
    }
    let kiosk_mode = cli.kiosk || config.kiosk;
    let settings = match &q {
        Ok((_, languages)) => {
            crate::gui::Settings::from_config(&config, languages.clone(), kiosk_mode)
        }
        Err(_) => crate::gui::Settings::from_config(&config, Vec::new(), kiosk_mode),
    };
    match crate::gui::run(q.map(|(q, _)| q), outbox, Arc::new(SystemClock), settings) {
        Ok(()) => 0,
        Err(e) => {
            let _ = writeln!(err, "error: cannot open the window: {e}");
            2
        }
    }
}

fn check(files: &[PathBuf], out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let mut code = 0;
    for path in files {
        match questionnaire::load(Some(path)) {
            Ok(q) => {
                let _ = writeln!(
                    out,
                    "{}: ok ({} {}, {} items)",
                    path.display(),
                    q.id,
                    q.version,
                    q.items.len()
                );
            }
            Err(LoadError::Io { path, source }) => {
                let _ = writeln!(err, "{path}: error: cannot read file: {source}");
                code = 2;
            }
            Err(LoadError::Invalid { path, diagnostics }) => {
                let _ = write!(err, "{}", diagnostic::render_all(&diagnostics, &path));
                let n = diagnostics.len();
                let _ = writeln!(err, "{path}: {n} problem{}", if n == 1 { "" } else { "s" });
                code = code.max(1);
            }
        }
    }
    code
}

/// What `fill` was asked to do.
struct FillArgs<'a> {
    questionnaire: &'a Path,
    answers: &'a Path,
    lang: Option<&'a str>,
    dir: Option<PathBuf>,
    recipients: &'a Recipients,
}

fn run_fill(args: FillArgs<'_>, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let FillArgs {
        questionnaire,
        answers,
        lang,
        dir,
        recipients,
    } = args;
    let q = match questionnaire::load(Some(questionnaire)) {
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
    let Some(dir) = dir.or_else(site::default_outbox) else {
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
        recipients,
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

/// What `prescreen render` was asked for.
struct RenderArgs<'a> {
    summary: Option<&'a Path>,
    format: RenderFormat,
    questionnaire: Option<&'a Path>,
    output: Option<&'a Path>,
    force: bool,
    identity: &'a [PathBuf],
}

fn render(args: RenderArgs<'_>, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let RenderArgs {
        summary,
        format,
        questionnaire,
        output,
        force,
        identity,
    } = args;
    let text = match (format, summary) {
        (RenderFormat::FhirQuestionnaire, Some(path)) => {
            let _ = writeln!(
                err,
                "error: --format fhir-questionnaire describes a questionnaire, not a summary; drop {} (or pass --questionnaire FILE)",
                path.display()
            );
            return 1;
        }
        (RenderFormat::FhirQuestionnaire, None) => render_questionnaire(questionnaire, err),
        (_, _) if questionnaire.is_some() => {
            let _ = writeln!(
                err,
                "error: --questionnaire goes with --format fhir-questionnaire; a summary carries the questions it was answered with"
            );
            return 1;
        }
        (_, None) => {
            let _ = writeln!(
                err,
                "error: name the summary to render: prescreen render SUMMARY [--format text|html|fhir]"
            );
            return 1;
        }
        (_, Some(path)) => render_summary(path, format, force, identity, err),
    };
    match text {
        Ok(text) => write_rendered(&text, output, out, err),
        Err(code) => code,
    }
}

/// The FHIR Questionnaire of a questionnaire file, or of the built-in one. `Err` is the exit
/// code, the problem already reported.
fn render_questionnaire(path: Option<&Path>, err: &mut dyn Write) -> Result<String, i32> {
    let q = questionnaire::load(path).map_err(|e| match e {
        LoadError::Io { .. } => {
            let _ = writeln!(err, "error: {e}");
            2
        }
        LoadError::Invalid { .. } => {
            let _ = writeln!(err, "{e}");
            1
        }
    })?;
    crate::export::fhir::to_json(&crate::export::fhir::questionnaire(&q)).map_err(|e| {
        let _ = writeln!(err, "error: cannot write the JSON: {e}");
        2
    })
}

/// A summary file as text, HTML or a FHIR QuestionnaireResponse. A summary that fails its
/// digest check is refused unless `force` (text and HTML only: they show the warning).
fn render_summary(
    path: &Path,
    format: RenderFormat,
    force: bool,
    identity: &[PathBuf],
    err: &mut dyn Write,
) -> Result<String, i32> {
    use crate::crypto::{Identities, RecordError};
    use crate::export::{self, Integrity};

    let identities = Identities::load(identity).map_err(|e| {
        let _ = writeln!(err, "error: {e}");
        2
    })?;
    // An encrypted summary is decrypted in memory; nothing readable is written unless `-o`.
    let bytes = match crate::crypto::read_record(path, &identities) {
        Ok(b) => b,
        Err(RecordError::Locked) => {
            let _ = writeln!(
                err,
                "{}: error: encrypted: pass --identity FILE with the clinic's key",
                path.display()
            );
            return Err(1);
        }
        Err(e @ RecordError::Read(_)) => {
            let _ = writeln!(err, "{}: error: {e}", path.display());
            return Err(2);
        }
        Err(e) => {
            let _ = writeln!(err, "{}: error: {e}", path.display());
            return Err(1);
        }
    };
    let (summary, integrity) = export::read(&bytes).map_err(|e| {
        let _ = writeln!(err, "{}: error: {e}", path.display());
        1
    })?;
    if let Integrity::NotVerified(reason) = &integrity {
        if !force || format == RenderFormat::Fhir {
            let why = if format == RenderFormat::Fhir {
                "a FHIR export cannot carry the warning, so --force does not apply"
            } else {
                "--force renders it marked as not verified"
            };
            let _ = writeln!(
                err,
                "{}: error: {reason}; not rendered ({why})",
                path.display()
            );
            return Err(1);
        }
        let _ = writeln!(
            err,
            "{}: warning: {reason}; rendered marked as not verified",
            path.display()
        );
    }
    match format {
        RenderFormat::Text => Ok(export::text::render(&summary, &integrity)),
        RenderFormat::Html => Ok(export::html::render(&summary, &integrity)),
        RenderFormat::Fhir | RenderFormat::FhirQuestionnaire => {
            export::fhir::to_json(&export::fhir::questionnaire_response(&summary)).map_err(|e| {
                let _ = writeln!(err, "error: cannot write the JSON: {e}");
                2
            })
        }
    }
}

/// Standard output, or a new owner-only file written atomically (never over an existing one).
fn write_rendered(
    text: &str,
    output: Option<&Path>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let Some(path) = output else {
        return match out.write_all(text.as_bytes()) {
            Ok(()) => 0,
            Err(e) => {
                let _ = writeln!(err, "error: cannot write to standard output: {e}");
                2
            }
        };
    };
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        let _ = writeln!(err, "error: {} is not a usable file name", path.display());
        return 1;
    };
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    match outbox::write_atomic(dir, name, text.as_bytes()) {
        Ok(_) => 0,
        Err(outbox::WriteError::Io { source, .. })
            if source.kind() == std::io::ErrorKind::AlreadyExists =>
        {
            let _ = writeln!(
                err,
                "error: {} already exists and is not replaced; choose another name or remove it",
                path.display()
            );
            2
        }
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            2
        }
    }
}
