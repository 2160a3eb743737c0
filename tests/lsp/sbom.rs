//! SBOMs in the editor: the plan's SBOMs read and watched; a component's version edited
//! into a mismatch is `stale-component`; an SBOM changed on disk updates the diagnostics of
//! the SBOM itself (`undeclared-component`) and of the components it reports
//! vulnerabilities for (`untriaged-vulnerability`).

use crate::harness::{Client, Editor, Workspace};

const CHANGED: u8 = 2;

const PLAN: &str = "plan \"P\" {\n  sbom: \"sbom/*.cdx.json\"\n}\n";

const COMPONENTS: &str = "asset A \"A\" { kind: component }\nthreat T \"T\" { targets: A, zlib }\nrisk R \"R\" { threat: T exploitability: 1 severity: 1 }\ncomponent zlib \"zlib\" {\n  version: \"1.3.1\"\n  purl: \"pkg:generic/zlib@1.3.1\"\n  part-of: A\n}\n";

fn sbom(components: &str, vulnerabilities: &str) -> String {
    format!(
        "{{\n  \"bomFormat\": \"CycloneDX\",\n  \"specVersion\": \"1.6\",\n  \"components\": [{components}],\n  \"vulnerabilities\": [{vulnerabilities}]\n}}\n"
    )
}

const ZLIB: &str = "\n    {\"bom-ref\": \"zlib\", \"type\": \"library\", \"name\": \"zlib\", \"version\": \"1.3.1\", \"purl\": \"pkg:generic/zlib@1.3.1\"}";
const LWIP: &str = ",\n    {\"type\": \"library\", \"name\": \"lwip\", \"version\": \"2.2.0\"}";
const CVE: &str = "\n    {\"id\": \"CVE-2024-0001\", \"affects\": [{\"ref\": \"zlib\"}]}";

#[test]
fn a_version_edited_into_a_mismatch_is_stale() {
    let workspace = Workspace::new(&[
        ("plan.ward", PLAN),
        ("components.ward", COMPONENTS),
        ("sbom/fw.cdx.json", &sbom(ZLIB, "")),
    ]);
    let mut client = Client::start(Editor::VsCode, &workspace.root());
    let components = workspace.path("components.ward");
    client.wait_codes(&components, &[]);
    client.did_open(&components, COMPONENTS);
    client.did_change(
        &components,
        2,
        serde_json::json!([{"text": COMPONENTS.replace("\"1.3.1\"", "\"1.2.13\"")}]),
    );
    client.wait_codes(&components, &["stale-component"]);
    let stale = client.diagnostics_of(&components);
    let message = stale[0]["message"].as_str().unwrap();
    assert!(
        message.contains("declared at version 1.2.13 but listed with version 1.3.1"),
        "{message}"
    );
    // Back to the SBOM's version: nothing stale.
    client.did_change(&components, 3, serde_json::json!([{"text": COMPONENTS}]));
    client.wait_codes(&components, &[]);
}

#[test]
fn an_sbom_changed_on_disk_updates_the_diagnostics() {
    let workspace = Workspace::new(&[
        ("plan.ward", PLAN),
        ("components.ward", COMPONENTS),
        ("sbom/fw.cdx.json", &sbom(ZLIB, "")),
    ]);
    let mut client = Client::start(Editor::VsCode, &workspace.root());
    let components = workspace.path("components.ward");
    let file = workspace.path("sbom/fw.cdx.json");
    client.wait_codes(&components, &[]);

    // A new component and a scanner's vulnerability for zlib.
    workspace.write("sbom/fw.cdx.json", &sbom(&format!("{ZLIB}{LWIP}"), CVE));
    client.watched(&[(&file, CHANGED)]);
    client.wait_codes(&file, &["undeclared-component"]);
    client.wait_codes(&components, &["untriaged-vulnerability"]);

    // Broken: located in the SBOM, and with no SBOM read nothing else is said.
    workspace.write("sbom/fw.cdx.json", "{\n  \"bomFormat\": \"CycloneDX\",\n");
    client.watched(&[(&file, CHANGED)]);
    client.wait_codes(&file, &["invalid-sbom"]);
    client.wait_codes(&components, &[]);
}
