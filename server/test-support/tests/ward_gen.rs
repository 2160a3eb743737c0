//! The `ward-gen` command line: a summary as its last line, exit code 2 and a message on a
//! folder that is not empty, the same bytes for the same arguments.

use std::process::Command;

fn ward_gen(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_ward-gen"))
        .args(args)
        .output()
        .expect("ward-gen runs")
}

#[test]
fn it_prints_a_summary_and_refuses_a_folder_that_is_not_empty() {
    let temp = tempfile::tempdir().unwrap();
    let out = temp.path().join("w");
    let out = out.to_str().unwrap();
    let first = ward_gen(&["--items", "50", "--out", out]);
    assert!(first.status.success());
    let stdout = String::from_utf8(first.stdout).unwrap();
    let summary = stdout.lines().last().unwrap();
    assert!(
        summary.starts_with("{\"items\": 50, \"files\": "),
        "{summary}"
    );
    let again = ward_gen(&["--items", "50", "--out", out]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("is not empty"));
    // Bad arguments are exit 2 as well.
    let bad = ward_gen(&["--items", "many", "--out", out]);
    assert_eq!(bad.status.code(), Some(2));
}
