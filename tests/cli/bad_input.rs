//! Hostile input: huge files and deep nesting give diagnostics (or a clean exit 2), never a
//! panic, a crash or a hang.
//!
//! Each run has a deadline generous enough for the unoptimised test binary on a slow
//! machine; a run past it is killed and fails the test. The `#[ignore]`d tests are known
//! quadratic cases, kept here so that a fix can turn them on (`cargo test -- --ignored`).

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The result of one run: exit code (None: killed by a signal), stdout, stderr, time.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    elapsed: Duration,
}

/// Runs `ward check <dir> --format json` with a deadline; output goes to files so that a
/// large output cannot block the child on a full pipe.
fn run_with_deadline(dir: &Path, deadline: Duration) -> Run {
    let out_dir = tempfile::tempdir().expect("a temporary folder");
    let out_path = out_dir.path().join("stdout");
    let err_path = out_dir.path().join("stderr");
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_ward"))
        .arg("check")
        .arg(dir)
        .args(["--format", "json"])
        .env("NO_COLOR", "1")
        .stdout(Stdio::from(std::fs::File::create(&out_path).unwrap()))
        .stderr(Stdio::from(std::fs::File::create(&err_path).unwrap()))
        .spawn()
        .expect("ward starts");
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "ward check {} did not finish within {deadline:?}",
                dir.display()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Run {
        code: status.code(),
        stdout: std::fs::read_to_string(&out_path).unwrap_or_default(),
        stderr: std::fs::read_to_string(&err_path).unwrap_or_default(),
        elapsed: start.elapsed(),
    }
}

/// Writes `text` as the one file of a workspace, runs it, and checks the run was clean:
/// exit 0 or 1, JSON on stdout, no panic. Returns the parsed output.
fn survive(name: &str, text: &[u8], deadline: Duration) -> serde_json::Value {
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(dir.path().join(format!("{name}.ward")), text).expect("write");
    let run = run_with_deadline(dir.path(), deadline);
    println!(
        "{name}: {} bytes in {:?}, exit {:?}",
        text.len(),
        run.elapsed,
        run.code
    );
    assert!(
        !run.stderr.contains("panicked"),
        "{name}: ward panicked: {}",
        run.stderr
    );
    assert!(
        matches!(run.code, Some(0 | 1)),
        "{name}: exit {:?} (None is a signal: a crash); stderr: {}",
        run.code,
        run.stderr
    );
    serde_json::from_str(&run.stdout).unwrap_or_else(|error| panic!("{name}: no JSON: {error}"))
}

const DEADLINE: Duration = Duration::from_secs(120);

fn codes(json: &serde_json::Value) -> std::collections::BTreeSet<String> {
    json["diagnostics"]
        .as_array()
        .expect("an array")
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_owned())
        .collect()
}

/// A deterministic stream of pseudo-random numbers.
fn lcg(seed: &mut u64) -> u64 {
    *seed = seed
        .wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1_442_695_040_888_963_407);
    *seed >> 33
}

#[test]
fn ten_megabytes_of_items_in_one_file() {
    let mut text = String::with_capacity(10_500_000);
    let mut n = 0;
    while text.len() < 10_000_000 {
        text.push_str(&format!(
            "asset A-{n} \"Pompe à insuline 💉 {n}\" {{ kind: data }}\nthreat T-{n} {{ targets: A-{n} }}\nrisk R-{n} {{ threat: T-{n} exploitability: 1 severity: 1 }}\n"
        ));
        n += 1;
    }
    // One mistake at the very end.
    text.push_str("threat T-LAST { targets: A-NONE }\n");
    let json = survive("items", text.as_bytes(), DEADLINE);
    assert_eq!(json["summary"]["items"], 3 * n + 1);
    assert_eq!(
        codes(&json),
        ["unassessed-threat", "unresolved-reference"]
            .map(str::to_owned)
            .into()
    );
}

#[test]
fn ten_megabytes_of_junk() {
    let alphabet = b"{}()[]:,\"\\ \n\tasset risk gate residual plan 12 -x\xc3\xa9";
    let mut seed = 7;
    let mut text = Vec::with_capacity(10_000_000);
    while text.len() < 10_000_000 {
        let byte = alphabet[(lcg(&mut seed) % (alphabet.len() as u64 - 2)) as usize];
        text.push(byte);
        if lcg(&mut seed).is_multiple_of(1000) {
            text.extend_from_slice("é".as_bytes());
        }
    }
    let json = survive("junk", &text, DEADLINE);
    assert!(codes(&json).contains("syntax-error"));
}

#[test]
fn a_ten_megabyte_line() {
    let text = format!(
        "asset A \"{}\" {{ kind: data description: \"{}\" }}\n",
        "💉".repeat(1000),
        "x".repeat(10_000_000)
    );
    let json = survive("line", text.as_bytes(), DEADLINE);
    assert_eq!(codes(&json), ["untargeted-asset".to_owned()].into());
}

#[test]
fn control_characters_and_nul_bytes() {
    let mut text = b"asset A { kind: data }\n".to_vec();
    text.extend((0u8..32).cycle().take(100_000));
    text.extend_from_slice(b"\nthreat T { targets: A }\n");
    let json = survive("control", &text, DEADLINE);
    assert!(codes(&json).contains("syntax-error"));
}

#[test]
fn deeply_nested_junk() {
    let depth = 100_000;
    let cases: Vec<(&str, String)> = vec![
        ("braces", "{".repeat(depth)),
        ("balanced", "{".repeat(depth) + &"}".repeat(depth)),
        ("parens", "(".repeat(depth) + &"[".repeat(depth)),
        (
            "residuals",
            format!("risk R {{ {}", "residual { ".repeat(depth)),
        ),
        ("gates", format!("plan {{ {}", "gate a { ".repeat(depth))),
        (
            "text-block",
            format!("asset A {{ description: \"\"\"{}", "{".repeat(depth)),
        ),
        (
            "string",
            format!("asset A {{ description: \"{}", "\\".repeat(depth)),
        ),
        ("comments", "// {\n".repeat(depth)),
    ];
    for (name, text) in cases {
        let json = survive(name, text.as_bytes(), DEADLINE);
        if name != "comments" {
            assert!(
                codes(&json).contains("syntax-error"),
                "{name}: {:?}",
                codes(&json)
            );
        }
    }
}

#[test]
fn empty_and_whitespace_only_files() {
    for (name, text) in [
        ("empty", ""),
        ("blank", "\n\n\r\n  \t\n"),
        ("bom", "\u{feff}"),
        ("comment", "// nothing here"),
    ] {
        let json = survive(name, text.as_bytes(), DEADLINE);
        assert_eq!(json["summary"]["items"], 0, "{name}");
        assert_eq!(json["diagnostics"], serde_json::json!([]), "{name}");
    }
}

#[test]
fn a_hundred_thousand_fields_in_one_item() {
    // Every field but the first is a `duplicate-field`: 100k diagnostics, one per line.
    let text = format!(
        "asset A {{\n{}}}\n",
        "  description: \"x\"\n".repeat(100_000)
    );
    let json = survive("fields", text.as_bytes(), DEADLINE);
    assert_eq!(json["summary"]["errors"], 99_999);
}

/// Once quadratic (each column was counted from the start of its line); positions are now
/// a subtraction, and the release binary takes about 5 s. The unoptimised test binary still
/// needs more than the deadline for a million diagnostics, hence `--ignored`.
#[test]
#[ignore = "a million diagnostics: about 5 s in release, over 30 s in the test profile"]
fn a_million_unresolved_links_on_one_line() {
    let text = format!(
        "asset A {{ kind: data }}\nthreat T {{ targets: {} }}\n",
        vec!["B"; 1_000_000].join(", ")
    );
    survive("links", text.as_bytes(), Duration::from_secs(30));
}

/// Once quadratic (each phase compared with every earlier one, in the plan and in its
/// duplicate check; 50 s), now sets: well under a second.
#[test]
fn a_hundred_thousand_phases() {
    let phases: Vec<String> = (0..100_000).map(|i| format!("p{i}")).collect();
    let text = format!("plan {{ phases: {} }}\n", phases.join(",\n  "));
    survive("phases", text.as_bytes(), Duration::from_secs(10));
}
