//! The whole analysis of a random workspace: the input is split at NUL bytes into files
//! (the seeds are the example workspace and the fixtures, one folder per input). Checked:
//! no panic in the diagnostics (as graded by the plan and with every gate passed), the
//! navigation, hover, completion, rename and symbol queries at offsets taken from the
//! input; every diagnostic and related place lies inside its file, on character boundaries.

#![no_main]

use std::path::PathBuf;
use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use ward_analysis::{AnalysisHost, FilePosition, FileRange};

/// A folder that does not exist, so that evidence paths resolve to nothing on this machine
/// (absolute ones excepted: those are looked up, which is what the check does).
const ROOT: &str = "/nonexistent/ward-fuzz";

fuzz_target!(|data: &[u8]| {
    let files: Vec<(PathBuf, Arc<str>)> = data
        .split(|&byte| byte == 0)
        .take(64)
        .enumerate()
        .map(|(at, bytes)| {
            // Sub-folders too, for evidence paths with `..`.
            let path = PathBuf::from(format!("{ROOT}/d{}/f{at}.ward", at % 3));
            (path, Arc::from(String::from_utf8_lossy(bytes).as_ref()))
        })
        .collect();
    let mut host = AnalysisHost::new();
    host.add_files(files);
    host.set_roots(vec![PathBuf::from(ROOT)]);
    let analysis = host.analysis();
    let inside = |location: FileRange| {
        let text = analysis.text(location.file);
        let (start, end) = (location.range.start as usize, location.range.end as usize);
        assert!(
            start <= end && end <= text.len(),
            "{location:?} out of its file"
        );
        assert!(text.is_char_boundary(start) && text.is_char_boundary(end));
    };
    for diagnostics in [
        analysis.all_diagnostics().unwrap(),
        analysis.all_diagnostics_every_gate_passed().unwrap(),
    ] {
        for diagnostic in diagnostics {
            inside(FileRange {
                file: diagnostic.file,
                range: diagnostic.range,
            });
            for related in &diagnostic.related {
                inside(related.location);
            }
        }
    }
    // A few cursor positions per file, spread by the input's own bytes.
    for file in analysis.files() {
        let text = analysis.text(file);
        analysis.document_symbols(file).unwrap();
        let mut offsets: Vec<usize> = text
            .bytes()
            .enumerate()
            .filter(|(at, byte)| (at + *byte as usize) % 17 == 0)
            .map(|(at, _)| at)
            .take(8)
            .collect();
        offsets.push(text.len());
        for offset in offsets {
            if !text.is_char_boundary(offset) {
                continue;
            }
            let position = FilePosition { file, offset };
            analysis.goto_definition(position).unwrap();
            analysis.references(position, true).unwrap();
            analysis.hover(position).unwrap();
            analysis.completions_up_to(position, 50).unwrap();
            analysis.document_highlight(position).unwrap();
            if analysis.prepare_rename(position).unwrap().is_ok() {
                let _ = analysis.rename(position, "FUZZ-NEW").unwrap();
            }
        }
    }
    analysis.workspace_symbols("", 100).unwrap();
});
