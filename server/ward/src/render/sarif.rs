//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

use serde_sarif::sarif;
use ward_analysis::{Code, Severity};

use crate::check::Checked;
use crate::render::DIAGNOSTICS_DOCS;

fn region(start: (u32, u32), end: (u32, u32)) -> sarif::Region {
    sarif::Region::builder()
        .start_line(i64::from(start.0))
        .start_column(i64::from(start.1))
        .end_line(i64::from(end.0))
        .end_column(i64::from(end.1))
        .build()
}

fn location(path: &str, start: (u32, u32), end: (u32, u32)) -> sarif::PhysicalLocation {
    sarif::PhysicalLocation::builder()
        .artifact_location(
            sarif::ArtifactLocation::builder()
                .uri(path)
                .uri_base_id("%SRCROOT%")
                .build(),
        )
        .region(region(start, end))
        .build()
}

fn rule(code: Code) -> sarif::ReportingDescriptor {
    let default_level = match code.default_level() {
        ward_analysis::DefaultLevel::Error => sarif::ResultLevel::Error,
        ward_analysis::DefaultLevel::Warning => sarif::ResultLevel::Warning,
        ward_analysis::DefaultLevel::Off => sarif::ResultLevel::Note,
    };
    let help = match code.rule() {
        Some(rule) => format!(
            "{} Gate rule `{}`: {}. See {DIAGNOSTICS_DOCS}#{code}",
            code.summary(),
            rule.name(),
            rule.describe()
        ),
        None => format!("{} See {DIAGNOSTICS_DOCS}#{code}", code.summary()),
    };
    sarif::ReportingDescriptor::builder()
        .id(code.as_str())
        .name(code.as_str())
        .short_description(
            sarif::MultiformatMessageString::builder()
                .text(code.summary())
                .build(),
        )
        .full_description(
            sarif::MultiformatMessageString::builder()
                .text(code.summary())
                .build(),
        )
        .help(
            sarif::MultiformatMessageString::builder()
                .text(help)
                .build(),
        )
        .help_uri(format!("{DIAGNOSTICS_DOCS}#{code}"))
        .default_configuration(
            sarif::ReportingConfiguration::builder()
                .level(serde_json::to_value(default_level).expect("a level serialises"))
                .build(),
        )
        .build()
}

pub fn render(checked: &Checked) -> String {
    let rules: Vec<sarif::ReportingDescriptor> = Code::ALL.iter().map(|&code| rule(code)).collect();
    let results: Vec<sarif::Result> = checked
        .diagnostics
        .iter()
        .map(|located| {
            let diagnostic = &located.diagnostic;
            let level = match diagnostic.severity {
                Severity::Error => sarif::ResultLevel::Error,
                Severity::Warning => sarif::ResultLevel::Warning,
                Severity::Info => sarif::ResultLevel::Note,
            };
            let related: Vec<sarif::Location> = located
                .related
                .iter()
                .enumerate()
                .map(|(at, related)| {
                    sarif::Location::builder()
                        .id(at as i64)
                        .physical_location(location(&related.path, related.start, related.end))
                        .message(sarif::Message::builder().text(&related.message).build())
                        .build()
                })
                .collect();
            let rule_index = Code::ALL
                .iter()
                .position(|&code| code == diagnostic.code)
                .unwrap_or(0);
            sarif::Result::builder()
                .rule_id(diagnostic.code.as_str())
                .rule_index(rule_index as i64)
                .level(level)
                .message(sarif::Message::builder().text(&diagnostic.message).build())
                .locations(vec![
                    sarif::Location::builder()
                        .physical_location(location(&located.path, located.start, located.end))
                        .build(),
                ])
                .related_locations(related)
                .build()
        })
        .collect();
    let driver = sarif::ToolComponent::builder()
        .name("ward")
        .version(env!("CARGO_PKG_VERSION"))
        .information_uri("https://github.com/ward-lang/ward")
        .rules(rules)
        .build();
    let mut root = checked.workspace.root.to_string_lossy().replace('\\', "/");
    if !root.ends_with('/') {
        root.push('/');
    }
    let root_uri = format!(
        "file://{}{root}",
        if root.starts_with('/') { "" } else { "/" }
    );
    let bases = std::collections::BTreeMap::from([(
        "%SRCROOT%".to_owned(),
        sarif::ArtifactLocation::builder().uri(root_uri).build(),
    )]);
    let run = sarif::Run::builder()
        .tool(sarif::Tool::builder().driver(driver).build())
        .original_uri_base_ids(bases)
        .column_kind(serde_json::Value::from("unicodeCodePoints"))
        .results(results)
        .build();
    let log = sarif::Sarif::builder()
        .version(serde_json::to_value(sarif::Version::V2_1_0).expect("a version serialises"))
        .schema(sarif::SCHEMA_URL)
        .runs(vec![run])
        .build();
    serde_json::to_string_pretty(&log).expect("plain data always serialises")
}
