//! `prescreen`: parse the command line, run it, exit with its code.

use clap::Parser;

fn main() {
    let cli = prescreen::cli::Cli::parse();
    let code = prescreen::cli::run(cli, &mut std::io::stdout(), &mut std::io::stderr());
    std::process::exit(code);
}
