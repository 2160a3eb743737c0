//! The report model of `ward report`: an editor-neutral record of the workspace for the
//! design history file (header, gate status, traceability matrix, risk matrix, deployer
//! guidance, waivers, control categories, components, vulnerabilities, findings and the
//! catalogue of items), built from the analysis and from the
//! diagnostics `ward check` reports. Nothing here renders; the front end turns a
//! [`Report`] into HTML, Markdown, CSV or JSON.
//!
//! Two sets of diagnostics go in. The findings list is exactly what `ward check` printed
//! (same `--gate`), located by the same code, so the report can never disagree with it.
//! The gate status is computed from a second run of the *same* checks with every gate
//! passed (the gate override set to the plan's last phase): then every rule any gate
//! requires is on, whatever its default level, and a rule is met exactly when that run
//! reports none of its findings, which is what `ward check --gate <last phase>` would say.
//! Re-deriving the rules here with other code could drift from the checks; re-running them
//! cannot.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use ward_syntax::{Item, ItemKind, Value};

use crate::dates::Date;
use crate::diagnostics::{Code, Diagnostic, FileRange, Severity};
use crate::graph::Adjacency;
use crate::model::ItemModel;
use crate::plan::{GateStatus, Plan};
use crate::schema::{
    self, Category, FieldSpec, Keyword, LinkField, Responsibility, Rule, SCORE, TestResult,
    control, verification, vulnerability,
};
use crate::{Analysis, Cancellable, FileId, ItemRef, TextRange};

mod catalogue;

pub use catalogue::{AttrValue, Attribute, Catalogue, ItemEntry};

/// The whole report.
#[derive(Debug)]
pub struct Report {
    pub header: Header,
    /// Every gate of the plan, in phase order (gates naming no phase last).
    pub gates: Vec<GateReport>,
    /// One entry per risk, in workspace order.
    pub traceability: Vec<TraceRisk>,
    pub risk_matrix: RiskMatrix,
    /// Every control with `responsibility: deployer`, in workspace order.
    pub deployer_guidance: Vec<GuidanceEntry>,
    /// Every waiver, in workspace order, with what it waives and whether it still holds.
    pub waivers: Vec<WaiverEntry>,
    /// FDA's security control categories, in their order: the controls naming each.
    pub categories: Vec<CategoryEntry>,
    /// Every component, in workspace order.
    pub components: Vec<ComponentEntry>,
    /// Every vulnerability, in workspace order.
    pub vulnerabilities: Vec<VulnerabilityEntry>,
    /// Every diagnostic of `ward check`, in its order (file, line, column, code).
    pub findings: Vec<FindingEntry>,
    /// Every item with an ID, by kind in chain order, then in workspace order, made entry by
    /// entry as it is read.
    pub items: Catalogue,
    /// Every stamped link whose target changed since it was stamped, in workspace order.
    pub suspect_links: Vec<SuspectLinkEntry>,
    /// The link graph, for the traceability pictures.
    pub graph: TraceGraph,
    /// The residual risk of the workspace: how many risks end within what the plan
    /// accepts, and which do not.
    pub residual: ResidualSummary,
    /// What each section shows missing, in section order.
    pub missing: Vec<Missing>,
}

/// The link graph as the report shows it: every item with an ID, every resolved link.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TraceGraph {
    pub nodes: Vec<GraphNode>,
    /// Links from the linking item (`from`) to the item it names (`to`), as node indexes.
    pub edges: Vec<GraphEdge>,
    /// For each asset, the nodes below it (the asset first): what a picture of that asset
    /// shows.
    pub per_asset: Vec<(usize, Vec<usize>)>,
    /// For each node, the edges out of it, in order.
    out: Adjacency,
}

impl TraceGraph {
    /// The edges between the given nodes, in the order of [`TraceGraph::edges`]: read from
    /// the nodes' own edges, as a picture of one asset is a small part of a large graph.
    pub fn edges_among(&self, nodes: &[usize]) -> Vec<&GraphEdge> {
        let mut among = vec![false; self.nodes.len()];
        for &node in nodes {
            among[node] = true;
        }
        let mut found: Vec<usize> = nodes
            .iter()
            .flat_map(|&node| self.out.of(node))
            .filter(|&edge| among[self.edges[edge].to])
            .collect();
        found.sort_unstable();
        found.dedup();
        found.into_iter().map(|edge| &self.edges[edge]).collect()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GraphNode {
    pub item: ItemLink,
    pub kind: ItemKind,
    /// 0 for an item that links to nothing, else one more than the highest item it links to.
    pub layer: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GraphEdge {
    pub from: usize,
    pub to: usize,
    pub via: LinkField,
}

/// The residual risk conclusion: every scored risk at the score it keeps after its
/// controls, against what the plan accepts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResidualSummary {
    pub risks: usize,
    /// Within what the plan accepts, after mitigation.
    pub acceptable: usize,
    /// Above it, with an `accepted` rationale.
    pub accepted: Vec<ItemLink>,
    /// Above it, with no rationale: the residual risk is not acceptable while there is one.
    pub unacceptable: Vec<ItemLink>,
    pub unscored: Vec<ItemLink>,
}

impl ResidualSummary {
    /// Whether every scored risk ends acceptable or accepted, and none is unscored.
    pub fn acceptable_overall(&self) -> bool {
        self.unacceptable.is_empty() && self.unscored.is_empty()
    }
}

/// What a gate concludes about the residual risk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResidualConclusion {
    /// The gate requires `residual-acceptable`, and every risk meets it.
    Acceptable,
    /// The gate requires it and these risks fail it.
    Unacceptable(Vec<ItemLink>),
    /// The gate does not require it: no conclusion at this gate.
    NotRequired,
}

impl ResidualConclusion {
    pub fn as_str(&self) -> &'static str {
        match self {
            ResidualConclusion::Acceptable => "concluded-acceptable",
            ResidualConclusion::Unacceptable(_) => "concluded-not-acceptable",
            ResidualConclusion::NotRequired => "no-conclusion",
        }
    }

    /// A sentence for the gate's conclusion.
    pub fn describe(&self) -> &'static str {
        match self {
            ResidualConclusion::Acceptable => "the residual risk is acceptable",
            ResidualConclusion::Unacceptable(_) => "the residual risk is not acceptable",
            ResidualConclusion::NotRequired => {
                "this gate does not require residual-acceptable: no conclusion yet"
            }
        }
    }
}

/// The sections of the report, in their order, as [`Missing`] names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Section {
    Method,
    Gates,
    Traceability,
    RiskMatrix,
    Guidance,
    Waivers,
    Categories,
    Components,
    Vulnerabilities,
}

impl Section {
    pub const ALL: [Section; 9] = [
        Section::Method,
        Section::Gates,
        Section::Traceability,
        Section::RiskMatrix,
        Section::Guidance,
        Section::Waivers,
        Section::Categories,
        Section::Components,
        Section::Vulnerabilities,
    ];

    /// The section's anchor in the HTML, and its name in the other formats.
    pub fn as_str(self) -> &'static str {
        match self {
            Section::Method => "evaluation-method",
            Section::Gates => "gate-status",
            Section::Traceability => "traceability",
            Section::RiskMatrix => "risk-matrix",
            Section::Guidance => "deployer-guidance",
            Section::Waivers => "waivers",
            Section::Categories => "categories",
            Section::Components => "components",
            Section::Vulnerabilities => "vulnerabilities",
        }
    }
}

/// One thing a section shows missing: a gap in the chain, a field not given, a gate not
/// signed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Missing {
    pub section: Section,
    /// The item it is missing from, if any.
    pub item: Option<ItemLink>,
    pub what: String,
}

impl Report {
    /// What `section` shows missing.
    pub fn missing_in(&self, section: Section) -> impl Iterator<Item = &Missing> {
        self.missing.iter().filter(move |m| m.section == section)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    /// Whether the workspace has a plan; without one, the defaults apply.
    pub has_plan: bool,
    /// The plan's title.
    pub title: Option<String>,
    pub phases: Vec<String>,
    /// The phase the plan says the project stands in.
    pub phase: String,
    /// `--gate <phase>`: checked as if every gate up to this phase had been passed.
    pub gate_override: Option<String>,
    /// The highest score accepted without mitigation.
    pub acceptable: i64,
    /// The day dates are compared with (a waiver's expiry, a component's end of support).
    pub today: Date,
    pub generated: Timestamp,
    /// The version of Ward that made the report.
    pub version: String,
    pub files: usize,
    /// Items per kind, in chain order (every item, with or without a readable ID).
    pub item_counts: Vec<(ItemKind, usize)>,
    pub findings: FindingCounts,
}

impl Header {
    pub fn total_items(&self) -> usize {
        self.item_counts.iter().map(|(_, count)| count).sum()
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FindingCounts {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl FindingCounts {
    pub fn total(&self) -> usize {
        self.errors + self.warnings + self.infos
    }
}

/// A moment in UTC, to the second.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timestamp {
    /// Seconds since 1970-01-01T00:00:00Z.
    pub unix: i64,
}

impl fmt::Display for Timestamp {
    /// RFC 3339 in UTC: `2026-11-01T09:30:00Z`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = self.unix.div_euclid(86_400);
        let secs = self.unix.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        write!(
            f,
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        )
    }
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's
/// `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// A reference from one part of the report to an item. Its text is shared: an item is
/// linked from many places, and each link is a copy of the one its graph node keeps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemLink {
    pub id: Arc<str>,
    /// The kind of the item the ID names; `None` when it names none.
    pub kind: Option<ItemKind>,
    pub title: Option<Arc<str>>,
    /// The anchor of the item's entry (`item-<ID>`); `None` when the ID names no item.
    pub anchor: Option<Arc<str>>,
}

/// A gate of the plan and whether the workspace meets it now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GateReport {
    pub phase: String,
    /// Passed, current or later, `--gate` taken into account; `None` when the gate names
    /// no phase of the plan.
    pub status: Option<GateStatus>,
    pub rules: Vec<RuleReport>,
    /// What this gate concludes about the residual risk.
    pub residual: ResidualConclusion,
    /// The signed reviews of this gate, in workspace order.
    pub approvals: Vec<ApprovalEntry>,
}

/// An `approval`: who signed a gate review, in what role, meaning what, when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApprovalEntry {
    pub approval: ItemLink,
    pub by: Option<String>,
    pub role: Option<String>,
    pub meaning: Option<&'static str>,
    pub date: Option<Date>,
    pub commit: Option<String>,
}

/// A `waiver` and what became of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WaiverEntry {
    pub waiver: ItemLink,
    /// The finding codes it waives.
    pub waives: Vec<Code>,
    /// The items whose findings it waives.
    pub items: Vec<ItemLink>,
    pub rationale: Option<String>,
    pub approved_by: Option<String>,
    pub approved: Option<Date>,
    pub expires: Option<Date>,
    pub status: WaiverStatus,
    /// How many findings of `ward check` it waives.
    pub waived: usize,
}

/// Whether a waiver holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WaiverStatus {
    /// It waives findings, and has not expired.
    Active,
    /// Its `expires` is before today: the findings it named count again.
    Expired,
    /// It has not expired but waives no finding (`unused-waiver`).
    Unused,
}

impl WaiverStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            WaiverStatus::Active => "active", // tidy: a waiver's status in the report, not a value
            WaiverStatus::Expired => "expired",
            WaiverStatus::Unused => "unused",
        }
    }
}

/// One of FDA's security control categories.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CategoryEntry {
    pub category: Category,
    /// The controls that name it in `category`.
    pub controls: Vec<ItemLink>,
    /// Whether the plan lists it in `not-applicable`.
    pub not_applicable: bool,
}

impl CategoryEntry {
    /// Whether the category is covered: by a control, or declared not applicable.
    pub fn covered(&self) -> bool {
        !self.controls.is_empty() || self.not_applicable
    }
}

impl GateReport {
    /// Whether every rule is met.
    pub fn met(&self) -> bool {
        self.rules.iter().all(|rule| rule.met)
    }

    pub fn rules_met(&self) -> usize {
        self.rules.iter().filter(|rule| rule.met).count()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleReport {
    pub rule: Rule,
    /// Whether no item has one of the rule's findings (with every gate passed).
    pub met: bool,
    /// The items that fail the rule, in `ward check` order.
    pub failures: Vec<RuleFailure>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleFailure {
    pub code: Code,
    /// The item at fault; `None` only when the finding lies outside every item.
    pub item: Option<ItemLink>,
    pub location: FileRange,
    /// How `ward check` (with the report's `--gate`) shows this finding: its severity, or
    /// `None` when the finding is off there (a later gate's rule that is off by default).
    pub in_check: Option<Severity>,
}

/// A risk's exploitability, severity and their product.
pub use crate::model::RiskScore as Score;

/// One risk of the traceability matrix with everything up and down its chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceRisk {
    pub risk: ItemLink,
    pub location: FileRange,
    pub threats: Vec<TraceThreat>,
    /// `None` when exploitability or severity is missing or invalid.
    pub score: Option<Score>,
    /// The score after mitigation (the `residual` block, a missing field taking the risk's
    /// own value); `None` when the risk is unscored or no control mitigates it.
    pub residual: Option<Score>,
    /// Whether the score, and the residual score, are above what the plan accepts (as the
    /// checks decide it); `false` when there is none.
    pub score_above_acceptable: bool,
    pub residual_above_acceptable: bool,
    /// The `accepted` rationale for a residual score above the acceptable one.
    pub accepted: Option<String>,
    pub harm: Option<String>,
    pub hazard: Option<String>,
    /// Shared between the risks a control mitigates: made once per control.
    pub controls: Vec<Arc<TraceControl>>,
}

impl TraceRisk {
    /// The score the risk keeps: the residual when mitigated, else its own score.
    pub fn score_after(&self) -> Option<Score> {
        self.residual.or(self.score)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceThreat {
    pub threat: ItemLink,
    /// The assets the threat targets (empty when the ID names no threat).
    pub assets: Vec<ItemLink>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceControl {
    pub control: ItemLink,
    pub kind: Option<&'static str>,
    /// `manufacturer` (the default) or `deployer`.
    pub responsibility: &'static str,
    /// `proposed` (the default) or `implemented`.
    pub status: &'static str,
    pub verifications: Vec<TraceVerification>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceVerification {
    pub verification: ItemLink,
    pub method: Option<&'static str>,
    /// `pending` (the default), `pass` or `fail`: as written, else as the test reports say.
    pub result: &'static str,
    /// Where `result` comes from.
    pub result_from: ResultFrom,
    pub evidence: Option<String>,
    pub test: Option<String>,
}

/// Where a verification's result comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResultFrom {
    /// Its `result` field.
    Written,
    /// Nothing: the default, `pending`.
    Default,
    /// The JUnit reports: the case of each of its tests that a report has.
    TestReports(Vec<ReportedCase>),
}

impl ResultFrom {
    pub fn as_str(&self) -> &'static str {
        match self {
            ResultFrom::Written => "written",
            ResultFrom::Default => "default",
            ResultFrom::TestReports(_) => "test-reports",
        }
    }
}

/// A test case of a report, as the report shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportedCase {
    pub name: String,
    pub classname: Option<String>,
    /// `passed`, `failed` or `skipped`.
    pub outcome: &'static str,
    /// Its name in the report file.
    pub location: FileRange,
}

/// A stamped link whose target changed since it was stamped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SuspectLinkEntry {
    /// The item whose link it is.
    pub item: ItemLink,
    pub target: ItemLink,
    pub stamp: String,
    /// The target's fingerprint now.
    pub now: String,
    /// The link's name in the linking item.
    pub location: FileRange,
}

/// What a row of the flattened traceability matrix shows missing or wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gap {
    /// A risk above the acceptable score (or unscored) that no control mitigates.
    NoControl,
    /// A control that no verification verifies.
    NoVerification,
    /// A verification whose result is `fail`.
    FailedVerification,
    /// A verification whose result is `pending`.
    PendingVerification,
}

impl Gap {
    pub fn as_str(self) -> &'static str {
        match self {
            Gap::NoControl => "no-control",
            Gap::NoVerification => "no-verification",
            Gap::FailedVerification => "failed-verification",
            Gap::PendingVerification => "pending-verification",
        }
    }

    /// A few words for a table cell.
    pub fn describe(self) -> &'static str {
        match self {
            Gap::NoControl => "no control mitigates this risk",
            Gap::NoVerification => "no verification verifies this control",
            Gap::FailedVerification => "the verification failed",
            Gap::PendingVerification => "the verification has no result yet",
        }
    }
}

/// One row of the flattened traceability matrix: a risk, one of its controls (if any) and
/// one of that control's verifications (if any).
#[derive(Clone, Copy, Debug)]
pub struct TraceRow<'a> {
    pub risk: &'a TraceRisk,
    pub control: Option<&'a TraceControl>,
    pub verification: Option<&'a TraceVerification>,
    pub gap: Option<Gap>,
    /// Whether this is the first row of its risk, and of its control.
    pub first_of_risk: bool,
    pub first_of_control: bool,
}

impl TraceRisk {
    /// Rows of the flattened matrix: one per verification of each control, one per control
    /// without verification, one for a risk without control; none is left out, so a break
    /// in the chain is a visible row.
    pub fn rows(&self) -> Vec<TraceRow<'_>> {
        let mut rows = Vec::new();
        if self.controls.is_empty() {
            let needed = self.score.is_none() || self.score_above_acceptable;
            rows.push(TraceRow {
                risk: self,
                control: None,
                verification: None,
                gap: needed.then_some(Gap::NoControl),
                first_of_risk: true,
                first_of_control: true,
            });
            return rows;
        }
        for control in &self.controls {
            if control.verifications.is_empty() {
                rows.push(TraceRow {
                    risk: self,
                    control: Some(control),
                    verification: None,
                    gap: Some(Gap::NoVerification),
                    first_of_risk: rows.is_empty(),
                    first_of_control: true,
                });
                continue;
            }
            for (at, verification) in control.verifications.iter().enumerate() {
                let gap = match TestResult::from_word(verification.result) {
                    Some(TestResult::Fail) => Some(Gap::FailedVerification),
                    Some(TestResult::Pending) => Some(Gap::PendingVerification),
                    _ => None,
                };
                rows.push(TraceRow {
                    risk: self,
                    control: Some(control),
                    verification: Some(verification),
                    gap,
                    first_of_risk: rows.is_empty(),
                    first_of_control: at == 0,
                });
            }
        }
        rows
    }

    /// The number of rows of [`TraceRisk::rows`].
    pub fn row_count(&self) -> usize {
        if self.controls.is_empty() {
            return 1;
        }
        self.controls
            .iter()
            .map(|control| control.verifications.len().max(1))
            .sum()
    }
}

/// The 5×5 grids of exploitability × severity, before and after mitigation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RiskMatrix {
    pub acceptable: i64,
    /// The plan's acceptability matrix, when it has one instead of `acceptable`: for each
    /// severity level (1 negligible to 5 catastrophic), its name and the highest
    /// exploitability still acceptable.
    pub matrix: Option<Vec<(&'static str, i64)>>,
    /// Each risk at its own score.
    pub before: Grid,
    /// Each risk at its residual score when a control mitigates it, else at its own.
    pub after: Grid,
    /// Risks without a valid exploitability and severity, in neither grid.
    pub unscored: Vec<ItemLink>,
}

/// 25 cells, exploitability 5 down to 1 (rows), severity 1 up to 5 (columns).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grid {
    pub cells: Vec<Cell>,
}

impl Grid {
    /// The score levels, lowest first.
    pub fn scale() -> impl DoubleEndedIterator<Item = i64> + Clone {
        SCORE.0..=SCORE.1
    }

    const SIDE: i64 = SCORE.1 - SCORE.0 + 1;

    fn empty(plan: &Plan) -> Grid {
        let mut cells = Vec::with_capacity((Grid::SIDE * Grid::SIDE) as usize);
        for exploitability in Grid::scale().rev() {
            for severity in Grid::scale() {
                let score = Score {
                    exploitability,
                    severity,
                };
                cells.push(Cell {
                    exploitability,
                    severity,
                    above_acceptable: !plan.is_acceptable(score),
                    risks: Vec::new(),
                });
            }
        }
        Grid { cells }
    }

    fn index(exploitability: i64, severity: i64) -> usize {
        ((SCORE.1 - exploitability) * Grid::SIDE + (severity - SCORE.0)) as usize
    }

    pub fn cell(&self, exploitability: i64, severity: i64) -> &Cell {
        &self.cells[Grid::index(exploitability, severity)]
    }

    fn cell_mut(&mut self, score: Score) -> &mut Cell {
        &mut self.cells[Grid::index(score.exploitability, score.severity)]
    }

    /// The rows of the grid, the highest exploitability first.
    pub fn rows(&self) -> impl Iterator<Item = &[Cell]> {
        self.cells.chunks(Grid::SIDE as usize)
    }

    pub fn total(&self) -> usize {
        self.cells.iter().map(|cell| cell.risks.len()).sum()
    }

    pub fn above_acceptable(&self) -> usize {
        self.cells
            .iter()
            .filter(|cell| cell.above_acceptable)
            .map(|cell| cell.risks.len())
            .sum()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cell {
    pub exploitability: i64,
    pub severity: i64,
    /// Whether the cell's score is above the plan's acceptable score.
    pub above_acceptable: bool,
    pub risks: Vec<ItemLink>,
}

impl Cell {
    pub fn score(&self) -> i64 {
        self.exploitability * self.severity
    }
}

/// A control the deployer puts in place, and what the manufacturer tells them to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GuidanceEntry {
    pub control: ItemLink,
    pub status: String,
    pub mitigates: Vec<ItemLink>,
    /// `None` is an `undocumented-deployer-control` gap.
    pub guidance: Option<String>,
}

/// A component: its version, class, support and end of support, and its vulnerabilities.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ComponentEntry {
    pub component: ItemLink,
    pub version: Option<String>,
    pub item_class: Option<String>,
    pub support: Option<String>,
    pub support_ends: Option<Date>,
    /// Whether `support-ends` is before today.
    pub support_ended: bool,
    /// The vulnerabilities that name it in `affects`.
    pub vulnerabilities: Vec<ItemLink>,
}

/// A vulnerability: its status, justification, CVSS base score, and the risks assessing it
/// with their residual scores.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VulnerabilityEntry {
    pub vulnerability: ItemLink,
    pub status: String,
    pub justification: Option<String>,
    /// The vector and its base score, when it is a valid one.
    pub cvss: Option<(String, CvssScore)>,
    pub affects: Vec<ItemLink>,
    pub assessed_by: Vec<AssessingRisk>,
}

/// A risk that assesses a vulnerability, with the score it keeps after its controls.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssessingRisk {
    pub risk: ItemLink,
    /// The residual score when mitigated, else its own; `None` when unscored.
    pub score_after: Option<Score>,
    pub above_acceptable: bool,
    pub accepted: bool,
}

impl AssessingRisk {
    /// The residual in words: `8 (2 × 4), above acceptable, accepted`, `unscored`.
    pub fn describe_residual(&self) -> String {
        let Some(score) = self.score_after else {
            return "unscored".to_owned();
        };
        let mut text = format!(
            "{} ({} × {})",
            score.value(),
            score.exploitability,
            score.severity
        );
        if self.above_acceptable {
            text.push_str(", above acceptable");
            if self.accepted {
                text.push_str(", accepted");
            }
        }
        text
    }
}

impl ComponentEntry {
    /// The end of support as the report shows it, marked when it has passed.
    pub fn describe_support_ends(&self) -> Option<String> {
        let ends = self.support_ends?;
        Some(if self.support_ended {
            format!("{ends} (ended)")
        } else {
            ends.to_string()
        })
    }
}

/// A CVSS base score as the report shows it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CvssScore(pub crate::supply::CvssScore);

// Scores are one decimal (CVSS's own rounding), so comparing them exactly is sound.
impl Eq for CvssScore {}

/// One diagnostic of `ward check`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FindingEntry {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    /// The phase of the gate that decided the severity.
    pub gate: Option<String>,
    pub location: FileRange,
    /// The item the finding is in, if any.
    pub item: Option<ItemLink>,
}

/// What the front end gives the report besides the analysis.
pub struct ReportInput {
    /// The diagnostics of `ward check`, sorted as it prints them.
    pub findings: Vec<Diagnostic>,
    /// Every diagnostic of the same workspace analysed with every gate passed (the gate
    /// override at the plan's last phase); only their codes and places are used.
    pub all_gates_passed: Vec<Diagnostic>,
    pub generated: Timestamp,
    pub version: String,
}

/// The anchor of the entry of an item with this ID.
pub fn anchor(id: &str) -> String {
    format!("item-{id}")
}

struct Builder<'a> {
    analysis: &'a Analysis,
    plan: Plan,
    index: Catalogue,
}

/// Builds the report. `analysis` must be the analysis `ward check` ran (same `--gate`).
pub fn build(analysis: &Analysis, input: ReportInput) -> Cancellable<Report> {
    let builder = Builder {
        analysis,
        plan: analysis.plan()?,
        index: Catalogue::build(analysis)?,
    };
    let waivers = builder.waivers(&input.findings)?;
    let categories = builder.categories()?;
    // A waived finding is no gap: the report counts and lists the others.
    let mut input = input;
    input.findings.retain(|finding| finding.is_active());
    let mut counts = FindingCounts::default();
    for finding in &input.findings {
        match finding.severity {
            Severity::Error => counts.errors += 1,
            Severity::Warning => counts.warnings += 1,
            Severity::Info => counts.infos += 1,
        }
    }
    let header = builder.header(counts, &input);
    let gates = builder.gates(&input.all_gates_passed)?;
    let traceability = builder.traceability()?;
    let risk_matrix = builder.risk_matrix(&traceability);
    let deployer_guidance = builder.guidance()?;
    let components = builder.components()?;
    let vulnerabilities = builder.vulnerabilities(&traceability)?;
    let findings = input
        .findings
        .into_iter()
        .map(|d| {
            Ok(FindingEntry {
                item: builder.item_at(d.file, d.range)?,
                code: d.code,
                severity: d.severity,
                message: d.message,
                gate: d.gate,
                location: FileRange {
                    file: d.file,
                    range: d.range,
                },
            })
        })
        .collect::<Cancellable<Vec<_>>>()?;
    let suspect_links = builder.suspect_links()?;
    let graph = builder.trace_graph();
    let residual = residual_summary(&traceability);
    let mut report = Report {
        header,
        gates,
        traceability,
        risk_matrix,
        deployer_guidance,
        waivers,
        categories,
        components,
        vulnerabilities,
        findings,
        suspect_links,
        graph,
        residual,
        missing: Vec::new(),
        items: builder.index,
    };
    report.missing = missing(&report);
    Ok(report)
}

fn residual_summary(traceability: &[TraceRisk]) -> ResidualSummary {
    let mut summary = ResidualSummary {
        risks: traceability.len(),
        ..ResidualSummary::default()
    };
    for risk in traceability {
        let above = match risk.residual {
            Some(_) => risk.residual_above_acceptable,
            None => risk.score_above_acceptable,
        };
        if risk.score.is_none() {
            summary.unscored.push(risk.risk.clone());
        } else if !above {
            summary.acceptable += 1;
        } else if risk.accepted.is_some() {
            summary.accepted.push(risk.risk.clone());
        } else {
            summary.unacceptable.push(risk.risk.clone());
        }
    }
    summary
}

/// What each section shows missing, read from the sections themselves, so that a table and
/// its list of what is missing cannot disagree.
fn missing(report: &Report) -> Vec<Missing> {
    let mut found = Vec::new();
    let mut push = |section, item: Option<&ItemLink>, what: String| {
        found.push(Missing {
            section,
            item: item.cloned(),
            what,
        });
    };
    if !report.header.has_plan {
        push(
            Section::Method,
            None,
            "no plan: the default phases and acceptable score apply, and there are no gates"
                .to_owned(),
        );
    }
    for gate in &report.gates {
        let passed = matches!(gate.status, Some(GateStatus::Passed));
        for rule in gate.rules.iter().filter(|rule| !rule.met) {
            push(
                Section::Gates,
                None,
                format!(
                    "gate {}: rule {} not met by {} item(s)",
                    gate.phase,
                    rule.rule.name(),
                    rule.failures.len()
                ),
            );
        }
        if passed && gate.approvals.is_empty() {
            push(
                Section::Gates,
                None,
                format!("gate {} is passed and no approval signs it", gate.phase),
            );
        }
    }
    for risk in &report.traceability {
        if risk.threats.is_empty() {
            push(
                Section::Traceability,
                Some(&risk.risk),
                "assesses no threat".to_owned(),
            );
        }
        for threat in &risk.threats {
            if threat.threat.anchor.is_none() {
                push(
                    Section::Traceability,
                    Some(&risk.risk),
                    format!("names {}, which is no item", threat.threat.id),
                );
            }
        }
        for row in risk.rows() {
            let at = row
                .verification
                .map(|v| &v.verification)
                .or(row.control.map(|c| &c.control))
                .unwrap_or(&risk.risk);
            if let Some(gap) = row.gap {
                push(Section::Traceability, Some(at), gap.describe().to_owned());
            }
            if let Some(verification) = row.verification
                && verification.evidence.is_none()
            {
                push(
                    Section::Traceability,
                    Some(at),
                    "no evidence is named".to_owned(),
                );
            }
        }
    }
    for risk in &report.risk_matrix.unscored {
        push(Section::RiskMatrix, Some(risk), "unscored".to_owned());
    }
    for risk in &report.residual.unacceptable {
        push(
            Section::RiskMatrix,
            Some(risk),
            "residual score above acceptable, without an accepted rationale".to_owned(),
        );
    }
    for entry in &report.deployer_guidance {
        if entry.guidance.is_none() {
            push(
                Section::Guidance,
                Some(&entry.control),
                "deployer control without guidance".to_owned(),
            );
        }
    }
    for waiver in &report.waivers {
        if waiver.status != WaiverStatus::Active {
            push(
                Section::Waivers,
                Some(&waiver.waiver),
                format!("{}: waives no finding", waiver.status.as_str()),
            );
        }
    }
    for category in report.categories.iter().filter(|c| !c.covered()) {
        push(
            Section::Categories,
            None,
            format!(
                "category {}: no control, and not declared not applicable",
                category.category.as_str()
            ),
        );
    }
    for component in &report.components {
        let at = Some(&component.component);
        if component.version.is_none() {
            push(Section::Components, at, "no version".to_owned());
        }
        if component.support.is_none() {
            push(Section::Components, at, "no support level".to_owned());
        }
        if component.support_ends.is_none() {
            push(Section::Components, at, "no end of support".to_owned());
        } else if component.support_ended {
            push(Section::Components, at, "support has ended".to_owned());
        }
    }
    for vulnerability in &report.vulnerabilities {
        let at = Some(&vulnerability.vulnerability);
        if vulnerability.cvss.is_none() {
            push(
                Section::Vulnerabilities,
                at,
                "no valid CVSS vector".to_owned(),
            );
        }
        if vulnerability.assessed_by.is_empty() {
            push(
                Section::Vulnerabilities,
                at,
                "no risk assesses it".to_owned(),
            );
        }
    }
    found
}

impl Builder<'_> {
    /// A verification's result, as the checks decide it, and where it comes from.
    fn result_of(
        &self,
        verification: crate::model::Verification<'_>,
    ) -> Cancellable<(&'static str, ResultFrom)> {
        let found = self.analysis.with_db(|db| {
            crate::junit::result_with_source(db, verification).map(|(result, source)| {
                let from = match source {
                    crate::junit::ResultSource::Written => ResultFrom::Written,
                    crate::junit::ResultSource::Default => ResultFrom::Default,
                    crate::junit::ResultSource::Reports(cases) => ResultFrom::TestReports(
                        cases
                            .into_iter()
                            .map(|case| {
                                let test = case.get(db);
                                ReportedCase {
                                    name: test.name.clone(),
                                    classname: test.classname.clone(),
                                    outcome: test.outcome.as_str(),
                                    location: FileRange {
                                        file: case.file,
                                        range: test.range,
                                    },
                                }
                            })
                            .collect(),
                    ),
                };
                (result, from)
            })
        })?;
        Ok(match found {
            Some((result, from)) => (result.as_str(), from),
            // An invalid written result: already an `invalid-value`; the default stands.
            None => (
                verification
                    .written_result()
                    .or_default(&verification::RESULT)
                    .as_str(),
                ResultFrom::Written,
            ),
        })
    }

    /// Every suspect stamped link, in workspace order.
    fn suspect_links(&self) -> Cancellable<Vec<SuspectLinkEntry>> {
        let mut found = Vec::new();
        for &file in &self.index.order {
            let targets = self
                .analysis
                .with_db(|db| crate::fingerprint::file_stamp_targets(db, file))?;
            let data = self.index.file(file);
            for target in targets.iter() {
                let Some((def, now)) = target.target else {
                    continue;
                };
                let (at, field, value) = target.at;
                let item = &data.ast.items[at as usize];
                let Some(Value::Stamped(link)) =
                    item.fields[field as usize].values.get(value as usize)
                else {
                    continue;
                };
                let (name, stamp) = (&link.name, &link.stamp);
                if !crate::fingerprint::is_valid_stamp(stamp) || now.is(stamp) {
                    continue;
                }
                let this = ItemRef {
                    file,
                    item: at,
                    kind: item.kind,
                };
                let Some(id) = &item.id else { continue };
                found.push(SuspectLinkEntry {
                    item: self.index.link_to(this, id),
                    target: self.index.link_to(def, name),
                    stamp: stamp.clone(),
                    now: now.to_string(),
                    location: FileRange {
                        file,
                        range: data.map.items[at as usize].fields[field as usize].values
                            [value as usize],
                    },
                });
            }
        }
        Ok(found)
    }

    /// The typed model of an item.
    fn model(&self, item: ItemRef) -> ItemModel<'_> {
        ItemModel::of(self.index.item(item))
    }

    /// The link graph as the report shows it, with each asset's part.
    fn trace_graph(&self) -> TraceGraph {
        let layers = self.index.graph.layers();
        let nodes = (0..self.index.graph.nodes.len())
            .map(|at| GraphNode {
                item: self.index.node_link(at),
                kind: self.index.graph.nodes[at].kind,
                layer: layers[at],
            })
            .collect();
        let edges = self
            .index
            .graph
            .edges
            .iter()
            .map(|edge| GraphEdge {
                from: edge.from,
                to: edge.to,
                via: edge.via,
            })
            .collect();
        let per_asset = (0..self.index.graph.nodes.len())
            .filter(|&at| self.index.graph.nodes[at].kind == ItemKind::Asset)
            .map(|at| (at, self.index.graph.below(at)))
            .collect();
        let out = Adjacency::new(
            self.index.graph.nodes.len(),
            self.index.graph.edges.iter().map(|edge| edge.from),
        );
        TraceGraph {
            nodes,
            edges,
            per_asset,
            out,
        }
    }

    /// The IDs that an item's link fields accepting `kind` name, as links, in field order
    /// (unresolved ones too: the report shows them as such).
    fn links_to_kind(&self, item: &Item, kind: ItemKind) -> Cancellable<Vec<ItemLink>> {
        let mut found = Vec::new();
        for via in item.kind.link_fields() {
            if via.link().accepts(kind) {
                found.extend(self.links(item, via.spec())?);
            }
        }
        Ok(found)
    }

    /// The IDs an item's field names, as links.
    fn links(&self, item: &Item, field: &FieldSpec) -> Cancellable<Vec<ItemLink>> {
        let Some(field) = item.field(field.name) else {
            return Ok(Vec::new());
        };
        let links = field
            .values
            .iter()
            .filter_map(Value::as_link)
            .map(|id| self.index.link(id))
            .collect::<Vec<_>>();
        Ok(links)
    }

    /// The item a diagnostic lies in; none in an input file (a test report, an SBOM).
    fn item_at(&self, file: FileId, range: TextRange) -> Cancellable<Option<ItemLink>> {
        let Some(data) = self.index.ward_file(file) else {
            return Ok(None);
        };
        let Some(at) = data
            .map
            .items
            .iter()
            .position(|item| item.range.touches(range.start as usize))
        else {
            return Ok(None);
        };
        match &data.ast.items[at].id {
            Some(id) => Ok(Some(self.index.link(id))),
            None => Ok(None),
        }
    }

    /// The approvals that sign the gate of `phase`.
    fn approvals_of(&self, phase: &str) -> Cancellable<Vec<ApprovalEntry>> {
        let mut found = Vec::new();
        for (at, item) in self.index.all_items() {
            let Some(approval) = ItemModel::of(item).approval() else {
                continue;
            };
            if approval.gate().map(|(gate, _)| gate) != Some(phase) {
                continue;
            }
            found.push(ApprovalEntry {
                approval: self.item_link(at)?,
                by: approval.by().valid().map(str::to_owned),
                role: approval.role().valid().map(str::to_owned),
                meaning: approval.meaning().valid().map(Keyword::as_str),
                date: approval.date().map(|(date, _)| date),
                commit: approval.commit().valid().map(str::to_owned),
            });
        }
        Ok(found)
    }

    /// Every waiver, with the findings of `ward check` (waived ones included) it waives.
    fn waivers(&self, findings: &[Diagnostic]) -> Cancellable<Vec<WaiverEntry>> {
        let today = self.analysis.today();
        let mut found = Vec::new();
        for (at, item) in self.index.all_items() {
            let Some(waiver) = ItemModel::of(item).waiver() else {
                continue;
            };
            let id = item.id.as_deref().unwrap_or_default();
            let waived = findings
                .iter()
                .filter(|finding| finding.waived.as_ref().is_some_and(|w| &*w.by == id))
                .count();
            let status = if waiver.is_expired(today) {
                WaiverStatus::Expired
            } else if waived == 0 {
                WaiverStatus::Unused
            } else {
                WaiverStatus::Active
            };
            found.push(WaiverEntry {
                waiver: self.item_link(at)?,
                waives: waiver.waives().into_iter().map(|(code, _)| code).collect(),
                items: waiver
                    .items()
                    .into_iter()
                    .map(|(name, _)| Ok(self.index.link(name)))
                    .collect::<Cancellable<_>>()?,
                rationale: waiver
                    .rationale()
                    .valid()
                    .map(|text| text.trim().to_owned()),
                approved_by: waiver.approved_by().valid().map(str::to_owned),
                approved: waiver.approved().valid(),
                expires: waiver.expires().valid(),
                status,
                waived,
            });
        }
        Ok(found)
    }

    /// FDA's categories, each with the controls that name it.
    fn categories(&self) -> Cancellable<Vec<CategoryEntry>> {
        let mut entries: Vec<CategoryEntry> = Category::WORDS
            .iter()
            .filter_map(|word| Category::from_word(word))
            .map(|category| CategoryEntry {
                category,
                controls: Vec::new(),
                not_applicable: self.plan.not_applicable.contains(&category),
            })
            .collect();
        for (at, item) in self.index.all_items() {
            let Some(control) = ItemModel::of(item).control() else {
                continue;
            };
            for category in control.categories() {
                let link = self.item_link(at)?;
                if let Some(entry) = entries.iter_mut().find(|e| e.category == category)
                    && !entry.controls.contains(&link)
                {
                    entry.controls.push(link);
                }
            }
        }
        Ok(entries)
    }

    /// The link to an item by its own ID (an item without one links to nothing).
    fn item_link(&self, at: ItemRef) -> Cancellable<ItemLink> {
        let item = self.index.item(at);
        Ok(ItemLink {
            id: item.id.as_deref().unwrap_or_default().into(),
            kind: Some(item.kind),
            title: item.title.as_deref().map(Arc::from),
            anchor: item.id.as_deref().map(|id| anchor(id).into()),
        })
    }

    fn header(&self, findings: FindingCounts, input: &ReportInput) -> Header {
        let item_counts = ItemKind::reported()
            .map(|kind| {
                let count = self
                    .index
                    .all_items()
                    .filter(|(_, item)| item.kind == kind)
                    .count();
                (kind, count)
            })
            .collect();
        let plan = &self.plan;
        Header {
            has_plan: plan.item.is_some(),
            title: plan.title.clone(),
            phases: plan.phases.clone(),
            phase: plan.phase().to_owned(),
            gate_override: plan.gate_override.map(|at| plan.phases[at].clone()),
            acceptable: plan.acceptable,
            today: self.analysis.today(),
            generated: input.generated,
            version: input.version.clone(),
            files: self.index.order.len(),
            item_counts,
            findings,
        }
    }

    fn gates(&self, all_gates_passed: &[Diagnostic]) -> Cancellable<Vec<GateReport>> {
        let mut gates = Vec::new();
        for gate in &self.plan.gates {
            let mut rules = Vec::new();
            for &(rule, ..) in &gate.rules {
                if rules.iter().any(|r: &RuleReport| r.rule == rule) {
                    continue;
                }
                let mut failures = Vec::new();
                for diagnostic in all_gates_passed
                    .iter()
                    .filter(|d| d.code.rule() == Some(rule) && d.is_active())
                {
                    failures.push(RuleFailure {
                        code: diagnostic.code,
                        item: self.item_at(diagnostic.file, diagnostic.range)?,
                        location: FileRange {
                            file: diagnostic.file,
                            range: diagnostic.range,
                        },
                        in_check: self.plan.grade(diagnostic.code).map(|g| g.severity),
                    });
                }
                failures.sort_by_key(|failure| {
                    (
                        self.index.position(failure.location.file),
                        failure.location.range.start,
                        failure.code.as_str(),
                    )
                });
                rules.push(RuleReport {
                    rule,
                    met: failures.is_empty(),
                    failures,
                });
            }
            let residual = match rules
                .iter()
                .find(|rule| rule.rule == Rule::ResidualAcceptable)
            {
                None => ResidualConclusion::NotRequired,
                Some(rule) if rule.met => ResidualConclusion::Acceptable,
                Some(rule) => ResidualConclusion::Unacceptable(
                    rule.failures
                        .iter()
                        .filter_map(|failure| failure.item.clone())
                        .collect(),
                ),
            };
            gates.push(GateReport {
                residual,
                phase: gate.phase.clone(),
                status: gate.phase_index.map(|at| self.plan.status(at)),
                rules,
                approvals: self.approvals_of(&gate.phase)?,
            });
        }
        Ok(gates)
    }

    /// The traceability matrix, as a walk over the link graph: from each risk up to the
    /// items it assesses (threats, and the assets they target), down to the controls that
    /// link to it and the verifications that link to those, whatever the link fields.
    fn traceability(&self) -> Cancellable<Vec<TraceRisk>> {
        let mut risks = Vec::new();
        // Each control once, however many risks it mitigates.
        let mut made: Vec<Option<Arc<TraceControl>>> = vec![None; self.index.graph.nodes.len()];
        for (node_at, node) in self.index.graph.nodes.iter().enumerate() {
            let this = node.item;
            let (id, item) = (&node.id, self.index.item(this));
            let ItemModel::Risk(model) = self.model(this) else {
                continue;
            };
            let mut threats = Vec::new();
            for threat in self.links_to_kind(item, ItemKind::Threat)? {
                let assets = match self.index.graph_node(&threat.id) {
                    Some(at) => self
                        .index
                        .graph
                        .up(at)
                        .map(|(up, _)| self.index.node_link(up))
                        .collect(),
                    None => Vec::new(),
                };
                threats.push(TraceThreat { threat, assets });
            }
            threats.shrink_to_fit();
            let score = model.score();
            let mut controls = Vec::new();
            for control_at in self.index.graph.down_of_kind(node_at, ItemKind::Control) {
                let control = match &made[control_at] {
                    Some(made) => Arc::clone(made),
                    None => match self.trace_control(control_at)? {
                        Some(control) => Arc::clone(made[control_at].insert(Arc::new(control))),
                        None => continue,
                    },
                };
                controls.push(control);
            }
            controls.shrink_to_fit();
            // As the checks compute it: only for a mitigated, scored risk.
            let residual = match score {
                Some(score) if !controls.is_empty() => model.residual_score(score),
                _ => None,
            };
            let above = |score: Option<Score>| score.is_some_and(|s| !self.plan.is_acceptable(s));
            risks.push(TraceRisk {
                risk: self.index.link_to(this, id),
                location: self.index.item_location(this),
                threats,
                score,
                residual,
                score_above_acceptable: above(score),
                residual_above_acceptable: above(residual),
                accepted: model.accepted().text().map(str::to_owned),
                harm: model.harm().text().map(str::to_owned),
                hazard: model.hazard().text().map(str::to_owned),
                controls,
            });
        }
        Ok(risks)
    }

    /// A control of the traceability matrix with its verifications; `None` when the node is
    /// no control.
    fn trace_control(&self, control_at: usize) -> Cancellable<Option<TraceControl>> {
        let control_ref = self.index.graph.nodes[control_at].item;
        let ItemModel::Control(control_model) = self.model(control_ref) else {
            return Ok(None);
        };
        let mut verifications = Vec::new();
        for verification_at in self
            .index
            .graph
            .down_of_kind(control_at, ItemKind::Verification)
        {
            let verification_ref = self.index.graph.nodes[verification_at].item;
            let ItemModel::Verification(typed) = self.model(verification_ref) else {
                continue;
            };
            let (result, result_from) = self.result_of(typed)?;
            verifications.push(TraceVerification {
                verification: self.index.node_link(verification_at),
                method: typed.method().valid().map(|m| m.as_str()),
                result,
                result_from,
                evidence: typed.evidence().text().map(str::to_owned),
                test: {
                    let tests: Vec<&str> = typed.tests().map(|(_, test)| test).collect();
                    (!tests.is_empty()).then(|| tests.join(", "))
                },
            });
        }
        verifications.shrink_to_fit();
        Ok(Some(TraceControl {
            control: self.index.node_link(control_at),
            kind: control_model.kind().valid().map(|k| k.as_str()),
            responsibility: control_model.responsibility().as_str(),
            status: control_model.status().as_str(),
            verifications,
        }))
    }

    fn risk_matrix(&self, traceability: &[TraceRisk]) -> RiskMatrix {
        let acceptable = self.plan.acceptable;
        let mut matrix = RiskMatrix {
            acceptable,
            matrix: self.plan.matrix.map(|limits| {
                schema::matrix::FIELDS
                    .iter()
                    .zip(limits)
                    .map(|(level, limit)| (level.name, limit))
                    .collect()
            }),
            before: Grid::empty(&self.plan),
            after: Grid::empty(&self.plan),
            unscored: Vec::new(),
        };
        for risk in traceability {
            match (risk.score, risk.score_after()) {
                (Some(before), Some(after)) => {
                    matrix.before.cell_mut(before).risks.push(risk.risk.clone());
                    matrix.after.cell_mut(after).risks.push(risk.risk.clone());
                }
                _ => matrix.unscored.push(risk.risk.clone()),
            }
        }
        matrix
    }

    fn guidance(&self) -> Cancellable<Vec<GuidanceEntry>> {
        let mut entries = Vec::new();
        for (this, item) in self.index.all_items() {
            let ItemModel::Control(control) = self.model(this) else {
                continue;
            };
            if control.written_responsibility().valid() != Some(Responsibility::Deployer) {
                continue;
            }
            let Some(id) = &item.id else { continue };
            entries.push(GuidanceEntry {
                control: self.index.link_to(this, id),
                status: control.status().as_str().to_owned(),
                mitigates: self.links(item, &control::MITIGATES)?,
                guidance: control.guidance().text().map(str::to_owned),
            });
        }
        Ok(entries)
    }

    fn components(&self) -> Cancellable<Vec<ComponentEntry>> {
        let today = self.analysis.today();
        let mut entries = Vec::new();
        for (this, item) in self.index.all_items() {
            let ItemModel::Component(component) = self.model(this) else {
                continue;
            };
            let Some(id) = &item.id else { continue };
            let support_ends = component.support_ends().valid();
            let vulnerabilities = match self.index.graph_node(id) {
                Some(at) => self
                    .index
                    .graph
                    .down_of_kind(at, ItemKind::Vulnerability)
                    .into_iter()
                    .map(|below| self.index.node_link(below))
                    .collect(),
                None => Vec::new(),
            };
            entries.push(ComponentEntry {
                component: self.index.link_to(this, id),
                version: component.version().valid().map(str::to_owned),
                item_class: component
                    .item_class()
                    .valid()
                    .map(|c| c.as_str().to_owned()),
                support: component.support().valid().map(|s| s.as_str().to_owned()),
                support_ends,
                support_ended: support_ends.is_some_and(|ends| ends < today),
                vulnerabilities,
            });
        }
        Ok(entries)
    }

    fn vulnerabilities(&self, traceability: &[TraceRisk]) -> Cancellable<Vec<VulnerabilityEntry>> {
        let traced_risks: HashMap<&str, &TraceRisk> = traceability
            .iter()
            .map(|trace| (&*trace.risk.id, trace))
            .collect();
        let mut entries = Vec::new();
        for (this, item) in self.index.all_items() {
            let ItemModel::Vulnerability(vulnerability) = self.model(this) else {
                continue;
            };
            let Some(id) = &item.id else { continue };
            let mut assessed_by = Vec::new();
            let below = match self.index.graph_node(id) {
                Some(at) => self.index.graph.down_of_kind(at, ItemKind::Risk),
                None => Vec::new(),
            };
            for risk_at in below {
                let risk_id = &*self.index.graph.nodes[risk_at].id;
                let traced = traced_risks.get(risk_id).copied();
                assessed_by.push(AssessingRisk {
                    risk: self.index.node_link(risk_at),
                    score_after: traced.and_then(TraceRisk::score_after),
                    above_acceptable: traced.is_some_and(|trace| match trace.residual {
                        Some(_) => trace.residual_above_acceptable,
                        None => trace.score_above_acceptable,
                    }),
                    accepted: traced.is_some_and(|trace| trace.accepted.is_some()),
                });
            }
            let cvss = vulnerability.cvss().valid().and_then(|vector| {
                let score = crate::supply::cvss(vector).ok()?;
                Some((vector.to_owned(), CvssScore(score)))
            });
            entries.push(VulnerabilityEntry {
                vulnerability: self.index.link_to(this, id),
                status: vulnerability.written_status().word(&vulnerability::STATUS),
                justification: vulnerability
                    .justification()
                    .valid()
                    .map(|j| j.as_str().to_owned()),
                cvss,
                affects: self.links(item, &vulnerability::AFFECTS)?,
                assessed_by,
            });
        }
        Ok(entries)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_rfc3339_utc() {
        let shown = |unix| Timestamp { unix }.to_string();
        assert_eq!(shown(0), "1970-01-01T00:00:00Z");
        assert_eq!(shown(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(shown(1_793_525_400), "2026-11-01T09:30:00Z");
        assert_eq!(shown(-1), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn grid_cells_are_exploitability_down_severity_across() {
        let grid = Grid::empty(&Plan::default_plan(None));
        assert_eq!(grid.cells[0].exploitability, 5);
        assert_eq!(grid.cells[0].severity, 1);
        let cell = grid.cell(2, 4);
        assert_eq!((cell.exploitability, cell.severity), (2, 4));
        assert!(cell.above_acceptable);
        assert!(!grid.cell(2, 3).above_acceptable);
    }
}
