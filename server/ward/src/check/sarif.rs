//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

use std::path::{Component, Path};

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_encode, utf8_percent_encode};
use serde_sarif::sarif;
use ward_analysis::{Code, Severity};

use crate::explain;
use crate::located::Checked;

fn region(start: (u32, u32), end: (u32, u32)) -> sarif::Region {
    sarif::Region::builder()
        .start_line(i64::from(start.0))
        .start_column(i64::from(start.1))
        .end_line(i64::from(end.0))
        .end_column(i64::from(end.1))
        .build()
}

/// What a URI's path segment keeps as it is: RFC 3986's unreserved characters. Everything
/// else is percent-encoded: a space or non-ASCII letter would make the URI invalid, `#` and
/// `?` would end the path, `%` would read as an escape, `:` in a first segment as a scheme.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The URI reference of a shown path (relative to the root with `/`, or absolute).
fn path_uri(path: &str) -> String {
    path.split('/')
        .map(|segment| utf8_percent_encode(segment, SEGMENT).to_string())
        .collect::<Vec<_>>()
        .join("/")
}

/// The `file:` URI of a folder, ending with `/` as SARIF requires of a base URI.
fn folder_uri(folder: &Path) -> String {
    let mut uri = String::from("file://");
    for component in folder.components() {
        match component {
            // A Windows drive (`C:`) is written as it is: `file:///C:/...`.
            Component::Prefix(prefix) => {
                uri.push('/');
                uri.push_str(&prefix.as_os_str().to_string_lossy().replace('\\', "/"));
            }
            Component::RootDir | Component::CurDir => {}
            Component::ParentDir => uri.push_str("/.."),
            Component::Normal(name) => {
                uri.push('/');
                uri.extend(percent_encode(&name_bytes(name), SEGMENT));
            }
        }
    }
    uri.push('/');
    uri
}

/// A file name's bytes: on Unix exactly, so that a name that is not UTF-8 is kept too.
fn name_bytes(name: &std::ffi::OsStr) -> Vec<u8> {
    #[cfg(unix)]
    {
        std::os::unix::ffi::OsStrExt::as_bytes(name).to_vec()
    }
    #[cfg(not(unix))]
    {
        name.to_string_lossy().into_owned().into_bytes()
    }
}

fn location(path: &str, start: (u32, u32), end: (u32, u32)) -> sarif::PhysicalLocation {
    sarif::PhysicalLocation::builder()
        .artifact_location(
            sarif::ArtifactLocation::builder()
                .uri(path_uri(path))
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
    let docs_url = explain::docs_url(code);
    let see = match &docs_url {
        Some(url) => format!("See {url}"),
        None => format!("Run `ward explain {code}`."),
    };
    let help = match code.rule() {
        Some(rule) => format!(
            "{} Gate rule `{}`: {}. {see}",
            code.summary(),
            rule.name(),
            rule.describe()
        ),
        None => format!("{} {see}", code.summary()),
    };
    let mut descriptor = sarif::ReportingDescriptor::builder()
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
        .default_configuration(
            sarif::ReportingConfiguration::builder()
                .level(serde_json::to_value(default_level).expect("a level serialises"))
                .build(),
        )
        .build();
    // Only a real address: none is better than a placeholder.
    descriptor.help_uri = docs_url;
    descriptor
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
            // A waived finding keeps its level, with the waiver as an accepted in-source
            // suppression.
            let suppressions: Vec<sarif::Suppression> = diagnostic
                .waived
                .iter()
                .map(|waived| {
                    sarif::Suppression::builder()
                        .kind(
                            serde_json::to_value(sarif::SupressionKind::InSource)
                                .expect("a kind serialises"),
                        )
                        .status(
                            serde_json::to_value(sarif::SupressionStatus::Accepted)
                                .expect("a status serialises"),
                        )
                        .justification(waived.rationale.trim())
                        .build()
                })
                .collect();
            let mut result = sarif::Result::builder()
                .rule_id(diagnostic.code.as_str())
                .suppressions(suppressions)
                .rule_index(rule_index as i64)
                .level(level)
                .message(sarif::Message::builder().text(&diagnostic.message).build())
                .locations(vec![
                    sarif::Location::builder()
                        .physical_location(location(&located.path, located.start, located.end))
                        .build(),
                ])
                .related_locations(related)
                .build();
            // An empty list would claim the result was reviewed and kept: say nothing.
            if result.suppressions.as_ref().is_some_and(Vec::is_empty) {
                result.suppressions = None;
            }
            result
        })
        .collect();
    let mut driver = sarif::ToolComponent::builder()
        .name("ward")
        .version(env!("CARGO_PKG_VERSION"))
        .rules(rules)
        .build();
    let repository = env!("CARGO_PKG_REPOSITORY");
    driver.information_uri = (!repository.is_empty()).then(|| repository.to_owned());
    let bases = std::collections::BTreeMap::from([(
        "%SRCROOT%".to_owned(),
        sarif::ArtifactLocation::builder()
            .uri(folder_uri(&checked.shown_root))
            .build(),
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

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::{folder_uri, path_uri};

    #[test]
    fn uris_encode_what_a_path_segment_cannot_hold() {
        assert_eq!(path_uri("a/b.ward"), "a/b.ward");
        assert_eq!(
            path_uri("dossier à 50%/c#1?.ward"),
            "dossier%20%C3%A0%2050%25/c%231%3F.ward"
        );
        assert_eq!(path_uri("x:y.ward"), "x%3Ay.ward");
        assert_eq!(path_uri("/tmp/out side.ward"), "/tmp/out%20side.ward");
        assert_eq!(
            folder_uri(Path::new("/tmp/my ws#")),
            "file:///tmp/my%20ws%23/"
        );
        assert_eq!(folder_uri(Path::new("/")), "file:///");
    }
}
