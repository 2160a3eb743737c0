//! `cargo bench -p ward --bench report`: cold `ward report` wall time and peak memory on
//! synthetic workspaces written by `ward-gen`, for each format.
//!
//! For each size (default 1k, 10k and 100k items; `WARD_BENCH_SIZES=1000,50000` to choose)
//! it generates a workspace in a temporary folder, runs `ward report <dir> --format <f> -o
//! <file>` as a fresh process for html, json, markdown and csv, a few times each
//! (`WARD_BENCH_RUNS`, default 3), and prints the median wall time per format and the peak
//! resident memory of the size's runs. The target is 100k items in 2 s and 500 MB; a figure
//! over it is marked `over`.
//!
//! The peak comes from `getrusage(RUSAGE_CHILDREN)`, the largest peak of any child waited
//! for so far: the sizes grow, so each size's figure is its own runs' peak.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const WARD: &str = env!("CARGO_BIN_EXE_ward");
const FORMATS: [&str; 4] = ["html", "json", "markdown", "csv"];
/// The targets of issue 16 at 100k items.
const TARGET_WALL: Duration = Duration::from_secs(2);
const TARGET_RSS: u64 = 500 * 1024 * 1024;

/// One `ward report`: its wall time and the size of what it wrote.
fn run_report(dir: &Path, format: &str, out: &Path) -> (Duration, u64) {
    let start = Instant::now();
    let status = Command::new(WARD)
        .arg("report")
        .arg(dir)
        .args(["--format", format, "-o"])
        .arg(out)
        .env("SOURCE_DATE_EPOCH", "1793525400")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("ward starts");
    let wall = start.elapsed();
    // The generated workspace has errors on purpose: exit 1, the report written.
    assert!(
        matches!(status.code(), Some(0 | 1)),
        "ward report --format {format} failed: {status}"
    );
    let bytes = if out.is_dir() {
        std::fs::read_dir(out)
            .expect("the tables")
            .map(|entry| entry.expect("an entry").metadata().expect("its size").len())
            .sum()
    } else {
        std::fs::metadata(out).expect("the report").len()
    };
    (wall, bytes)
}

/// The largest peak resident memory of the children waited for so far, in bytes.
fn children_peak_rss() -> u64 {
    // SAFETY: an all-zero `rusage` is a valid value of this plain C struct, and the pointer
    // is valid for the call.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let done = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    assert_eq!(done, 0, "getrusage: {}", std::io::Error::last_os_error());
    // Linux reports ru_maxrss in kilobytes.
    usage.ru_maxrss as u64 * 1024
}

fn sizes(smoke: bool) -> Vec<usize> {
    if smoke {
        return vec![1_000];
    }
    match std::env::var("WARD_BENCH_SIZES") {
        Ok(value) => value
            .split(',')
            .map(|part| part.trim().parse().expect("a list of numbers"))
            .collect(),
        Err(_) => vec![1_000, 10_000, 100_000],
    }
}

fn main() {
    // `cargo test --benches` runs this without `--bench`, unoptimised: a smoke run then.
    let smoke = !std::env::args().any(|arg| arg == "--bench");
    let runs: usize = match std::env::var("WARD_BENCH_RUNS") {
        Ok(value) if !smoke => value.parse().expect("a number"),
        _ if smoke => 1,
        _ => 3,
    };
    let cpus = std::thread::available_parallelism().map_or(1, usize::from);
    println!("ward report, cold process, median of {runs} runs per format, {cpus} CPUs available");
    println!(
        "{:>8} {:>9} {:>9} {:>9} {:>9} {:>10} {:>9}",
        "items", "html", "json", "markdown", "csv", "HTML MB", "peak RSS"
    );
    for items in sizes(smoke) {
        let temp = tempfile::tempdir().expect("a temporary folder");
        let dir = temp.path().join("workspace");
        ward_test_support::write_workspace(&ward_test_support::Options::new(items), &dir)
            .expect("the generator writes");
        let mut medians = Vec::new();
        let mut html_bytes = 0;
        for format in FORMATS {
            let out = temp.path().join(format!("report.{format}"));
            // A warm-up run puts the files in the page cache.
            run_report(&dir, format, &out);
            let mut walls: Vec<Duration> = (0..runs)
                .map(|_| {
                    let (wall, bytes) = run_report(&dir, format, &out);
                    if format == "html" {
                        html_bytes = bytes;
                    }
                    wall
                })
                .collect();
            walls.sort();
            medians.push(walls[walls.len() / 2]);
        }
        let peak = children_peak_rss();
        let mark = |over: bool| if over { " over" } else { "" };
        let cells: Vec<String> = medians
            .iter()
            .map(|wall| format!("{:>7.0}ms", wall.as_secs_f64() * 1000.0))
            .collect();
        let slowest = medians.iter().max().copied().unwrap_or_default();
        println!(
            "{items:>8} {} {:>10.1} {:>7.0}MB{}{}",
            cells.join(" "),
            html_bytes as f64 / 1e6,
            peak as f64 / (1024.0 * 1024.0),
            mark(items >= 100_000 && slowest > TARGET_WALL),
            mark(items >= 100_000 && peak > TARGET_RSS),
        );
    }
}
