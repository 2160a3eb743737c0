//! Push diagnostics: one publisher task, woken by a [`Notify`] after every change, publishes
//! every file of the workspace whose diagnostics changed. To a client that pulls them it
//! publishes nothing, but sends `workspace/diagnostic/refresh` after a run that changed any.
//!
//! Each run takes one snapshot (of every workspace) and computes on a blocking thread, streaming each file's
//! diagnostics to the task as soon as they are ready: first the files just changed and the
//! open documents; then, once the changes pause for [`SETTLE`], every other file. A write
//! cancels the run (the next one picks up where it stopped). Because there is one task and runs follow each other, a file's
//! diagnostics are never sent for an older version after a newer one. The last diagnostics
//! sent per file are kept, so that unchanged files are skipped.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::{
    self as lsp, CodeDescription, DiagnosticRelatedInformation, NumberOrString,
    PublishDiagnosticsParams, Uri,
};
use ward_analysis::{Analysis, Cancellable, Diagnostic, FileId};

use super::convert::{self, ClientNames, ClientPlaces};
use super::world::OpenDocs;
use super::{ClientCaps, State, log};
use crate::places::Places;

/// What was last published for a file.
struct Sent {
    uri: Uri,
    version: Option<i32>,
    diagnostics: Arc<Vec<Diagnostic>>,
    lsp: Vec<lsp::Diagnostic>,
}

#[derive(Default)]
struct Published {
    files: HashMap<PathBuf, Sent>,
}

/// Which files a run covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// The files just changed, then the open documents: what the user looks at.
    Changed,
    /// Every file of the workspace, after a pause in the changes.
    All,
}

/// How long the changes must pause before the rest of the workspace is re-checked. While
/// the user types, only the changed and open files are; the rest waits for a pause instead
/// of being computed and cancelled at every keystroke.
const SETTLE: Duration = Duration::from_millis(100);

/// One run's input: a snapshot of each workspace and what it needs to say where things are.
struct Job {
    analyses: Vec<Analysis>,
    open: OpenDocs,
    dirty: Vec<PathBuf>,
    caps: Arc<ClientCaps>,
    phase: Phase,
    /// Whether to parse every file in parallel first (the first run).
    prime: bool,
}

#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Done,
    Cancelled,
    Failed,
}

/// The publisher's state between runs.
struct Publisher {
    state: Arc<State>,
    client: Client,
    published: Option<Published>,
    primed: bool,
}

/// Runs until the server exits.
pub async fn publisher(state: Arc<State>, client: Client) {
    let mut publisher = Publisher {
        state,
        client,
        published: Some(Published::default()),
        primed: false,
    };
    loop {
        publisher.state.diagnostics_changed.notified().await;
        // The changed files; then, once changes pause, the rest.
        loop {
            if publisher.run(Phase::Changed).await != Outcome::Done {
                break;
            }
            let changes = publisher.state.diagnostics_changed.notified();
            tokio::select! {
                () = changes => continue,
                () = tokio::time::sleep(SETTLE) => {}
            }
            if publisher.run(Phase::All).await == Outcome::Done {
                publisher.state.all_published();
                // A plan's report and SBOM globs may have changed with the edits: read the
                // inputs again, and publish what that changes.
                let changed = publisher.state.world().check_input_sources();
                if changed {
                    super::register_input_watchers(&publisher.state, &publisher.client);
                    continue;
                }
            }
            break;
        }
    }
}

impl Publisher {
    /// One run on a fresh snapshot; its diagnostics are published as they come.
    async fn run(&mut self, phase: Phase) -> Outcome {
        let job = {
            let mut world = self.state.world();
            if !world.indexed() {
                return Outcome::Cancelled;
            }
            let (analyses, open) = world.snapshots();
            Job {
                analyses,
                open,
                dirty: world.take_dirty(),
                caps: self.state.caps(),
                phase,
                prime: !self.primed,
            }
        };
        let mut published = self.published.take().unwrap_or_default();
        let (tx, mut rx) = mpsc::unbounded_channel();
        let task = tokio::task::spawn_blocking(move || {
            let mut left = Vec::new();
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                run(job, &mut published, &mut left, &tx)
            }));
            (published, left, outcome)
        });
        // A client that pulls is told that findings changed, once the run is over; it then
        // asks for what it shows. Every other client is sent each file as it is ready.
        let pulls = self.state.caps().pull_diagnostics;
        let mut changed = false;
        while let Some(params) = rx.recv().await {
            if pulls {
                changed = true;
                continue;
            }
            let PublishDiagnosticsParams {
                uri,
                diagnostics,
                version,
            } = params;
            self.client
                .publish_diagnostics(uri, diagnostics, version)
                .await;
        }
        if changed && self.state.caps().diagnostic_refresh {
            // The client's answer says nothing the server needs.
            let _ = self.client.workspace_diagnostic_refresh().await;
        }
        let Ok((published, left, outcome)) = task.await else {
            log::error(format_args!("the diagnostics task failed"));
            return Outcome::Failed;
        };
        self.published = Some(published);
        match outcome {
            Ok(Ok(())) => {
                self.primed = true;
                Outcome::Done
            }
            Ok(Err(_cancelled)) => {
                log::debug(format_args!("diagnostics run cancelled"));
                if !left.is_empty() {
                    self.state.world().restore_dirty(left);
                }
                Outcome::Cancelled
            }
            Err(panic) => {
                let message = super::panic_message(&panic);
                log::error(format_args!("computing diagnostics panicked: {message}"));
                Outcome::Failed
            }
        }
    }
}

fn run(
    job: Job,
    published: &mut Published,
    left: &mut Vec<PathBuf>,
    tx: &mpsc::UnboundedSender<PublishDiagnosticsParams>,
) -> Cancellable<()> {
    let started = std::time::Instant::now();
    if job.prime {
        if let Err(cancelled) = job.analyses.iter().try_for_each(Analysis::prime) {
            *left = job.dirty.clone();
            return Err(cancelled);
        }
        log::debug(format_args!(
            "parsed the workspace in {:.1?}",
            started.elapsed()
        ));
    }
    // Every file, with the workspace it is in: the `.ward` files and the external inputs
    // (test reports, SBOMs), whose own diagnostics (`invalid-test-report`) are published
    // like any file's.
    let files: Vec<Vec<FileId>> = job
        .analyses
        .iter()
        .map(|analysis| {
            let mut files = analysis.files();
            files.extend(analysis.inputs());
            files
        })
        .collect();
    // Sized first: grown insert by insert, the map of 1,000 paths was rehashed seven times
    // on every run, twice per keystroke.
    let mut by_path: HashMap<PathBuf, (usize, FileId)> =
        HashMap::with_capacity(files.iter().map(Vec::len).sum());
    for (at, (analysis, files)) in job.analyses.iter().zip(&files).enumerate() {
        by_path.extend(files.iter().map(|&file| (analysis.path(file), (at, file))));
    }
    // The order: the files just changed (most recent first), the open documents, the rest.
    let mut order: Vec<PathBuf> = job.dirty.iter().rev().cloned().collect();
    let mut open: Vec<&PathBuf> = job.open.keys().collect();
    open.sort();
    order.extend(open.into_iter().cloned());
    let mut seen = HashSet::new();
    order.retain(|path| seen.insert(path.clone()));
    if job.phase == Phase::All {
        // Each workspace's files in its own order (by path), with no sort of them all.
        for (analysis, files) in job.analyses.iter().zip(&files) {
            let rest = files
                .iter()
                .map(|&file| analysis.path(file))
                .filter(|path| !seen.contains(path));
            order.extend(rest);
        }
    }

    let places: Vec<ClientPlaces<'_>> = job
        .analyses
        .iter()
        .map(|analysis| Places::new(analysis, ClientNames { open: &job.open }))
        .collect();
    for (at, path) in order.iter().enumerate() {
        let Some(&(workspace, file)) = by_path.get(path) else {
            // A changed file that left the workspace: clear what was published for it.
            if let Some(sent) = published.files.remove(path) {
                let _ = tx.send(PublishDiagnosticsParams {
                    uri: sent.uri,
                    diagnostics: Vec::new(),
                    version: None,
                });
            }
            continue;
        };
        let (analysis, places) = (&job.analyses[workspace], &places[workspace]);
        let diagnostics = match analysis.diagnostics(file) {
            Ok(diagnostics) => diagnostics,
            Err(cancelled) => {
                *left = unreached(&job.dirty, &order[at..]);
                return Err(cancelled);
            }
        };
        // Named from the path at hand, as `ClientNames` names it: the places of a file (its
        // text and line index) are made only for the few files whose diagnostics changed.
        let doc = job.open.get(path);
        let version = doc.map(|doc| doc.version);
        let uri = doc.map_or_else(|| convert::path_to_uri(path), |doc| doc.uri.clone());
        let previous = published.files.get(path);
        let same_place = previous.is_some_and(|sent| sent.version == version && sent.uri == uri);
        if same_place && previous.is_some_and(|sent| Arc::ptr_eq(&sent.diagnostics, &diagnostics)) {
            continue;
        }
        let lsp = to_lsp(&diagnostics, places, &job.caps);
        if same_place && previous.is_some_and(|sent| sent.lsp == lsp) {
            if let Some(sent) = published.files.get_mut(path) {
                sent.diagnostics = diagnostics;
            }
            continue;
        }
        let _ = tx.send(PublishDiagnosticsParams {
            uri: uri.clone(),
            diagnostics: lsp.clone(),
            version,
        });
        if at == 0 {
            log::debug(format_args!(
                "diagnostics of {} ready after {:.1?}",
                path.display(),
                started.elapsed()
            ));
        }
        published.files.insert(
            path.clone(),
            Sent {
                uri,
                version,
                diagnostics,
                lsp,
            },
        );
    }
    if job.phase == Phase::All {
        // Files that left the workspace without being reported changed.
        let gone: Vec<PathBuf> = published
            .files
            .keys()
            .filter(|path| !by_path.contains_key(*path))
            .cloned()
            .collect();
        for path in gone {
            if let Some(sent) = published.files.remove(&path) {
                let _ = tx.send(PublishDiagnosticsParams {
                    uri: sent.uri,
                    diagnostics: Vec::new(),
                    version: None,
                });
            }
        }
    }
    Ok(())
}

/// The dirty files among those a cancelled run did not reach.
fn unreached(dirty: &[PathBuf], rest: &[PathBuf]) -> Vec<PathBuf> {
    dirty
        .iter()
        .filter(|path| rest.contains(path))
        .cloned()
        .collect()
}

/// The diagnostics of one file as LSP sends them (pushed or pulled).
pub(super) fn to_lsp(
    diagnostics: &[Diagnostic],
    places: &ClientPlaces<'_>,
    caps: &ClientCaps,
) -> Vec<lsp::Diagnostic> {
    let map = |file| places.line_map(file, caps.encoding);
    let mut out = Vec::with_capacity(diagnostics.len());
    for diagnostic in diagnostics {
        let range = map(diagnostic.file).range(diagnostic.range);
        let related_information = if caps.related_information {
            let mut related: Vec<DiagnosticRelatedInformation> = diagnostic
                .related
                .iter()
                .map(|item| DiagnosticRelatedInformation {
                    location: map(item.location.file).location(item.location.range),
                    message: item.message.clone(),
                })
                .collect();
            if let Some(waived) = &diagnostic.waived {
                related.push(DiagnosticRelatedInformation {
                    location: map(waived.location.file).location(waived.location.range),
                    message: format!("waived by `{}`", waived.by),
                });
            }
            Some(related)
        } else {
            None
        };
        // A waived finding is a hint that names its waiver: visible, never in the way.
        let (severity, message) = match &diagnostic.waived {
            Some(waived) => (
                lsp::DiagnosticSeverity::HINT,
                format!("{} (waived by `{}`)", diagnostic.message, waived.by),
            ),
            None => (
                convert::severity(diagnostic.severity),
                diagnostic.message.clone(),
            ),
        };
        let code = diagnostic.code.as_str();
        let code_description = if caps.code_description {
            crate::explain::docs_url(diagnostic.code)
                .and_then(|url| url.parse().ok())
                .map(|href| CodeDescription { href })
        } else {
            None
        };
        out.push(lsp::Diagnostic {
            range,
            severity: Some(severity),
            code: Some(NumberOrString::String(code.to_owned())),
            code_description,
            source: Some("ward".to_owned()),
            message,
            related_information,
            tags: None,
            data: None,
        });
    }
    out
}
