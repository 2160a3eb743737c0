//! Every semantic check of one file, producing findings located by item, field and value
//! index instead of text ranges, so they survive edits that only move text.

use std::path::Path;
use std::sync::Arc;

use rustc_hash::FxHashSet;
use ward_syntax::{Block, BlockKind, Field, Item, ItemKind, TextRange, Value};

use crate::dates::{self, Date};
use crate::db::{
    Db, FileNames, ItemRef, Referrer, SourceFile, all_definitions, file_ast, file_names,
};
use crate::diagnostics::{Code, Severity};
use crate::fingerprint::{file_stamp_targets, is_valid_stamp};
use crate::inputs::{InputKind, has_inputs};
use crate::junit::{Reported, TestFound, find_tests};
use crate::model::{
    Approval, Component, ItemModel, Risk, Scoring, Verification, Vulnerability, Written,
};
use crate::plan::{GateStatus, Plan, approvals, covered_categories, plan, plan_every_gate_passed};
use crate::schema::{
    self, Category, FieldSpec, FieldType, LinkField, Responsibility, Rule, Status, Support,
    TestResult, VexStatus, component, control, risk, verification, vulnerability, waiver,
};
use crate::suggest::{Candidate, closest, nearest};
use crate::supply;
use crate::supply_chain::{file_listings, vulnerability_recorded};

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
    /// A range of an external input file (a test report), which has no syntax to index.
    Input(TextRange),
    /// The stamp of a stamped link: item, field, value, and the stamp's length.
    Stamp(u32, u32, u32, u32),
}

impl SyntaxPlace {
    /// The item a place is in; `None` for a place in an input file.
    pub fn item(self) -> Option<u32> {
        match self {
            SyntaxPlace::Item(at)
            | SyntaxPlace::Keyword(at)
            | SyntaxPlace::FieldName(at, _)
            | SyntaxPlace::Value(at, ..)
            | SyntaxPlace::Block(at, _)
            | SyntaxPlace::BlockName(at, _)
            | SyntaxPlace::BlockFieldName(at, ..)
            | SyntaxPlace::BlockValue(at, ..)
            | SyntaxPlace::Stamp(at, ..) => Some(at),
            SyntaxPlace::Input(_) => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub code: Code,
    pub severity: Severity,
    pub gate: Option<String>,
    pub message: String,
    pub at: SyntaxPlace,
    pub related: Vec<(SourceFile, SyntaxPlace, String)>,
    /// The waiver that waives this finding, if one does.
    pub waived: Option<WaivedBy>,
    /// The word the message's "did you mean" proposes in place of the one at `at`, which
    /// the quick fix writes.
    pub suggestion: Option<String>,
}

impl Finding {
    /// A finding with nothing related, waived by nothing, proposing nothing.
    fn new(code: Code, severity: Severity, at: SyntaxPlace, message: String) -> Finding {
        Finding {
            code,
            severity,
            gate: None,
            message,
            at,
            related: Vec::new(),
            waived: None,
            suggestion: None,
        }
    }

    /// Proposes `best` in place of the misspelt word: in the message, and for the fix.
    fn suggest(&mut self, best: Option<&str>) {
        if let Some(best) = best {
            self.message.push_str(&format!("; did you mean `{best}`?"));
            self.suggestion = Some(best.to_owned());
        }
    }
}

/// What a waived finding says of its waiver.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WaivedBy {
    pub waiver: ItemRef,
    pub id: Arc<str>,
    pub rationale: Arc<str>,
    pub expires: Option<Date>,
}

/// What a waiver waives, as the files whose findings it waives read it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct WaiverTerms {
    by: WaivedBy,
    codes: Vec<Code>,
    expired: bool,
}

/// The waivers of one file by item index, their terms read once for every file they waive
/// findings of; only a change to a waiver (or a new day) changes this.
#[salsa::tracked(returns(ref))]
fn file_waivers(db: &dyn Db, file: SourceFile) -> Vec<(u32, WaiverTerms)> {
    let ast = file_ast(db, file);
    let mut found = Vec::new();
    for (at, item) in ast.items.iter().enumerate() {
        let (Some(waiver), Some(id)) = (ItemModel::of(item).waiver(), &item.id) else {
            continue;
        };
        let expires = waiver.expires().valid();
        let by = WaivedBy {
            waiver: ItemRef {
                file,
                item: at as u32,
                kind: ItemKind::Waiver,
            },
            id: Arc::from(id.as_str()),
            rationale: Arc::from(waiver.rationale().text().unwrap_or_default()),
            expires,
        };
        let terms = WaiverTerms {
            by,
            codes: waiver.waives().into_iter().map(|(code, _)| code).collect(),
            // Today is read only for waivers that expire.
            expired: expires.is_some() && waiver.is_expired(db.workspace().today(db)),
        };
        found.push((at as u32, terms));
    }
    found
}

/// Whether each risk of a file is controlled: scored, and acceptable as it stands or after
/// its controls (or accepted). A query of the risk's file, so that a vulnerability in
/// another file reads this, not the risk's text, and an edit elsewhere re-reads nothing.
#[salsa::tracked(returns(ref))]
fn file_risks_controlled(db: &dyn Db, file: SourceFile) -> Vec<(u32, Arc<str>, bool)> {
    let ast = file_ast(db, file);
    let names = file_names(db, file);
    let plan = plan(db);
    ast.items
        .iter()
        .enumerate()
        .filter_map(|(at, item)| {
            let risk = ItemModel::of(item).risk()?;
            let id = item.id.as_deref()?;
            let mitigated = names
                .referrers(id)
                .iter()
                .any(|referrer| referrer.via == control::MITIGATES_LINK);
            let controlled = risk.score().is_some_and(|score| {
                if !mitigated {
                    return plan.is_acceptable(score);
                }
                risk.is_accepted()
                    || risk
                        .residual_score(score)
                        .is_some_and(|residual| plan.is_acceptable(residual))
            });
            Some((at as u32, Arc::from(id), controlled))
        })
        .collect()
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
    checker.suspect_links(&ast.items);
    checker.waive(&ast.items);
    Arc::new(checker.findings)
}

/// The `unused-waiver` findings of a file's waivers: each (code, item) pair that matches no
/// finding. A query apart from `check_file`, since it reads the findings of the files the
/// waivers name, this file's own among them.
#[salsa::tracked(returns(clone))]
pub fn unused_waivers(db: &dyn Db, file: SourceFile) -> Arc<Vec<Finding>> {
    let ast = file_ast(db, file);
    let names = file_names(db, file);
    let plan = plan(db);
    let Some(grade) = plan.grade(Code::UnusedWaiver) else {
        return Arc::default();
    };
    let mut found = Vec::new();
    let mut unused = |at: u32, (field, value): (u32, u32), message: String| {
        found.push(Finding::new(
            Code::UnusedWaiver,
            grade.severity,
            SyntaxPlace::Value(at, field, value),
            message,
        ));
    };
    for (at, item) in ast.items.iter().enumerate() {
        let at = at as u32;
        let Some(waiver) = ItemModel::of(item).waiver() else {
            continue;
        };
        // An expired waiver waives nothing, which `expired-waiver` says already.
        if waiver.expires().valid().is_some() && waiver.is_expired(db.workspace().today(db)) {
            continue;
        }
        let codes = waiver.waives();
        // The codes found at each item the waiver names; unresolved names are errors already.
        let items: Vec<(&str, (u32, u32), FxHashSet<Code>)> = waiver
            .items()
            .into_iter()
            .filter_map(|(name, place)| {
                let def = names.def(name)?;
                let found = check_file(db, def.file)
                    .iter()
                    .filter(|finding| finding.at.item() == Some(def.item))
                    .map(|finding| finding.code)
                    .collect();
                Some((name, place, found))
            })
            .collect();
        // Without a valid code or a resolved item there is nothing to match; the errors
        // about them are reported already.
        if items.is_empty() || codes.is_empty() {
            continue;
        }
        let matched = |code: Code, found: &FxHashSet<Code>| found.contains(&code);
        let code_used = |code: Code| items.iter().any(|(.., found)| matched(code, found));
        let item_used =
            |found: &FxHashSet<Code>| codes.iter().any(|&(code, _)| matched(code, found));
        for &(code, place) in &codes {
            if !code_used(code) {
                unused(
                    at,
                    place,
                    format!("`{code}` matches no finding of the items this waiver names"),
                );
            }
        }
        for (name, place, found) in &items {
            if !item_used(found) {
                let listed: Vec<&str> = codes.iter().map(|(code, _)| code.as_str()).collect();
                unused(
                    at,
                    *place,
                    format!(
                        "`{name}` has no finding this waiver waives ({})",
                        list(&listed)
                    ),
                );
            }
        }
        // A code and an item each used, but not together.
        for &(code, place) in codes.iter().filter(|(code, _)| code_used(*code)) {
            for (name, _, found) in items.iter().filter(|(.., found)| item_used(found)) {
                if !matched(code, found) {
                    unused(
                        at,
                        place,
                        format!("`{code}` matches no finding of `{name}`"),
                    );
                }
            }
        }
    }
    Arc::new(found)
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

/// A finding of a rule, graded by the plan's gates: its severity, and when a gate decides
/// it, the gate in its message and related information; `None` when the rule is off.
pub(crate) fn graded(plan: &Plan, code: Code, at: SyntaxPlace, message: String) -> Option<Finding> {
    let grade = plan.grade(code)?;
    let mut finding = Finding::new(code, grade.severity, at, message);
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
        if let Some(plan_item) = plan.item {
            let (block, field, value) = gate.at;
            finding.related.push((
                plan_item.file,
                SyntaxPlace::BlockValue(plan_item.item, block, field, value),
                format!("gate `{}` requires `{rule}`", gate.phase),
            ));
        }
        finding.gate = Some(gate.phase);
    }
    Some(finding)
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
        self.findings
            .push(Finding::new(code, Severity::Error, at, message));
        self.findings.last_mut().expect("just pushed")
    }

    /// Marks the findings that a waiver waives: those of a waivable code, at an item that a
    /// waiver names in `items`, and of a code it names in `waives`, unless it has expired.
    /// The first such waiver in workspace order is the one named.
    fn waive(&mut self, items: &[Item]) {
        for finding in &mut self.findings {
            let Some(at) = finding.at.item() else {
                continue;
            };
            if !finding.code.is_waivable() {
                continue;
            }
            let Some(id) = items.get(at as usize).and_then(|item| item.id.as_deref()) else {
                continue;
            };
            finding.waived = self
                .names
                .referrers(id)
                .iter()
                .filter(|referrer| referrer.via == waiver::ITEMS_LINK)
                .find_map(|referrer| {
                    let waivers = file_waivers(self.db, referrer.item.file);
                    let terms = waivers
                        .binary_search_by_key(&referrer.item.item, |(at, _)| *at)
                        .ok()
                        .map(|found| &waivers[found].1)?;
                    (!terms.expired && terms.codes.contains(&finding.code))
                        .then(|| terms.by.clone())
                });
        }
    }

    /// Reports a completeness finding at an item, graded by the plan's gates.
    fn finding(&mut self, code: Code, item: u32, message: String) {
        self.finding_at(code, SyntaxPlace::Item(item), message);
    }

    /// `links-current`: each stamped link (with a well-formed stamp) whose target's
    /// fingerprint is no longer its stamp.
    fn suspect_links(&mut self, items: &[Item]) {
        // A file without stamps does not ask for their targets: asked of every file, the
        // query was one more to verify per file of the workspace after every keystroke.
        let stamped = items.iter().any(|item| {
            item.fields.iter().any(|field| {
                field
                    .values
                    .iter()
                    .any(|value| matches!(value, Value::Stamped(_)))
            })
        });
        if !stamped {
            return;
        }
        let targets = file_stamp_targets(self.db, self.file);
        for target in targets.iter() {
            let Some((def, now)) = target.target else {
                continue;
            };
            let (at, field, value) = target.at;
            let Some(Value::Stamped(link)) = items
                .get(at as usize)
                .and_then(|item| item.fields.get(field as usize))
                .and_then(|field| field.values.get(value as usize))
            else {
                continue;
            };
            let (name, stamp) = (&link.name, &link.stamp);
            if !is_valid_stamp(stamp) || now.is(stamp) {
                continue;
            }
            let message = format!(
                "{} has changed since this link was stamped (stamp `{stamp}`, now `{now}`): review the link, then stamp it again",
                quote(def.kind, name)
            );
            if let Some(finding) = self.finding_at(
                Code::SuspectLink,
                SyntaxPlace::Value(at, field, value),
                message,
            ) {
                finding.related.push((
                    def.file,
                    SyntaxPlace::Item(def.item),
                    format!("`{name}` changed since the link was stamped"),
                ));
            }
        }
    }

    /// Reports a completeness finding at a place of an item, graded by the plan's gates;
    /// `None` when the plan turns it off.
    fn finding_at(&mut self, code: Code, at: SyntaxPlace, message: String) -> Option<&mut Finding> {
        let finding = graded(self.plan, code, at, message)?;
        self.findings.push(finding);
        self.findings.last_mut()
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
            ItemModel::Approval(approval) => self.approval(at, approval),
            ItemModel::Component(component) => self.component(at, component, name),
            ItemModel::Vulnerability(vulnerability) => {
                self.vulnerability(at, vulnerability, name, referrers)
            }
            ItemModel::Waiver(waiver) => {
                if let Some(expires) = waiver.expires().valid() {
                    let today = self.db.workspace().today(self.db);
                    if waiver.is_expired(today) {
                        let severity = self
                            .plan
                            .grade(Code::ExpiredWaiver)
                            .map_or(Severity::Warning, |grade| grade.severity);
                        self.error(
                            Code::ExpiredWaiver,
                            SyntaxPlace::Item(at),
                            format!(
                                "{name} expired on {expires} (today is {today}): it waives nothing"
                            ),
                        )
                        .severity = severity;
                    }
                }
            }
            ItemModel::Verification(verification) => {
                match self.verification_result(at, verification, name) {
                    Some((TestResult::Fail, reported)) => {
                        let by = if reported.is_some() {
                            " (by its test reports)"
                        } else {
                            ""
                        };
                        let message = format!("{name} has failed{by}");
                        let db = self.db;
                        if let Some(finding) = self.finding_at(
                            Code::FailedVerification,
                            SyntaxPlace::Item(at),
                            message,
                        ) {
                            for case in reported.iter().flat_map(|reported| &reported.failed) {
                                let test = case.get(db);
                                finding.related.push((
                                    case.file,
                                    SyntaxPlace::Input(test.range),
                                    format!("test case {} failed here", test.describe()),
                                ));
                            }
                        }
                    }
                    Some((TestResult::Pending, _)) => self.finding(
                        Code::PendingVerification,
                        at,
                        format!(
                            "{name} has no result yet (`{}`)",
                            TestResult::Pending.as_str()
                        ),
                    ),
                    Some((TestResult::Pass, _)) => self.evidence(at, verification, name),
                    None => {}
                }
            }
        }
    }

    /// `components-declared` and `vulnerabilities-triaged`: what the SBOMs say of a
    /// declared component, when an SBOM was read.
    fn listed_component(&mut self, at: u32, component: &Component, name: &str) {
        let Some(listings) = file_listings(self.db, self.file) else {
            return;
        };
        let Ok(found) = listings.binary_search_by_key(&at, |(item, _)| *item) else {
            return;
        };
        let listings = &listings[found].1;
        let shown = |sbom: SourceFile| {
            let path = sbom.path(self.db);
            path.file_name().map_or_else(
                || path.display().to_string(),
                |name| name.to_string_lossy().into_owned(),
            )
        };
        let version = component.version().valid();
        if listings.listed.is_empty() {
            self.finding(
                Code::StaleComponent,
                at,
                format!("{name} is in no SBOM: no SBOM lists it"),
            );
        } else if let Some(version) = version
            && !listings.listed.iter().any(|listing| {
                listing
                    .version
                    .as_deref()
                    .is_none_or(|listed| listed == version)
            })
        {
            let mut versions: Vec<&str> = listings
                .listed
                .iter()
                .filter_map(|listing| listing.version.as_deref())
                .collect();
            versions.dedup();
            let mut related = Vec::new();
            for listing in &listings.listed {
                related.push((
                    listing.sbom,
                    SyntaxPlace::Input(listing.range),
                    format!(
                        "listed in `{}` with version {}",
                        shown(listing.sbom),
                        listing.version.as_deref().unwrap_or("(none)")
                    ),
                ));
            }
            if let Some(mut finding) = graded(
                self.plan,
                Code::StaleComponent,
                SyntaxPlace::Item(at),
                format!(
                    "{name} is declared at version {version} but listed with version {}",
                    versions.join(", ")
                ),
            ) {
                finding.related.splice(0..0, related);
                self.findings.push(finding);
            }
        }
        for reported in &listings.vulnerabilities {
            if vulnerability_recorded(self.db, reported) {
                continue;
            }
            let message = format!(
                "`{}` is reported for {name} by `{}`, and no `{}` records it (by ID or alias)",
                reported.id,
                shown(reported.sbom),
                ItemKind::Vulnerability
            );
            if let Some(mut finding) = graded(
                self.plan,
                Code::UntriagedVulnerability,
                SyntaxPlace::Item(at),
                message,
            ) {
                finding.related.insert(
                    0,
                    (
                        reported.sbom,
                        SyntaxPlace::Input(reported.range),
                        format!("`{}` is reported here", reported.id),
                    ),
                );
                self.findings.push(finding);
            }
        }
    }

    /// `components-traced` and `components-supported`.
    fn component(&mut self, at: u32, component: &Component, name: &str) {
        self.listed_component(at, component, name);
        if !component.has_part_of() {
            self.finding(
                Code::UntracedComponent,
                at,
                format!(
                    "{name} is part of no asset: it has no `{}`",
                    component::PART_OF.name
                ),
            );
        }
        let missing: Vec<String> = [
            (component.support().is_absent(), component::SUPPORT.name),
            (
                component.support_ends().is_absent(),
                component::SUPPORT_ENDS.name,
            ),
        ]
        .into_iter()
        .filter(|(absent, _)| *absent)
        .map(|(_, field)| format!("`{field}`"))
        .collect();
        if !missing.is_empty() {
            self.finding(
                Code::UndocumentedSupport,
                at,
                format!(
                    "{name} does not document its support: it has no {}",
                    missing.join(" and no ")
                ),
            );
        }
        let mut reasons = Vec::new();
        if let Some(support @ (Support::Unmaintained | Support::Abandoned)) =
            component.support().valid()
        {
            reasons.push(format!("its support is `{support}`"));
        }
        // Today is read only for components with an end of support.
        if let Some(ends) = component.support_ends().valid() {
            let today = self.db.workspace().today(self.db);
            if ends < today {
                reasons.push(format!("its support ended on {ends} (today is {today})"));
            }
        }
        if !reasons.is_empty() {
            self.finding(
                Code::UnsupportedComponent,
                at,
                format!("{name} is no longer supported: {}", reasons.join(", and ")),
            );
        }
    }

    /// `vulnerabilities-assessed` and `vulnerabilities-timely`.
    fn vulnerability(
        &mut self,
        at: u32,
        vulnerability: &Vulnerability,
        name: &str,
        referrers: &[Referrer],
    ) {
        let Some(status) = vulnerability.status() else {
            // An invalid status is an `invalid-value` already.
            return;
        };
        let assessing: Vec<&Referrer> = referrers
            .iter()
            .filter(|referrer| referrer.via == risk::VULNERABILITY_LINK)
            .collect();
        match status {
            VexStatus::NotAffected if vulnerability.justification().is_absent() => {
                self.finding(
                    Code::UnjustifiedVulnerability,
                    at,
                    format!(
                        "{name} is `{status}` without a `{}`: say why the product is not affected",
                        vulnerability::JUSTIFICATION.name
                    ),
                );
            }
            VexStatus::Affected | VexStatus::UnderInvestigation if assessing.is_empty() => {
                self.finding(
                    Code::UnassessedVulnerability,
                    at,
                    format!(
                        "{name} is `{status}` and no risk assesses it (no risk names it in `{}`)",
                        risk::VULNERABILITY.name
                    ),
                );
            }
            _ => {}
        }
        let limit = match status {
            VexStatus::UnderInvestigation => {
                (self.plan.triage_days, schema::plan::TRIAGE_DAYS.name)
            }
            VexStatus::Affected => (self.plan.patch_days, schema::plan::PATCH_DAYS.name),
            _ => return,
        };
        let Some(learned) = vulnerability.learned().valid() else {
            return;
        };
        if self.plan.grade(Code::OverdueVulnerability).is_none() {
            return;
        }
        // Today is read only for open vulnerabilities with a `learned` date.
        let today = self.db.workspace().today(self.db);
        let days = dates::days_between(learned, today);
        let (allowed, field) = limit;
        if days <= allowed {
            return;
        }
        let why = if status == VexStatus::Affected {
            let uncontrolled: Vec<String> = assessing
                .iter()
                .filter_map(|referrer| {
                    let risks = file_risks_controlled(self.db, referrer.item.file);
                    let found = risks
                        .binary_search_by_key(&referrer.item.item, |(at, ..)| *at)
                        .ok()?;
                    let (_, id, controlled) = &risks[found];
                    (!controlled).then(|| format!("`{id}`"))
                })
                .collect();
            if !assessing.is_empty() && uncontrolled.is_empty() {
                return;
            }
            if assessing.is_empty() {
                ", and no risk assesses it".to_owned()
            } else {
                format!(
                    ", and its risk {} is not controlled to an acceptable residual",
                    uncontrolled.join(", ")
                )
            }
        } else {
            String::new()
        };
        self.finding(
            Code::OverdueVulnerability,
            at,
            format!(
                "{name} has been `{status}` for {days} days since it was learned on {learned} (today is {today}), more than the plan's `{field}` of {allowed}{why}"
            ),
        );
    }

    /// `acceptance-signed`: an accepted risk says who accepted it and when, on or before
    /// today.
    fn acceptance(&mut self, at: u32, risk: &Risk, name: &str) {
        if let (Some(date), Some(place)) = (risk.accepted_on().valid(), risk.accepted_on_at()) {
            self.not_after_today(
                at,
                place,
                date,
                risk::ACCEPTED_ON.name,
                "a risk is accepted",
            );
        }
        if !risk.is_accepted() {
            return;
        }
        let missing: Vec<&str> = [
            (risk.accepted_by().is_absent(), risk::ACCEPTED_BY.name),
            (risk.accepted_on().is_absent(), risk::ACCEPTED_ON.name),
        ]
        .into_iter()
        .filter_map(|(absent, field)| absent.then_some(field))
        .collect();
        if !missing.is_empty() {
            let missing: Vec<String> = missing.iter().map(|field| format!("`{field}`")).collect();
            self.finding(
                Code::UnsignedAcceptance,
                at,
                format!(
                    "{name} is accepted without {}: who accepted it, and when",
                    missing.join(" or ")
                ),
            );
        }
    }

    /// An approval signs a gate of the plan, on or before today.
    fn approval(&mut self, at: u32, approval: &Approval) {
        if let Some((phase, (field, value))) = approval.gate() {
            let place = SyntaxPlace::Value(at, field, value);
            if !self.plan.phases.iter().any(|p| p == phase) {
                let message = format!(
                    "`{phase}` is not a phase of the plan; the phases are {}",
                    list(&self.plan.phases)
                );
                self.error(Code::UnknownPhase, place, message);
            } else if !self.plan.gates.iter().any(|gate| gate.phase == phase) {
                let gated: Vec<&str> = self
                    .plan
                    .gates
                    .iter()
                    .filter(|gate| gate.phase_index.is_some())
                    .map(|gate| gate.phase.as_str())
                    .collect();
                let message = if gated.is_empty() {
                    format!("the phase `{phase}` has no gate to approve; the plan has no gate")
                } else {
                    format!(
                        "the phase `{phase}` has no gate to approve; the gates are {}",
                        list(&gated)
                    )
                };
                self.error(Code::UnknownPhase, place, message);
            }
        }
        if let Some((date, place)) = approval.date() {
            let name = schema::approval::DATE.name;
            self.not_after_today(at, place, date, name, "an approval is signed");
        }
    }

    /// A date that records something done (an acceptance, a signature) cannot lie after
    /// the day the workspace is checked.
    fn not_after_today(&mut self, at: u32, place: (u32, u32), date: Date, field: &str, done: &str) {
        let today = self.db.workspace().today(self.db);
        if date > today {
            self.error(
                Code::InvalidValue,
                SyntaxPlace::Value(at, place.0, place.1),
                format!(
                    "`{field}` is {date}, after today ({today}): {done} on or before the day it is checked"
                ),
            );
        }
    }

    fn risk(&mut self, at: u32, risk: &Risk, name: &str, mitigated: bool) {
        if !risk.assesses_anything() {
            self.error(
                Code::MissingField,
                SyntaxPlace::Item(at),
                format!(
                    "{name} has no `{}` or `{}`: a risk assesses threats, vulnerabilities or both",
                    risk::THREAT.name,
                    risk::VULNERABILITY.name
                ),
            );
        }
        self.acceptance(at, risk, name);
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
        if !mitigated {
            if !self.plan.is_acceptable(score) {
                self.finding(
                    Code::UnmitigatedRisk,
                    at,
                    format!(
                        "{name} scores {} and no control mitigates it",
                        self.plan.judge(score)
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
                    "{name} keeps a residual score of {} without an `{}` rationale",
                    self.plan.judge(residual),
                    risk::ACCEPTED.name
                ),
            );
        }
    }

    /// A verification's result: as written, else as its test reports say (and whether it
    /// came from them), else the default; `None` when the written one is invalid. Reports
    /// the findings of its tests on the way: a test no report has, one that several cases
    /// match, a written result the reports contradict.
    fn verification_result(
        &mut self,
        at: u32,
        verification: &Verification,
        name: &str,
    ) -> Option<(TestResult, Option<Reported>)> {
        let reported = self.tests(at, verification, name);
        match (
            verification.written_result(),
            reported.as_ref().and_then(Reported::effective),
        ) {
            (Written::Absent, Some(result)) => Some((result, reported)),
            _ => verification.result().map(|result| (result, None)),
        }
    }

    /// The findings of a verification's tests, and what the reports say of them; `None`
    /// when it names no test or there is no report (and no gate asks for them).
    fn tests(&mut self, at: u32, verification: &Verification, name: &str) -> Option<Reported> {
        let tests: Vec<((u32, u32), &str)> = verification.tests().collect();
        if tests.is_empty() {
            return None;
        }
        let reports = has_inputs(self.db, InputKind::TestReport);
        // `tests-reported` is off without reports, unless a gate requires it.
        let missing_counts = reports
            || self
                .plan
                .grade(Code::MissingTestResult)
                .is_some_and(|grade| grade.gate.is_some());
        if !reports && !missing_counts {
            return None;
        }
        let found = find_tests(self.db, tests.iter().map(|(_, test)| *test));
        for (&((field, value), test), found) in tests.iter().zip(&found) {
            let place = SyntaxPlace::Value(at, field, value);
            match found {
                TestFound::Missing if missing_counts => {
                    self.finding_at(
                        Code::MissingTestResult,
                        place,
                        format!("no test report has a result for `{test}`, a test of {name}"),
                    );
                }
                TestFound::Missing | TestFound::One(_) => {}
                TestFound::Ambiguous(cases) => {
                    let related = cases
                        .iter()
                        .map(|case| {
                            (
                                case.file,
                                SyntaxPlace::Input(case.get(self.db).range),
                                format!("`{test}` matches this test case"),
                            )
                        })
                        .collect();
                    self.error(
                        Code::AmbiguousTest,
                        place,
                        format!(
                            "`{test}` matches {} test cases of the reports; name one by its `classname` and `name`",
                            cases.len()
                        ),
                    )
                    .related = related;
                }
            }
        }
        let reported = Reported::of(&found, self.db);
        if let (Written::Valid(written), Some(says), Some((field, value))) = (
            verification.written_result(),
            reported.result,
            verification.result_at(),
        ) && written != says
        {
            let related = found
                .iter()
                .filter_map(|test| match test {
                    TestFound::One(case) => Some(case.get(self.db)).zip(Some(case)),
                    _ => None,
                })
                .filter(|(case, _)| case.outcome.result() == says)
                .map(|(case, at)| {
                    (
                        at.file,
                        SyntaxPlace::Input(case.range),
                        format!(
                            "test case {} {} here",
                            case.describe(),
                            case.outcome.as_str()
                        ),
                    )
                })
                .collect();
            self.error(
                Code::ContradictedResult,
                SyntaxPlace::Value(at, field, value),
                format!(
                    "{name} says `{}: {}` but its test reports say `{}`",
                    verification::RESULT.name,
                    written.as_str(),
                    says.as_str()
                ),
            )
            .related = related;
        }
        Some(reported)
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
        let mut matrices = 0;
        for (block_at, block) in item.blocks.iter().enumerate() {
            let block_at = block_at as u32;
            if block.kind == BlockKind::Matrix {
                matrices += 1;
                self.matrix(at, block_at, item, block, matrices > 1);
                continue;
            }
            self.gate(at, block_at, block, &mut seen);
        }
        self.unapproved_gates(at);
        self.uncovered_categories(at);
    }

    /// `categories-covered`: each of FDA's security control categories is named by a
    /// control, or declared not applicable by the plan. The findings are the plan's.
    fn uncovered_categories(&mut self, at: u32) {
        if self.plan.grade(Code::UncoveredCategory).is_none() {
            return;
        }
        let covered = covered_categories(self.db);
        for &category in Category::ALL {
            if covered.contains(&category) || self.plan.not_applicable.contains(&category) {
                continue;
            }
            self.finding(
                Code::UncoveredCategory,
                at,
                format!(
                    "no control names the security control category `{category}` in its `{}`, and the plan does not list it in `{}`",
                    control::CATEGORY.name,
                    schema::plan::NOT_APPLICABLE.name
                ),
            );
        }
    }

    /// The acceptability matrix: once, instead of `acceptable`, every level given, and a
    /// higher severity never accepting a higher exploitability.
    fn matrix(&mut self, at: u32, block_at: u32, item: &Item, block: &Block, again: bool) {
        let spec = &schema::matrix::BLOCK;
        let keyword = SyntaxPlace::Block(at, block_at);
        if again {
            self.error(
                Code::DuplicateField,
                keyword,
                format!("the plan has one `{}`; this is a second one", spec.keyword),
            );
        }
        self.fields(
            at,
            Some(block_at),
            ItemKind::Plan,
            &block.fields,
            spec.fields,
        );
        if again {
            // A second matrix takes no part: its levels are not judged.
            return;
        }
        let acceptable = schema::plan::ACCEPTABLE.name;
        if let Some(field_at) = item.fields.iter().position(|f| f.name == acceptable) {
            let file = self.file;
            self.error(
                Code::InvalidValue,
                keyword,
                format!(
                    "a plan decides acceptability by `{acceptable}` or by a `{}`, not both",
                    spec.keyword
                ),
            )
            .related
            .push((
                file,
                SyntaxPlace::FieldName(at, field_at as u32),
                format!("`{acceptable}` is given here"),
            ));
        }
        let mut previous: Option<(&str, i64)> = None;
        for level in spec.fields {
            let Some(field_at) = block.fields.iter().position(|f| f.name == level.name) else {
                self.error(
                    Code::InvalidValue,
                    keyword,
                    format!(
                        "the `{}` has no `{}`: every severity level needs its highest acceptable exploitability",
                        spec.keyword, level.name
                    ),
                );
                continue;
            };
            // An out-of-range limit is an `invalid-value` already, and no point of comparison.
            let limit = match block.fields[field_at].values.first() {
                Some(&Value::Int(Some(limit))) if (0..=schema::SCORE.1).contains(&limit) => limit,
                _ => continue,
            };
            if let Some((lower, lower_limit)) = previous
                && limit > lower_limit
            {
                self.error(
                    Code::InvalidValue,
                    SyntaxPlace::BlockValue(at, block_at, field_at as u32, 0),
                    format!(
                        "`{}: {limit}` accepts a higher exploitability than `{lower}: {lower_limit}`: a higher severity never accepts more",
                        level.name
                    ),
                );
            }
            previous = Some((level.name, limit));
        }
    }

    /// `gates-approved`: each passed gate that requires it needs an approval. The finding
    /// is the gate's own, at its phase name, and an error once the gate is passed.
    fn unapproved_gates(&mut self, at: u32) {
        let plan = self.plan;
        for gate in &plan.gates {
            let Some(&(rule, field, value)) = gate
                .rules
                .iter()
                .find(|(rule, ..)| *rule == Rule::GatesApproved)
            else {
                continue;
            };
            let passed = gate
                .phase_index
                .is_some_and(|index| plan.status(index) == GateStatus::Passed);
            if !passed || approvals(self.db).iter().any(|a| a.phase == gate.phase) {
                continue;
            }
            let phase = &gate.phase;
            let mut finding = Finding::new(
                Code::UnapprovedGate,
                Severity::Error,
                SyntaxPlace::BlockName(at, gate.block),
                format!(
                    "gate `{phase}` has been passed without an approval (phase-gate gap: gate `{phase}`, already passed, requires `{rule}`)"
                ),
            );
            finding.gate = Some(phase.clone());
            finding.related.push((
                self.file,
                SyntaxPlace::BlockValue(at, gate.block, field, value),
                format!("gate `{phase}` requires `{rule}`"),
            ));
            self.findings.push(finding);
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
                        // The block whose fields these are.
                        let spec = kind
                            .spec()
                            .blocks
                            .iter()
                            .find(|block| block.fields == specs)
                            .expect("block fields come from a block of the kind");
                        if spec.named {
                            format!("a {}", spec.keyword)
                        } else {
                            format!("a `{}` block", spec.keyword)
                        }
                    }
                    None => kind.with_article(),
                };
                let message = format!("`{}` is not a field of {place}", field.name);
                let best = closest(&field.name, known.iter().copied());
                let finding = self.error(Code::UnknownField, name_loc(field_at_u32), message);
                match best {
                    Some(_) => finding.suggest(best),
                    None => finding
                        .message
                        .push_str(&format!("; its fields are {}", list(&known))),
                }
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
        let expects =
            |detail: String| format!("`{}` expects {}{detail}", field.name, spec.ty.describe());
        let invalid = |this: &mut Self, detail: String| {
            this.error(Code::InvalidValue, loc, expects(detail));
        };
        match (spec.ty, value) {
            (FieldType::Link(_), Value::Ident(name)) => match via {
                Some(via) => self.link(loc, via, name),
                None => unreachable!("link fields are an item's own"),
            },
            (FieldType::Link(_), Value::Stamped(link)) => {
                let (name, stamp) = (&link.name, &link.stamp);
                match via {
                    Some(via) => self.link(loc, via, name),
                    None => unreachable!("link fields are an item's own"),
                }
                if !is_valid_stamp(stamp) {
                    let at = match loc {
                        SyntaxPlace::Value(item, field, value) => {
                            SyntaxPlace::Stamp(item, field, value, stamp.len() as u32)
                        }
                        other => other,
                    };
                    self.error(
                        Code::InvalidValue,
                        at,
                        format!(
                            "the stamp of `{name}` is `{stamp}`: a stamp is 12 lowercase hex digits, the fingerprint that `ward stamp` writes"
                        ),
                    );
                }
            }
            (FieldType::Tags, Value::Ident(_)) => {}
            (FieldType::Keywords(allowed) | FieldType::Keyword(allowed), Value::Ident(word)) => {
                if !allowed.contains(&word.as_str()) {
                    let best = closest(word, allowed.iter().copied());
                    self.error(Code::InvalidValue, loc, expects(format!(", not `{word}`")))
                        .suggest(best);
                }
            }
            (FieldType::Rules, Value::Ident(word)) => {
                if Rule::from_name(word).is_none() {
                    let best = closest(word, Rule::NAMES.iter().copied());
                    self.error(
                        Code::InvalidValue,
                        loc,
                        format!("`{word}` is not a gate rule"),
                    )
                    .suggest(best);
                }
            }
            (FieldType::Int(low, high), Value::Int(number)) => match number {
                Some(n) if (low..=high).contains(n) => {}
                Some(n) => {
                    invalid(self, format!(", not {n}"));
                }
                None => {
                    invalid(self, ", not a number this large".to_owned());
                }
            },
            (FieldType::Path, Value::Str(path)) if path.is_empty() => {
                invalid(self, ", not an empty string".to_owned());
            }
            (FieldType::Str | FieldType::Strs | FieldType::Path, Value::Str(_)) => {}
            (FieldType::Text, Value::Str(_) | Value::TextBlock(_)) => {}
            (FieldType::Names | FieldType::Name, Value::Ident(_)) => {}
            (FieldType::Codes, Value::Ident(word)) => match Code::from_name(word) {
                Some(code) if code.is_waivable() => {}
                Some(code) => {
                    self.error(
                        Code::InvalidValue,
                        loc,
                        format!("`{code}` cannot be waived: only the findings of rules can"),
                    );
                }
                None => {
                    let best = closest(word, Code::waivable_names().iter().copied());
                    self.error(
                        Code::InvalidValue,
                        loc,
                        format!("`{word}` is not a finding code"),
                    )
                    .suggest(best);
                }
            },
            (FieldType::Purl, Value::Str(text)) => {
                if let Some(problem) = supply::purl_problem(text) {
                    invalid(self, format!(", not `{text}`: {problem}"));
                }
            }
            (FieldType::License, Value::Str(text)) => {
                if let Some(problem) = supply::license_problem(text) {
                    invalid(self, format!(", not `{text}`: {problem}"));
                }
            }
            (FieldType::Cvss, Value::Str(text)) => {
                if let Err(problem) = supply::cvss(text) {
                    invalid(self, format!(", not `{text}`: {problem}"));
                }
            }
            (FieldType::Date, Value::Date(date)) => {
                if dates::calendar(*date).is_none() {
                    invalid(self, format!(", not `{date}`, a day that does not exist"));
                }
            }
            (_, other) => {
                invalid(self, format!(", not {}", other.describe()));
            }
        }
    }

    fn link(&mut self, loc: SyntaxPlace, via: LinkField, name: &str) {
        let link = via.link();
        match self.names.def(name) {
            None => {
                let best = suggest(self.db, name, via);
                self.error(
                    Code::UnresolvedReference,
                    loc,
                    format!("no item named `{name}`"),
                )
                .suggest(best.as_deref());
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
