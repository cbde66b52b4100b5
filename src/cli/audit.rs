//! `prescreen audit`: checks the audit log of an outbox — that its lines still chain, and that
//! every review mark and acknowledgement made since the log began has its line.

use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::audit::{self, Action, Report};
use crate::inbox;
use crate::review::alerts;

use super::{CliError, site};

#[derive(Debug, clap::Args)]
pub struct AuditArgs {
    /// The outbox whose `audit.log` is checked (default: the configured outbox, else the
    /// default one).
    #[arg(long, value_name = "DIR")]
    pub outbox: Option<PathBuf>,
}

/// Checks the log; `config` is the site configuration named before the subcommand. Prints the
/// lines checked and the head; a break or a missing line is an error (exit 1) naming where.
pub fn run(args: &AuditArgs, config: Option<&Path>, out: &mut dyn Write) -> Result<(), CliError> {
    let dir = match &args.outbox {
        Some(d) => d.clone(),
        None => site::config(config)?
            .outbox
            .or_else(site::default_outbox)
            .ok_or_else(|| CliError::failed("this system has no data folder; pass --outbox DIR"))?,
    };
    if !dir.is_dir() {
        return Err(CliError::failed(format_args!(
            "{} is not a folder",
            dir.display()
        )));
    }
    let log = dir.join(audit::LOG_NAME);
    let report = audit::verify(&log).map_err(CliError::failed)?;

    let mut problems = String::new();
    if let Some(b) = &report.broken {
        let _ = writeln!(
            problems,
            "{}:{}: error: line {} {}",
            log.display(),
            b.line,
            b.line,
            b.problem
        );
    }
    for (record, what) in unlogged(&dir, &report) {
        let _ = writeln!(
            problems,
            "{}: error: {what} has no line in the audit log: lines were removed from its end, \
             or it was replaced",
            record.display()
        );
    }

    let _ = if report.exists {
        let lines = if report.lines == 1 { "line" } else { "lines" };
        writeln!(out, "{}: {} {lines} checked", log.display(), report.lines)
    } else {
        writeln!(out, "{}: no audit log yet (0 lines checked)", log.display())
    };
    if let Some((seq, hash)) = &report.head {
        let _ = writeln!(out, "head: line {seq}, hash {hash}");
    }
    match (&report.broken, problems.is_empty()) {
        (None, true) => {
            let _ = writeln!(out, "chain intact");
            Ok(())
        }
        (Some(b), _) => {
            let _ = writeln!(out, "chain broken at line {}", b.line);
            Err(CliError::listed(problems.trim_end()))
        }
        (None, false) => {
            let _ = writeln!(out, "chain intact, but lines are missing");
            Err(CliError::listed(problems.trim_end()))
        }
    }
}

/// The review marks and acknowledgements in `dir` whose line the log does not hold, with what
/// each says.
fn unlogged(dir: &Path, report: &Report) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let entries = |sub: &str| {
        std::fs::read_dir(dir.join(sub))
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| !n.starts_with('.'))
            .collect::<Vec<_>>()
    };
    let mut marked = entries(inbox::REVIEWED_DIR);
    marked.sort();
    for name in marked {
        // Old single marks (`<name>.reviewed.ron`) sit beside the folders; both are read by
        // the export's name.
        let export = name.strip_suffix(inbox::REVIEWED_SUFFIX).unwrap_or(&name);
        let path = dir.join(export);
        if name != export && dir.join(inbox::REVIEWED_DIR).join(export).is_dir() {
            continue;
        }
        for m in inbox::marks_of(&path) {
            if report.missing(Action::MarkReviewed, &m.file, &m.sha256, &m.by, m.at) {
                let what = format!(
                    "the mark of {} as reviewed by {} at {}",
                    m.file,
                    m.by,
                    audit::timestamp(m.at)
                );
                out.push((dir.join(inbox::REVIEWED_DIR).join(&name), what));
            }
        }
    }
    let mut acked = entries(alerts::ACK_DIR);
    acked.sort();
    for name in acked {
        let Some(export) = name.strip_suffix(alerts::ACK_SUFFIX) else {
            continue;
        };
        if let Some(a) = alerts::read_ack(&dir.join(export))
            && report.missing(Action::Acknowledge, &a.file, &a.sha256, &a.os_user, a.at)
        {
            let what = format!(
                "the acknowledgement of {} by {} at {}",
                a.file,
                a.os_user,
                audit::timestamp(a.at)
            );
            out.push((dir.join(alerts::ACK_DIR).join(&name), what));
        }
    }
    out
}
