//! `ward completions SHELL` and `ward man`: shell completions and the manual page, made from
//! the command line's own definition so that they can never describe other flags.

use std::io::Write;

use clap::Args;
use clap_complete::Shell;

#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    pub shell: Shell,
}

/// Prints the completion script of `shell` for `command`.
pub fn completions(args: &CompletionsArgs, mut command: clap::Command) -> i32 {
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut command, "ward", &mut out);
    write_out(&out)
}

/// Prints the manual page of `command`, in roff, for `man -l -` or `/usr/share/man/man1`.
pub fn man_page(command: clap::Command) -> i32 {
    let mut out = Vec::new();
    if clap_mangen::Man::new(command).render(&mut out).is_err() {
        return 2;
    }
    write_out(&out)
}

fn write_out(bytes: &[u8]) -> i32 {
    match std::io::stdout().write_all(bytes) {
        Ok(()) => 0,
        Err(_) => 2,
    }
}
