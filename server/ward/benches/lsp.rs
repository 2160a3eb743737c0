//! `cargo bench -p ward --bench lsp`: the language server's latencies and peak memory on
//! synthetic workspaces written by `ward-gen`, driven over stdio as an editor drives it
//! (the test client of `tests/lsp`, with VS Code's capabilities: UTF-16 positions; diagnostics
//! pushed, `"pullDiagnostics": false`, as older binaries push them).
//!
//! For each size (default 10k and 100k items; `WARD_BENCH_SIZES=1000,50000` to choose):
//!
//! - initialize, `initialized` and `didOpen` of one file → that file's first diagnostics,
//!   and → diagnostics of every file;
//! - a keystroke (`didChange` of one character) → its `publishDiagnostics`, typing into a
//!   description and, separately, into a link (which changes what the link names, so other
//!   files are re-checked), each keystroke waited for (`WARD_BENCH_KEYSTROKES`, default 200);
//! - definition, references, hover and completion latencies (`WARD_BENCH_REQUESTS` of
//!   each, default as many as keystrokes);
//! - the server's peak resident memory (`VmHWM` of `/proc/<pid>/status`).
//!
//! With `WARD_LOG=debug`, the server's log up to the first diagnostics is printed too.
//! `WARD_BENCH_GOVERNANCE=0`: a workspace without `ward-gen`'s waivers and approvals (and
//! a plan that does not require `gates-approved`), which a binary built before them reads.
//!
//! `WARD_BENCH_STAMP=1`: the new binary serves a copy of the workspace in which every
//! verification's links are stamped (by its own `ward stamp`), the old one the workspace as
//! generated.
//!
//! `WARD_BENCH_BASELINE=/path/to/old/ward` measures that binary too, on the same workspace,
//! new and old in turn, each table labelled, so that both are compared on the same machine
//! (`WARD_BENCH_OLD_FIRST=1` runs the old one first; `WARD_BENCH_BINARY` measures another
//! binary as the new one).
//!
//! For instruction counts under callgrind (docs/performance.md, "Instructions per
//! keystroke"), two switches make each phase's count independent of how fast the server
//! runs:
//!
//! - `WARD_BENCH_MARKS=1`: before the description keystrokes, between them and the link
//!   keystrokes, and after those, the bench waits until the server is idle and sends one
//!   hover, so that `valgrind --tool=callgrind --dump-before='*Analysis>::hover'` writes
//!   the start-up, each typing phase and the rest into files of their own;
//! - `WARD_BENCH_IDLE_MS=N`: after each keystroke's diagnostics, the bench waits until the
//!   server has used no CPU for N ms, so that the re-check of the rest of the workspace,
//!   which a pause of 100 ms in typing starts, has run to its end after every keystroke
//!   (under valgrind a keystroke takes longer than that pause, and whether the re-check
//!   ran, or was cancelled half-way, would otherwise depend on timing).
//!
//! Targets at 100k items: keystroke → diagnostics p50 ≤ 5 ms and p99 ≤ 20 ms; definition
//! and hover p99 ≤ 5 ms; first diagnostics ≤ 300 ms; memory ≤ 400 MB.

#[path = "../../../tests/lsp/harness.rs"]
#[allow(dead_code)]
mod harness;
// The harness can start a server unable to read locked folders; the benchmark never does.
#[path = "../../../tests/support/unreadable.rs"]
mod unreadable;

use std::path::Path;
use std::time::{Duration, Instant};

use harness::{Client, Editor, Enc, range};
use serde_json::json;

/// `WARD_BENCH_GOVERNANCE=0`: without the waivers and approvals, for a baseline built
/// before them.
fn generate(items: usize, dir: &Path) {
    let options = ward_test_support::Options {
        governance: std::env::var_os("WARD_BENCH_GOVERNANCE").is_none_or(|value| value != "0"),
        ..ward_test_support::Options::new(items)
    };
    ward_test_support::write_workspace(&options, dir).expect("the generator writes");
}

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
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

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// The p50 and p99 of some durations, in milliseconds.
fn percentiles(samples: &mut [Duration]) -> (f64, f64) {
    // None taken (`WARD_BENCH_KEYSTROKES=0`, as for instruction counts): no figure.
    if samples.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    samples.sort();
    let at = |p: f64| {
        let index = ((samples.len() as f64 - 1.0) * p).round() as usize;
        ms(samples[index])
    };
    (at(0.50), at(0.99))
}

/// The peak resident memory of a process, in MB.
fn peak_rss_mb(pid: u32) -> f64 {
    memory_mb(pid, "VmHWM:")
}

/// The CPU time (user + system) the process has used, from `/proc/<pid>/stat`.
fn cpu_time(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    let ticks = |at: usize| {
        fields
            .get(at)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name; the
    // kernel counts them in clock ticks of 100 Hz on Linux.
    Duration::from_millis((ticks(11) + ticks(12)) * 10)
}

/// A memory figure of `/proc/<pid>/status` (`VmHWM:` peak, `VmRSS:` now), in MB.
fn memory_mb(pid: u32, field: &str) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// Waits until the server has used no CPU time for `quiet` (its work after a change has
/// ended: the re-check of the rest of the workspace, which produces no message when nothing
/// in it changed, cannot be waited for otherwise). The kernel counts CPU time in ticks of
/// 10 ms, so `quiet` must be several of them.
fn wait_idle(pid: u32, quiet: Duration) {
    let deadline = Instant::now() + Duration::from_secs(600);
    let mut last = cpu_time(pid);
    loop {
        std::thread::sleep(quiet);
        let now = cpu_time(pid);
        if now == last || Instant::now() > deadline {
            return;
        }
        last = now;
    }
}

/// The switches of instruction counting (`WARD_BENCH_MARKS`, `WARD_BENCH_IDLE_MS`).
#[derive(Clone, Copy)]
struct Counting {
    marks: bool,
    idle: Option<Duration>,
}

impl Counting {
    fn from_env() -> Counting {
        Counting {
            marks: std::env::var_os("WARD_BENCH_MARKS").is_some_and(|value| value != "0"),
            idle: std::env::var("WARD_BENCH_IDLE_MS")
                .ok()
                .and_then(|value| value.parse().ok())
                .map(Duration::from_millis),
        }
    }

    /// A phase boundary: once the server is idle, one hover, which callgrind's
    /// `--dump-before` turns into a dump of the counts so far.
    fn mark(self, client: &mut Client, params: &serde_json::Value) {
        if !self.marks {
            return;
        }
        wait_idle(
            client.pid(),
            self.idle.unwrap_or(Duration::from_millis(500)),
        );
        let result = client.request("textDocument/hover", params.clone());
        assert!(
            result.is_ok_and(|hover| !hover.is_null()),
            "the marking hover answered"
        );
    }
}

struct Row {
    what: &'static str,
    p50: f64,
    p99: f64,
    target: &'static str,
}

/// Sends keystrokes, each an edit made by `edit` on the current text, and waits for the
/// document's diagnostics of each version; the latencies.
fn keystrokes(
    client: &mut Client,
    path: &Path,
    text: &mut String,
    version: &mut i64,
    count: usize,
    idle: Option<Duration>,
    mut edit: impl FnMut(&str, usize) -> (usize, usize, String),
) -> Vec<Duration> {
    let mut samples = Vec::with_capacity(count);
    for keystroke in 0..count {
        let (start, end, new_text) = edit(text, keystroke);
        *version += 1;
        let change = json!([{"range": range(text, start, end, Enc::Utf16), "text": new_text}]);
        text.replace_range(start..end, &new_text);
        let sent = Instant::now();
        client.did_change(path, *version, change);
        client.wait_version(path, *version);
        samples.push(sent.elapsed());
        if let Some(quiet) = idle {
            wait_idle(client.pid(), quiet);
        }
    }
    samples
}

/// Sends a request `count` times; the latencies.
fn requests(
    client: &mut Client,
    method: &str,
    params: serde_json::Value,
    count: usize,
) -> Vec<Duration> {
    (0..count)
        .map(|_| {
            let sent = Instant::now();
            let result = client.request(method, params.clone());
            let elapsed = sent.elapsed();
            let result = result.unwrap_or_else(|error| panic!("{method}: {error}"));
            assert!(!result.is_null(), "{method} answered nothing");
            elapsed
        })
        .collect()
}

fn bench(items: usize, count: usize) {
    let dir = tempfile::Builder::new()
        .prefix("ward-bench-lsp-")
        .tempdir()
        .expect("a temporary folder");
    let root = dir.path().canonicalize().unwrap();
    generate(items, &root);
    // `WARD_BENCH_BINARY`: measure that binary as the new one instead of the one built.
    let new = std::env::var_os("WARD_BENCH_BINARY").map(std::path::PathBuf::from);
    let mut binaries: Vec<(&str, Option<std::path::PathBuf>)> = vec![("new", new.clone())];
    if let Some(baseline) = std::env::var_os("WARD_BENCH_BASELINE") {
        binaries.push(("old", Some(baseline.into())));
    }
    // The first server started on a freshly written workspace pays for the file system's
    // caches (measured: 350–420 ms to the first diagnostics, then 70–90 ms): a throwaway
    // start takes that cost, so that no binary of the comparison pays it.
    warm_up(&root);
    // `WARD_BENCH_OLD_FIRST=1`: the baseline first, to see what the order does.
    if std::env::var_os("WARD_BENCH_OLD_FIRST").is_some() {
        binaries.reverse();
    }
    // `WARD_BENCH_STAMP=1`: the new binary serves a copy with every verification's links
    // stamped; the old one, which knows no stamps, the workspace as generated.
    let stamped = std::env::var_os("WARD_BENCH_STAMP").map(|_| {
        let to = dir.path().with_extension("stamped");
        let ward = new
            .clone()
            .unwrap_or_else(|| env!("CARGO_BIN_EXE_ward").into());
        let count =
            ward_test_support::stamped_copy(&ward, &root, &to).expect("ward stamp stamps the copy");
        println!("(new: {count} verifications stamped)");
        warm_up(&to);
        to
    });
    for (label, binary) in binaries {
        let root = match (&stamped, label) {
            (Some(stamped), "new") => stamped.clone(),
            _ => root.clone(),
        };
        bench_one(items, count, &root, label, binary);
    }
    if let Some(stamped) = stamped {
        let _ = std::fs::remove_dir_all(stamped);
    }
}

/// Starts a server on the workspace and waits for the diagnostics of every file.
fn warm_up(root: &Path) {
    let mut client = Client::start_pushed(Editor::VsCode, root);
    let threats = std::fs::read_dir(root.join("threats")).unwrap().count();
    let path = root.join(format!("threats/threats-{:05}.ward", threats / 2));
    let text = std::fs::read_to_string(&path).unwrap();
    client.did_open(&path, &text);
    client.wait_version(&path, 1);
}

fn bench_one(
    items: usize,
    count: usize,
    root: &Path,
    label: &str,
    binary: Option<std::path::PathBuf>,
) {
    let request_count = env_number("WARD_BENCH_REQUESTS", count);
    let root = root.to_path_buf();
    let files = std::fs::read_dir(root.join("threats")).unwrap().count();
    let name = format!("threats/threats-{:05}.ward", files / 2);
    let path = root.join(&name);
    let mut text = std::fs::read_to_string(&path).unwrap();

    let spawned = Instant::now();
    let mut client = Client::start_with(
        Editor::VsCode,
        &root,
        harness::Start {
            binary,
            // Pushed, as to every client before pull diagnostics, so that old and new
            // binaries do the same work (an older one reads no such option).
            initialization_options: Some(json!({"pullDiagnostics": false})),
            ..Default::default()
        },
    );
    let initialized = Instant::now();
    client.did_open(&path, &text);
    client.wait_version(&path, 1);
    let first = initialized.elapsed();
    let first_from_spawn = spawned.elapsed();
    if std::env::var_os("WARD_LOG").is_some() {
        // The server's own account of its start, with `WARD_LOG=debug`.
        eprintln!(
            "server log until the first diagnostics:\n{}",
            client.stderr()
        );
    }
    let all_files = 1 + 5 * (items / 5).div_ceil(100);
    client.wait_until("diagnostics of every file", |client| {
        client.diagnostics.len() >= all_files
    });
    let everything = initialized.elapsed();
    let mut memory = vec![(
        "indexed",
        memory_mb(client.pid(), "VmRSS:"),
        peak_rss_mb(client.pid()),
    )];

    let mut version = 1;
    let mut rows = Vec::new();

    // Typing into a description: add one to the first threat, then type in it.
    let item_end = text.find("\n}\n").unwrap();
    version += 1;
    let line = "\n  description: \"typed: \"";
    client.did_change(
        &path,
        version,
        json!([{"range": range(&text, item_end, item_end, Enc::Utf16), "text": line}]),
    );
    text.insert_str(item_end, line);
    client.wait_version(&path, version);
    let typing_at = text.find("typed: ").unwrap() + "typed: ".len();
    client.settle(Duration::from_millis(200));
    let counting = Counting::from_env();
    let id = text.find("threat T-").unwrap() + "threat ".len() + 2;
    let at_id = client.at(&path, &text, id);
    counting.mark(&mut client, &at_id);
    let cpu_before = cpu_time(client.pid());
    let mut samples = keystrokes(
        &mut client,
        &path,
        &mut text,
        &mut version,
        count,
        counting.idle,
        |_, i| {
            let at = typing_at + i;
            (at, at, ((b'a' + (i % 26) as u8) as char).to_string())
        },
    );
    client.settle(Duration::from_millis(200));
    let description_cpu = cpu_time(client.pid()) - cpu_before;
    counting.mark(&mut client, &at_id);
    let (p50, p99) = percentiles(&mut samples);
    rows.push(Row {
        what: "keystroke in a description → diagnostics",
        p50,
        p99,
        target: "p50 ≤ 5, p99 ≤ 20",
    });
    memory.push((
        "description typed",
        memory_mb(client.pid(), "VmRSS:"),
        peak_rss_mb(client.pid()),
    ));

    // Typing into a link: append a character to the ID it names, then delete it again,
    // so that the link alternately names nothing and its asset.
    let link = text.find("targets: ").unwrap() + "targets: ".len();
    let link_end = link + text[link..].find(['\n', ',']).unwrap();
    let cpu_before = cpu_time(client.pid());
    let mut samples = keystrokes(
        &mut client,
        &path,
        &mut text,
        &mut version,
        count,
        counting.idle,
        |_, i| {
            if i % 2 == 0 {
                (link_end, link_end, "x".to_owned())
            } else {
                (link_end, link_end + 1, String::new())
            }
        },
    );
    let (p50, p99) = percentiles(&mut samples);
    rows.push(Row {
        what: "keystroke in a link → diagnostics",
        p50,
        p99,
        target: "p50 ≤ 5, p99 ≤ 20",
    });
    client.settle(Duration::from_millis(200));
    let link_cpu = cpu_time(client.pid()) - cpu_before;
    counting.mark(&mut client, &at_id);
    memory.push((
        "link typed",
        memory_mb(client.pid(), "VmRSS:"),
        peak_rss_mb(client.pid()),
    ));

    // Requests, at the link (definition, hover, completion) and at the threat's ID.
    let at_link = client.at(&path, &text, link + 2);
    let mut references_params = at_id.clone();
    references_params["context"] = json!({"includeDeclaration": true});
    let request_rows: [(&str, &'static str, serde_json::Value, &'static str); 4] = [
        (
            "textDocument/definition",
            "definition",
            at_link.clone(),
            "p99 ≤ 5",
        ),
        ("textDocument/hover", "hover", at_link.clone(), "p99 ≤ 5"),
        (
            "textDocument/references",
            "references",
            references_params,
            "",
        ),
        ("textDocument/completion", "completion", at_link, ""),
    ];
    for (method, what, params, target) in request_rows {
        let mut samples = requests(&mut client, method, params, request_count);
        let (p50, p99) = percentiles(&mut samples);
        rows.push(Row {
            what,
            p50,
            p99,
            target,
        });
    }
    memory.push((
        "requests",
        memory_mb(client.pid(), "VmRSS:"),
        peak_rss_mb(client.pid()),
    ));
    let rss = peak_rss_mb(client.pid());
    let status = client.shutdown_and_exit();
    assert_eq!(status.code(), Some(0));

    println!();
    println!("ward lsp ({label}), {items} items in {all_files} files ({count} samples per line)");
    println!("{:<44} {:>10} {:>10}   target (ms)", "", "p50 ms", "p99 ms");
    for row in &rows {
        println!(
            "{:<44} {:>10.2} {:>10.2}   {}",
            row.what, row.p50, row.p99, row.target
        );
    }
    println!(
        "{:<44} {:>10.1} {:>10}   ≤ 300 (from `initialized`; {:.1} from spawn)",
        "first diagnostics of the open file",
        ms(first),
        "",
        ms(first_from_spawn)
    );
    println!(
        "{:<44} {:>10.1}",
        "diagnostics of every file",
        ms(everything)
    );
    println!("{:<44} {:>10.1} {:>10}   ≤ 400", "peak RSS (MB)", rss, "");
    // CPU time of the server over each typing run, settling included: what the keystrokes
    // cost in all, re-checks of other files too, and less noisy than latencies.
    for (what, cpu) in [("description", description_cpu), ("link", link_cpu)] {
        println!(
            "{:<44} {:>10.2}",
            format!("server CPU per keystroke in a {what} (ms)"),
            cpu.as_secs_f64() * 1000.0 / count as f64
        );
    }
    for (stage, now, peak) in memory {
        println!(
            "{:<44} {:>10.1} {:>10.1}   (RSS now, peak)",
            format!("  memory after: {stage}"),
            now,
            peak
        );
    }
}

fn main() {
    // `cargo test --benches` runs benches once as tests: a small smoke run then.
    let smoke = std::env::args().any(|arg| arg == "--test");
    let (sizes, count) = if smoke {
        (vec![1_000], 10)
    } else {
        (
            env_list("WARD_BENCH_SIZES", &[10_000, 100_000]),
            env_number("WARD_BENCH_KEYSTROKES", 200),
        )
    };
    for items in sizes {
        bench(items, count);
    }
}
