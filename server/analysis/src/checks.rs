//! Every semantic check of one file, producing findings located by item, field and value
//! index instead of text ranges, so they survive edits that only move text.

use std::path::Path;
use std::sync::Arc;

use rustc_hash::FxHashSet;
use ward_syntax::{Block, BlockKind, Field, Item, ItemKind, Value};

use crate::db::{
    Db, FileNames, ItemRef, Referrer, SourceFile, all_definitions, file_ast, file_names,
};
use crate::diagnostics::{Code, Severity};
use crate::model::{ItemModel, Risk, Scoring, Verification, Written};
use crate::plan::{GateStatus, Plan, plan, plan_every_gate_passed};
use crate::schema::{
    self, FieldSpec, FieldType, LinkField, Responsibility, Rule, Status, TestResult, control, risk,
    verification,
};
use crate::suggest::{Candidate, closest, nearest};

/// A place in a file's syntax, by index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SyntaxPlace {
    /// The item's ID (or keyword when it has none).
    Item(u32),
    /// The item keyword.
    Keyword(u32),
    /// A field's name: item, field.
    FieldName(u32, u32),
    /// A value: item, field, value.
    Value(u32, u32, u32),
    /// A block's keyword: item, block.
    Block(u32, u32),
    /// A gate's phase name: item, block.
    BlockName(u32, u32),
    /// A field's name inside a block: item, block, field.
    BlockFieldName(u32, u32, u32),
    /// A value inside a block: item, block, field, value.
    BlockValue(u32, u32, u32, u32),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub code: Code,
    pub severity: Severity,
    pub gate: Option<String>,
    pub message: String,
    pub at: SyntaxPlace,
    pub related: Vec<(SourceFile, SyntaxPlace, String)>,
}

#[salsa::tracked(returns(clone))]
pub fn check_file(db: &dyn Db, file: SourceFile) -> Arc<Vec<Finding>> {
    check_with(db, file, plan(db))
}

/// The findings of a file graded as if every gate had been passed.
#[salsa::tracked(returns(clone))]
pub fn check_file_every_gate_passed(db: &dyn Db, file: SourceFile) -> Arc<Vec<Finding>> {
    check_with(db, file, plan_every_gate_passed(db))
}

fn check_with<'db>(db: &'db dyn Db, file: SourceFile, plan: &'db Plan) -> Arc<Vec<Finding>> {
    let ast = file_ast(db, file);
    let mut checker = Checker {
        db,
        file,
        plan,
        names: file_names(db, file),
        findings: Vec::new(),
    };
    for (at, item) in ast.items.iter().enumerate() {
        checker.item(at as u32, item, &ItemModel::of(item));
    }
    Arc::new(checker.findings)
}

/// Why `path`, written in `file`, names no evidence, or `None` when it names a regular file
/// inside the workspace. `..` and symbolic links are resolved first: a record that points at
/// `/etc/passwd`, at a folder or, through a link, out of the repository proves nothing the
/// reviewers of the workspace can see.
fn evidence_problem(db: &dyn Db, file: SourceFile, path: &str) -> Option<String> {
    let base = file.path(db).parent().unwrap_or(Path::new(""));
    let resolved = match base.join(path).canonicalize() {
        Ok(resolved) => resolved,
        // A dangling link too.
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Some("does not exist".to_owned());
        }
        Err(error) => return Some(format!("cannot be read ({error})")),
    };
    match std::fs::metadata(&resolved) {
        Ok(metadata) if metadata.is_dir() => return Some("is a folder, not a file".to_owned()),
        Ok(metadata) if !metadata.is_file() => return Some("is not a regular file".to_owned()),
        Ok(_) => {}
        Err(error) => return Some(format!("cannot be read ({error})")),
    }
    let roots = canonical_roots(db);
    let folder = canonical_folder(db, file);
    // A file inside no folder of the workspace (an editor's lone file) has its own folder.
    let in_a_root = |path: &Path| roots.iter().any(|root| path.starts_with(root));
    let inside = match folder {
        Some(folder) if !in_a_root(folder) => resolved.starts_with(folder),
        _ => in_a_root(&resolved),
    };
    (!inside).then(|| {
        format!(
            "is outside the workspace (it resolves to `{}`)",
            resolved.display()
        )
    })
}

/// The folder of a file with `..` and symbolic links resolved, once per file rather than
/// once per evidence path; `None` when it does not exist (a file only open in an editor).
#[salsa::tracked(returns(ref))]
fn canonical_folder(db: &dyn Db, file: SourceFile) -> Option<std::path::PathBuf> {
    db.workspace().fs_generation(db);
    file.path(db).parent()?.canonicalize().ok()
}

/// The workspace's folders with `..` and symbolic links resolved; those that do not exist
/// are left out.
#[salsa::tracked(returns(ref))]
fn canonical_roots(db: &dyn Db) -> Vec<std::path::PathBuf> {
    let workspace = db.workspace();
    workspace.fs_generation(db);
    workspace
        .roots(db)
        .iter()
        .filter_map(|root| root.canonicalize().ok())
        .collect()
}

struct Checker<'db> {
    db: &'db dyn Db,
    file: SourceFile,
    plan: &'db Plan,
    /// The file's view of the index: all the checks read of other files' names.
    names: &'db FileNames,
    findings: Vec<Finding>,
}

fn quote(kind: ItemKind, id: &str) -> String {
    format!("{kind} `{id}`")
}

impl Checker<'_> {
    fn error(&mut self, code: Code, at: SyntaxPlace, message: String) -> &mut Finding {
        self.findings.push(Finding {
            code,
            severity: Severity::Error,
            gate: None,
            message,
            at,
            related: Vec::new(),
        });
        self.findings.last_mut().expect("just pushed")
    }

    /// Reports a completeness finding, graded by the plan's gates.
    fn finding(&mut self, code: Code, item: u32, message: String) {
        let Some(grade) = self.plan.grade(code) else {
            return;
        };
        let mut finding = Finding {
            code,
            severity: grade.severity,
            gate: None,
            message,
            at: SyntaxPlace::Item(item),
            related: Vec::new(),
        };
        if let Some(gate) = grade.gate {
            let rule = gate.rule.name();
            let phase = &gate.phase;
            finding.message = match gate.status {
                GateStatus::Passed => format!(
                    "{} (phase-gate gap: gate `{phase}`, already passed, requires `{rule}`)",
                    finding.message
                ),
                _ => format!(
                    "{} (gate `{phase}`, the next review, requires `{rule}`)",
                    finding.message
                ),
            };
            if let Some(plan_item) = self.plan.item {
                let (block, field, value) = gate.at;
                finding.related.push((
                    plan_item.file,
                    SyntaxPlace::BlockValue(plan_item.item, block, field, value),
                    format!("gate `{}` requires `{rule}`", gate.phase),
                ));
            }
            finding.gate = Some(gate.phase);
        }
        self.findings.push(finding);
    }

    fn item(&mut self, at: u32, item: &Item, model: &ItemModel) {
        if item.kind == ItemKind::Plan {
            self.plan_item(at, item);
            return;
        }
        let fields = item.kind.fields();
        self.fields(at, None, item.kind, &item.fields, fields);
        self.blocks(at, item);
        let Some(id) = &item.id else { return };
        let this = ItemRef {
            file: self.file,
            item: at,
            kind: item.kind,
        };
        if let Some(first) = self.names.def(id).filter(|first| *first != this) {
            self.error(
                Code::DuplicateId,
                SyntaxPlace::Item(at),
                format!("the ID `{id}` is defined more than once"),
            )
            .related
            .push((
                first.file,
                SyntaxPlace::Item(first.item),
                format!("`{id}` is first defined here"),
            ));
        }
        for spec in fields.iter().filter(|spec| spec.required) {
            if item.field(spec.name).is_none() {
                let message = format!(
                    "{} has no `{}`: {}",
                    quote(item.kind, id),
                    spec.name,
                    spec.doc.to_lowercase().trim_end_matches('.')
                );
                self.error(Code::MissingField, SyntaxPlace::Item(at), message);
            }
        }
        let referrers = self.names.referrers(id);
        let name = quote(item.kind, id);
        for rule in schema::Coverage::of(item.kind) {
            if !referrers.iter().any(|referrer| referrer.via == rule.via) {
                self.finding(rule.code, at, format!("{name} is not {}", rule.phrase));
            }
        }
        self.completeness(at, &name, model, referrers);
    }

    /// The findings of each kind beyond the coverage rules of the table.
    fn completeness(&mut self, at: u32, name: &str, model: &ItemModel, referrers: &[Referrer]) {
        match model {
            ItemModel::Asset | ItemModel::Threat | ItemModel::Plan => {}
            ItemModel::Risk(risk) => {
                let mitigated = referrers
                    .iter()
                    .any(|referrer| referrer.via == control::MITIGATES_LINK);
                self.risk(at, risk, name, mitigated);
            }
            ItemModel::Control(control) => {
                let status = control.status();
                if status != Status::Implemented {
                    let status = control.written_status().word(&control::STATUS);
                    self.finding(
                        Code::UnimplementedControl,
                        at,
                        format!("{name} is not implemented (status `{status}`)"),
                    );
                }
                if control.written_responsibility().valid() == Some(Responsibility::Deployer)
                    && control.guidance().is_absent()
                {
                    self.finding(
                        Code::UndocumentedDeployerControl,
                        at,
                        format!("{name} is the deployer's responsibility but has no `{}` for the deployer", control::GUIDANCE.name),
                    );
                }
            }
            ItemModel::Verification(verification) => match verification.result() {
                Some(TestResult::Fail) => {
                    self.finding(Code::FailedVerification, at, format!("{name} has failed"))
                }
                Some(TestResult::Pending) => self.finding(
                    Code::PendingVerification,
                    at,
                    format!(
                        "{name} has no result yet (`{}`)",
                        TestResult::Pending.as_str()
                    ),
                ),
                Some(TestResult::Pass) => self.evidence(at, verification, name),
                None => {}
            },
        }
    }

    fn risk(&mut self, at: u32, risk: &Risk, name: &str, mitigated: bool) {
        let score = match risk.scoring() {
            // Present but invalid: already an `invalid-value`, so no other finding.
            Scoring::Invalid => return,
            Scoring::Unscored {
                exploitability,
                severity,
            } => {
                let missing = match (exploitability, severity) {
                    (true, true) => "an exploitability and a severity",
                    (true, false) => "an exploitability",
                    _ => "a severity",
                };
                self.finding(
                    Code::UnscoredRisk,
                    at,
                    format!("{name} has no score: it needs {missing}"),
                );
                return;
            }
            Scoring::Scored(score) => score,
        };
        let acceptable = self.plan.acceptable;
        if !mitigated {
            if !self.plan.is_acceptable(score) {
                self.finding(
                    Code::UnmitigatedRisk,
                    at,
                    format!(
                        "{name} scores {} (above the acceptable {acceptable}) and no control mitigates it",
                        score.value()
                    ),
                );
            }
            return;
        }
        let Some(residual) = risk.residual_score(score) else {
            return;
        };
        if !self.plan.is_acceptable(residual) && !risk.is_accepted() {
            self.finding(
                Code::UnacceptableResidual,
                at,
                format!(
                    "{name} keeps a residual score of {} (above the acceptable {acceptable}) without an `{}` rationale",
                    residual.value(),
                    risk::ACCEPTED.name
                ),
            );
        }
    }

    fn evidence(&mut self, at: u32, verification: &Verification, name: &str) {
        let path = match verification.evidence() {
            Written::Valid(path) => path,
            Written::Absent => {
                self.finding(
                    Code::MissingEvidence,
                    at,
                    format!(
                        "{name} has passed but names no `{}`",
                        verification::EVIDENCE.name
                    ),
                );
                return;
            }
            Written::Invalid(_) => return,
        };
        if self.plan.grade(Code::MissingEvidence).is_none() {
            return;
        }
        // Evidence files are not salsa inputs: depend on the generation the host bumps when
        // the file system may have changed.
        self.db.workspace().fs_generation(self.db);
        if let Some(problem) = evidence_problem(self.db, self.file, path) {
            self.finding(
                Code::MissingEvidence,
                at,
                format!("{name} has passed but its evidence `{path}` {problem}"),
            );
        }
    }

    fn blocks(&mut self, at: u32, item: &Item) {
        let mut seen_residual = false;
        let residual = &schema::residual::BLOCK;
        for (block_at, block) in item.blocks.iter().enumerate() {
            let block_at = block_at as u32;
            if block.kind != BlockKind::Residual {
                continue;
            }
            let owners = || {
                ItemKind::ALL.into_iter().filter(|kind| {
                    kind.spec()
                        .blocks
                        .iter()
                        .any(|b| b.keyword == residual.keyword)
                })
            };
            if !owners().any(|kind| kind == item.kind) {
                let only: Vec<&str> = owners().map(|kind| kind.spec().plural).collect();
                self.error(
                    Code::UnknownField,
                    SyntaxPlace::Block(at, block_at),
                    format!(
                        "{} has no `{}` block; only {} do",
                        item.kind.with_article(),
                        residual.keyword,
                        only.join(" and ")
                    ),
                );
                continue;
            }
            if seen_residual {
                self.error(
                    Code::DuplicateField,
                    SyntaxPlace::Block(at, block_at),
                    format!(
                        "{} has one `{}` block; this is a second one",
                        item.kind.with_article(),
                        residual.keyword
                    ),
                );
            }
            seen_residual = true;
            self.fields(
                at,
                Some(block_at),
                item.kind,
                &block.fields,
                residual.fields,
            );
        }
    }

    fn plan_item(&mut self, at: u32, item: &Item) {
        let this = ItemRef {
            file: self.file,
            item: at,
            kind: ItemKind::Plan,
        };
        if let Some(first) = self.plan.item.filter(|first| *first != this) {
            self.error(
                Code::DuplicatePlan,
                SyntaxPlace::Keyword(at),
                "a workspace has one plan; this is a second one".to_owned(),
            )
            .related
            .push((
                first.file,
                SyntaxPlace::Keyword(first.item),
                "the plan is defined here".to_owned(),
            ));
            // A second plan is not checked further: it does not take part.
            return;
        }
        self.fields(
            at,
            None,
            ItemKind::Plan,
            &item.fields,
            ItemKind::Plan.fields(),
        );
        self.plan_phases(at, item);
        let mut seen: Vec<&str> = Vec::new();
        for (block_at, block) in item.blocks.iter().enumerate() {
            let block_at = block_at as u32;
            self.gate(at, block_at, block, &mut seen);
        }
    }

    fn plan_phases(&mut self, at: u32, item: &Item) {
        let phases = &self.plan.phases;
        for (field_at, field) in item.fields.iter().enumerate() {
            let field_at = field_at as u32;
            match field.name.as_str() {
                name if name == schema::plan::PHASES.name => {
                    let mut listed: FxHashSet<&str> = FxHashSet::default();
                    for (value_at, value) in field.values.iter().enumerate() {
                        let Some(name) = value.as_ident() else {
                            continue;
                        };
                        if !listed.insert(name) {
                            self.error(
                                Code::InvalidValue,
                                SyntaxPlace::Value(at, field_at, value_at as u32),
                                format!("the phase `{name}` is listed twice"),
                            );
                        }
                    }
                }
                name if name == schema::plan::PHASE.name => {
                    if let Some(name) = field.values.first().and_then(Value::as_ident)
                        && !phases.iter().any(|phase| phase == name)
                    {
                        let message = format!(
                            "`{name}` is not a phase of the plan; the phases are {}",
                            list(phases)
                        );
                        self.error(
                            Code::UnknownPhase,
                            SyntaxPlace::Value(at, field_at, 0),
                            message,
                        );
                    }
                }
                _ => {}
            }
        }
    }

    fn gate<'a>(&mut self, at: u32, block_at: u32, block: &'a Block, seen: &mut Vec<&'a str>) {
        let BlockKind::Gate(phase) = &block.kind else {
            return;
        };
        if let Some(phase) = phase {
            if seen.contains(&phase.as_str()) {
                self.error(
                    Code::DuplicateField,
                    SyntaxPlace::BlockName(at, block_at),
                    format!("the gate `{phase}` is defined twice"),
                );
            }
            seen.push(phase);
            if !self.plan.phases.iter().any(|p| p == phase) {
                let message = format!(
                    "the gate `{phase}` names no phase of the plan; the phases are {}",
                    list(&self.plan.phases)
                );
                self.error(
                    Code::UnknownPhase,
                    SyntaxPlace::BlockName(at, block_at),
                    message,
                );
            }
        }
        self.fields(
            at,
            Some(block_at),
            ItemKind::Plan,
            &block.fields,
            schema::gate::FIELDS,
        );
    }

    /// Checks field names, duplicates and every value against the schema.
    fn fields(
        &mut self,
        at: u32,
        block: Option<u32>,
        kind: ItemKind,
        fields: &[Field],
        specs: &'static [FieldSpec],
    ) {
        let name_loc = |field: u32| match block {
            Some(block) => SyntaxPlace::BlockFieldName(at, block, field),
            None => SyntaxPlace::FieldName(at, field),
        };
        let value_loc = |field: u32, value: u32| match block {
            Some(block) => SyntaxPlace::BlockValue(at, block, field, value),
            None => SyntaxPlace::Value(at, field, value),
        };
        for (field_at, field) in fields.iter().enumerate() {
            let field_at_u32 = field_at as u32;
            let Some(spec_at) = specs.iter().position(|spec| spec.name == field.name) else {
                let known: Vec<&str> = specs.iter().map(|spec| spec.name).collect();
                let place = match block {
                    Some(_) => {
                        let spec = kind.spec().blocks.first().expect("a kind with a block");
                        if spec.named {
                            format!("a {}", spec.keyword)
                        } else {
                            format!("a `{}` block", spec.keyword)
                        }
                    }
                    None => kind.with_article(),
                };
                let mut message = format!("`{}` is not a field of {place}", field.name);
                match closest(&field.name, known.iter().copied()) {
                    Some(best) => message.push_str(&format!("; did you mean `{best}`?")),
                    None => message.push_str(&format!("; its fields are {}", list(&known))),
                }
                self.error(Code::UnknownField, name_loc(field_at_u32), message);
                continue;
            };
            let spec = &specs[spec_at];
            // Link fields are an item's own fields, never a block's.
            let via = (block.is_none() && spec.ty.link().is_some()).then_some(LinkField {
                kind,
                field: spec_at as u8,
            });
            if fields[..field_at]
                .iter()
                .any(|earlier| earlier.name == field.name)
            {
                self.error(
                    Code::DuplicateField,
                    name_loc(field_at_u32),
                    format!("the field `{}` is given twice", field.name),
                );
                continue;
            }
            if spec.ty.is_single() && field.values.len() > 1 {
                self.error(
                    Code::InvalidValue,
                    value_loc(field_at_u32, 1),
                    format!(
                        "`{}` takes a single value, {}",
                        field.name,
                        spec.ty.describe()
                    ),
                );
            }
            for (value_at, value) in field.values.iter().enumerate() {
                let loc = value_loc(field_at_u32, value_at as u32);
                self.value(loc, via, field, spec, value);
            }
        }
    }

    fn value(
        &mut self,
        loc: SyntaxPlace,
        via: Option<LinkField>,
        field: &Field,
        spec: &FieldSpec,
        value: &Value,
    ) {
        let invalid = |this: &mut Self, detail: String| {
            this.error(
                Code::InvalidValue,
                loc,
                format!("`{}` expects {}{detail}", field.name, spec.ty.describe()),
            );
        };
        match (spec.ty, value) {
            (FieldType::Link(_), Value::Ident(name)) => match via {
                Some(via) => self.link(loc, via, name),
                None => unreachable!("link fields are an item's own"),
            },
            (FieldType::Tags, Value::Ident(_)) => {}
            (FieldType::Keywords(allowed) | FieldType::Keyword(allowed), Value::Ident(word)) => {
                if !allowed.contains(&word.as_str()) {
                    let hint = closest(word, allowed.iter().copied())
                        .map(|best| format!("; did you mean `{best}`?"))
                        .unwrap_or_default();
                    invalid(self, format!(", not `{word}`{hint}"));
                }
            }
            (FieldType::Rules, Value::Ident(word)) => {
                if Rule::from_name(word).is_none() {
                    let hint = closest(word, Rule::NAMES.iter().copied())
                        .map(|best| format!("; did you mean `{best}`?"))
                        .unwrap_or_default();
                    self.error(
                        Code::InvalidValue,
                        loc,
                        format!("`{word}` is not a gate rule{hint}"),
                    );
                }
            }
            (FieldType::Int(low, high), Value::Int(number)) => match number {
                Some(n) if (low..=high).contains(n) => {}
                Some(n) => invalid(self, format!(", not {n}")),
                None => invalid(self, ", not a number this large".to_owned()),
            },
            (FieldType::Path, Value::Str(path)) if path.is_empty() => {
                invalid(self, ", not an empty string".to_owned())
            }
            (FieldType::Str | FieldType::Strs | FieldType::Path, Value::Str(_)) => {}
            (FieldType::Text, Value::Str(_) | Value::TextBlock(_)) => {}
            (FieldType::Names | FieldType::Name, Value::Ident(_)) => {}
            (_, other) => invalid(self, format!(", not {}", other.describe())),
        }
    }

    fn link(&mut self, loc: SyntaxPlace, via: LinkField, name: &str) {
        let link = via.link();
        match self.names.def(name) {
            None => {
                let mut message = format!("no item named `{name}`");
                if let Some(best) = suggest(self.db, name, via) {
                    message.push_str(&format!("; did you mean `{best}`?"));
                }
                self.error(Code::UnresolvedReference, loc, message);
            }
            Some(def) if !link.accepts(def.kind) => {
                let message = format!(
                    "`{name}` is {}, but this field links to {} items",
                    def.kind.with_article(),
                    link.describe_targets()
                );
                self.error(Code::WrongKindReference, loc, message)
                    .related
                    .push((
                        def.file,
                        SyntaxPlace::Item(def.item),
                        format!("`{name}` is defined here as {}", def.kind.with_article()),
                    ));
            }
            Some(_) => {}
        }
    }
}

/// The closest ID for an unresolved reference, among items of the kinds the field names.
fn suggest(db: &dyn Db, name: &str, via: LinkField) -> Option<String> {
    suggestion(db, SuggestionKey::new(db, name.to_owned(), via)).clone()
}

/// What an unresolved reference is compared with.
#[salsa::interned]
struct SuggestionKey<'db> {
    #[returns(ref)]
    name: String,
    #[returns(copy)]
    via: LinkField,
}

/// A query of its own, fed by the IDs alone: an edit that only changes links rebuilds the
/// index but not the ID list, so no suggestion is searched again.
#[salsa::tracked(returns(ref))]
fn suggestion<'db>(db: &'db dyn Db, key: SuggestionKey<'db>) -> Option<String> {
    let ids = ids_by_kind(db);
    let candidates = key
        .via(db)
        .link()
        .targets
        .iter()
        .flat_map(|&kind| ids[kind as usize].iter());
    nearest(key.name(db), candidates).map(|candidate| candidate.name.clone())
}

/// Every defined ID, by the kind of its definition and sorted, prepared for the search:
/// unchanged by edits to links.
#[salsa::tracked(returns(ref))]
fn ids_by_kind(db: &dyn Db) -> Vec<Vec<Candidate>> {
    let mut ids: Vec<Vec<&str>> = vec![Vec::new(); ItemKind::ALL.len()];
    for (name, def) in all_definitions(db) {
        ids[def.kind as usize].push(name);
    }
    ids.into_iter()
        .map(|mut names| {
            names.sort_unstable();
            names.into_iter().map(Candidate::new).collect()
        })
        .collect()
}

fn list(names: &[impl AsRef<str>]) -> String {
    names
        .iter()
        .map(|name| format!("`{}`", name.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}
