//! `cargo bench -p ward --bench sbom`: `ward check` of a workspace declaring 10,000
//! components and 5,000 vulnerabilities, with and without its SBOM (one CycloneDX file
//! listing the 10,000 components and reporting the 5,000 vulnerabilities, as a scanner
//! writes it), measured side by side: the runs of the two alternate, each a fresh
//! process, and the bench prints both medians and their ratio. The target: with the SBOM
//! within 2× the time without.
//!
//! `WARD_BENCH_COMPONENTS` (default 10000) and `WARD_BENCH_RUNS` (default 7) choose the
//! size and the number of runs; every second component has a vulnerability.

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const WARD: &str = env!("CARGO_BIN_EXE_ward");

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|value| value.trim().parse().ok())
        .unwrap_or(default)
}

/// Writes the workspace (components and vulnerabilities, 100 to a file, all of them
/// triaged so that the check has no finding) and the SBOM.
fn write(dir: &Path, components: usize) -> std::path::PathBuf {
    std::fs::create_dir_all(dir.join("components")).unwrap();
    std::fs::create_dir_all(dir.join("vulnerabilities")).unwrap();
    std::fs::write(
        dir.join("assets.ward"),
        "asset A-FW \"Firmware\" { kind: component }\nthreat T-ANY \"Any flaw\" { targets: A-FW }\nrisk R-ANY \"Any flaw\" { threat: T-ANY exploitability: 1 severity: 1 }\n",
    )
    .unwrap();
    for file in 0..components.div_ceil(100) {
        let mut text = String::new();
        for at in file * 100..((file + 1) * 100).min(components) {
            let _ = writeln!(
                text,
                "component lib{at} \"lib{at}\" {{\n  version: \"1.{at}.0\"\n  purl: \"pkg:cargo/lib{at}@1.{at}.0\"\n  part-of: A-FW\n}}"
            );
        }
        std::fs::write(dir.join(format!("components/c{file:03}.ward")), text).unwrap();
    }
    let vulnerabilities: Vec<usize> = (0..components).step_by(2).collect();
    for (file, chunk) in vulnerabilities.chunks(100).enumerate() {
        let mut text = String::new();
        for &at in chunk {
            let _ = writeln!(
                text,
                "vulnerability CVE-2026-{at:05} \"Flaw in lib{at}\" {{\n  affects: lib{at}\n  status: not-affected\n  justification: vulnerable-code-not-in-execute-path\n}}"
            );
        }
        std::fs::write(dir.join(format!("vulnerabilities/v{file:03}.ward")), text).unwrap();
    }
    let mut sbom = String::from(
        "{\n  \"bomFormat\": \"CycloneDX\",\n  \"specVersion\": \"1.6\",\n  \"version\": 1,\n  \"components\": [\n",
    );
    for at in 0..components {
        let comma = if at + 1 < components { "," } else { "" };
        let _ = writeln!(
            sbom,
            "    {{\"bom-ref\": \"pkg:cargo/lib{at}@1.{at}.0\", \"type\": \"library\", \"name\": \"lib{at}\", \"version\": \"1.{at}.0\", \"purl\": \"pkg:cargo/lib{at}@1.{at}.0\"}}{comma}"
        );
    }
    sbom.push_str("  ],\n  \"vulnerabilities\": [\n");
    for (n, &at) in vulnerabilities.iter().enumerate() {
        let comma = if n + 1 < vulnerabilities.len() {
            ","
        } else {
            ""
        };
        let _ = writeln!(
            sbom,
            "    {{\"id\": \"CVE-2026-{at:05}\", \"source\": {{\"name\": \"nvd\"}}, \"affects\": [{{\"ref\": \"pkg:cargo/lib{at}@1.{at}.0\"}}]}}{comma}"
        );
    }
    sbom.push_str("  ]\n}\n");
    let path = dir.join("sbom.cdx.json");
    std::fs::write(&path, sbom).unwrap();
    path
}

fn run(dir: &Path, extra: &[&Path]) -> Duration {
    let start = Instant::now();
    let status = Command::new(WARD)
        .arg("check")
        .arg(dir)
        .arg("--format")
        .arg("json")
        .args(if extra.is_empty() {
            &[][..]
        } else {
            &["--sbom"][..]
        })
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("ward runs");
    let elapsed = start.elapsed();
    assert_eq!(status.code(), Some(0), "the workspace checks clean");
    elapsed
}

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn main() {
    let smoke = !std::env::args().any(|arg| arg == "--bench");
    let components = if smoke {
        200
    } else {
        env_number("WARD_BENCH_COMPONENTS", 10_000)
    };
    let runs = if smoke {
        1
    } else {
        env_number("WARD_BENCH_RUNS", 7).max(1)
    };
    let temp = tempfile::tempdir().expect("a temporary folder");
    let dir = temp.path().join("workspace");
    // The SBOM lies outside the workspace folder, so that the run without it reads none.
    let sbom = write(&dir, components);
    let outside = temp.path().join("sbom.cdx.json");
    std::fs::rename(&sbom, &outside).unwrap();
    let bytes = std::fs::metadata(&outside).unwrap().len();
    // Warm-up: both in the page cache, both clean.
    run(&dir, &[]);
    run(&dir, &[&outside]);
    let mut without = Vec::new();
    let mut with = Vec::new();
    for _ in 0..runs {
        without.push(run(&dir, &[]));
        with.push(run(&dir, &[&outside]));
    }
    let (without, with) = (median(without), median(with));
    println!(
        "ward check, {components} components and {} vulnerabilities declared, SBOM of {:.1} MB, {runs} runs each, alternating",
        components.div_ceil(2),
        bytes as f64 / 1e6
    );
    println!(
        "without the SBOM {:>8.0} ms (median)",
        without.as_secs_f64() * 1000.0
    );
    println!(
        "with the SBOM    {:>8.0} ms (median)",
        with.as_secs_f64() * 1000.0
    );
    println!(
        "ratio            {:>8.2} (target: at most 2)",
        with.as_secs_f64() / without.as_secs_f64()
    );
}
