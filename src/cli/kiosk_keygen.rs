//! `prescreen kiosk-keygen`: make a kiosk's signing key.

use std::io::Write;
use std::path::PathBuf;

use crate::storage::sign::SigningKey;

use super::CliError;

#[derive(Debug, clap::Args)]
pub struct KioskKeygenArgs {
    /// Where to write the secret key file (it must not exist yet).
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// The kiosk's name as clinicians will read it ("Front desk 1"), for the printed line.
    #[arg(long, value_name = "NAME", default_value = "Kiosk 1")]
    pub name: String,
}

/// Writes the secret key file; prints the public key and where each half goes.
pub fn run(args: &KioskKeygenArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let key = SigningKey::generate().map_err(|e| CliError::failed(e.to_string()))?;
    key.write_new(&args.output, chrono::Utc::now())
        .map_err(|e| CliError::failed(e.to_string()))?;
    let public = key.public();
    let _ = writeln!(out, "{public}");
    let _ = writeln!(
        out,
        "On this kiosk, set `signing_key: \"{}\"` in its site configuration. On the clinicians' \
         computer, add this kiosk to `kiosks`:\n    (name: {:?}, key: \"{public}\"),",
        args.output.display(),
        args.name
    );
    Ok(())
}
