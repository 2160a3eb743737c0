//! The plan of the workspace (or the default plan) and how its phase gates grade findings.

use rustc_hash::{FxHashMap, FxHashSet};
use ward_syntax::{BlockKind, ItemKind, Value};

use crate::db::{Db, ItemRef, SourceFile, approval_files, control_files, file_ast, plans};
use crate::diagnostics::{Code, DefaultLevel, Severity};
use crate::model::{ItemModel, RiskScore};
use crate::schema::{self, Category, Rule};

/// The plan as the checks see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// The plan item, absent for the default plan.
    pub item: Option<ItemRef>,
    pub title: Option<String>,
    pub phases: Vec<String>,
    /// Index into `phases` of the phase the project stands in.
    pub current: usize,
    pub acceptable: i64,
    pub gates: Vec<Gate>,
    /// `--gate <phase>`, already resolved to a phase index.
    pub gate_override: Option<usize>,
    /// The security control categories declared not applicable.
    pub not_applicable: Vec<Category>,
    /// The `matrix { }`, when complete and valid: for each severity (1 to 5), the highest
    /// acceptable exploitability. It replaces `acceptable`.
    pub matrix: Option<[i64; 5]>,
    /// `triage-days` and `patch-days`, or their defaults.
    pub triage_days: i64,
    pub patch_days: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Gate {
    pub phase: String,
    /// Index into the plan's phases; `None` when the gate names no phase of the plan.
    pub phase_index: Option<usize>,
    /// The gate's block index in the plan item.
    pub block: u32,
    /// Each required rule with the field and value index that names it.
    pub rules: Vec<(Rule, u32, u32)>,
}

/// Where a gate stands relative to the current phase.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GateStatus {
    Passed,
    Current,
    Later,
}

impl GateStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            GateStatus::Passed => "passed",
            GateStatus::Current => "current",
            GateStatus::Later => "later",
        }
    }
}

/// How a finding is graded: its severity and, when a gate decided it, that gate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grade {
    pub severity: Severity,
    pub gate: Option<GateRule>,
}

/// A gate and the place in it that requires a rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GateRule {
    pub phase: String,
    pub status: GateStatus,
    pub rule: Rule,
    /// Block, field and value index of the rule name in the plan item.
    pub at: (u32, u32, u32),
}

impl Plan {
    pub(crate) fn default_plan(gate_override: Option<&str>) -> Plan {
        let phases: Vec<String> = schema::DEFAULT_PHASES
            .iter()
            .map(|p| (*p).to_owned())
            .collect();
        let gate_override = gate_override.and_then(|g| phases.iter().position(|p| p == g));
        Plan {
            item: None,
            title: None,
            phases,
            current: 0,
            acceptable: schema::DEFAULT_ACCEPTABLE,
            gates: Vec::new(),
            gate_override,
            not_applicable: Vec::new(),
            matrix: None,
            triage_days: default_int(&schema::plan::TRIAGE_DAYS),
            patch_days: default_int(&schema::plan::PATCH_DAYS),
        }
    }

    /// Whether a risk with this score needs no control (and, after its controls, no
    /// `accepted` rationale).
    pub fn is_acceptable(&self, score: RiskScore) -> bool {
        match self.matrix {
            Some(limits) => score.exploitability <= limits[level(score.severity)],
            None => score.value() <= self.acceptable,
        }
    }

    /// What a score is measured against, for messages: `the acceptable 6`, or with a
    /// matrix `the matrix's `catastrophic` limit, exploitability 1`.
    pub fn measure(&self, score: RiskScore) -> String {
        match self.matrix {
            Some(limits) => {
                let at = level(score.severity);
                format!(
                    "the matrix's `{}` limit, exploitability {}",
                    schema::matrix::FIELDS[at].name,
                    limits[at]
                )
            }
            None => format!("the acceptable {}", self.acceptable),
        }
    }

    /// A score as messages show it: `15 (above the acceptable 6)`, or with a matrix
    /// `3 × 5 (above the matrix's `catastrophic` limit, exploitability 1)`.
    pub fn judge(&self, score: RiskScore) -> String {
        let side = if self.is_acceptable(score) {
            "within"
        } else {
            "above"
        };
        let measure = self.measure(score);
        match self.matrix {
            Some(_) => format!(
                "{} × {} ({side} {measure})",
                score.exploitability, score.severity
            ),
            None => format!("{} ({side} {measure})", score.value()),
        }
    }

    pub fn phase(&self) -> &str {
        &self.phases[self.current]
    }

    /// Where a gate of this phase stands, `--gate` taken into account.
    pub fn status(&self, phase_index: usize) -> GateStatus {
        // `--gate X` checks as if every gate up to X had been passed: the project then
        // stands in the phase after X.
        // It never relaxes: a project already past X keeps its own current phase.
        let current = self
            .gate_override
            .map_or(self.current, |gate| self.current.max(gate + 1));
        match phase_index.cmp(&current) {
            std::cmp::Ordering::Less => GateStatus::Passed,
            std::cmp::Ordering::Equal => GateStatus::Current,
            std::cmp::Ordering::Greater => GateStatus::Later,
        }
    }

    /// The grade of a finding with this code, or `None` when it is off.
    pub fn grade(&self, code: Code) -> Option<Grade> {
        let Some(rule) = code.rule() else {
            // No gate grades it: always its own level (an error, or a waiver's warning).
            let severity = match code.default_level() {
                DefaultLevel::Warning => Severity::Warning,
                _ => Severity::Error,
            };
            return Some(Grade {
                severity,
                gate: None,
            });
        };
        let mut deciding: Option<GateRule> = None;
        for gate in &self.gates {
            let Some(phase_index) = gate.phase_index else {
                continue;
            };
            let status = self.status(phase_index);
            if status == GateStatus::Later {
                continue;
            }
            let Some(&(_, field, value)) = gate.rules.iter().find(|(r, ..)| *r == rule) else {
                continue;
            };
            let candidate = GateRule {
                phase: gate.phase.clone(),
                status,
                rule,
                at: (gate.block, field, value),
            };
            // A passed gate outranks the current one; among passed gates, the earliest.
            let better = match &deciding {
                None => true,
                Some(best) => best.status == GateStatus::Current && status == GateStatus::Passed,
            };
            if better {
                deciding = Some(candidate);
            }
        }
        match deciding {
            Some(gate) => {
                let severity = match gate.status {
                    GateStatus::Passed => Severity::Error,
                    _ => Severity::Warning,
                };
                Some(Grade {
                    severity,
                    gate: Some(gate),
                })
            }
            None => match code.default_level() {
                DefaultLevel::Error => Some(Grade {
                    severity: Severity::Error,
                    gate: None,
                }),
                DefaultLevel::Warning => Some(Grade {
                    severity: Severity::Warning,
                    gate: None,
                }),
                DefaultLevel::Off => None,
            },
        }
    }
}

/// The default of an integer field, as the table writes it.
fn default_int(spec: &schema::FieldSpec) -> i64 {
    spec.default
        .and_then(|value| value.parse().ok())
        .expect("the table gives this integer field a default")
}

/// The value of an integer field of the plan, when valid.
fn plan_int(item: &ward_syntax::Item, spec: &schema::FieldSpec) -> Option<i64> {
    let schema::FieldType::Int(low, high) = spec.ty else {
        return None;
    };
    match item.field(spec.name)?.values.first()? {
        &Value::Int(Some(value)) if (low..=high).contains(&value) => Some(value),
        _ => None,
    }
}

/// An approval's signature on a gate: the approval and the phase its `gate` names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GateApproval {
    pub item: ItemRef,
    pub phase: String,
    /// The field and value index of the phase in the approval.
    pub at: (u32, u32),
}

/// The approvals of one file: a query of its own, so that an edit elsewhere reads none of
/// this file again.
#[salsa::tracked(returns(ref))]
fn file_approvals(db: &dyn Db, file: SourceFile) -> Vec<GateApproval> {
    let ast = file_ast(db, file);
    ast.items
        .iter()
        .enumerate()
        .filter_map(|(at, item)| {
            let (phase, place) = ItemModel::of(item).approval()?.gate()?;
            Some(GateApproval {
                item: ItemRef {
                    file,
                    item: at as u32,
                    kind: ItemKind::Approval,
                },
                phase: phase.to_owned(),
                at: place,
            })
        })
        .collect()
}

/// Every approval of the workspace, in workspace order.
#[salsa::tracked(returns(ref))]
pub fn approvals(db: &dyn Db) -> Vec<GateApproval> {
    approval_files(db)
        .flat_map(|file| file_approvals(db, file).iter().cloned())
        .collect()
}

/// The security control categories the controls of one file name.
#[salsa::tracked(returns(ref))]
fn file_categories(db: &dyn Db, file: SourceFile) -> Vec<Category> {
    let ast = file_ast(db, file);
    let mut found: Vec<Category> = ast
        .items
        .iter()
        .filter_map(|item| match ItemModel::of(item) {
            ItemModel::Control(control) => Some(control.categories()),
            _ => None,
        })
        .flatten()
        .collect();
    found.sort_unstable();
    found.dedup();
    found
}

/// The security control categories that some control of the workspace names.
#[salsa::tracked(returns(ref))]
pub fn covered_categories(db: &dyn Db) -> Vec<Category> {
    let mut found: Vec<Category> = control_files(db)
        .flat_map(|file| file_categories(db, file).iter().copied())
        .collect();
    found.sort_unstable();
    found.dedup();
    found
}

/// The matrix entry of a severity (1 to 5; out-of-range values never reach a score).
fn level(severity: i64) -> usize {
    (severity - schema::SCORE.0).clamp(0, schema::SCORE.1 - schema::SCORE.0) as usize
}

/// A matrix block's limits, when every level is given once as a valid integer and a higher
/// severity never accepts a higher exploitability; else `None` (the checks say why).
pub(crate) fn matrix_limits(block: &ward_syntax::Block) -> Option<[i64; 5]> {
    let mut limits = [0; 5];
    for (at, spec) in schema::matrix::FIELDS.iter().enumerate() {
        let mut given = block.fields.iter().filter(|field| field.name == spec.name);
        let field = given.next()?;
        if given.next().is_some() {
            return None;
        }
        let (schema::FieldType::Int(low, high), [Value::Int(Some(limit))]) =
            (spec.ty, field.values.as_slice())
        else {
            return None;
        };
        if !(low..=high).contains(limit) {
            return None;
        }
        limits[at] = *limit;
    }
    limits
        .windows(2)
        .all(|pair| pair[1] <= pair[0])
        .then_some(limits)
}

/// The plan as if every gate had been passed (whatever `--gate` says): what `ward report`
/// shows the gate status with, every rule a gate requires then being on.
#[salsa::tracked(returns(ref))]
pub fn plan_every_gate_passed(db: &dyn Db) -> Plan {
    let mut plan = plan(db).clone();
    plan.gate_override = plan.phases.len().checked_sub(1);
    plan
}

/// The workspace's plan: the first plan in workspace order, or the default plan.
#[salsa::tracked(returns(ref))]
pub fn plan(db: &dyn Db) -> Plan {
    let gate_override = db.workspace().gate_override(db).as_deref();
    let Some(&plan_ref) = plans(db).first() else {
        return Plan::default_plan(gate_override);
    };
    let ast = file_ast(db, plan_ref.file);
    let item = &ast.items[plan_ref.item as usize];
    debug_assert_eq!(item.kind, ItemKind::Plan);
    let mut plan = Plan::default_plan(None);
    plan.item = Some(plan_ref);
    plan.title = item.title.clone();
    if let Some(field) = item.field(schema::plan::PHASES.name) {
        let mut phases: Vec<String> = Vec::new();
        // A set beside the list: a plan may list many phases, each compared once.
        let mut listed: FxHashSet<&str> = FxHashSet::default();
        for value in &field.values {
            if let Some(name) = value.as_ident().filter(|name| listed.insert(name)) {
                phases.push(name.to_owned());
            }
        }
        if !phases.is_empty() {
            plan.phases = phases;
        }
    }
    let position: FxHashMap<&str, usize> = plan
        .phases
        .iter()
        .enumerate()
        .rev()
        .map(|(at, phase)| (phase.as_str(), at))
        .collect();
    if let Some(current) = item
        .field(schema::plan::PHASE.name)
        .and_then(|field| field.values.first())
        .and_then(Value::as_ident)
        .and_then(|name| position.get(name).copied())
    {
        plan.current = current;
    }
    if let Some(&Value::Int(Some(acceptable))) = item
        .field(schema::plan::ACCEPTABLE.name)
        .and_then(|field| field.values.first())
    {
        plan.acceptable = acceptable;
    }
    if let Some(days) = plan_int(item, &schema::plan::TRIAGE_DAYS) {
        plan.triage_days = days;
    }
    if let Some(days) = plan_int(item, &schema::plan::PATCH_DAYS) {
        plan.patch_days = days;
    }
    plan.not_applicable =
        crate::model::keywords(&item.fields, &schema::plan::NOT_APPLICABLE).collect();
    plan.matrix = item
        .blocks
        .iter()
        .find(|block| block.kind == BlockKind::Matrix)
        .and_then(matrix_limits);
    let mut gated: FxHashSet<&str> = FxHashSet::default();
    for (block_at, block) in item.blocks.iter().enumerate() {
        let BlockKind::Gate(Some(phase)) = &block.kind else {
            continue;
        };
        // A second gate for the same phase is reported and ignored.
        if !gated.insert(phase) {
            continue;
        }
        let mut rules = Vec::new();
        for (field_at, field) in block.fields.iter().enumerate() {
            if field.name != schema::gate::REQUIRES.name {
                continue;
            }
            for (value_at, value) in field.values.iter().enumerate() {
                if let Some(rule) = value.as_ident().and_then(Rule::from_name) {
                    rules.push((rule, field_at as u32, value_at as u32));
                }
            }
        }
        plan.gates.push(Gate {
            phase: phase.clone(),
            phase_index: position.get(phase.as_str()).copied(),
            block: block_at as u32,
            rules,
        });
    }
    plan.gates
        .sort_by_key(|gate| gate.phase_index.unwrap_or(usize::MAX));
    plan.gate_override = gate_override.and_then(|g| position.get(g).copied());
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan_at(current: usize, gate_override: Option<usize>) -> Plan {
        let mut plan = Plan::default_plan(None);
        plan.current = current;
        plan.gate_override = gate_override;
        plan
    }

    #[test]
    fn gate_override_moves_the_project_past_the_gate() {
        let plan = plan_at(1, Some(3));
        assert_eq!(plan.status(3), GateStatus::Passed);
        assert_eq!(plan.status(4), GateStatus::Current);
        assert_eq!(plan.status(5), GateStatus::Later);
    }

    #[test]
    fn gate_override_never_relaxes_the_plan() {
        // The project is in `release` (4); `--gate design` (1) keeps the gates up to
        // `verification` passed and `release` current.
        let plan = plan_at(4, Some(1));
        assert_eq!(plan.status(3), GateStatus::Passed);
        assert_eq!(plan.status(4), GateStatus::Current);
    }
}
