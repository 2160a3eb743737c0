//! `cargo bench -p ward --bench check`: cold `ward check` wall time and peak memory on
//! synthetic workspaces written by `ward-gen`.
//!
//! For each size (default 1k, 10k and 100k items; `WARD_BENCH_SIZES=1000,50000` to
//! choose) it generates a workspace in a temporary folder (`WARD_BENCH_CLEAN=1`: without
//! the planted findings), runs `ward check <dir> --format json` as a fresh process a few times (`WARD_BENCH_RUNS`, default 5) and prints the
//! median wall time (with the fastest and slowest run, and the median run's CPU time, user
//! plus system) and the highest peak resident memory of the runs, read with `wait4` from
//! each child's own resource usage. "Cold" is a new process every run with no
//! cache of any kind; the files themselves are in the page cache after the first run.
//! The target is 100k items (about 1,000 files, 20 MB) in 0.5 s and 300 MB.
//!
//! Then the human output of many findings in one file (`WARD_BENCH_HUMAN`, default 40k
//! untargeted assets, each a warning with its source snippet), which must stay linear in
//! the number of findings.
//!
//! `WARD_BENCH_BASELINE=/path/to/old/ward` also runs that binary on the same workspaces,
//! its runs interleaved with the new one's so that both see the same machine, and prints
//! the ratios new / old of the median wall time and of the peak memory.
//!
//! `WARD_BENCH_STAMP=1`: the new binary checks a copy of each workspace in which every
//! verification's links are stamped (by its own `ward stamp`); an old binary, which knows
//! no stamps, checks the workspace as generated.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const WARD: &str = env!("CARGO_BIN_EXE_ward");

/// One `ward check`: wall time, CPU time (user + system), peak resident memory in bytes,
/// exit code.
struct Measure {
    wall: Duration,
    cpu: Duration,
    rss: u64,
    code: i32,
}

fn timeval(tv: libc::timeval) -> Duration {
    Duration::from_secs(tv.tv_sec as u64) + Duration::from_micros(tv.tv_usec as u64)
}

fn run_check(ward: &Path, dir: &Path, format: &str) -> Measure {
    let start = Instant::now();
    let child = Command::new(ward)
        .arg("check")
        .arg(dir)
        .args(["--format", format])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("ward starts");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero `rusage` is a valid value of this plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own child, not yet waited for; the pointers are valid.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let elapsed = start.elapsed();
    assert_eq!(
        waited,
        pid,
        "wait4 failed: {}",
        std::io::Error::last_os_error()
    );
    // The child is reaped: dropping `Child` does not wait for it again.
    drop(child);
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    Measure {
        wall: elapsed,
        cpu: timeval(usage.ru_utime) + timeval(usage.ru_stime),
        // Linux reports ru_maxrss in kilobytes.
        rss: usage.ru_maxrss as u64 * 1024,
        code,
    }
}

fn generate(items: usize, dir: &Path, clean: bool) -> String {
    let options = ward_test_support::Options {
        clean,
        ..ward_test_support::Options::new(items)
    };
    ward_test_support::write_workspace(&options, dir).expect("the generator writes")
}

fn env_list(name: &str, default: &[usize]) -> Vec<usize> {
    match std::env::var(name) {
        Ok(value) => value
            .split(',')
            .map(|part| part.trim().parse().expect("a list of numbers"))
            .collect(),
        Err(_) => default.to_vec(),
    }
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` (or `--all-targets`) runs this
    // without it, with unoptimised binaries: a quick smoke run is enough then.
    let smoke = !std::env::args().any(|arg| arg == "--bench");
    let sizes = if smoke {
        vec![1_000]
    } else {
        env_list("WARD_BENCH_SIZES", &[1_000, 10_000, 100_000])
    };
    let runs = if smoke {
        1
    } else {
        env_list("WARD_BENCH_RUNS", &[5])[0].max(1)
    };
    // `WARD_BENCH_CLEAN=1`: workspaces without the planted findings.
    let clean = std::env::var_os("WARD_BENCH_CLEAN").is_some();
    let cpus = std::thread::available_parallelism().map_or(1, usize::from);
    println!(
        "ward check, cold process, {runs} runs per size, {cpus} CPUs available{}",
        if clean { ", clean workspaces" } else { "" }
    );
    println!(
        "{:>8} {:>6} {:>7} {:>10} {:>10} {:>10} {:>10} {:>9}",
        "items", "files", "MB", "median", "min", "max", "CPU", "peak RSS"
    );
    for items in sizes {
        let temp = tempfile::tempdir().expect("a temporary folder");
        let dir = temp.path().join("workspace");
        let summary = generate(items, &dir, clean);
        let files = summary_field(&summary, "files");
        let bytes = summary_field(&summary, "bytes");
        // One warm-up run puts the files in the page cache and checks the exit code: the
        // generated workspace has errors on purpose.
        let expected = if clean { 0 } else { 1 };
        // `WARD_BENCH_STAMP=1`: the new binary checks a copy with every verification's
        // links stamped; the old one, which knows no stamps, the workspace without.
        let new_dir = if std::env::var_os("WARD_BENCH_STAMP").is_some() {
            let stamped = temp.path().join("stamped");
            let count = ward_test_support::stamped_copy(Path::new(WARD), &dir, &stamped)
                .expect("ward stamp stamps the copy");
            println!("{items:>8} (new: {count} verifications stamped)");
            stamped
        } else {
            dir.clone()
        };
        let mut binaries = vec![("new", Path::new(WARD).to_path_buf(), new_dir)];
        if let Some(baseline) = std::env::var_os("WARD_BENCH_BASELINE") {
            binaries.push(("old", baseline.into(), dir.clone()));
        }
        for (_, ward, dir) in &binaries {
            let warm_up = run_check(ward, dir, "json");
            assert_eq!(warm_up.code, expected, "ward check's exit code");
        }
        let mut measured: Vec<Vec<Measure>> = binaries.iter().map(|_| Vec::new()).collect();
        for _ in 0..runs {
            for (at, (_, ward, dir)) in binaries.iter().enumerate() {
                measured[at].push(run_check(ward, dir, "json"));
            }
        }
        let mut figures = Vec::new();
        for ((label, ..), mut runs) in binaries.iter().zip(measured) {
            runs.sort_by_key(|run| run.wall);
            let median = &runs[runs.len() / 2];
            let peak = runs.iter().map(|run| run.rss).max().unwrap_or(0);
            let tag = if binaries.len() > 1 { *label } else { "" };
            println!(
                "{items:>8} {files:>6} {:>7.1} {:>8.0}ms {:>8.0}ms {:>8.0}ms {:>8.0}ms {:>7.0}MB {tag}",
                bytes as f64 / 1e6,
                ms(median.wall),
                ms(runs[0].wall),
                ms(runs[runs.len() - 1].wall),
                ms(median.cpu),
                peak as f64 / (1024.0 * 1024.0)
            );
            figures.push((median.wall, peak));
        }
        if let [(new_wall, new_rss), (old_wall, old_rss)] = figures[..] {
            println!(
                "{items:>8} new/old: wall {:.3}, peak RSS {:.3}",
                new_wall.as_secs_f64() / old_wall.as_secs_f64(),
                new_rss as f64 / old_rss as f64
            );
        }
    }
    let findings = if smoke {
        1_000
    } else {
        env_list("WARD_BENCH_HUMAN", &[40_000])[0]
    };
    let mut binaries = vec![("new", Path::new(WARD).to_path_buf())];
    if let Some(baseline) = std::env::var_os("WARD_BENCH_BASELINE") {
        binaries.push(("old", baseline.into()));
    }
    // At most three runs: a quadratic binary takes half a minute at 40k.
    human_output(findings, &binaries, runs.min(3));
}

/// `ward check` in human format on one file of `findings` untargeted assets.
fn human_output(findings: usize, binaries: &[(&str, PathBuf)], runs: usize) {
    let temp = tempfile::tempdir().expect("a temporary folder");
    let text: String = (0..findings)
        .map(|at| format!("asset A-{at} \"Asset {at}\" {{ kind: data }}\n"))
        .collect();
    std::fs::write(temp.path().join("assets.ward"), text).expect("write the file");
    println!("\nward check, human output, {findings} warnings in one file");
    let mut medians = Vec::new();
    for (label, ward) in binaries {
        let mut walls: Vec<Duration> = (0..runs)
            .map(|_| {
                let run = run_check(ward, temp.path(), "human");
                assert_eq!(run.code, 0, "warnings only");
                run.wall
            })
            .collect();
        walls.sort();
        let median = walls[walls.len() / 2];
        println!("{label:>8} {:>8.0}ms", ms(median));
        medians.push(median);
    }
    if let [new, old] = medians[..] {
        println!("new/old: wall {:.3}", new.as_secs_f64() / old.as_secs_f64());
    }
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// A number from ward-gen's one-line JSON summary.
fn summary_field(summary: &str, name: &str) -> u64 {
    let key = format!("\"{name}\": ");
    let at = summary.find(&key).expect("the summary has the field") + key.len();
    summary[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .expect("a number")
}
