//! `cargo bench -p ward-syntax --bench fast_parse [-- DIR]`: the direct parser against
//! tree-sitter plus lowering, in MB/s on one core, over every `.ward` file under DIR
//! (default `/tmp/w100k`, written by `ward-gen --items 100000 --out /tmp/w100k`), or over
//! synthetic files when DIR does not exist. `--fast-only` skips tree-sitter, for profiling.

// The allocator of the `ward` binary: the lowered syntax is mostly small strings and
// vectors, so the allocator is a good part of the time.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use ward_test_support::synthetic;

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn ward_files(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            ward_files(&path, found);
        } else if path.extension().is_some_and(|ext| ext == "ward") {
            found.push(path);
        }
    }
}

/// The best of `rounds` runs of `run` over all texts (the least disturbed by other work),
/// and the answers of the last. The answers are dropped outside the timing: the analysis
/// keeps its parses in its database, so freeing them is no part of parsing.
fn best<T>(rounds: usize, texts: &[String], run: impl Fn(&str) -> T) -> (Duration, Vec<T>) {
    let mut best = Duration::MAX;
    let mut answers = Vec::with_capacity(texts.len());
    for _ in 0..rounds {
        answers.clear();
        let start = Instant::now();
        answers.extend(texts.iter().map(|text| run(black_box(text))));
        best = best.min(start.elapsed());
    }
    (best, answers)
}

fn main() {
    // `cargo bench` passes `--bench`; the first other argument, if any, is the folder.
    let dir = std::env::args()
        .skip(1)
        .find(|arg| !arg.starts_with("--"))
        .unwrap_or_else(|| "/tmp/w100k".to_owned());
    let mut paths = Vec::new();
    ward_files(Path::new(&dir), &mut paths);
    paths.sort();
    let texts: Vec<String> = if paths.is_empty() {
        println!("no .ward files under {dir}: using 500 synthetic files of 100 items");
        synthetic::workspace(100, 100)
    } else {
        println!("{} files under {dir}", paths.len());
        paths
            .iter()
            .map(|path| std::fs::read_to_string(path).expect("a UTF-8 .ward file"))
            .collect()
    };
    let bytes: usize = texts.iter().map(String::len).sum();
    let mb = bytes as f64 / 1e6;
    println!("{mb:.1} MB");

    let rate = |time: Duration| mb / time.as_secs_f64();
    let fast_only = std::env::args().any(|arg| arg == "--fast-only");

    let (fast, answers) = best(
        if fast_only { 100 } else { 10 },
        &texts,
        ward_syntax::parse_fast,
    );
    let taken = answers.iter().filter(|answer| answer.is_some()).count();
    drop(answers);
    println!(
        "fast path:               {:>7.1} ms  {:>7.1} MB/s  ({taken} of {} files taken)",
        fast.as_secs_f64() * 1e3,
        rate(fast),
        texts.len()
    );
    if fast_only {
        return;
    }
    let (tree, _) = best(2, &texts, |text| ward_syntax::parse_tree(text, None));
    println!(
        "tree-sitter parse:       {:>7.1} ms  {:>7.1} MB/s",
        tree.as_secs_f64() * 1e3,
        rate(tree)
    );
    let (lowered, _) = best(2, &texts, ward_syntax::parse_with_tree_sitter);
    println!(
        "tree-sitter and lower:   {:>7.1} ms  {:>7.1} MB/s",
        lowered.as_secs_f64() * 1e3,
        rate(lowered)
    );
    println!(
        "fast path speed-up over tree-sitter and lower: {:.1}x",
        lowered.as_secs_f64() / fast.as_secs_f64()
    );
}
