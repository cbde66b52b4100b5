//! `prescreen render`: a summary as text, printable HTML or a FHIR QuestionnaireResponse, or a
//! questionnaire as the FHIR Questionnaire those responses refer to.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::export::{self, Consistency, Trust};
use crate::storage::crypto::Identities;
use crate::storage::{WriteError, write_atomic};

use super::{CliError, questionnaire, site};

#[derive(Debug, clap::Args)]
pub struct RenderArgs {
    /// The summary file (`*.summary.ron`).
    #[arg(value_name = "SUMMARY")]
    pub summary: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = RenderFormat::Text)]
    pub format: RenderFormat,
    /// With `--format fhir-questionnaire`: the questionnaire (default: the built-in one).
    #[arg(long, value_name = "FILE")]
    pub questionnaire: Option<PathBuf>,
    /// Write to this new file instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Render text or HTML even when the summary was altered or disagrees with its own
    /// answers, marked as such. Never for FHIR, which has no place for the warning.
    #[arg(long)]
    pub force: bool,
    /// The site configuration, for its kiosks' public keys and its questionnaires (default as
    /// for the kiosk).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// An identity file (from `prescreen keygen`) that opens an encrypted summary
    /// (`*.summary.ron.age`); may be given more than once.
    #[arg(long, value_name = "FILE")]
    pub identity: Vec<PathBuf>,
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
    /// The FHIR R4 transaction Bundle `prescreen send` delivers: the response, score
    /// Observations, Flags and a Provenance (JSON).
    FhirBundle,
    /// The FHIR R4 Questionnaire the responses refer to (JSON).
    FhirQuestionnaire,
}

/// Renders what `args` asks for, to standard output or to the `-o` file.
/// `config` is the site configuration named before the subcommand, used when `args` names none.
pub fn run(
    args: &RenderArgs,
    config: Option<&Path>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), CliError> {
    let text = match (args.format, &args.summary) {
        (RenderFormat::FhirQuestionnaire, Some(path)) => {
            return Err(CliError::invalid(format_args!(
                "--format fhir-questionnaire describes a questionnaire, not a summary; drop {} (or pass --questionnaire FILE)",
                path.display()
            )));
        }
        (RenderFormat::FhirQuestionnaire, None) => {
            let q = questionnaire::load(args.questionnaire.as_deref())?;
            json(&export::fhir::questionnaire(&q))?
        }
        (_, _) if args.questionnaire.is_some() => {
            return Err(CliError::invalid(
                "--questionnaire goes with --format fhir-questionnaire; a summary carries the questions it was answered with",
            ));
        }
        (_, None) => {
            return Err(CliError::invalid(
                "name the summary to render: prescreen render SUMMARY [--format text|html|fhir]",
            ));
        }
        (_, Some(path)) => render_summary(path, args, config, err)?,
    };
    write_rendered(&text, args.output.as_deref(), out)
}

/// A summary file as text, HTML or a FHIR QuestionnaireResponse, after checking who signed it
/// (against the configured kiosks) and recomputing it with its questionnaire. An altered or
/// inconsistent summary is refused unless `--force` (text and HTML only: they show why); one
/// not signed by a known kiosk, or made with an unknown questionnaire, is rendered with a
/// warning.
fn render_summary(
    path: &Path,
    args: &RenderArgs,
    config: Option<&Path>,
    err: &mut dyn Write,
) -> Result<String, CliError> {
    let identities = Identities::load(&args.identity)?;
    let config = site::config(args.config.as_deref().or(config))?;
    let known = site::known(&config);
    // An encrypted summary is decrypted in memory; nothing readable is written unless `-o`.
    let bytes = crate::storage::crypto::read_record(path, &identities)
        .map_err(|e| CliError::record(path, e))?;
    let (summary, checks) = known
        .read(&bytes)
        .map_err(|e| CliError::invalid_in(path, e))?;
    let fhir = matches!(args.format, RenderFormat::Fhir | RenderFormat::FhirBundle);
    if let Some(reason) = checks.refusal() {
        if !args.force || fhir {
            let why = if fhir {
                "a FHIR export cannot carry the warning, so --force does not apply"
            } else {
                "--force renders it with the warning"
            };
            return Err(CliError::invalid_in(
                path,
                format_args!("{reason}; not rendered ({why})"),
            ));
        }
        let _ = writeln!(
            err,
            "{}: warning: {reason}; rendered with the warning",
            path.display()
        );
    }
    if let Trust::Unsigned { .. } = checks.trust {
        let _ = writeln!(
            err,
            "{}: warning: {}",
            path.display(),
            checks.trust.describe()
        );
    }
    if checks.consistency == Consistency::UnknownQuestionnaire {
        let _ = writeln!(
            err,
            "{}: warning: {}",
            path.display(),
            checks.consistency.describe()
        );
    }
    match args.format {
        RenderFormat::Text => Ok(export::text::render(&summary, &checks)),
        RenderFormat::Html => Ok(export::html::render(&summary, &checks)),
        RenderFormat::Fhir | RenderFormat::FhirQuestionnaire => {
            json(&export::fhir::questionnaire_response(&summary))
        }
        RenderFormat::FhirBundle => {
            let origin = export::bundle::Origin::of(&checks.trust, summary.seal.as_ref());
            json(&export::bundle::summary(&summary, &origin))
        }
    }
}

/// A FHIR resource as JSON text.
fn json<T: serde::Serialize>(resource: &T) -> Result<String, CliError> {
    export::fhir::to_json(resource)
        .map_err(|e| CliError::failed(format_args!("cannot write the JSON: {e}")))
}

/// Standard output, or a new owner-only file written atomically (never over an existing one).
fn write_rendered(text: &str, output: Option<&Path>, out: &mut dyn Write) -> Result<(), CliError> {
    let Some(path) = output else {
        return out
            .write_all(text.as_bytes())
            .map_err(|e| CliError::failed(format_args!("cannot write to standard output: {e}")));
    };
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return Err(CliError::invalid(format_args!(
            "{} is not a usable file name",
            path.display()
        )));
    };
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    match write_atomic(dir, name, text.as_bytes()) {
        Ok(_) => Ok(()),
        Err(WriteError::Io { source, .. })
            if source.kind() == std::io::ErrorKind::AlreadyExists =>
        {
            Err(CliError::failed(format_args!(
                "{} already exists and is not replaced; choose another name or remove it",
                path.display()
            )))
        }
        Err(e) => Err(e.into()),
    }
}
