//! `cargo bench -p ward --bench ide`: what the editor asks for a file after each keystroke,
//! on a warm analysis of 100k items (`WARD_BENCH_ITEMS`): semantic tokens of a whole
//! 1,000-item file, code lens and inlay hints of a screen of it (its first 60 lines),
//! folding ranges, the formatter on the whole file, the quick fixes of the screen and the
//! file's `source.fixAll`. Each sample edits a description
//! in that file first, so every answer is computed again, as after a keystroke.
//!
//! Prints p50 and p99 of each, over `WARD_BENCH_SAMPLES` (default 200). Targets (issue
//! "IDE depth"): tokens, lens, hints and code actions ≤ 20 ms p99, formatting a 1,000-item file ≤ 20 ms.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ward_analysis::{AnalysisHost, TextEdit, TextRange};

// As in the `ward` binary, whose allocator the server runs with.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

fn percentile(samples: &mut [Duration], at: f64) -> Duration {
    samples.sort();
    let index = ((samples.len() as f64 - 1.0) * at).round() as usize;
    samples[index]
}

fn main() {
    let items = env_number("WARD_BENCH_ITEMS", 100_000);
    let samples = env_number("WARD_BENCH_SAMPLES", 200);
    let per_file = 1_000;
    let files_per_kind = (items / 5 / per_file).max(1);
    let mut host = AnalysisHost::new();
    let texts: Vec<(PathBuf, Arc<str>)> =
        ward_test_support::synthetic::workspace(files_per_kind, per_file)
            .into_iter()
            .enumerate()
            .map(|(at, text)| (PathBuf::from(format!("/ws/f{at:04}.ward")), Arc::from(text)))
            .collect();
    // A file of risks: the one with scores for hints and lenses with a chain below.
    let risks = texts[2 * files_per_kind].0.clone();
    // Findings on its first screen, so that the quick fixes have work: an unmitigated risk
    // (a new control: where controls live, a free ID), a link to no item with a misspelt
    // field, a repeated field.
    let risk_text = format!(
        "risk R-PLANTED-1 {{ threat: T-000000 exploitability: 5 severity: 5 }}\n\
         risk R-PLANTED-2 {{ threat: T-00000X exploitability: 1 severity: 1 hazzard: \"x\" }}\n\
         risk R-PLANTED-3 {{ threat: T-000001 exploitability: 1 severity: 1 severity: 1 }}\n\n{}",
        texts[2 * files_per_kind].1
    );
    host.add_files(texts);
    host.open_file(&risks, Arc::from(risk_text.as_str()));
    let started = Instant::now();
    host.analysis().all_diagnostics().expect("not cancelled");
    println!(
        "{items} items, warm in {:.0?}; file {} ({} bytes)",
        started.elapsed(),
        risks.display(),
        risk_text.len()
    );
    // The first 60 lines: a screen.
    let screen_end = risk_text
        .match_indices('\n')
        .nth(59)
        .map_or(risk_text.len(), |(at, _)| at);
    let screen = TextRange {
        start: 0,
        end: screen_end as u32,
    };
    let edit_at = risk_text.find("harm: \"").expect("a harm to type into") + 7;

    let names = [
        "semantic tokens (file)",
        "code lens (screen)",
        "inlay hints (screen)",
        "folding (file)",
        "format (file)",
        "code actions (screen)",
        "fix all (file)",
    ];
    let file_of = |analysis: &ward_analysis::Analysis| {
        analysis
            .files()
            .into_iter()
            .find(|&f| analysis.path(f) == risks)
            .expect("the file of risks")
    };
    let mut timings: Vec<Vec<Duration>> = vec![Vec::new(); names.len()];
    for sample in 0..samples {
        host.edit_file(
            &risks,
            &[TextEdit::new(
                TextRange {
                    start: edit_at as u32,
                    end: edit_at as u32,
                },
                if sample % 2 == 0 { "x" } else { "y" },
            )],
        );
        let analysis = host.analysis();
        let file = file_of(&analysis);
        // The diagnostics come first, as the publisher computes them after the keystroke.
        analysis.diagnostics(file).expect("not cancelled");
        let time = |f: &mut dyn FnMut()| {
            let started = Instant::now();
            f();
            started.elapsed()
        };
        timings[0].push(time(&mut || {
            std::hint::black_box(analysis.semantic_tokens(file).unwrap());
        }));
        timings[1].push(time(&mut || {
            std::hint::black_box(analysis.code_lenses(file, screen).unwrap());
        }));
        timings[2].push(time(&mut || {
            std::hint::black_box(analysis.inlay_hints(file, screen).unwrap());
        }));
        timings[3].push(time(&mut || {
            std::hint::black_box(analysis.folding_ranges(file).unwrap());
        }));
        // As the server formats an open document: with the tree it already has.
        timings[4].push(time(&mut || {
            std::hint::black_box(analysis.format(file, None).ok());
        }));
        // The light bulb asks for the actions of the screen; save asks for `fixAll`.
        timings[5].push(time(&mut || {
            std::hint::black_box(analysis.fixes(file, screen).unwrap());
        }));
        timings[6].push(time(&mut || {
            std::hint::black_box(analysis.fix_all(file).unwrap());
        }));
    }
    let analysis = host.analysis();
    let file = file_of(&analysis);
    let offered = analysis.fixes(file, screen).unwrap();
    let safe = analysis.fix_all(file).unwrap();
    assert!(offered.len() >= 4 && !safe.is_empty(), "{offered:#?}");
    println!(
        "{} quick fixes on the screen, {} of them safe",
        offered.len(),
        safe.len()
    );
    for (name, samples) in names.iter().zip(&mut timings) {
        let p50 = percentile(samples, 0.5);
        let p99 = percentile(samples, 0.99);
        println!(
            "{name:<24} p50 {:>8.2} ms   p99 {:>8.2} ms",
            ms(p50),
            ms(p99)
        );
    }
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}
