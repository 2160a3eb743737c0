//! Hover: an item's card (kind, ID, title, description, scores, links up and down, failed
//! gate rules), a field's type and documentation, a keyword's allowed values, a rule's
//! meaning, a phase's place in the plan.

use std::fmt::Write;

use ward_syntax::{BlockKind, Field, Item, ItemKind, Value};

use crate::db::{Db, ItemRef, file_ast, lookup_definitions, lookup_referrers};
use crate::diagnostics::Code;
use crate::ide::cursor::{AtCursor, FieldAt, Hit, Symbol, at_cursor, classify, item_ranges};
use crate::ide::{FilePosition, HoverResult};
use crate::locate::file_diagnostics;
use crate::plan::{GateStatus, plan};
use crate::schema::{self, FieldSpec, FieldType, Rule};

pub(crate) fn hover(db: &dyn Db, position: FilePosition) -> Option<HoverResult> {
    let cursor = at_cursor(db, position)?;
    let markdown = match classify(db, position.file, &cursor) {
        Some(Symbol::Item { def, .. }) => item_card(db, def?),
        Some(Symbol::Phase { name, .. }) => phase_card(db, &name),
        Some(Symbol::Rule { rule, .. }) => rule_card(rule),
        None => syntax_card(&cursor)?,
    };
    Some(HoverResult {
        markdown,
        range: cursor.range,
    })
}

/// Hover on syntax that names nothing: field names, keyword and number values, blocks.
fn syntax_card(cursor: &AtCursor<'_>) -> Option<String> {
    let item = cursor.item();
    match cursor.hit {
        Hit::FieldName { at, .. } => Some(field_card(item, at, at.spec(item)?)),
        Hit::Value { at, value, .. } => value_card(
            at.field(item),
            &at.field(item).values[value],
            at.spec(item)?,
        ),
        Hit::BlockKeyword { block, .. } => match item.blocks[block].kind {
            BlockKind::Residual => Some(
                "**`residual { exploitability, severity }`**\n\nThe risk's score after its \
                 controls; a missing field takes the risk's own value."
                    .to_owned(),
            ),
            BlockKind::Gate(_) => Some(
                "**`gate <phase> { requires: <rules> }`**\n\nThe review that ends a phase: \
                 the rules that must hold once it is passed."
                    .to_owned(),
            ),
        },
        _ => None,
    }
}

fn field_card(item: &Item, at: FieldAt, spec: &FieldSpec) -> String {
    let owner = match at.block.map(|block| &item.blocks[block].kind) {
        None => format!("{} field", item.kind),
        Some(BlockKind::Residual) => "field of `residual`".to_owned(),
        Some(BlockKind::Gate(_)) => "field of a gate".to_owned(),
    };
    let required = if spec.required { ", required" } else { "" };
    format!(
        "**`{}`** ({owner}{required}): {}\n\n{}",
        spec.name,
        spec.ty.describe(),
        spec.doc
    )
}

fn value_card(field: &Field, value: &Value, spec: &FieldSpec) -> Option<String> {
    match (spec.ty, value) {
        (FieldType::Keyword(allowed) | FieldType::Keywords(allowed), Value::Ident(word))
            if !allowed.is_empty() =>
        {
            let verdict = if allowed.contains(&word.as_str()) {
                format!("`{word}`: a value of `{}`", field.name)
            } else {
                format!("`{word}` is not a value of `{}`", field.name)
            };
            Some(format!(
                "{verdict}, which takes {}\n\n{}",
                spec.ty.describe(),
                spec.doc
            ))
        }
        (FieldType::Int(..), Value::Int(_)) => Some(format!(
            "**`{}`**: {}\n\n{}",
            spec.name,
            spec.ty.describe(),
            spec.doc
        )),
        _ => None,
    }
}

fn rule_card(rule: Rule) -> String {
    let mut card = format!("**rule** `{}`: {}", rule.name(), rule.describe());
    let codes: Vec<String> = Code::ALL
        .iter()
        .filter(|code| code.rule() == Some(rule))
        .map(|code| format!("- `{code}`: {}", code.summary()))
        .collect();
    let _ = write!(card, "\n\n**Findings**\n{}", codes.join("\n"));
    card
}

fn phase_card(db: &dyn Db, name: &str) -> String {
    let plan = plan(db);
    let Some(index) = plan.phases.iter().position(|phase| phase == name) else {
        let phases: Vec<String> = plan.phases.iter().map(|p| format!("`{p}`")).collect();
        return format!(
            "`{name}` is not a phase of the plan; the phases are {}",
            phases.join(", ")
        );
    };
    let standing = match plan.status(index) {
        GateStatus::Passed => "its gate has been passed",
        GateStatus::Current => "the current phase: its gate is the next review",
        GateStatus::Later => "a later phase",
    };
    let mut card = format!(
        "**phase** `{name}` ({} of {}), {standing}",
        index + 1,
        plan.phases.len()
    );
    match plan.gates.iter().find(|gate| gate.phase == name) {
        Some(gate) if !gate.rules.is_empty() => {
            let rules: Vec<String> = gate
                .rules
                .iter()
                .map(|(rule, ..)| format!("`{}`", rule.name()))
                .collect();
            let _ = write!(card, "\n\nGate `{name}` requires {}", rules.join(", "));
        }
        Some(_) => {
            let _ = write!(card, "\n\nGate `{name}` requires no rule");
        }
        None => {
            let _ = write!(card, "\n\nNo gate ends this phase");
        }
    }
    card
}

/// The label of the links an item of `kind` declares, and of the links it receives from an
/// item of `kind`.
fn link_labels(kind: ItemKind) -> (&'static str, &'static str) {
    match kind {
        ItemKind::Threat => ("Targets", "Targeted by"),
        ItemKind::Risk => ("Threat", "Assessed by"),
        ItemKind::Control => ("Mitigates", "Mitigated by"),
        ItemKind::Verification => ("Verifies", "Verified by"),
        ItemKind::Asset | ItemKind::Plan => ("Links", "Linked from"),
    }
}

/// Fields whose default a hover shows when they are absent.
const DEFAULTS: &[(ItemKind, &str, &str)] = &[
    (ItemKind::Control, "responsibility", "manufacturer"),
    (ItemKind::Control, "status", "proposed"),
    (ItemKind::Verification, "result", "pending"),
];

fn item_card(db: &dyn Db, def: ItemRef) -> String {
    let ast = file_ast(db, def.file);
    let item = &ast.items[def.item as usize];
    let id = item.id.as_deref().unwrap_or(item.kind.as_str());
    let mut card = String::new();
    let _ = write!(card, "```ward\n{} {id}", item.kind);
    if let Some(title) = &item.title {
        let _ = write!(card, " {}", quote(title));
    }
    card.push_str("\n```\n---");
    if let Some(description) = item
        .field("description")
        .and_then(|f| f.values.first())
        .and_then(Value::as_text)
    {
        let _ = write!(card, "\n{description}\n");
    }

    let mut facts = Vec::new();
    if item.kind == ItemKind::Risk {
        risk_facts(db, item, id, &mut facts);
    }
    let link_field = schema::link_field(item.kind).map(|(name, _)| name);
    for field in &item.fields {
        let skip = ["description", "exploitability", "severity"];
        if Some(field.name.as_str()) == link_field || skip.contains(&field.name.as_str()) {
            continue;
        }
        if schema::field_spec(item.kind, &field.name).is_none() {
            continue;
        }
        let values: Vec<String> = field.values.iter().map(short_value).collect();
        facts.push(format!("{}: {}", field.name, values.join(", ")));
    }
    for &(kind, field, default) in DEFAULTS {
        if kind == item.kind && item.field(field).is_none() {
            facts.push(format!("{field}: {default} (default)"));
        }
    }
    if !facts.is_empty() {
        card.push('\n');
        for fact in facts {
            let _ = writeln!(card, "- {fact}");
        }
    }

    // Up the chain: what this item links to.
    if let Some(field) = link_field.and_then(|name| item.field(name)) {
        let (up, _) = link_labels(item.kind);
        let _ = write!(card, "\n**{up}**\n");
        for name in field.values.iter().filter_map(Value::as_ident) {
            match lookup_definitions(db, name).first() {
                Some(&target) => {
                    let _ = writeln!(card, "- {}", item_line(db, target));
                }
                None => {
                    let _ = writeln!(card, "- `{name}` (no item of this name)");
                }
            }
        }
    }

    // Down the chain: the items linking here, by kind.
    if lookup_definitions(db, id).first() == Some(&def) {
        let referrers = lookup_referrers(db, id);
        for kind in ItemKind::ALL {
            let of_kind: Vec<&ItemRef> = referrers.iter().filter(|r| r.kind == kind).collect();
            if of_kind.is_empty() {
                continue;
            }
            let (_, down) = link_labels(kind);
            let _ = write!(card, "\n**{down}**\n");
            for referrer in of_kind {
                let _ = writeln!(card, "- {}", item_line(db, *referrer));
            }
        }
    }

    // The gate rules it fails, as the diagnostics report them.
    let (_, focus) = item_ranges(db, def);
    let findings: Vec<String> = file_diagnostics(db, def.file)
        .iter()
        .filter(|d| d.range == focus)
        .filter_map(|d| {
            let rule = d.code.rule()?;
            let gate = d
                .gate
                .as_ref()
                .map(|gate| format!(", gate `{gate}`"))
                .unwrap_or_default();
            Some(format!(
                "- `{}`: rule `{}`{gate} ({})",
                d.code,
                rule.name(),
                d.severity.as_str()
            ))
        })
        .collect();
    if !findings.is_empty() {
        let _ = write!(card, "\n**Fails**\n{}\n", findings.join("\n"));
    }
    card.trim_end().to_owned()
}

/// Score, residual score (against the plan's acceptable score), harm and hazard of a risk.
fn risk_facts(db: &dyn Db, item: &Item, id: &str, facts: &mut Vec<String>) {
    let acceptable = plan(db).acceptable;
    let versus = |score: i64| {
        if score > acceptable {
            format!("above the acceptable {acceptable}")
        } else {
            format!("within the acceptable {acceptable}")
        }
    };
    let (exploitability, severity) = (
        score(&item.fields, "exploitability"),
        score(&item.fields, "severity"),
    );
    let (Some(exploitability), Some(severity)) = (exploitability, severity) else {
        let missing = match (exploitability, severity) {
            (None, None) => "exploitability and severity",
            (None, _) => "exploitability",
            _ => "severity",
        };
        facts.push(format!("score: none (no valid {missing})"));
        return;
    };
    let value = exploitability * severity;
    facts.push(format!(
        "score: {exploitability} × {severity} = {value}, {}",
        versus(value)
    ));
    let residual = item.blocks.iter().find(|b| b.kind == BlockKind::Residual);
    let mitigated = lookup_referrers(db, id)
        .iter()
        .any(|r| r.kind == ItemKind::Control);
    if residual.is_some() || mitigated {
        let fields = residual.map_or(&[][..], |block| block.fields.as_slice());
        let e = score(fields, "exploitability").unwrap_or(exploitability);
        let s = score(fields, "severity").unwrap_or(severity);
        let mut line = format!("residual: {e} × {s} = {}, {}", e * s, versus(e * s));
        if !mitigated {
            line.push_str(" (no control mitigates it yet)");
        }
        facts.push(line);
    }
}

/// A score field's value, when valid.
fn score(fields: &[Field], name: &str) -> Option<i64> {
    match fields
        .iter()
        .find(|field| field.name == name)?
        .values
        .first()?
    {
        &Value::Int(Some(value)) if (1..=5).contains(&value) => Some(value),
        _ => None,
    }
}

/// `kind `ID` Title` for a list of linked items.
fn item_line(db: &dyn Db, item: ItemRef) -> String {
    let ast = file_ast(db, item.file);
    let item = &ast.items[item.item as usize];
    let id = item.id.as_deref().unwrap_or("");
    match &item.title {
        Some(title) => format!("{} `{id}` {title}", item.kind),
        None => format!("{} `{id}`", item.kind),
    }
}

/// A value in a few words: a text block by its first line.
fn short_value(value: &Value) -> String {
    match value {
        Value::Ident(word) => word.clone(),
        Value::Int(Some(number)) => number.to_string(),
        Value::Int(None) => "(too large)".to_owned(),
        Value::Str(text) => text.clone(),
        Value::TextBlock(text) => match text.lines().next() {
            Some(first) if text.contains('\n') => format!("{first}…"),
            _ => text.clone(),
        },
    }
}

fn quote(text: &str) -> String {
    format!(
        "\"{}\"",
        text.replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('\n', "\\n")
    )
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use crate::ide::fixture;

    fn check(fixture: &str, expect: Expect) {
        let (analysis, position) = fixture::position(fixture);
        let actual = match analysis.hover(position).unwrap() {
            Some(hover) => format!(
                "{}\n{}\n",
                fixture::range_with_text(&analysis, position.file, hover.range),
                hover.markdown
            ),
            None => "none".to_owned(),
        };
        expect.assert_eq(&actual);
    }

    const CHAIN: &str = r#"
        //- /plan.ward
        plan {
          phases: design, implementation, verification, release
          phase: release
          acceptable: 6
          gate implementation { requires: risks-controlled }
          gate release { requires: residual-acceptable, controls-implemented }
        }
        //- /assets.ward
        asset PUMP "Insulin dosing commands" { kind: function }
        //- /threats.ward
        threat T-SPOOF "Spoofed phone" { targets: PUMP, GHOST }
        //- /risks.ward
        risk R-BOLUS "Unauthorised bolus" {
          description: "A bolus nobody asked for."
          threat: T-SPOOF
          exploitability: 3
          severity: 5
          harm: "Hypoglycaemia"
          residual { exploitability: 2 }
        }
        //- /controls.ward
        control C-PAIR "Secure pairing" {
          mitigates: R-BOLUS
          status: implemented
        }
        control C-NET "Isolated VLAN" {
          mitigates: R-BOLUS
          responsibility: deployer
          guidance: "Use a VLAN."
        }
        verification V-PEN "Pen test" { verifies: C-PAIR result: pass }
        "#;

    fn at(fixture: &str, file_marker: &str, needle: &str) -> String {
        let file = fixture.find(file_marker).expect("file in fixture");
        let at = file + fixture[file..].find(needle).expect("needle in file") + 1;
        format!("{}$0{}", &fixture[..at], &fixture[at..])
    }

    #[test]
    fn risk_with_score_residual_links_and_gate_findings() {
        check(
            &at(CHAIN, "/risks.ward", "R-BOLUS"),
            expect![[r#"
                risks.ward:1:6-1:13 R-BOLUS
                ```ward
                risk R-BOLUS "Unauthorised bolus"
                ```
                ---
                A bolus nobody asked for.

                - score: 3 × 5 = 15, above the acceptable 6
                - residual: 2 × 5 = 10, above the acceptable 6
                - harm: Hypoglycaemia

                **Threat**
                - threat `T-SPOOF` Spoofed phone

                **Mitigated by**
                - control `C-PAIR` Secure pairing
                - control `C-NET` Isolated VLAN

                **Fails**
                - `unacceptable-residual`: rule `residual-acceptable`, gate `release` (warning)
            "#]],
        );
    }

    #[test]
    fn link_shows_the_target_with_unresolved_links_and_defaults() {
        check(
            &at(CHAIN, "/controls.ward", "C-NET"),
            expect![[r#"
                controls.ward:5:9-5:14 C-NET
                ```ward
                control C-NET "Isolated VLAN"
                ```
                ---
                - responsibility: deployer
                - guidance: Use a VLAN.
                - status: proposed (default)

                **Mitigates**
                - risk `R-BOLUS` Unauthorised bolus

                **Fails**
                - `unimplemented-control`: rule `controls-implemented`, gate `release` (warning)
                - `unverified-control`: rule `controls-verified` (warning)
            "#]],
        );
        check(
            &at(CHAIN, "/threats.ward", "T-SPOOF"),
            expect![[r#"
                threats.ward:1:8-1:15 T-SPOOF
                ```ward
                threat T-SPOOF "Spoofed phone"
                ```
                ---
                **Targets**
                - asset `PUMP` Insulin dosing commands
                - `GHOST` (no item of this name)

                **Assessed by**
                - risk `R-BOLUS` Unauthorised bolus
            "#]],
        );
    }

    #[test]
    fn on_a_link() {
        check(
            &at(CHAIN, "/risks.ward", "T-SPOOF"),
            expect![[r#"
                risks.ward:3:11-3:18 T-SPOOF
                ```ward
                threat T-SPOOF "Spoofed phone"
                ```
                ---
                **Targets**
                - asset `PUMP` Insulin dosing commands
                - `GHOST` (no item of this name)

                **Assessed by**
                - risk `R-BOLUS` Unauthorised bolus
            "#]],
        );
    }

    #[test]
    fn unscored_and_passed_gate_error() {
        check(
            r#"
            plan {
              phases: design, implementation
              phase: implementation
              gate design { requires: risks-scored }
            }
            risk R$0-1 { threat: T1 severity: 4 }
            threat T1 {}
            "#,
            expect![[r#"
                main.ward:6:6-6:9 R-1
                ```ward
                risk R-1
                ```
                ---
                - score: none (no valid exploitability)

                **Threat**
                - threat `T1`

                **Fails**
                - `unscored-risk`: rule `risks-scored`, gate `design` (error)
            "#]],
        );
    }

    #[test]
    fn unresolved_link() {
        check(
            r#"
            threat T1 { targets: NO$0PE }
            "#,
            expect![[r#"none"#]],
        );
    }

    #[test]
    fn field_name() {
        check(
            r#"
            threat T1 { tar$0gets: A1 }
            "#,
            expect![[r#"
                main.ward:1:13-1:20 targets
                **`targets`** (threat field, required): IDs of asset items

                The assets this threat is against.
            "#]],
        );
        check(
            r#"
            risk R1 { residual { sev$0erity: 1 } }
            "#,
            expect![[r#"
                main.ward:1:22-1:30 severity
                **`severity`** (field of `residual`): an integer from 1 to 5

                Severity after the controls; the risk's own when absent.
            "#]],
        );
    }

    #[test]
    fn unknown_field_name() {
        check(
            r#"
            threat T1 { tar$0get: A1 }
            "#,
            expect![[r#"none"#]],
        );
    }

    #[test]
    fn keyword_value() {
        check(
            r#"
            threat T1 { vector: adj$0acent }
            "#,
            expect![[r#"
                main.ward:1:21-1:29 adjacent
                `adjacent`: a value of `vector`, which takes one of `network`, `adjacent`, `local`, `physical`

                From where an attacker reaches the asset.
            "#]],
        );
        check(
            r#"
            threat T1 { stride: spoofing, wif$0i }
            "#,
            expect![[r#"
                main.ward:1:31-1:35 wifi
                `wifi` is not a value of `stride`, which takes one or more of `spoofing`, `tampering`, `repudiation`, `information-disclosure`, `denial-of-service`, `elevation-of-privilege`

                The STRIDE categories of the threat.
            "#]],
        );
    }

    #[test]
    fn residual_keyword_and_string_value() {
        check(
            r#"
            risk R1 { resi$0dual { severity: 1 } }
            "#,
            expect![[r#"
                main.ward:1:11-1:19 residual
                **`residual { exploitability, severity }`**

                The risk's score after its controls; a missing field takes the risk's own value.
            "#]],
        );
        check(
            r#"
            risk R1 { harm: "Hyp$0o" }
            "#,
            expect![[r#"none"#]],
        );
    }

    #[test]
    fn rule_name() {
        check(
            r#"
            plan { gate design { requires: verifications-pass$0ed } }
            "#,
            expect![[r#"
                main.ward:1:32-1:52 verifications-passed
                **rule** `verifications-passed`: every verification has passed

                **Findings**
                - `failed-verification`: A verification whose result is `fail`.
                - `pending-verification`: A verification whose result is `pending`.
            "#]],
        );
    }

    #[test]
    fn phase_name() {
        check(
            r#"
            plan {
              phases: design, release
              phase: release
              gate de$0sign { requires: risks-scored, assets-covered }
            }
            "#,
            expect![[r#"
                main.ward:4:8-4:14 design
                **phase** `design` (1 of 2), its gate has been passed

                Gate `design` requires `risks-scored`, `assets-covered`
            "#]],
        );
    }

    #[test]
    fn unicode_before_the_cursor() {
        check(
            r#"
            asset A1 "Zähler — ☃ 😀" { description: "ünïcödé" }
            threat T1 "Ünïcode ☃" { targets: A$01 }
            "#,
            expect![[r#"
                main.ward:2:34-2:36 A1
                ```ward
                asset A1 "Zähler — ☃ 😀"
                ```
                ---
                ünïcödé

                **Targeted by**
                - threat `T1` Ünïcode ☃
            "#]],
        );
    }
}
