//! The located-diagnostics model: a workspace loaded and analysed once, its diagnostics
//! placed at 1-based lines and columns (Unicode scalar values) with paths as shown. Every
//! output of `ward check` (`check/`) and `ward report` (`report/`) is rendered from it.

use std::io::Write;
use std::path::{Path, PathBuf};

use ward_analysis::{Analysis, Date, Diagnostic, FileRange, InputKind, ItemKind, Severity};

use crate::places::{Places, ShownPaths, Span};
use crate::workspace::{self, LoadError, LoadedWorkspace, Skipped};

/// The workspaces of the paths given, analysed: what every output format of `ward check`
/// is rendered from.
pub struct Checked {
    pub workspaces: Vec<AnalysedWorkspace>,
    /// The diagnostics of the files the paths name, sorted by path and position.
    pub diagnostics: Vec<LocatedDiagnostic>,
    /// The folder paths are shown relative to: the current one.
    pub shown_root: PathBuf,
    /// The files the paths name and the items in them.
    pub files: usize,
    pub items: usize,
    pub skipped: Skipped,
    /// Files given by name that lie under no `ward.toml`.
    pub alone: Vec<PathBuf>,
}

/// One workspace analysed on its own, with all its diagnostics.
pub struct AnalysedWorkspace {
    pub workspace: LoadedWorkspace,
    pub analysis: Analysis,
    pub diagnostics: Vec<Diagnostic>,
}

/// A diagnostic with its file shown relative to the current folder and 1-based positions
/// whose columns count Unicode scalar values.
pub struct LocatedDiagnostic {
    pub diagnostic: Diagnostic,
    /// Which of [`Checked::workspaces`] it is of.
    pub workspace: usize,
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

impl Checked {
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

    /// The text of the file a diagnostic is in.
    pub fn text(&self, located: &LocatedDiagnostic) -> std::sync::Arc<str> {
        self.workspaces[located.workspace]
            .analysis
            .text(located.diagnostic.file)
    }

    /// Tells on stderr what the walk left out, and which files given were checked without
    /// a workspace around them.
    pub fn tell_skipped(&self, verbose: bool) {
        self.skipped.tell(verbose);
        workspace::tell_alone(&self.alone);
    }
}

impl AnalysedWorkspace {
    /// The errors among its diagnostics that count (waived ones do not).
    pub fn errors(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error && d.is_active())
            .count()
    }
}

/// Finds, loads and analyses the workspaces of the paths, each with the external inputs of
/// its plan's globs and those named on the command line (`inputs`); also used by
/// `ward report`.
pub fn analyse(
    paths: &[PathBuf],
    inputs: &[(InputKind, PathBuf)],
    gate: Option<&str>,
    today: Date,
) -> Result<(workspace::Discovery, Vec<AnalysedWorkspace>), LoadError> {
    let timer = PhaseTimer::from_env();
    let discovery = workspace::discover(paths)?;
    let mut analysed = Vec::with_capacity(discovery.workspaces.len());
    let several = discovery.workspaces.len() > 1;
    for files in &discovery.workspaces {
        let mut workspace = workspace::load(files)?;
        for note in crate::inputs::load(&mut workspace.host, inputs)? {
            let _ = writeln!(anstream::stderr(), "warning: {note}");
        }
        timer.mark("read files");
        analysed.push(analyse_one(workspace, gate, today, several, &timer)?);
    }
    Ok((discovery, analysed))
}

fn analyse_one(
    mut workspace: LoadedWorkspace,
    gate: Option<&str>,
    today: Date,
    several: bool,
    timer: &PhaseTimer,
) -> Result<AnalysedWorkspace, LoadError> {
    workspace.host.set_gate_override(gate.map(str::to_owned));
    workspace.host.set_today(today);
    let analysis = workspace.host.analysis();
    analysis.prime().map_err(cancelled)?;
    timer.mark("parse and lower");
    if let Some(gate) = gate {
        let plan = analysis.plan().map_err(cancelled)?;
        if !plan.phases.iter().any(|phase| phase == gate) {
            let phases: Vec<String> = plan.phases.iter().map(|p| format!("`{p}`")).collect();
            let whose = match several {
                true => format!(" of `{}`", workspace::shown(&workspace.root)),
                false => String::new(),
            };
            return Err(LoadError(format!(
                "`--gate {gate}` names no phase of the plan{whose}; the phases are {}",
                phases.join(", ")
            )));
        }
    }
    let mut diagnostics = analysis.all_diagnostics().map_err(cancelled)?;
    // In the order they are shown: by file, then place, then code.
    diagnostics.sort_by_cached_key(|d| (analysis.path(d.file), d.range.start, d.code.as_str()));
    timer.mark("index and check");
    Ok(AnalysedWorkspace {
        workspace,
        analysis,
        diagnostics,
    })
}

fn cancelled(_: ward_analysis::Cancelled) -> LoadError {
    LoadError("the analysis was cancelled".to_owned())
}

/// Analyses the workspaces of the paths and places the diagnostics of the files they name.
/// A diagnostic in an external input (a test report, an SBOM) is shown whichever `.ward`
/// files are named: the input is no file of the workspace's own.
pub fn check(
    paths: &[PathBuf],
    inputs: &[(InputKind, PathBuf)],
    gate: Option<&str>,
    today: Date,
) -> Result<Checked, LoadError> {
    let shown_root = workspace::shown_root()?;
    let (discovery, workspaces) = analyse(paths, inputs, gate, today)?;
    let mut diagnostics = Vec::new();
    let (mut files, mut items) = (0, 0);
    for (index, analysed) in workspaces.iter().enumerate() {
        let analysis = &analysed.analysis;
        let is_named = |path: &Path| discovery.named.contains(path);
        let ward_files: std::collections::HashSet<ward_analysis::FileId> =
            analysis.files().into_iter().collect();
        for &file in &ward_files {
            if is_named(&analysis.path(file)) {
                files += 1;
                let ast = analysis.file_ast(file).map_err(cancelled)?;
                items += ast
                    .items
                    .iter()
                    .filter(|item| item.kind != ItemKind::Plan)
                    .count();
            }
        }
        let named: Vec<Diagnostic> = analysed
            .diagnostics
            .iter()
            .filter(|diagnostic| {
                !ward_files.contains(&diagnostic.file) || is_named(&analysis.path(diagnostic.file))
            })
            .cloned()
            .collect();
        locate(&mut diagnostics, index, &shown_root, analysis, named);
    }
    diagnostics.sort_by(|a, b| {
        (&a.path, a.start, a.diagnostic.code.as_str()).cmp(&(
            &b.path,
            b.start,
            b.diagnostic.code.as_str(),
        ))
    });
    Ok(Checked {
        workspaces,
        diagnostics,
        shown_root,
        files,
        items,
        skipped: discovery.skipped,
        alone: discovery.alone,
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

fn locate(
    located: &mut Vec<LocatedDiagnostic>,
    workspace: usize,
    shown_root: &Path,
    analysis: &Analysis,
    diagnostics: Vec<Diagnostic>,
) {
    let places = Places::new(analysis, ShownPaths { root: shown_root });
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
            workspace,
            path,
            start,
            end,
            related,
        });
    }
}
