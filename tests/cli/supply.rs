//! `ward import sbom` and `ward export vex`: import round trips on every SBOM shape, the
//! matching of declared components, and VEX documents validated against the official
//! CycloneDX 1.6 and OpenVEX 0.2.0 schemas (committed in `tests/cli/data`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::{Value, json};

use crate::{check_json, repo_root, stderr, stdout, ward, workspace};

fn sbom(name: &str) -> String {
    repo_root()
        .join("tests/sbom")
        .join(name)
        .display()
        .to_string()
}

fn import(file: &str, dir: &Path) -> std::process::Output {
    ward()
        .args(["import", "sbom", &sbom(file)])
        .arg(dir)
        .output()
        .expect("ward runs")
}

/// The codes `ward check --format json` reports, with how often.
fn codes(dir: &Path) -> BTreeMap<String, usize> {
    let (json, _) = check_json(dir, &[]);
    let mut found = BTreeMap::new();
    for diagnostic in json["diagnostics"].as_array().expect("diagnostics") {
        *found
            .entry(diagnostic["code"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    found
}

/// Every SBOM shape: the import of an SBOM into a workspace without `.ward` files checks
/// clean but for one `untraced-component` per component, and importing the same SBOM
/// again, with that output in the workspace, prints no item.
#[test]
fn import_round_trips_on_every_shape() {
    for (file, components) in [
        ("cargo-cyclonedx.cdx.json", 3),
        ("syft.cdx.json", 2),
        ("syft.spdx.json", 2),
        ("trivy.cdx.json", 2),
        ("grype.cdx.json", 1),
        ("osv-scanner.cdx.json", 1),
        ("nested.cdx.json", 2),
    ] {
        let dir = workspace(&[]);
        let output = import(file, dir.path());
        assert_eq!(output.status.code(), Some(0), "{file}: {}", stderr(&output));
        let text = stdout(&output);
        assert_eq!(
            text.matches("\ncomponent ").count(),
            components,
            "{file}:\n{text}"
        );
        std::fs::write(dir.path().join("imported.ward"), &text).unwrap();
        let expected = BTreeMap::from([("untraced-component".to_owned(), components)]);
        assert_eq!(codes(dir.path()), expected, "{file}:\n{text}");
        // `ward fmt --check` finds nothing to change.
        let fmt = ward()
            .args(["fmt", "--check"])
            .arg(dir.path().join("imported.ward"))
            .output()
            .unwrap();
        assert_eq!(fmt.status.code(), Some(0), "{file}: {}", stderr(&fmt));
        let again = stdout(&import(file, dir.path()));
        assert!(
            !again.contains("\ncomponent "),
            "{file}: imported twice:\n{again}"
        );
    }
}

#[test]
fn import_leaves_out_what_the_workspace_declares() {
    let dir = workspace(&[(
        "components.ward",
        r#"asset A "Gateway" { kind: component }
// By purl, at another version.
component serde-lib "Serde" { version: "1.0.100" purl: "pkg:cargo/serde@1.0.100" part-of: A }
// By name: the SBOM's name is the ID.
component tokio { part-of: A }
"#,
    )]);
    let output = import("cargo-cyclonedx.cdx.json", dir.path());
    let text = stdout(&output);
    expect_test::expect![[r#"
        // The components of `[SBOM]` that the workspace does not declare (`ward import sbom`).
        // Give each the assets that contain it in `part-of`, and its `support` and `support-ends`.

        component ring "ring" {
          version: "0.17.14"
          purl: "pkg:cargo/ring@0.17.14"
          license: "Apache-2.0 AND ISC"
          // part-of: ASSET-ID   (the assets that contain it)
        }
    "#]]
    .assert_eq(&text.replace(&sbom("cargo-cyclonedx.cdx.json"), "[SBOM]"));
    // By bom-ref, and an ID made unique against the workspace's.
    let dir = workspace(&[(
        "components.ward",
        r#"asset debian "An asset whose ID is a component's name" { kind: data }
component OS "Operating system" { bom-ref: "3ff14136-e09f-4df9-80ea-000000000002" }
"#,
    )]);
    let text = stdout(&import("trivy.cdx.json", dir.path()));
    assert!(text.contains("component libssl3 \"libssl3\""), "{text}");
    assert!(!text.contains("\"debian\""), "{text}");
}

#[test]
fn import_names_keywords_and_odd_names_with_valid_ids() {
    let dir = workspace(&[(
        "odd.cdx.json",
        r#"{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [
  {"type": "library", "name": "plan"},
  {"type": "library", "name": "@angular/core", "purl": "pkg:npm/%40angular/core@17.0.0"},
  {"type": "library", "name": "7zip", "supplier": {"name": "Igor \"7\" Pavlov\\"}},
  {"type": "library", "name": "7zip", "version": "2", "licenses": [{"license": {"name": "Not SPDX"}}], "purl": "not a purl"}
]}"#,
    )]);
    let output = ward()
        .args(["import", "sbom"])
        .arg(dir.path().join("odd.cdx.json"))
        .arg(dir.path())
        .output()
        .unwrap();
    let text = stdout(&output);
    expect_test::expect![[r#"

        component C-plan "plan" {
          // part-of: ASSET-ID   (the assets that contain it)
        }

        component angular-core "@angular/core" {
          purl: "pkg:npm/%40angular/core@17.0.0"
          // part-of: ASSET-ID   (the assets that contain it)
        }

        component C-7zip "7zip" {
          supplier: "Igor \"7\" Pavlov\\"
          // part-of: ASSET-ID   (the assets that contain it)
        }
    "#]]
    .assert_eq(
        &text
            .lines()
            .skip(2)
            .map(|l| format!("{l}\n"))
            .collect::<String>(),
    );
    std::fs::write(dir.path().join("imported.ward"), &text).unwrap();
    let expected = BTreeMap::from([("untraced-component".to_owned(), 3)]);
    assert_eq!(codes(dir.path()), expected, "{text}");
}

#[test]
fn import_of_a_broken_sbom_is_located() {
    let dir = workspace(&[]);
    let output = import("malformed.cdx.json", dir.path());
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(
        message
            .contains("malformed.cdx.json:5:59: not an SBOM Ward can read: not well-formed JSON"),
        "{message}"
    );
    let missing = ward()
        .args(["import", "sbom", "no-such.cdx.json"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2), "{}", stderr(&missing));
}

const VEX_WORKSPACE: &str = r#"
asset A-FW "Pump firmware" { kind: component }
component openssl "OpenSSL" {
  version: "3.0.13"
  purl: "pkg:generic/openssl@3.0.13"
  part-of: A-FW
}
component zlib "zlib" { version: "1.3.1" bom-ref: "zlib-ref" part-of: A-FW }
component vendored "Vendored helper" { part-of: A-FW }
risk R-1 "Overread" { vulnerability: CVE-2024-0001, CVE-2024-0002 exploitability: 1 severity: 1 }
vulnerability CVE-2024-0001 "Investigating" {
  affects: openssl
  cvss: "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
}
vulnerability CVE-2024-0002 "Affected" {
  description: "A buffer overread in the TLS handshake."
  affects: openssl, zlib
  status: affected
  response: update, workaround
  action: "Update the firmware."
  fixed-in: "2.4.1"
  cvss: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"
}
vulnerability GHSA-jfh8-c2jp-5v3q "Not affected" {
  affects: zlib, vendored
  status: not-affected
  justification: vulnerable-code-not-in-execute-path
  impact: "The inflate path is never reached."
  aliases: "CVE-2024-0003", "CVE-2024-0003"
  cvss: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"
}
vulnerability CVE-2024-0004 "Fixed" { affects: openssl status: fixed fixed-in: "2.3.0" }
"#;

fn export(dir: &Path, format: &str, extra: &[&str]) -> std::process::Output {
    ward()
        .args(["export", "vex"])
        .arg(dir)
        .args(["--format", format])
        .args(extra)
        .env("SOURCE_DATE_EPOCH", "1793520000")
        .output()
        .expect("ward runs")
}

/// The official schemas, from `tests/cli/data`, with the files they reference served
/// from there too (nothing is fetched).
struct Schemas(BTreeMap<String, Value>);

impl jsonschema::Retrieve for Schemas {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        self.0
            .get(uri.as_str())
            .cloned()
            .ok_or_else(|| format!("no schema {uri} in tests/cli/data").into())
    }
}

fn schema(path: &str) -> Value {
    let text = std::fs::read_to_string(repo_root().join("tests/cli/data").join(path))
        .unwrap_or_else(|error| panic!("{path}: {error}"));
    serde_json::from_str(&text).expect("a schema is JSON")
}

fn validator(main: &str) -> jsonschema::Validator {
    let mut known = BTreeMap::new();
    for name in ["spdx.schema.json", "jsf-0.82.schema.json"] {
        known.insert(
            format!("http://cyclonedx.org/schema/{name}"),
            schema(&format!("cyclonedx/{name}")),
        );
    }
    jsonschema::options()
        .should_validate_formats(true)
        .with_retriever(Schemas(known))
        .build(&schema(main))
        .expect("the schema compiles")
}

fn assert_valid(validator: &jsonschema::Validator, document: &Value) {
    let errors: Vec<String> = validator
        .iter_errors(document)
        .map(|error| format!("{error} at {}", error.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}\n{document:#}");
}

#[test]
fn the_validators_reject_broken_documents() {
    let cyclonedx = validator("cyclonedx/bom-1.6.schema.json");
    let broken = json!({"bomFormat": "CycloneDX", "specVersion": "1.6",
        "vulnerabilities": [{"id": "X", "analysis": {"state": "in_investigation"}}]});
    assert!(!cyclonedx.is_valid(&broken));
    let openvex = validator("openvex/openvex-0.2.0.schema.json");
    let broken = json!({"@context": "https://openvex.dev/ns/v0.2.0", "@id": "urn:x",
        "author": "A", "timestamp": "2026-11-01T00:00:00Z", "version": 1,
        "statements": [{"vulnerability": {"name": "X"}, "status": "not_affected"}]});
    assert!(!openvex.is_valid(&broken));
}

#[test]
fn cyclonedx_vex_is_valid_and_maps_the_statuses() {
    let dir = workspace(&[("model.ward", VEX_WORKSPACE)]);
    let output = export(dir.path(), "cyclonedx", &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let document: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_valid(&validator("cyclonedx/bom-1.6.schema.json"), &document);
    let vulnerabilities = document["vulnerabilities"].as_array().unwrap();
    let summary: Vec<(String, Value, Value, Value)> = vulnerabilities
        .iter()
        .map(|v| {
            (
                v["id"].as_str().unwrap().to_owned(),
                v["analysis"].clone(),
                v["affects"].clone(),
                v["ratings"].clone(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                "CVE-2024-0001".to_owned(),
                json!({"state": "in_triage"}),
                json!([{"ref": "pkg:generic/openssl@3.0.13"}]),
                json!([{"score": 9.8, "severity": "critical", "method": "CVSSv3",
                    "vector": "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}]),
            ),
            (
                "CVE-2024-0002".to_owned(),
                json!({"state": "exploitable", "response": ["update", "workaround_available"]}),
                json!([{"ref": "pkg:generic/openssl@3.0.13"}, {"ref": "zlib-ref"}]),
                json!([{"score": 7.5, "severity": "high", "method": "CVSSv31",
                    "vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"}]),
            ),
            (
                "GHSA-jfh8-c2jp-5v3q".to_owned(),
                json!({"state": "not_affected", "justification": "code_not_reachable",
                    "detail": "The inflate path is never reached."}),
                json!([{"ref": "zlib-ref"}, {"ref": "vendored"}]),
                json!([{"score": 9.3, "severity": "critical", "method": "CVSSv4",
                    "vector": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"}]),
            ),
            (
                "CVE-2024-0004".to_owned(),
                json!({"state": "resolved"}),
                json!([{"ref": "pkg:generic/openssl@3.0.13"}]),
                Value::Null,
            ),
        ]
    );
    assert_eq!(
        vulnerabilities[1]["recommendation"],
        json!("Update the firmware. Fixed in version 2.4.1.")
    );
    assert_eq!(
        vulnerabilities[2]["references"],
        json!([{"id": "CVE-2024-0003", "source": {}}])
    );
    let refs: BTreeSet<&str> = document["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["bom-ref"].as_str().unwrap())
        .collect();
    assert_eq!(
        refs,
        BTreeSet::from(["pkg:generic/openssl@3.0.13", "zlib-ref", "vendored"])
    );
    assert_eq!(
        document["metadata"]["timestamp"],
        json!("2026-11-01T08:00:00Z")
    );
}

#[test]
fn openvex_is_valid_and_written_to_a_file() {
    let dir = workspace(&[("model.ward", VEX_WORKSPACE)]);
    let out = dir.path().join("out").join("vex.json");
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    let output = export(
        dir.path(),
        "openvex",
        &[
            "-o",
            out.to_str().unwrap(),
            "--author",
            "Acme Medical PSIRT",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(output.stdout.is_empty());
    let document: Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).expect("JSON");
    assert_valid(&validator("openvex/openvex-0.2.0.schema.json"), &document);
    assert_eq!(document["author"], json!("Acme Medical PSIRT"));
    let statements: Vec<(Value, Value, Value)> = document["statements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["vulnerability"]["name"].clone(),
                s["status"].clone(),
                s["products"].clone(),
            )
        })
        .collect();
    let openssl = json!({"@id": "pkg:generic/openssl@3.0.13",
        "identifiers": {"purl": "pkg:generic/openssl@3.0.13"}});
    assert_eq!(
        statements,
        vec![
            (
                json!("CVE-2024-0001"),
                json!("under_investigation"),
                json!([openssl])
            ),
            (
                json!("CVE-2024-0002"),
                json!("affected"),
                json!([openssl, {"@id": "urn:ward:component:zlib"}])
            ),
            (
                json!("GHSA-jfh8-c2jp-5v3q"),
                json!("not_affected"),
                json!([{"@id": "urn:ward:component:zlib"}, {"@id": "urn:ward:component:vendored"}])
            ),
            (json!("CVE-2024-0004"), json!("fixed"), json!([openssl])),
        ]
    );
    let not_affected = &document["statements"][2];
    assert_eq!(
        not_affected["justification"],
        json!("vulnerable_code_not_in_execute_path")
    );
    assert_eq!(
        not_affected["vulnerability"]["aliases"],
        json!(["CVE-2024-0003"])
    );
    // The same workspace, the same document.
    let again = export(dir.path(), "openvex", &["--author", "Acme Medical PSIRT"]);
    let again: Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(again, document);
}

#[test]
fn openvex_refuses_what_it_cannot_say() {
    let dir = workspace(&[(
        "model.ward",
        r#"asset A "A" { kind: data }
component c { part-of: A }
vulnerability CVE-1 { affects: c status: not-affected }
vulnerability CVE-2 { affects: c status: affected }
"#,
    )]);
    let output = export(dir.path(), "openvex", &[]);
    assert_eq!(output.status.code(), Some(2));
    expect_test::expect![[r#"
        error: OpenVEX requires what these vulnerabilities do not say: `CVE-1` is `not-affected` without a justification or an impact statement; `CVE-2` is `affected` without an action statement (`action`, `response` or `fixed-in`)
    "#]]
    .assert_eq(&stderr(&output));
    // CycloneDX can say it.
    let output = export(dir.path(), "cyclonedx", &[]);
    assert_eq!(output.status.code(), Some(0));
    let document: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_valid(&validator("cyclonedx/bom-1.6.schema.json"), &document);
    // No vulnerability at all: a valid CycloneDX document, no OpenVEX one.
    let empty = workspace(&[("model.ward", "asset A \"A\" { kind: data }\n")]);
    let output = export(empty.path(), "cyclonedx", &[]);
    let document: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_valid(&validator("cyclonedx/bom-1.6.schema.json"), &document);
    assert_eq!(export(empty.path(), "openvex", &[]).status.code(), Some(2));
}

#[test]
fn a_missing_sbom_on_the_command_line_is_exit_2() {
    let dir = workspace(&[("a.ward", "asset A \"A\" { kind: data }\n")]);
    let output = ward()
        .arg("check")
        .arg(dir.path())
        .args(["--sbom", "no-such.cdx.json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("no-such.cdx.json"),
        "{}",
        stderr(&output)
    );
}
