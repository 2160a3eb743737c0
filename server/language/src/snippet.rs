//! The item templates that completion offers where an item can start, in LSP's snippet
//! syntax: the header, then the fields worth a tab stop, from the table. The plan's gates
//! are the usual ones (`STARTER_GATES`).

use crate::codes::Rule;
use crate::fields::FieldType;
use crate::kinds::{DEFAULT_ACCEPTABLE, DEFAULT_PHASES, ItemKind, gate, plan};

/// The gates a new plan starts with: which rules each phase's review requires.
pub const STARTER_GATES: &[(&str, &[Rule])] = &[
    (
        "design",
        &[
            Rule::AssetsCovered,
            Rule::ThreatsAssessed,
            Rule::RisksScored,
            Rule::GatesApproved,
            Rule::ComponentsTraced,
        ],
    ),
    (
        "implementation",
        &[
            Rule::RisksControlled,
            Rule::CategoriesCovered,
            Rule::ComponentsDeclared,
            Rule::VulnerabilitiesAssessed,
        ],
    ),
    (
        "verification",
        &[
            Rule::ControlsImplemented,
            Rule::ControlsVerified,
            Rule::ComponentsSupported,
            Rule::VulnerabilitiesTriaged,
            Rule::LinksCurrent,
        ],
    ),
    (
        "release",
        &[
            Rule::VerificationsPassed,
            Rule::TestsReported,
            Rule::ResidualAcceptable,
            Rule::AcceptanceSigned,
            Rule::GuidanceDocumented,
            Rule::VulnerabilitiesTimely,
            Rule::EvidencePresent,
        ],
    ),
];

/// The `gate` lines of a new plan (`STARTER_GATES`), indented as inside the plan: for the
/// plan's completion template and the plan `ward init` writes.
pub fn starter_gate_lines() -> Vec<String> {
    STARTER_GATES
        .iter()
        .map(|(phase, rules)| {
            let rules: Vec<&str> = rules.iter().map(|rule| rule.name()).collect();
            format!(
                "  {} {phase} {{ {}: {} }}",
                gate::BLOCK.keyword,
                gate::REQUIRES.name,
                rules.join(", ")
            )
        })
        .collect()
}

/// The snippet of one kind: its header, then every required field (links, codes, text,
/// dates) and every field of keywords or small integers, each a tab stop with the choices
/// the table allows. A kind with no required link still gets its first link field (a
/// risk's `threat`, a component's `part-of`): the link that places it in the chain.
pub fn item_snippet(kind: ItemKind) -> String {
    if kind == ItemKind::Plan {
        return plan_snippet();
    }
    let spec = kind.spec();
    let mut lines = vec![format!("{} ${{1:ID}} \"${{2:Title}}\" {{", spec.keyword)];
    let mut stop = 3;
    let first_link = spec
        .fields
        .iter()
        .position(|field| field.ty.link().is_some())
        .filter(|_| {
            !spec
                .fields
                .iter()
                .any(|field| field.required && field.ty.link().is_some())
        });
    for (at, field) in spec.fields.iter().enumerate() {
        let value = match field.ty {
            FieldType::Link(link) if field.required || first_link == Some(at) => {
                format!("${{{stop}:{}}}", link.targets[0].as_str().to_uppercase())
            }
            FieldType::Keyword(words) | FieldType::Keywords(words) => {
                format!("${{{stop}|{}|}}", words.join(","))
            }
            FieldType::Codes if field.required => {
                format!("${{{stop}|{}|}}", field.ty.keywords().join(","))
            }
            FieldType::Str | FieldType::Text if field.required => {
                format!("\"${{{stop}:{}}}\"", field.name)
            }
            FieldType::Date if field.required => format!("${{{stop}:YYYY-MM-DD}}"),
            FieldType::Int(low, high) if high - low < 10 => {
                let values: Vec<String> = (low..=high).map(|n| n.to_string()).collect();
                format!("${{{stop}|{}|}}", values.join(","))
            }
            _ => continue,
        };
        stop += 1;
        lines.push(format!("  {}: {value}", field.name));
    }
    lines.push("}".to_owned());
    lines.push("$0".to_owned());
    lines.join("\n")
}

fn plan_snippet() -> String {
    let mut lines = vec![
        format!(
            "{} \"${{1:Security risk management plan}}\" {{",
            ItemKind::Plan.spec().keyword
        ),
        format!("  {}: {}", plan::PHASES.name, DEFAULT_PHASES.join(", ")),
        format!(
            "  {}: ${{2|{}|}}",
            plan::PHASE.name,
            DEFAULT_PHASES.join(",")
        ),
        format!("  {}: ${{3:{DEFAULT_ACCEPTABLE}}}", plan::ACCEPTABLE.name),
    ];
    lines.extend(starter_gate_lines());
    lines.push("}".to_owned());
    lines.push("$0".to_owned());
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_starter_gate_names_a_default_phase_and_every_rule_is_required_once() {
        let mut required: Vec<Rule> = Vec::new();
        for (phase, rules) in STARTER_GATES {
            assert!(DEFAULT_PHASES.contains(phase), "{phase}");
            required.extend(rules.iter());
        }
        required.sort();
        assert_eq!(required, Rule::ALL);
    }

    #[test]
    fn snippets_open_and_close_one_item() {
        for kind in ItemKind::ALL {
            let snippet = item_snippet(kind);
            assert!(snippet.starts_with(kind.spec().keyword), "{snippet}");
            assert_eq!(snippet.matches('{').count(), snippet.matches('}').count());
        }
    }
}
