//! `prescreen render`: a summary as text, printable HTML or a FHIR QuestionnaireResponse, or a
//! questionnaire as the FHIR Questionnaire those responses refer to.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::engine::LoadError;
use crate::outbox;

use super::questionnaire;

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
    /// Render text or HTML even when the summary's digest does not match, marked as not
    /// verified. Never for FHIR, which has no place for the warning.
    #[arg(long)]
    pub force: bool,
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
    /// The FHIR R4 Questionnaire the responses refer to (JSON).
    FhirQuestionnaire,
}

/// Renders what `args` asks for, to standard output or to the `-o` file.
pub fn run(args: &RenderArgs, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let text = match (args.format, &args.summary) {
        (RenderFormat::FhirQuestionnaire, Some(path)) => {
            let _ = writeln!(
                err,
                "error: --format fhir-questionnaire describes a questionnaire, not a summary; drop {} (or pass --questionnaire FILE)",
                path.display()
            );
            return 1;
        }
        (RenderFormat::FhirQuestionnaire, None) => {
            render_questionnaire(args.questionnaire.as_deref(), err)
        }
        (_, _) if args.questionnaire.is_some() => {
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
        (_, Some(path)) => render_summary(path, args, err),
    };
    match text {
        Ok(text) => write_rendered(&text, args.output.as_deref(), out, err),
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
fn render_summary(path: &Path, args: &RenderArgs, err: &mut dyn Write) -> Result<String, i32> {
    use crate::crypto::{Identities, RecordError};
    use crate::export::{self, Integrity};

    let (format, force) = (args.format, args.force);
    let identities = Identities::load(&args.identity).map_err(|e| {
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
