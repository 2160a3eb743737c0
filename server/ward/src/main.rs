//! The `ward` binary: `ward check`, and the entry points of the other commands.

mod check;
mod explain;
mod fmt;
mod init;
mod inputs;
mod located;
mod lsp;
mod manifest;
mod manual;
mod places;
mod report;
mod supply;
mod today;
mod workspace;

use clap::{CommandFactory, Parser, Subcommand};

// The analysis allocates many small values from several threads at once; glibc's allocator
// spent a quarter of a cold `ward check` in malloc, free and arena growth.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Security risk management as code: assets, threats, risks, controls, verifications and
/// phase gates in `.ward` files.
#[derive(Parser, Debug)]
#[command(name = "ward", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Analyse a workspace and report its diagnostics.
    Check(check::CheckArgs),
    /// Write the design-history-file record: gate status, traceability and risk matrices.
    Report(report::ReportArgs),
    /// Make a folder a Ward workspace: `ward.toml`, a plan and a starter chain.
    Init(init::InitArgs),
    /// Give `.ward` files the canonical layout (`--check`: only say which would change).
    Fmt(fmt::FmtArgs),
    /// Run the language server on stdio.
    Lsp(lsp::LspArgs),
    /// Import from another format: `ward import sbom FILE` prints component items.
    Import(supply::ImportArgs),
    /// Export to another format: `ward export vex` writes a VEX document.
    Export(supply::ExportArgs),
    /// Explain a diagnostic code: what it means, an example, and how to fix it.
    Explain(explain::ExplainArgs),
    /// Print the completion script of a shell (bash, zsh, fish, powershell, elvish).
    Completions(manual::CompletionsArgs),
    /// Print the manual page (roff), e.g. `ward man | man -l -`.
    Man,
}

fn main() {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            // clap prints help and version on stdout with success, usage errors on stderr;
            // usage errors are "could not run" (2), as the docs promise.
            let _ = error.print();
            std::process::exit(if error.use_stderr() { 2 } else { 0 });
        }
    };
    let code = match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Report(args) => report::run(&args),
        Command::Init(args) => init::run(&args),
        Command::Fmt(args) => fmt::run(&args),
        Command::Lsp(args) => lsp::run(&args),
        Command::Import(args) => supply::import(&args),
        Command::Export(args) => supply::export(&args),
        Command::Explain(args) => explain::run(&args),
        Command::Completions(args) => manual::completions(&args, Cli::command()),
        Command::Man => manual::man_page(Cli::command()),
    };
    std::process::exit(code);
}
