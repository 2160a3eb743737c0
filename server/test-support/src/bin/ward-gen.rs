//! `ward-gen --items N --out DIR [--seed S] [--per-file N] [--clean]`: writes a
//! deterministic synthetic Ward workspace (see [`ward_test_support::generate`]) and prints
//! its JSON summary as the last line.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use ward_test_support::{Options, write_workspace};

/// Write a deterministic synthetic Ward workspace.
#[derive(Parser, Debug)]
#[command(name = "ward-gen", version)]
struct Args {
    /// How many items (assets, threats, risks, controls, verifications) to write.
    #[arg(long, value_name = "N")]
    items: usize,
    /// The folder to write into; it must be absent or empty.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// The seed of the pseudo-random choices.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Items per file.
    #[arg(long, default_value_t = 100, value_name = "N")]
    per_file: usize,
    /// Plant no findings: a workspace that `ward check` finds nothing in.
    #[arg(long)]
    clean: bool,
    /// Write no waivers and approvals (`governance/`), for a version of Ward before them.
    #[arg(long)]
    no_governance: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let options = Options {
        items: args.items,
        seed: args.seed,
        per_file: args.per_file,
        clean: args.clean,
        governance: !args.no_governance,
    };
    match write_workspace(&options, &args.out) {
        Ok(summary) => {
            let _ = writeln!(std::io::stdout(), "{summary}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            let _ = writeln!(std::io::stderr(), "ward-gen: error: {error}");
            ExitCode::from(2)
        }
    }
}
