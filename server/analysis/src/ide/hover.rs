//! Hover: an item's card (kind, ID, title, description, scores, links up and down, failed
//! gate rules), a field's type and documentation, a keyword's allowed values, a rule's
//! meaning, a phase's place in the plan.

use std::fmt::Write;

use ward_syntax::{Field, Item, Value};

use crate::db::{Db, ItemRef, Referrer, file_ast, lookup_definitions, lookup_referrers};
use crate::diagnostics::Code;
use crate::ide::cursor::{AtCursor, FieldAt, Hit, Symbol, at_cursor, classify, item_ranges};
use crate::ide::{FilePosition, HoverResult};
use crate::locate::file_diagnostics;
use crate::model::{self, ItemModel, Risk, RiskScore};
use crate::plan::{GateStatus, approvals, plan};
use crate::schema::{self, FieldSpec, FieldType, Rule};

pub(crate) fn hover(db: &dyn Db, position: FilePosition) -> Option<HoverResult> {
    let cursor = at_cursor(db, position)?;
    let markdown = match classify(db, position.file, &cursor) {
        Some(Symbol::Item { def, .. }) => {
            let def = def?;
            let mut card = item_card(db, def);
            if let Some(stamp) = stamp_at(&cursor) {
                let _ = write!(card, "\n\n---\n{}", stamp_line(db, def, stamp));
            }
            card
        }
        Some(Symbol::Phase { name, .. }) => phase_card(db, &name),
        Some(Symbol::Rule { rule, .. }) => rule_card(rule),
        None => syntax_card(&cursor)?,
    };
    Some(HoverResult {
        markdown,
        range: cursor.range,
    })
}

/// The stamp of the stamped link under the cursor.
fn stamp_at<'a>(cursor: &'a AtCursor<'a>) -> Option<&'a str> {
    let Hit::Value { at, value, .. } = cursor.hit else {
        return None;
    };
    at.field(cursor.item()).values[value].stamp()
}

/// What a link's stamp says of its target now: current, or changed since stamped.
fn stamp_line(db: &dyn Db, def: ItemRef, stamp: &str) -> String {
    let Some(now) = crate::fingerprint::fingerprint(db, def) else {
        return format!("stamp `{stamp}`");
    };
    if !crate::fingerprint::is_valid_stamp(stamp) {
        format!(
            "stamp `{stamp}`: not a fingerprint (12 lowercase hex digits); the target's is `{now}`"
        )
    } else if now.is(stamp) {
        format!("stamp `{stamp}`: current, the target is unchanged since the link was stamped")
    } else {
        format!("stamp `{stamp}`: changed since stamped; the target's fingerprint is now `{now}`")
    }
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
        Hit::BlockKeyword { block, .. } => {
            Some(schema::block_spec(&item.blocks[block].kind).doc.to_owned())
        }
        _ => None,
    }
}

fn field_card(item: &Item, at: FieldAt, spec: &FieldSpec) -> String {
    let owner = match at
        .block
        .map(|block| schema::block_spec(&item.blocks[block].kind))
    {
        None => format!("{} field", item.kind),
        Some(block) if block.named => format!("field of a {}", block.keyword),
        Some(block) => format!("field of `{}`", block.keyword),
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
        (FieldType::Keyword(allowed) | FieldType::Keywords(allowed), Value::Ident(word)) => {
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
        (FieldType::Codes, Value::Ident(word)) => Some(match Code::from_name(word) {
            Some(code) => match code.rule() {
                Some(rule) => format!(
                    "**code** `{code}`: {}\n\nA finding of the rule `{rule}`: {}.",
                    code.summary(),
                    rule.describe()
                ),
                None => format!(
                    "**code** `{code}`: {}\n\nNot the finding of a rule: it cannot be waived.",
                    code.summary()
                ),
            },
            None => format!("`{word}` is not a finding code"),
        }),
        (FieldType::Date, Value::Date(date)) => Some(match crate::dates::calendar(*date) {
            Some(_) => format!("**`{}`**: {date}\n\n{}", spec.name, spec.doc),
            None => format!("`{date}` is not a day of the calendar"),
        }),
        (FieldType::Cvss, Value::Str(text)) => Some(match crate::supply::cvss(text) {
            Ok(score) => format!("**CVSS {} base score** {score}\n\n`{text}`", score.version),
            Err(problem) => format!("`{text}` is not a CVSS 3.0, 3.1 or 4.0 vector: {problem}"),
        }),
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
    // The signatures of its gate review.
    let signed: Vec<String> = approvals(db)
        .iter()
        .filter(|approval| approval.phase == name)
        .map(|approval| {
            let ast = file_ast(db, approval.item.file);
            let item = &ast.items[approval.item.item as usize];
            let mut line = format!("- {}", item_line(db, approval.item));
            if let Some(approval) = ItemModel::of(item).approval() {
                if let Some(by) = approval.by().valid() {
                    let _ = write!(line, ": {by}");
                }
                if let Some(meaning) = approval.meaning().valid() {
                    let _ = write!(line, ", {meaning}");
                }
                if let Some((date, _)) = approval.date() {
                    let _ = write!(line, ", {date}");
                }
            }
            line
        })
        .collect();
    if !signed.is_empty() {
        let _ = write!(card, "\n\n**Approvals**\n{}", signed.join("\n"));
    }
    card
}

fn item_card(db: &dyn Db, def: ItemRef) -> String {
    let ast = file_ast(db, def.file);
    let item = &ast.items[def.item as usize];
    let model = &ItemModel::of(item);
    let id = item.id.as_deref().unwrap_or(item.kind.as_str());
    let mut card = String::new();
    let _ = write!(card, "```ward\n{} {id}", item.kind);
    if let Some(title) = &item.title {
        let _ = write!(card, " {}", quote(title));
    }
    card.push_str("\n```\n---");
    if let Some(description) = model::description(item) {
        let _ = write!(card, "\n{description}\n");
    }

    let mut facts = Vec::new();
    if let Some(risk) = model.risk() {
        risk_facts(db, risk, id, &mut facts);
    }
    if let Some(vulnerability) = model.vulnerability()
        && let Some(Ok(score)) = vulnerability.cvss().valid().map(crate::supply::cvss)
    {
        facts.push(format!("CVSS {} base score: {score}", score.version));
    }
    if let Some(waiver) = model.waiver() {
        let today = db.workspace().today(db);
        facts.push(match waiver.expires().valid() {
            Some(expires) if waiver.is_expired(today) => {
                format!("status: expired on {expires}, waives nothing")
            }
            Some(expires) => format!("status: in force until {expires}"),
            None => "status: in force, no expiry".to_owned(),
        });
    }
    // Shown elsewhere in the card: the description above, the scores in the risk facts,
    // the links below.
    let shown_apart = [
        schema::shared::DESCRIPTION.name,
        schema::risk::EXPLOITABILITY.name,
        schema::risk::SEVERITY.name,
    ];
    for field in &item.fields {
        let Some(spec) = item.kind.field(&field.name) else {
            continue;
        };
        if spec.ty.link().is_some() || shown_apart.contains(&spec.name) {
            continue;
        }
        let values: Vec<String> = field.values.iter().map(short_value).collect();
        facts.push(format!("{}: {}", field.name, values.join(", ")));
    }
    for spec in item.kind.fields() {
        if let Some(default) = spec.default
            && item.field(spec.name).is_none()
        {
            facts.push(format!("{}: {default} (default)", spec.name));
        }
    }
    if !facts.is_empty() {
        card.push('\n');
        for fact in facts {
            let _ = writeln!(card, "- {fact}");
        }
    }

    // Up the chain: what this item links to, field by field.
    for via in item.kind.link_fields() {
        let Some(field) = item.field(via.name()) else {
            continue;
        };
        let _ = write!(card, "\n**{}**\n", via.link().up);
        for name in field.values.iter().filter_map(Value::as_link) {
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

    // Down the chain: the items linking here, by the field they link through.
    if lookup_definitions(db, id).first() == Some(&def) {
        let referrers = lookup_referrers(db, id);
        for via in schema::LinkField::all() {
            let through: Vec<&Referrer> = referrers.iter().filter(|r| r.via == via).collect();
            if through.is_empty() {
                continue;
            }
            let _ = write!(card, "\n**{}**\n", via.link().down);
            for referrer in through {
                let _ = writeln!(card, "- {}", item_line(db, referrer.item));
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
            let state = match &d.waived {
                Some(waived) => format!("{}, waived by `{}`", d.severity.as_str(), waived.by),
                None => d.severity.as_str().to_owned(),
            };
            Some(format!(
                "- `{}`: rule `{}`{gate} ({state})",
                d.code,
                rule.name(),
            ))
        })
        .collect();
    if !findings.is_empty() {
        let _ = write!(card, "\n**Fails**\n{}\n", findings.join("\n"));
    }
    card.trim_end().to_owned()
}

/// Score, residual score (against the plan's acceptable score), harm and hazard of a risk.
fn risk_facts(db: &dyn Db, risk: Risk<'_>, id: &str, facts: &mut Vec<String>) {
    let plan = plan(db);
    let versus = |score: RiskScore| {
        let side = if plan.is_acceptable(score) {
            "within"
        } else {
            "above"
        };
        format!("{side} {}", plan.measure(score))
    };
    let Some(score) = risk.score() else {
        let (exploitability, severity) = (
            schema::risk::EXPLOITABILITY.name,
            schema::risk::SEVERITY.name,
        );
        let missing = match (risk.exploitability().valid(), risk.severity().valid()) {
            (None, None) => format!("{exploitability} and {severity}"),
            (None, _) => exploitability.to_owned(),
            _ => severity.to_owned(),
        };
        facts.push(format!("score: none (no valid {missing})"));
        return;
    };
    facts.push(format!(
        "score: {} × {} = {}, {}",
        score.exploitability,
        score.severity,
        score.value(),
        versus(score)
    ));
    let mitigated = lookup_referrers(db, id)
        .iter()
        .any(|r| r.via == schema::control::MITIGATES_LINK);
    if risk.residual().is_some() || mitigated {
        let line = match risk.residual_score(score) {
            Some(after) => {
                let mut line = format!(
                    "residual: {} × {} = {}, {}",
                    after.exploitability,
                    after.severity,
                    after.value(),
                    versus(after)
                );
                if !mitigated {
                    line.push_str(" (no control mitigates it yet)");
                }
                line
            }
            None => "residual: none (an invalid residual value)".to_owned(),
        };
        facts.push(line);
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
        Value::Stamped(link) => format!("{}@{}", link.name, link.stamp),
        Value::Int(Some(number)) => number.to_string(),
        Value::Int(None) => "(too large)".to_owned(),
        Value::Date(date) => date.to_string(),
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
    fn a_waiver_its_status_and_what_it_waives() {
        let fixture = r#"
            //- /chain.ward
            asset A-1 "Alone" {}
            //- /waivers.ward
            waiver W-1 "Later" {
              waives: untargeted-asset
              items: A-1
              rationale: "Next release."
              approved-by: "A. Smith"
              approved: 2020-01-01
              expires: 2999-12-31
            }
            "#;
        check(
            &at(fixture, "/waivers.ward", "W-1"),
            expect![[r#"
                waivers.ward:1:8-1:11 W-1
                ```ward
                waiver W-1 "Later"
                ```
                ---
                - status: in force until 2999-12-31
                - waives: untargeted-asset
                - rationale: Next release.
                - approved-by: A. Smith
                - approved: 2020-01-01
                - expires: 2999-12-31

                **Waives findings of**
                - asset `A-1` Alone
            "#]],
        );
        check(
            &at(fixture, "/chain.ward", "A-1"),
            expect![[r#"
            chain.ward:1:7-1:10 A-1
            ```ward
            asset A-1 "Alone"
            ```
            ---
            **Waived by**
            - waiver `W-1` Later

            **Fails**
            - `untargeted-asset`: rule `assets-covered` (warning, waived by `W-1`)
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
                **`targets`** (threat field, required): IDs of asset or component items

                The assets and components this threat is against.
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
    fn a_waived_code_and_a_date() {
        let fixture = r#"
            //- /main.ward
            waiver W-1 { waives: untargeted-asset, duplicate-id expires: 2027-02-30 }
            "#;
        check(
            &at(fixture, "/main.ward", "untargeted-asset"),
            expect![[r#"
                main.ward:1:22-1:38 untargeted-asset
                **code** `untargeted-asset`: An asset that no threat targets.

                A finding of the rule `assets-covered`: every asset is targeted by a threat.
            "#]],
        );
        check(
            &at(fixture, "/main.ward", "duplicate-id"),
            expect![[r#"
            main.ward:1:40-1:52 duplicate-id
            **code** `duplicate-id`: An ID is defined more than once.

            Not the finding of a rule: it cannot be waived.
        "#]],
        );
        check(
            &at(fixture, "/main.ward", "2027-02-30"),
            expect![[r#"
            main.ward:1:62-1:72 2027-02-30
            `2027-02-30` is not a day of the calendar
        "#]],
        );
    }

    #[test]
    fn a_cvss_vector_shows_its_base_score_and_rating() {
        let fixture = r#"
            //- /main.ward
            component openssl { version: "3.0.13" part-of: A }
            vulnerability CVE-2024-5535 "Overread" {
              affects: openssl
              cvss: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"
            }
            vulnerability GHSA-abcd-efgh-ijkl { affects: openssl cvss: "CVSS:4.0/AV:N" }
            "#;
        check(
            &at(fixture, "/main.ward", "\"CVSS:3.1"),
            expect![[r#"
                main.ward:4:9-4:55 "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"
                **CVSS 3.1 base score** 7.5 (high)

                `CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N`
            "#]],
        );
        check(
            &at(fixture, "/main.ward", "CVE-2024-5535"),
            expect![[r#"
                main.ward:2:15-2:28 CVE-2024-5535
                ```ward
                vulnerability CVE-2024-5535 "Overread"
                ```
                ---
                - CVSS 3.1 base score: 7.5 (high)
                - cvss: CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N
                - status: under-investigation (default)

                **Affects**
                - component `openssl`

                **Fails**
                - `unassessed-vulnerability`: rule `vulnerabilities-assessed` (warning)
            "#]],
        );
        check(
            &at(fixture, "/main.ward", "\"CVSS:4.0"),
            expect![[r#"
                main.ward:6:60-6:75 "CVSS:4.0/AV:N"
                `CVSS:4.0/AV:N` is not a CVSS 3.0, 3.1 or 4.0 vector: missing mandatory CVSSv4 AC (Attack Complexity) metric
            "#]],
        );
    }

    #[test]
    fn a_risk_judged_by_the_matrix() {
        check(
            &at(
                r#"
                //- /plan.ward
                plan { matrix { negligible: 5 minor: 4 serious: 3 critical: 2 catastrophic: 1 } }
                //- /risks.ward
                risk R-1 "Rare but catastrophic" { exploitability: 2 severity: 5 }
                "#,
                "/risks.ward",
                "R-1",
            ),
            expect![[r#"
                risks.ward:1:6-1:9 R-1
                ```ward
                risk R-1 "Rare but catastrophic"
                ```
                ---
                - score: 2 × 5 = 10, above the matrix's `catastrophic` limit, exploitability 1

                **Fails**
                - `unmitigated-risk`: rule `risks-controlled` (warning)
            "#]],
        );
    }

    #[test]
    fn a_gate_and_its_approvals() {
        check(
            r#"
            //- /plan.ward
            plan {
              phases: design, release
              phase: release
              gate de$0sign { requires: gates-approved }
            }
            //- /approvals.ward
            approval AP1 "Security" { gate: design by: "A. Smith" meaning: approved date: 2026-10-12 }
            approval AP2 "Quality" { gate: design by: "B. Jones" date: 2026-10-13 }
            "#,
            expect![[r#"
                plan.ward:4:8-4:14 design
                **phase** `design` (1 of 2), its gate has been passed

                Gate `design` requires `gates-approved`

                **Approvals**
                - approval `AP1` Security: A. Smith, approved, 2026-10-12
                - approval `AP2` Quality: B. Jones, 2026-10-13
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
