//! `ward export vex [PATH...] [--format cyclonedx|openvex] [-o FILE]`: the workspace's
//! vulnerability items as a VEX document, CycloneDX 1.6 (`vulnerabilities` with
//! `analysis` and `affects`, and the affected components) or OpenVEX 0.2.0. Both are
//! valid against the official schemas (`tests/cli/vex.rs` validates them).
//!
//! Statuses and justifications are the OpenVEX words Ward uses, with `_` for `-`; the
//! CycloneDX ones are mapped as the design says (`under-investigation` → `in_triage`,
//! `affected` → `exploitable`, `not-affected` → `not_affected`, `fixed` → `resolved`).

use std::collections::HashMap;
use std::io::Write as _;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use serde_json::{Map, Value, json};
use ward_analysis::model::{ItemModel, Vulnerability, Written};
use ward_analysis::report::Timestamp;
use ward_analysis::schema::{Justification, Keyword, Response, VexStatus};
use ward_analysis::{Analysis, supply};

use super::DeclaredComponent;
use crate::workspace::{self, LoadError};

#[derive(Args, Debug)]
pub struct VexArgs {
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = VexFormat::Cyclonedx)]
    pub format: VexFormat,
    /// Write the document to FILE instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// The document's author (OpenVEX's `author`; CycloneDX's `metadata.authors`).
    #[arg(long, value_name = "NAME", default_value = "Unknown Author")]
    pub author: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum VexFormat {
    // CycloneDX 1.6 JSON.
    Cyclonedx,
    // OpenVEX 0.2.0 JSON.
    Openvex,
}

pub fn run(args: &VexArgs) -> i32 {
    match export(args) {
        Ok(()) => 0,
        Err(error) => {
            let _ = writeln!(anstream::stderr(), "error: {error}");
            2
        }
    }
}

/// One vulnerability item, read.
struct Statement {
    id: String,
    title: Option<String>,
    description: Option<String>,
    status: VexStatus,
    justification: Option<Justification>,
    impact: Option<String>,
    responses: Vec<Response>,
    action: Option<String>,
    fixed_in: Option<String>,
    cvss: Option<(String, supply::CvssScore)>,
    aliases: Vec<String>,
    affects: Vec<DeclaredComponent>,
}

fn export(args: &VexArgs) -> Result<(), LoadError> {
    let generated = crate::report::generation_time()?;
    let loaded = workspace::load_one(&args.paths, "ward export vex")?;
    let analysis = loaded.host.analysis();
    let statements = statements(&analysis)?;
    let document = match args.format {
        VexFormat::Cyclonedx => cyclonedx(&statements, generated, &args.author),
        VexFormat::Openvex => openvex(&statements, generated, &args.author)?,
    };
    let mut text = serde_json::to_string_pretty(&document).expect("JSON values serialise");
    text.push('\n');
    match &args.output {
        Some(path) => std::fs::write(path, text).map_err(|error| {
            LoadError(format!(
                "cannot write `{}`: {error}",
                workspace::shown(path)
            ))
        }),
        None => std::io::stdout()
            .write_all(text.as_bytes())
            .map_err(|error| LoadError(format!("cannot write the document: {error}"))),
    }
}

fn statements(analysis: &Analysis) -> Result<Vec<Statement>, LoadError> {
    let components: HashMap<String, DeclaredComponent> = super::components(analysis)?
        .into_iter()
        .map(|component| (component.id.clone(), component))
        .collect();
    let mut found = Vec::new();
    for file in analysis.files() {
        let ast = analysis.file_ast(file).map_err(super::cancelled)?;
        for item in &ast.items {
            let (Some(vulnerability), Some(id)) = (ItemModel::of(item).vulnerability(), &item.id)
            else {
                continue;
            };
            // An invalid status is an error of `ward check`; the statement says nothing.
            let Some(status) = vulnerability.status() else {
                continue;
            };
            found.push(Statement {
                id: id.clone(),
                title: item.title.clone(),
                description: ward_analysis::model::description(item).map(str::to_owned),
                status,
                justification: vulnerability.justification().valid(),
                impact: text(vulnerability.impact()),
                responses: vulnerability.responses().collect(),
                action: text(vulnerability.action()),
                fixed_in: text(vulnerability.fixed_in()),
                cvss: cvss(vulnerability),
                aliases: unique(vulnerability.aliases().filter(|alias| alias != id)),
                affects: vulnerability
                    .affects()
                    .filter_map(|name| components.get(name).cloned())
                    .collect(),
            });
        }
    }
    Ok(found)
}

fn text(written: Written<'_, &str>) -> Option<String> {
    written.valid().map(str::to_owned)
}

fn cvss(vulnerability: Vulnerability<'_>) -> Option<(String, supply::CvssScore)> {
    let vector = vulnerability.cvss().valid()?;
    Some((vector.to_owned(), supply::cvss(vector).ok()?))
}

fn unique<'a>(values: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    for value in values {
        if !seen.iter().any(|known| known == value) {
            seen.push(value.to_owned());
        }
    }
    seen
}

/// A Ward keyword as the VEX formats write it: `_` for `-`.
fn underscored(word: impl Keyword) -> String {
    word.as_str().replace('-', "_")
}

/// What a component is called in the document: its bom-ref, else its purl, else its ID.
fn reference(component: &DeclaredComponent) -> String {
    component
        .bom_ref
        .clone()
        .or_else(|| component.purl.clone())
        .unwrap_or_else(|| component.id.clone())
}

fn cyclonedx(statements: &[Statement], generated: Timestamp, author: &str) -> Value {
    let mut components: Vec<Value> = Vec::new();
    let mut listed: Vec<String> = Vec::new();
    let mut vulnerabilities = Vec::new();
    for statement in statements {
        let mut affects = Vec::new();
        for component in &statement.affects {
            let bom_ref = reference(component);
            if !listed.contains(&bom_ref) {
                let mut entry = Map::new();
                entry.insert("type".into(), json!("library"));
                entry.insert("bom-ref".into(), json!(bom_ref));
                entry.insert(
                    "name".into(),
                    json!(component.title.as_deref().unwrap_or(&component.id)),
                );
                if let Some(version) = &component.version {
                    entry.insert("version".into(), json!(version));
                }
                if let Some(purl) = &component.purl {
                    entry.insert("purl".into(), json!(purl));
                }
                components.push(Value::Object(entry));
                listed.push(bom_ref.clone());
            }
            affects.push(json!({ "ref": bom_ref }));
        }
        let mut entry = Map::new();
        entry.insert("id".into(), json!(statement.id));
        if let Some((vector, score)) = &statement.cvss {
            let method = match score.version {
                "3.0" => "CVSSv3",
                "3.1" => "CVSSv31",
                _ => "CVSSv4",
            };
            entry.insert(
                "ratings".into(),
                json!([{
                    "score": score.score,
                    "severity": score.rating,
                    "method": method,
                    "vector": vector,
                }]),
            );
        }
        if !statement.aliases.is_empty() {
            let references: Vec<Value> = statement
                .aliases
                .iter()
                .map(|alias| json!({ "id": alias, "source": {} }))
                .collect();
            entry.insert("references".into(), Value::Array(references));
        }
        if let Some(title) = &statement.title {
            entry.insert("description".into(), json!(title));
        }
        if let Some(description) = &statement.description {
            entry.insert("detail".into(), json!(description));
        }
        if let Some(recommendation) = recommendation(statement) {
            entry.insert("recommendation".into(), json!(recommendation));
        }
        let mut analysis = Map::new();
        let state = match statement.status {
            VexStatus::UnderInvestigation => "in_triage",
            VexStatus::Affected => "exploitable",
            VexStatus::NotAffected => "not_affected",
            VexStatus::Fixed => "resolved",
        };
        analysis.insert("state".into(), json!(state));
        if let Some(justification) = statement.justification {
            analysis.insert(
                "justification".into(),
                json!(cyclonedx_justification(justification)),
            );
        }
        if !statement.responses.is_empty() {
            let responses: Vec<String> = statement
                .responses
                .iter()
                .map(|&response| match response {
                    Response::Workaround => "workaround_available".to_owned(),
                    other => underscored(other),
                })
                .collect();
            analysis.insert("response".into(), json!(responses));
        }
        if let Some(impact) = &statement.impact {
            analysis.insert("detail".into(), json!(impact));
        }
        entry.insert("analysis".into(), Value::Object(analysis));
        entry.insert("affects".into(), Value::Array(affects));
        vulnerabilities.push(Value::Object(entry));
    }
    json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "version": 1,
        "metadata": {
            "timestamp": generated.to_string(),
            "authors": [{ "name": author }],
            "tools": {
                "components": [{
                    "type": "application",
                    "name": "ward",
                    "version": env!("CARGO_PKG_VERSION"),
                }],
            },
        },
        "components": components,
        "vulnerabilities": vulnerabilities,
    })
}

/// CycloneDX's words for OpenVEX's justifications (CycloneDX 1.6 `impactAnalysisJustification`).
fn cyclonedx_justification(justification: Justification) -> &'static str {
    match justification {
        Justification::ComponentNotPresent | Justification::VulnerableCodeNotPresent => {
            "code_not_present"
        }
        Justification::VulnerableCodeNotInExecutePath => "code_not_reachable",
        Justification::VulnerableCodeCannotBeControlledByAdversary => "requires_environment",
        Justification::InlineMitigationsAlreadyExist => "protected_by_mitigating_control",
    }
}

/// The action statement: `action`, else what `response` and `fixed-in` say.
fn recommendation(statement: &Statement) -> Option<String> {
    if let Some(action) = &statement.action {
        return Some(match &statement.fixed_in {
            Some(version) => format!("{action} Fixed in version {version}."),
            None => action.clone(),
        });
    }
    let mut parts = Vec::new();
    if !statement.responses.is_empty() {
        let words: Vec<&str> = statement.responses.iter().map(|r| r.as_str()).collect();
        parts.push(format!("Response: {}.", words.join(", ")));
    }
    if let Some(version) = &statement.fixed_in {
        parts.push(format!("Fixed in version {version}."));
    }
    (!parts.is_empty()).then(|| parts.join(" "))
}

fn openvex(
    statements: &[Statement],
    generated: Timestamp,
    author: &str,
) -> Result<Value, LoadError> {
    if statements.is_empty() {
        return Err(LoadError(
            "the workspace has no vulnerability item: an OpenVEX document needs at least one statement"
                .to_owned(),
        ));
    }
    let mut problems = Vec::new();
    let mut entries = Vec::new();
    for statement in statements {
        let mut entry = Map::new();
        let mut vulnerability = Map::new();
        vulnerability.insert("name".into(), json!(statement.id));
        if let Some(title) = &statement.title {
            vulnerability.insert("description".into(), json!(title));
        }
        if !statement.aliases.is_empty() {
            vulnerability.insert("aliases".into(), json!(statement.aliases));
        }
        entry.insert("vulnerability".into(), Value::Object(vulnerability));
        let mut products: Vec<Value> = Vec::new();
        for component in &statement.affects {
            let product = match &component.purl {
                Some(purl) => json!({ "@id": purl, "identifiers": { "purl": purl } }),
                None => json!({ "@id": format!("urn:ward:component:{}", component.id) }),
            };
            if !products.contains(&product) {
                products.push(product);
            }
        }
        entry.insert("products".into(), Value::Array(products));
        entry.insert("status".into(), json!(underscored(statement.status)));
        if let Some(justification) = statement.justification {
            entry.insert("justification".into(), json!(underscored(justification)));
        }
        if let Some(impact) = &statement.impact {
            entry.insert("impact_statement".into(), json!(impact));
        }
        let action = recommendation(statement);
        if let Some(action) = &action {
            entry.insert("action_statement".into(), json!(action));
        }
        // What OpenVEX requires of a statement, which Ward's findings only warn about.
        match statement.status {
            VexStatus::NotAffected
                if statement.justification.is_none() && statement.impact.is_none() =>
            {
                problems.push(format!(
                    "`{}` is `{}` without a justification or an impact statement",
                    statement.id, statement.status
                ));
            }
            VexStatus::Affected if action.is_none() => problems.push(format!(
                "`{}` is `{}` without an action statement (`action`, `response` or `fixed-in`)",
                statement.id, statement.status
            )),
            _ => {}
        }
        entries.push(Value::Object(entry));
    }
    if !problems.is_empty() {
        return Err(LoadError(format!(
            "OpenVEX requires what these vulnerabilities do not say: {}",
            problems.join("; ")
        )));
    }
    let statements = Value::Array(entries);
    let id = format!(
        "https://openvex.dev/docs/public/vex-{:016x}",
        fnv1a(statements.to_string().as_bytes())
    );
    Ok(json!({
        "@context": "https://openvex.dev/ns/v0.2.0",
        "@id": id,
        "author": author,
        "timestamp": generated.to_string(),
        "version": 1,
        "tooling": format!("Ward {}", env!("CARGO_PKG_VERSION")),
        "statements": statements,
    }))
}

/// FNV-1a, 64 bits: a stable name for the document's content (its `@id`), the same for
/// the same statements on every machine and every Rust version.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &byte in bytes {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}
