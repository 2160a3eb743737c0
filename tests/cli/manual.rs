//! Shell completions and the manual page, generated from the command line's definition.

use std::process::Command;

use crate::ward;

const SUBCOMMANDS: [&str; 6] = ["check", "report", "lsp", "explain", "completions", "man"];

fn stdout_of(args: &[&str]) -> String {
    let output = ward().args(args).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{args:?}: {output:?}");
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn every_shell_gets_completions_naming_every_command_and_flag() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = stdout_of(&["completions", shell]);
        // Flags without their dashes: fish spells them `-l format`.
        for word in SUBCOMMANDS.iter().chain(&["format", "gate", "deny"]) {
            assert!(script.contains(word), "{shell}: no `{word}`");
        }
    }
}

#[test]
fn the_bash_completions_are_valid_bash() {
    let script = stdout_of(&["completions", "bash"]);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ward.bash");
    std::fs::write(&path, script).unwrap();
    let status = Command::new("bash").arg("-n").arg(&path).status().unwrap();
    assert!(status.success());
}

#[test]
fn the_man_page_lists_every_command_and_renders() {
    let page = stdout_of(&["man"]);
    assert!(page.contains(".TH ward 1"), "{page}");
    for command in SUBCOMMANDS {
        assert!(page.contains(command), "no `{command}`");
    }
    // groff, where the machine has it, renders the page without a warning (`-k`: the page
    // is UTF-8, as `man` reads it).
    let Ok(mut groff) = Command::new("groff")
        .args(["-k", "-man", "-Tutf8", "-ww", "-z"])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
    else {
        eprintln!("groff is not installed: rendering not checked");
        return;
    };
    use std::io::Write;
    groff
        .stdin
        .take()
        .unwrap()
        .write_all(page.as_bytes())
        .unwrap();
    let output = groff.wait_with_output().unwrap();
    assert!(output.status.success());
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
