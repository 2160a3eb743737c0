//! `ward check`: analyse a workspace and print its diagnostics as text, JSON, SARIF, GitHub
//! workflow commands or a GitLab Code Quality report, one module per format, each rendering
//! the located diagnostics of [`crate::located`].

pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod sarif;

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use ward_analysis::{Date, Severity};

use crate::located;
use crate::today;

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Files or folders to check (default: the current folder).
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Check as if every gate up to and including this phase had been passed.
    #[arg(long, value_name = "PHASE")]
    pub gate: Option<String>,
    /// Fail (exit 1) on warnings too: `--deny warnings`.
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub deny: Option<Deny>,
    /// The day dates are compared with (default: `SOURCE_DATE_EPOCH`, else today in UTC).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = crate::today::parse_flag)]
    pub today: Option<Date>,
    #[command(flatten)]
    pub inputs: crate::inputs::InputArgs,
    /// List the waived findings too (they are counted either way).
    #[arg(long)]
    pub show_waived: bool,
    /// Also say on stderr what the walk of the folders left out: symbolic links.
    #[arg(long, short = 'v')]
    pub verbose: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
    // GitHub Actions workflow commands (annotations on the pull request) and a GitLab Code
    // Quality report. (Not doc comments: clap would print the values as a long list.)
    Github,
    Gitlab,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Deny {
    Warnings,
}

/// Runs `ward check`; returns the process exit code.
pub fn run(args: &CheckArgs) -> i32 {
    let checked = match today::resolve(args.today).and_then(|today| {
        located::check(
            &args.paths,
            &args.inputs.inputs(),
            args.gate.as_deref(),
            today,
        )
    }) {
        Ok(checked) => checked,
        Err(error) => {
            let _ = writeln!(anstream::stderr(), "error: {error}");
            return 2;
        }
    };
    checked.tell_skipped(args.verbose);
    let output = match args.format {
        Format::Human => human::render(&checked, args.show_waived),
        Format::Json => json::render(&checked),
        Format::Sarif => sarif::render(&checked),
        Format::Github => github::render(&checked),
        Format::Gitlab => gitlab::render(&checked),
    };
    let written = match args.format {
        Format::Human => write!(anstream::stdout(), "{output}"),
        Format::Github => write!(std::io::stdout(), "{output}"),
        Format::Json | Format::Sarif | Format::Gitlab => {
            writeln!(std::io::stdout(), "{output}")
        }
    };
    if written.is_err() {
        // A closed pipe (`ward check | head`) is not the workspace's fault.
        return 2;
    }
    let errors = checked.count(Severity::Error);
    let warnings = checked.count(Severity::Warning);
    if errors > 0 || (args.deny == Some(Deny::Warnings) && warnings > 0) {
        1
    } else {
        0
    }
}
