//! `prescreen hash-pin`: turn a staff PIN into the `staff_pin` line of the site configuration.

use std::io::Write;

use super::CliError;

/// Reads the PIN from standard input (so it is not left in the shell history) and prints the
/// configuration line with its salted hash.
pub fn run(out: &mut dyn Write) -> Result<(), CliError> {
    let mut pin = String::new();
    std::io::stdin()
        .read_line(&mut pin)
        .map_err(|_| CliError::failed("cannot read the PIN from standard input"))?;
    let pin = pin.trim();
    if pin.len() < 4 || !pin.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CliError::invalid(
            "a staff PIN is 4 or more digits (the kiosk's PIN pad has digits only)",
        ));
    }
    let _ = writeln!(out, "staff_pin: \"{}\",", crate::config::PinHash::hash(pin));
    Ok(())
}
