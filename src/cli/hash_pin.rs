//! `prescreen hash-pin`: turn a staff PIN into the `staff_pin` line of the site configuration.

use std::io::Write;

/// Reads the PIN from standard input (so it is not left in the shell history) and prints the
/// configuration line with its salted hash.
pub fn run(out: &mut dyn Write, err: &mut dyn Write) -> i32 {
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
