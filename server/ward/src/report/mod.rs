//! `ward report`: the design-history-file record of a workspace (gate status, traceability
//! matrix, risk matrix, deployer guidance, findings, items) as HTML, Markdown, CSV or JSON.
//!
//! The diagnostics come from [`located::analyse`], the very function behind `ward check`, so
//! the report's findings and exit code always agree with it. The gate status comes from the
//! same checks graded as if every gate had been passed, a query of the same snapshot
//! (`Analysis::all_diagnostics_every_gate_passed`; see `ward_analysis::report`).

pub mod csv;
pub mod html;
pub mod json;
pub mod markdown;
mod sink;
pub mod svg;

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use ward_analysis::Cancelled;
use ward_analysis::report::{self, Report, ReportInput, Timestamp};

use self::sink::Sink;
use crate::located::{self, AnalysedWorkspace};
use crate::places::{Places, ShownPaths, ShownPlaces};
use crate::workspace::{self, LoadError};

/// Where a verification's result comes from, in words: `written`, `default`, or the test
/// cases of the reports with their places (`reports/a.xml:16:25 `name` failed`).
pub fn result_source(from: &report::ResultFrom, places: &ShownPlaces<'_>) -> String {
    match from {
        report::ResultFrom::TestReports(cases) => {
            let cases: Vec<String> = cases
                .iter()
                .map(|case| {
                    format!(
                        "{} `{}` {}",
                        places.place(case.location),
                        case.name,
                        case.outcome
                    )
                })
                .collect();
            format!("test reports: {}", cases.join("; "))
        }
        other => other.as_str().to_owned(),
    }
}

/// Where the HTML report goes without `-o`.
pub const DEFAULT_HTML: &str = "ward-report.html";

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// Files or folders of the workspace (default: the current folder).
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Html)]
    pub format: Format,
    /// Where to write: a file (a folder for `csv`, one file per table); `-` for stdout.
    /// Default: `ward-report.html` for HTML, stdout for the others.
    #[arg(short = 'o', long = "output", value_name = "FILE|DIR")]
    pub output: Option<PathBuf>,
    /// Report as if every gate up to and including this phase had been passed.
    #[arg(long, value_name = "PHASE")]
    pub gate: Option<String>,
    /// The day dates are compared with (default: `SOURCE_DATE_EPOCH`, else today in UTC).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = crate::today::parse_flag)]
    pub today: Option<ward_analysis::Date>,
    #[command(flatten)]
    pub inputs: crate::inputs::InputArgs,
    /// Also say on stderr what the walk of the folders left out: symbolic links.
    #[arg(long, short = 'v')]
    pub verbose: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Html,
    Markdown,
    Csv,
    Json,
}

/// Runs `ward report`; returns the process exit code (as `ward check`: 0 no errors, 1
/// errors, 2 could not run).
pub fn run(args: &ReportArgs) -> i32 {
    match generate(args) {
        Ok(errors) => i32::from(errors > 0),
        Err(error) => {
            let _ = writeln!(anstream::stderr(), "error: {error}");
            2
        }
    }
}

/// Builds and writes the report; returns the number of errors `ward check` would report.
fn generate(args: &ReportArgs) -> Result<usize, LoadError> {
    let generated = generation_time()?;
    let today = crate::today::resolve(args.today)?;
    let (discovery, mut workspaces) = located::analyse(
        &args.paths,
        &args.inputs.inputs(),
        args.gate.as_deref(),
        today,
    )?;
    discovery.skipped.tell(args.verbose);
    workspace::tell_alone(&discovery.alone);
    if workspaces.len() > 1 {
        let roots: Vec<String> = workspaces
            .iter()
            .map(|analysed| format!("`{}`", workspace::shown(&analysed.workspace.root)))
            .collect();
        return Err(LoadError(format!(
            "`ward report` writes the record of one workspace, and the paths given touch {}: {}; \
             name one of them",
            workspaces.len(),
            roots.join(", ")
        )));
    }
    let checked = workspaces
        .pop()
        .expect("discovery finds at least one workspace");
    let errors = checked.errors();
    let report = build(&checked, generated)?;
    let places = Places::new(
        &checked.analysis,
        ShownPaths {
            root: &checked.workspace.root,
        },
    );
    write(args, &report, &places)?;
    // The process ends next: the system takes back the analysis and the report at once,
    // faster than freeing their allocations one by one (a tenth of a second at 100k items).
    drop(places);
    std::mem::forget(report);
    std::mem::forget(checked);
    Ok(errors)
}

/// The generation time: `SOURCE_DATE_EPOCH` when set (reproducible output), else now.
pub(crate) fn generation_time() -> Result<Timestamp, LoadError> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(value) => value
            .trim()
            .parse::<i64>()
            .map(|unix| Timestamp { unix })
            .map_err(|_| {
                LoadError(format!(
                    "SOURCE_DATE_EPOCH must be a number of seconds since 1970, not `{value}`"
                ))
            }),
        Err(_) => {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |since| since.as_secs() as i64);
            Ok(Timestamp { unix: now })
        }
    }
}

fn cancelled(_: Cancelled) -> LoadError {
    LoadError("the analysis was cancelled".to_owned())
}

/// The report of an analysed workspace.
pub fn build(checked: &AnalysedWorkspace, generated: Timestamp) -> Result<Report, LoadError> {
    let analysis = &checked.analysis;
    // The same checks graded as if every gate had been passed, so that every rule a gate
    // requires is on: a query of the same snapshot, the host is not written to.
    let all_gates_passed = analysis
        .all_diagnostics_every_gate_passed()
        .map_err(cancelled)?;
    report::build(
        analysis,
        ReportInput {
            findings: checked.diagnostics.clone(),
            all_gates_passed,
            generated,
            version: env!("CARGO_PKG_VERSION").to_owned(),
        },
    )
    .map_err(cancelled)
}

fn write(args: &ReportArgs, report: &Report, places: &ShownPlaces<'_>) -> Result<(), LoadError> {
    let output = args
        .output
        .as_deref()
        .filter(|path| *path != Path::new("-"));
    let stdout_asked = args.output.as_deref() == Some(Path::new("-"));
    match args.format {
        Format::Csv => match output {
            Some(dir) => write_tables(dir, report, places),
            None => {
                let mut out = StdoutTables {
                    out: std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock()),
                    first: true,
                };
                csv::render(report, places, &mut out)
                    .and_then(|()| out.out.flush())
                    .map_err(|error| {
                        LoadError(format!("cannot write the report to stdout: {error}"))
                    })
            }
        },
        format => {
            let render = |out: &mut Sink<'_>| match format {
                Format::Html => html::render(report, places, out),
                Format::Markdown => markdown::render(report, places, out),
                Format::Json => json::render(report, places, out),
                Format::Csv => unreachable!("handled above"),
            };
            let default =
                (format == Format::Html && !stdout_asked).then(|| Path::new(DEFAULT_HTML));
            match output.or(default) {
                Some(path) => write_file(path, render),
                None => {
                    let mut stdout = std::io::stdout().lock();
                    let mut sink = Sink::new(&mut stdout);
                    render(&mut sink);
                    sink.finish().map_err(|error| {
                        LoadError(format!("cannot write the report to stdout: {error}"))
                    })
                }
            }
        }
    }
}

/// Writes the report into a file as it is rendered; a plain file left half written by a
/// failed write is removed, so that no truncated report is taken for a whole one.
fn write_file(path: &Path, render: impl FnOnce(&mut Sink<'_>)) -> Result<(), LoadError> {
    let failed =
        |error: std::io::Error| LoadError(format!("cannot write `{}`: {error}", path.display()));
    let mut file = std::fs::File::create(path).map_err(failed)?;
    let mut sink = Sink::new(&mut file);
    render(&mut sink);
    if let Err(error) = sink.finish() {
        drop(file);
        // Only a plain file: `-o /dev/stdout` or a symbolic link is no half-written report.
        if std::fs::symlink_metadata(path).is_ok_and(|meta| meta.file_type().is_file()) {
            let _ = std::fs::remove_file(path);
        }
        return Err(failed(error));
    }
    let _ = writeln!(anstream::stderr(), "wrote {}", path.display());
    Ok(())
}

/// The CSV tables on stdout: each after a `# table: <name>` line, separated by an empty line.
struct StdoutTables<W: Write> {
    out: W,
    first: bool,
}

impl<W: Write> csv::Tables for StdoutTables<W> {
    fn begin(&mut self, name: &'static str) -> std::io::Result<&mut dyn Write> {
        if !std::mem::take(&mut self.first) {
            self.out.write_all(b"\n")?;
        }
        writeln!(self.out, "# table: {name}")?;
        Ok(&mut self.out)
    }
}

/// The CSV tables as files of a folder, `<name>.csv`, each written as it is made.
struct FolderTables<'a> {
    dir: &'a Path,
    /// The file of the table being written, for the message of a failed write.
    path: Option<PathBuf>,
    file: Option<std::io::BufWriter<std::fs::File>>,
    written: usize,
}

impl FolderTables<'_> {
    fn flush(&mut self) -> std::io::Result<()> {
        match self.file.take() {
            Some(mut file) => file.flush(),
            None => Ok(()),
        }
    }
}

impl csv::Tables for FolderTables<'_> {
    fn begin(&mut self, name: &'static str) -> std::io::Result<&mut dyn Write> {
        self.flush()?;
        self.written += 1;
        let path = self.path.insert(self.dir.join(format!("{name}.csv")));
        let file = std::fs::File::create(path)?;
        Ok(self
            .file
            .insert(std::io::BufWriter::with_capacity(64 * 1024, file)))
    }
}

fn write_tables(dir: &Path, report: &Report, places: &ShownPlaces<'_>) -> Result<(), LoadError> {
    std::fs::create_dir_all(dir).map_err(|error| {
        LoadError(format!(
            "cannot create the folder `{}`: {error}",
            dir.display()
        ))
    })?;
    let mut tables = FolderTables {
        dir,
        path: None,
        file: None,
        written: 0,
    };
    csv::render(report, places, &mut tables)
        .and_then(|()| tables.flush())
        .map_err(|error| {
            let path = tables.path.as_deref().unwrap_or(dir);
            LoadError(format!("cannot write `{}`: {error}", path.display()))
        })?;
    let _ = writeln!(
        anstream::stderr(),
        "wrote {} tables to {}",
        tables.written,
        dir.display()
    );
    Ok(())
}

/// Text shared by the renderers.
pub mod text {
    use ward_analysis::report::{Header, RiskMatrix, Score};
    use ward_analysis::{Code, Date, Severity};

    /// How a risk's score is computed, in words.
    pub const SCORE_METHOD: &str = "exploitability × severity";

    /// The method of risk evaluation, in a sentence.
    pub fn method(matrix: &RiskMatrix) -> String {
        let scale: Vec<i64> = ward_analysis::report::Grid::scale().collect();
        format!(
            "Each risk is scored as {SCORE_METHOD}, each from {} to {}, before and after its \
             controls; a risk is acceptable at {}. A mitigated risk's residual score comes from \
             its residual block; a residual above what the plan accepts needs an accepted \
             rationale.",
            scale.first().copied().unwrap_or_default(),
            scale.last().copied().unwrap_or_default(),
            acceptability(matrix)
        )
    }

    /// The residual risk conclusion of the workspace, in a sentence.
    pub fn residual(summary: &ward_analysis::report::ResidualSummary) -> String {
        let verdict = if summary.acceptable_overall() {
            "The overall residual risk is acceptable"
        } else {
            "The overall residual risk is not acceptable yet"
        };
        format!(
            "{verdict}: of {} risks, {} end within what the plan accepts, {} above it with an \
             accepted rationale, {} above it without one, {} unscored.",
            summary.risks,
            summary.acceptable,
            summary.accepted.len(),
            summary.unacceptable.len(),
            summary.unscored.len()
        )
    }

    /// The report's title: the plan's, or a generic one.
    pub fn title(header: &Header) -> String {
        header
            .title
            .clone()
            .unwrap_or_else(|| "Security risk management report".to_owned())
    }

    pub fn score(score: Option<Score>) -> String {
        score.map_or_else(String::new, |score| {
            format!(
                "{} ({}×{})",
                score.value(),
                score.exploitability,
                score.severity
            )
        })
    }

    pub fn in_check(severity: Option<Severity>) -> &'static str {
        severity.map_or("off", Severity::as_str)
    }

    /// What the plan accepts: its score, or its matrix, level by level.
    pub fn acceptability(matrix: &RiskMatrix) -> String {
        match &matrix.matrix {
            None => format!("a score of at most {}", matrix.acceptable),
            Some(levels) => {
                let levels: Vec<String> = levels
                    .iter()
                    .map(|(level, limit)| format!("{level} ≤ {limit}"))
                    .collect();
                format!(
                    "the plan's matrix, highest acceptable exploitability per severity: {}",
                    levels.join(", ")
                )
            }
        }
    }

    /// A date, or a dash.
    pub fn date(date: Option<Date>) -> String {
        date.map_or_else(|| "—".to_owned(), |date| date.to_string())
    }

    /// The codes a waiver waives.
    pub fn codes(codes: &[Code]) -> Vec<&'static str> {
        codes.iter().map(|code| code.as_str()).collect()
    }
}
