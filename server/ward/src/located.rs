//! The located-diagnostics model: a workspace loaded and analysed once, its diagnostics
//! placed at 1-based lines and columns (Unicode scalar values) with paths as shown. Every
//! output of `ward check` (`check/`) and `ward report` (`report/`) is rendered from it.

use std::io::Write;
use std::path::PathBuf;

use ward_analysis::{Analysis, Date, Diagnostic, FileRange, InputKind, ItemKind, Severity};

use crate::places::{Places, ShownPaths, Span};
use crate::workspace::{self, LoadError, LoadedWorkspace};

/// A workspace analysed: what every output format is rendered from.
pub struct AnalysedWorkspace {
    pub workspace: LoadedWorkspace,
    pub analysis: Analysis,
    pub diagnostics: Vec<LocatedDiagnostic>,
    pub files: usize,
    pub items: usize,
}

/// A diagnostic with its file shown relative to the root and 1-based positions whose
/// columns count Unicode scalar values.
pub struct LocatedDiagnostic {
    pub diagnostic: Diagnostic,
    pub path: String,
    pub start: (u32, u32),
    pub end: (u32, u32),
    pub related: Vec<LocatedRelated>,
}

pub struct LocatedRelated {
    pub path: String,
    pub start: (u32, u32),
    pub end: (u32, u32),
    pub message: String,
}

impl AnalysedWorkspace {
    /// The diagnostics of this severity that count: waived ones are not errors or warnings.
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.diagnostic.severity == severity && d.diagnostic.is_active())
            .count()
    }

    /// The waived diagnostics.
    pub fn waived(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| !d.diagnostic.is_active())
            .count()
    }
}

/// Loads and analyses the workspace, with the external inputs of the plan's globs and
/// those named on the command line (`inputs`); also used by `ward report`.
pub fn analyse(
    paths: &[PathBuf],
    inputs: &[(InputKind, PathBuf)],
    gate: Option<&str>,
    today: Date,
) -> Result<AnalysedWorkspace, LoadError> {
    let timer = PhaseTimer::from_env();
    let mut workspace = workspace::load(paths)?;
    for note in crate::inputs::load(&mut workspace.host, inputs)? {
        let _ = writeln!(anstream::stderr(), "warning: {note}");
    }
    timer.mark("read files");
    workspace.host.set_gate_override(gate.map(str::to_owned));
    workspace.host.set_today(today);
    let analysis = workspace.host.analysis();
    let cancelled = |_| LoadError("the analysis was cancelled".to_owned());
    analysis.prime().map_err(cancelled)?;
    timer.mark("parse and lower");
    if let Some(gate) = gate {
        let plan = analysis.plan().map_err(cancelled)?;
        if !plan.phases.iter().any(|phase| phase == gate) {
            let phases: Vec<String> = plan.phases.iter().map(|p| format!("`{p}`")).collect();
            return Err(LoadError(format!(
                "`--gate {gate}` names no phase of the plan; the phases are {}",
                phases.join(", ")
            )));
        }
    }
    let diagnostics = analysis.all_diagnostics().map_err(cancelled)?;
    timer.mark("index and check");
    let files = analysis.files();
    let mut items = 0;
    for &file in &files {
        let ast = analysis.file_ast(file).map_err(cancelled)?;
        items += ast
            .items
            .iter()
            .filter(|item| item.kind != ItemKind::Plan)
            .count();
    }
    let located = locate_all(&workspace, &analysis, diagnostics);
    timer.mark("positions");
    Ok(AnalysedWorkspace {
        files: files.len(),
        items,
        diagnostics: located,
        workspace,
        analysis,
    })
}

/// Prints the time of each phase to stderr when `WARD_TIMINGS` is set.
struct PhaseTimer(Option<std::cell::Cell<std::time::Instant>>);

impl PhaseTimer {
    fn from_env() -> PhaseTimer {
        PhaseTimer(
            std::env::var_os("WARD_TIMINGS")
                .map(|_| std::cell::Cell::new(std::time::Instant::now())),
        )
    }

    fn mark(&self, phase: &str) {
        if let Some(last) = &self.0 {
            let now = std::time::Instant::now();
            eprintln!(
                "{phase:>16}: {:>7.1} ms",
                (now - last.get()).as_secs_f64() * 1000.0
            );
            last.set(now);
        }
    }
}

fn locate_all(
    workspace: &LoadedWorkspace,
    analysis: &Analysis,
    diagnostics: Vec<Diagnostic>,
) -> Vec<LocatedDiagnostic> {
    let places = Places::new(
        analysis,
        ShownPaths {
            root: &workspace.root,
        },
    );
    let mut located = Vec::with_capacity(diagnostics.len());
    for diagnostic in diagnostics {
        let Span { path, start, end } = places.span(FileRange {
            file: diagnostic.file,
            range: diagnostic.range,
        });
        let related = diagnostic
            .related
            .iter()
            .map(|item| {
                let Span { path, start, end } = places.span(item.location);
                LocatedRelated {
                    path,
                    start,
                    end,
                    message: item.message.clone(),
                }
            })
            .collect();
        located.push(LocatedDiagnostic {
            diagnostic,
            path,
            start,
            end,
            related,
        });
    }
    located.sort_by(|a, b| {
        (&a.path, a.start, a.diagnostic.code.as_str()).cmp(&(
            &b.path,
            b.start,
            b.diagnostic.code.as_str(),
        ))
    });
    located
}
