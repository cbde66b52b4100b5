//! `prescreen check`: validate questionnaire files and list every problem with its position.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::engine::{LoadError, diagnostic};

use super::CliError;
use super::questionnaire;

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Questionnaire files (RON).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
}

/// Checks every file, reporting each as it goes; the exit code is the worst seen: 0 all clean,
/// 1 diagnostics, 2 a file that cannot be read.
pub fn run(args: &CheckArgs, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let mut code = 0;
    for path in &args.files {
        // Warnings (verdict wording) are printed whether or not the file loads; they never
        // change the exit code.
        let warnings = crate::engine::warnings_in(path);
        if !warnings.is_empty() {
            let shown = path.display().to_string();
            let _ = write!(err, "{}", diagnostic::render_all(&warnings, &shown));
            let n = warnings.len();
            let _ = writeln!(err, "{shown}: {n} warning{}", if n == 1 { "" } else { "s" });
        }
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
            Err(e) => code = code.max(problem(e).report(err)),
        }
    }
    code
}

/// What `check` says about a file that does not load. Unlike other commands it counts the
/// problems, and says "cannot read file" after the path, as a compiler would.
fn problem(e: LoadError) -> CliError {
    match e {
        LoadError::Io { path, source } => {
            CliError::failed_in(Path::new(&path), format_args!("cannot read file: {source}"))
        }
        LoadError::Invalid { path, diagnostics } => {
            let n = diagnostics.len();
            CliError::listed(format_args!(
                "{}{path}: {n} problem{}",
                diagnostic::render_all(&diagnostics, &path),
                if n == 1 { "" } else { "s" }
            ))
        }
    }
}
