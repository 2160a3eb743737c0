//! `cargo bench -p ward --bench report`: cold `ward report` wall time and peak memory on
//! synthetic workspaces written by `ward-gen`, for each format.
//!
//! For each size (default 1k, 10k and 100k items; `WARD_BENCH_SIZES=1000,50000` to choose)
//! it generates a workspace in a temporary folder, runs `ward report <dir> --format <f> -o
//! <file>` as a fresh process for html, json, markdown and csv, a few times each
//! (`WARD_BENCH_RUNS`, default 3, after a warm-up run), and prints the median wall time and
//! the largest peak resident memory per format. The target is 100k items in 2 s and
//! 500 MB; a figure over it is marked `over`.
//!
//! `WARD_BENCH_OLD=<path to an older ward>` runs that binary too, each run beside a run of
//! this one, and prints its figures and the ratios new/old: the machines are noisy, and a
//! ratio of runs made side by side says more than either figure.
//!
//! Each run's peak comes from `wait4`, the resident memory of that one process.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const WARD: &str = env!("CARGO_BIN_EXE_ward");
const FORMATS: [&str; 4] = ["html", "json", "markdown", "csv"];
/// The targets of issue 16 at 100k items.
const TARGET_WALL: Duration = Duration::from_secs(2);
const TARGET_RSS: u64 = 500 * 1024 * 1024;

/// What one `ward report` took.
#[derive(Clone, Copy, Default)]
struct Run {
    wall: Duration,
    peak_rss: u64,
    bytes: u64,
}

/// One `ward report` by `ward` (a binary's path).
#[allow(
    clippy::zombie_processes,
    reason = "the child is waited for by wait4, which also gives its own peak memory"
)]
fn run_report(ward: &str, dir: &Path, format: &str, out: &Path) -> Run {
    let start = Instant::now();
    let child = Command::new(ward)
        .arg("report")
        .arg(dir)
        .args(["--format", format, "-o"])
        .arg(out)
        .env("SOURCE_DATE_EPOCH", "1793525400")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("ward starts");
    let (code, peak_rss) = wait_with_peak(child.id());
    let wall = start.elapsed();
    // The generated workspace has errors on purpose: exit 1, the report written.
    assert!(
        matches!(code, 0 | 1),
        "{ward} report --format {format} failed: exit {code}"
    );
    let bytes = if out.is_dir() {
        std::fs::read_dir(out)
            .expect("the tables")
            .map(|entry| entry.expect("an entry").metadata().expect("its size").len())
            .sum()
    } else {
        std::fs::metadata(out).expect("the report").len()
    };
    Run {
        wall,
        peak_rss,
        bytes,
    }
}

/// Waits for the child `pid`; its exit code and its own peak resident memory in bytes.
fn wait_with_peak(pid: u32) -> (i32, u64) {
    let mut status = 0;
    // SAFETY: an all-zero `rusage` is a valid value of this plain C struct, and both
    // pointers are valid for the call; `pid` is a child of this process not yet waited for.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid as libc::pid_t, &mut status, 0, &mut usage) };
    assert_eq!(
        waited,
        pid as libc::pid_t,
        "wait4: {}",
        std::io::Error::last_os_error()
    );
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    // Linux reports ru_maxrss in kilobytes.
    (code, usage.ru_maxrss as u64 * 1024)
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

/// The median wall time and the largest peak of some runs.
fn summary(runs: &[Run]) -> Run {
    let mut walls: Vec<Duration> = runs.iter().map(|run| run.wall).collect();
    walls.sort();
    Run {
        wall: walls[walls.len() / 2],
        peak_rss: runs.iter().map(|run| run.peak_rss).max().unwrap_or(0),
        bytes: runs.last().map_or(0, |run| run.bytes),
    }
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn main() {
    // `cargo test --benches` runs this without `--bench`, unoptimised: a smoke run then.
    let smoke = !std::env::args().any(|arg| arg == "--bench");
    let runs: usize = match std::env::var("WARD_BENCH_RUNS") {
        Ok(value) if !smoke => value.parse().expect("a number"),
        _ if smoke => 1,
        _ => 3,
    };
    let old = std::env::var("WARD_BENCH_OLD").ok().filter(|_| !smoke);
    let cpus = std::thread::available_parallelism().map_or(1, usize::from);
    println!(
        "ward report, cold process, median wall and largest peak RSS of {runs} runs per format, \
         {cpus} CPUs available{}",
        old.as_deref()
            .map(|old| format!("; old: {old}"))
            .unwrap_or_default()
    );
    println!(
        "{:>8} {:<8} {:>9} {:>9} {:>9} {:>9} {:>8}",
        "items", "binary", "format", "wall", "peak RSS", "output", ""
    );
    for items in sizes(smoke) {
        let temp = tempfile::tempdir().expect("a temporary folder");
        let dir = temp.path().join("workspace");
        ward_test_support::write_workspace(&ward_test_support::Options::new(items), &dir)
            .expect("the generator writes");
        for format in FORMATS {
            let out = temp.path().join(format!("report.{format}"));
            // A warm-up run puts the files in the page cache.
            run_report(WARD, &dir, format, &out);
            let mut new_runs = Vec::new();
            let mut old_runs = Vec::new();
            for _ in 0..runs {
                new_runs.push(run_report(WARD, &dir, format, &out));
                if let Some(old) = &old {
                    old_runs.push(run_report(old, &dir, format, &out));
                }
            }
            let new = summary(&new_runs);
            let over = |run: &Run| {
                let mut marks = String::new();
                if items >= 100_000 && run.wall > TARGET_WALL {
                    marks.push_str(" over(time)");
                }
                if items >= 100_000 && run.peak_rss > TARGET_RSS {
                    marks.push_str(" over(memory)");
                }
                marks
            };
            let line = |binary: &str, run: &Run, marks: String| {
                println!(
                    "{items:>8} {binary:<8} {format:>9} {:>7.0}ms {:>7.0}MB {:>7.1}MB{marks}",
                    run.wall.as_secs_f64() * 1000.0,
                    mb(run.peak_rss),
                    mb(run.bytes),
                );
            };
            line("new", &new, over(&new));
            if !old_runs.is_empty() {
                let old = summary(&old_runs);
                line("old", &old, String::new());
                println!(
                    "{items:>8} {:<8} {format:>9} {:>8.2}× {:>8.2}×",
                    "new/old",
                    new.wall.as_secs_f64() / old.wall.as_secs_f64(),
                    new.peak_rss as f64 / old.peak_rss as f64,
                );
            }
        }
    }
}
