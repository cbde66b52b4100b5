//! `prescreen check`: validate questionnaire files and list every problem with its position.

use std::io::Write;
use std::path::PathBuf;

use crate::engine::{LoadError, diagnostic};

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
