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
mod stamp;
mod supply;
mod today;
mod workspace;

use clap::{CommandFactory, Parser, Subcommand};

// The analysis allocates many small values from several threads at once; glibc's allocator
// spent a quarter of a cold `ward check` in malloc, free and arena growth.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay`, by its index in `mi_option_e` (the same in
/// mimalloc 2 and 3; `libmimalloc-sys` gives it no name). The test below checks that the
/// option at this index has the purge delay's default.
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;

// mimalloc's options, from the library the `mimalloc` crate links.
unsafe extern "C" {
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
    #[cfg(test)]
    fn mi_option_get(option: std::ffi::c_int) -> std::ffi::c_long;
}

/// Has the allocator give freed pages back to the system 10 ms after they are freed
/// instead of its default 1 s, unless `MIMALLOC_PURGE_DELAY` says otherwise. For the
/// language server, which lives long and frees in bursts: a burst of requests at 100k
/// items (completion, hover, references) held 50–70 MB of freed memory at once, which is
/// what took its peak over 400 MB in one run of five (10 ms: peaks of 342 and 355 MB
/// where 1 s gave 377–408 MB).
pub(crate) fn purge_freed_memory_soon() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
        return;
    }
    // SAFETY: setting an option is allowed at any time; mimalloc reads it when it purges.
    unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, 10) };
}

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
    /// Write the current fingerprints of the links' targets into the links of items.
    Stamp(stamp::StampArgs),
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
        Command::Stamp(args) => stamp::run(&args),
        Command::Lsp(args) => lsp::run(&args),
        Command::Import(args) => supply::import(&args),
        Command::Export(args) => supply::export(&args),
        Command::Explain(args) => explain::run(&args),
        Command::Completions(args) => manual::completions(&args, Cli::command()),
        Command::Man => manual::man_page(Cli::command()),
    };
    std::process::exit(code);
}

#[cfg(test)]
mod tests {
    use super::{MI_OPTION_PURGE_DELAY, mi_option_get, purge_freed_memory_soon};

    #[test]
    fn the_purge_delay_is_the_option_set_for_the_server() {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
            return;
        }
        // 1000 ms is mimalloc 3's default purge delay, and no other option's default.
        // SAFETY: reading an option is allowed at any time.
        assert_eq!(unsafe { mi_option_get(MI_OPTION_PURGE_DELAY) }, 1000);
        purge_freed_memory_soon();
        assert_eq!(unsafe { mi_option_get(MI_OPTION_PURGE_DELAY) }, 10);
    }
}
