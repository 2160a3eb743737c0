//! External input files: files other than `.ward` files that the analysis reads and
//! diagnoses: JUnit XML test reports and SBOMs.
//!
//! Each is a [`SourceFile`] of kind [`FileKind::Input`], listed in the workspace's `inputs`:
//! a salsa input like a `.ward` file, so its diagnostics are located, placed and published
//! by the same code. The analysis never reads the disk for them: it says where they come
//! from ([`input_sources`]: the plan's globs, relative to the plan's folder), and the front
//! end finds the files, adds those the command line names, and sets their texts
//! ([`crate::AnalysisHost::set_inputs`]).
//!
//! A second kind of input is one [`InputKind`] variant with its plan field, a module that
//! reads its text in a query of one file (as `junit.rs` does), its arm in
//! [`input_diagnostics`], and the checks that read what that module found.

use std::path::PathBuf;
use std::sync::Arc;

use ward_syntax::ItemKind;

use crate::db::{Db, FileKind, SourceFile, file_ast, plans};
use crate::diagnostics::Diagnostic;
use crate::schema::{self, FieldSpec};

/// What an external input file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum InputKind {
    /// A JUnit XML test report.
    TestReport,
    /// An SBOM: CycloneDX JSON 1.4 to 1.6, or SPDX 2.3 JSON.
    Sbom,
}

impl InputKind {
    pub const ALL: &'static [InputKind] = &[InputKind::TestReport, InputKind::Sbom];

    /// The plan field that lists the globs of this kind's files.
    pub fn plan_field(self) -> &'static FieldSpec {
        match self {
            InputKind::TestReport => &schema::plan::TEST_RESULTS,
            InputKind::Sbom => &schema::plan::SBOM,
        }
    }

    /// What one file of this kind is called in messages.
    pub fn noun(self) -> &'static str {
        match self {
            InputKind::TestReport => "test report",
            InputKind::Sbom => "SBOM",
        }
    }
}

/// Where the files of one kind come from in the plan: globs relative to a folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputSource {
    pub kind: InputKind,
    /// The plan file's folder, which the globs are relative to.
    pub folder: PathBuf,
    /// The globs as written (`reports/*.xml`).
    pub patterns: Vec<String>,
}

/// The globs of every input kind that the workspace's plan lists. Only the plan's own file
/// is read, so an edit elsewhere re-reads nothing.
#[salsa::tracked(returns(ref))]
pub fn input_sources(db: &dyn Db) -> Vec<InputSource> {
    let Some(plan) = plans(db).first() else {
        return Vec::new();
    };
    let ast = file_ast(db, plan.file);
    let Some(item) = ast.items.get(plan.item as usize) else {
        return Vec::new();
    };
    debug_assert_eq!(item.kind, ItemKind::Plan);
    let folder = plan
        .file
        .path(db)
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default();
    InputKind::ALL
        .iter()
        .filter_map(|&kind| {
            let field = schema::find(&item.fields, kind.plan_field())?;
            let patterns: Vec<String> = field
                .values
                .iter()
                .filter_map(|value| match value {
                    ward_syntax::Value::Str(pattern) => Some(pattern.clone()),
                    _ => None,
                })
                .collect();
            (!patterns.is_empty()).then(|| InputSource {
                kind,
                folder: folder.clone(),
                patterns,
            })
        })
        .collect()
}

/// The inputs of one kind, in path order.
pub fn inputs_of(db: &dyn Db, kind: InputKind) -> impl Iterator<Item = SourceFile> + '_ {
    db.workspace()
        .inputs(db)
        .iter()
        .copied()
        .filter(move |file| file.kind(db) == FileKind::Input(kind))
}

/// The kinds of which the workspace has inputs (a report was given, readable or not): a
/// query, so that a change of a report's text re-runs nothing that asks only this.
#[salsa::tracked(returns(ref))]
pub fn input_kinds(db: &dyn Db) -> Vec<InputKind> {
    let mut kinds: Vec<InputKind> = db
        .workspace()
        .inputs(db)
        .iter()
        .filter_map(|file| match file.kind(db) {
            FileKind::Input(kind) => Some(kind),
            FileKind::Ward => None,
        })
        .collect();
    kinds.sort_unstable();
    kinds.dedup();
    kinds
}

/// Whether the workspace has any input of this kind.
pub fn has_inputs(db: &dyn Db, kind: InputKind) -> bool {
    input_kinds(db).contains(&kind)
}

/// The diagnostics located in one input file.
#[salsa::tracked(returns(clone))]
pub fn input_diagnostics(db: &dyn Db, file: SourceFile) -> Arc<Vec<Diagnostic>> {
    match file.kind(db) {
        FileKind::Ward => Arc::default(),
        FileKind::Input(InputKind::TestReport) => crate::junit::report_diagnostics(db, file),
        FileKind::Input(InputKind::Sbom) => crate::supply_chain::sbom_diagnostics(db, file),
    }
}
