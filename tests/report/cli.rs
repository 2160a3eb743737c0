//! The command line of `ward report`: where the output goes, exit codes, `--gate`,
//! `SOURCE_DATE_EPOCH` and `--today`.

use std::fs;

use crate::{fixture, report, ward};

#[test]
fn html_goes_to_ward_report_html_in_the_current_folder_by_default() {
    let cwd = tempfile::tempdir().unwrap();
    let output = ward()
        .current_dir(cwd.path())
        .arg("report")
        .arg(fixture("no-plan"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(output.stdout.is_empty(), "nothing on stdout");
    let written = fs::read_to_string(cwd.path().join("ward-report.html")).unwrap();
    let (stdout, _) = report(&fixture("no-plan"), "html");
    assert_eq!(written, stdout);
    assert!(written.starts_with("<!DOCTYPE html>"));
}

#[test]
fn the_other_formats_go_to_stdout_by_default_and_to_the_file_with_o() {
    let dir = tempfile::tempdir().unwrap();
    for format in ["markdown", "json"] {
        let stdout = ward()
            .current_dir(dir.path())
            .arg("report")
            .arg(fixture("gaps"))
            .args(["--format", format])
            .output()
            .unwrap();
        assert_eq!(stdout.status.code(), Some(1), "gaps has errors");
        let path = dir.path().join(format!("report.{format}"));
        let to_file = ward()
            .arg("report")
            .arg(fixture("gaps"))
            .args(["--format", format, "-o"])
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(to_file.status.code(), Some(1));
        assert!(to_file.stdout.is_empty());
        assert_eq!(fs::read(&path).unwrap(), stdout.stdout);
    }
    assert!(!dir.path().join("ward-report.html").exists());
}

#[test]
fn csv_writes_one_file_per_table_into_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("tables");
    let output = ward()
        .arg("report")
        .arg(fixture("accepted-residual"))
        .args(["--format", "csv", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let (stdout, _) = report(&fixture("accepted-residual"), "csv");
    let tables: Vec<(&str, &str)> = stdout
        .split("# table: ")
        .skip(1)
        .map(|table| {
            let (name, body) = table.split_once('\n').unwrap();
            (
                name,
                body.strip_suffix('\n')
                    .filter(|_| table.ends_with("\n\n"))
                    .unwrap_or(body),
            )
        })
        .collect();
    let names: Vec<&str> = tables.iter().map(|(name, _)| *name).collect();
    assert_eq!(
        names,
        [
            "summary",
            "gates",
            "residual",
            "traceability",
            "risk-matrix",
            "deployer-guidance",
            "approvals",
            "waivers",
            "categories",
            "components",
            "vulnerabilities",
            "suspect-links",
            "links",
            "missing",
            "findings",
            "items"
        ]
    );
    let mut files: Vec<String> = fs::read_dir(&out)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    assert_eq!(files.len(), names.len());
    for (name, body) in tables {
        let file = fs::read_to_string(out.join(format!("{name}.csv"))).unwrap();
        assert_eq!(file, body, "{name}.csv");
        let mut reader = csv::Reader::from_reader(file.as_bytes());
        let width = reader.headers().unwrap().len();
        for record in reader.records() {
            assert_eq!(
                record.unwrap().len(),
                width,
                "{name}.csv rows are rectangular"
            );
        }
    }
}

#[test]
fn could_not_run_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let cases: Vec<(Vec<String>, Option<&str>)> = vec![
        (vec!["report".into(), "/no/such/folder".into()], None),
        (
            vec![
                "report".into(),
                fixture("gaps").display().to_string(),
                "--gate".into(),
                "nonsense".into(),
            ],
            None,
        ),
        (
            vec![
                "report".into(),
                fixture("gaps").display().to_string(),
                "--format".into(),
                "pdf".into(),
            ],
            None,
        ),
        (
            vec![
                "report".into(),
                fixture("gaps").display().to_string(),
                "-o".into(),
                dir.path()
                    .join("missing/folder/r.html")
                    .display()
                    .to_string(),
            ],
            None,
        ),
        (
            vec!["report".into(), fixture("gaps").display().to_string()],
            Some("yesterday"),
        ),
    ];
    for (args, epoch) in cases {
        let mut command = ward();
        command.current_dir(dir.path()).args(&args);
        if let Some(epoch) = epoch {
            command.env("SOURCE_DATE_EPOCH", epoch);
        }
        let output = command.output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(!output.stderr.is_empty());
    }
}

/// A write that fails midway is exit 2 with a message naming where, and leaves no report
/// that could be taken for a whole one.
#[test]
fn a_failed_write_is_exit_2_and_names_its_file() {
    let dir = tempfile::tempdir().unwrap();
    let tables = dir.path().join("tables");
    // A folder where the `items` table's file would go: every table before it is written.
    fs::create_dir_all(tables.join("items.csv")).unwrap();
    let output = ward()
        .current_dir(dir.path())
        .arg("report")
        .arg(fixture("gaps"))
        .args(["--format", "csv", "-o"])
        .arg(&tables)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("cannot write") && stderr.contains("items.csv"),
        "{stderr}"
    );
    assert!(tables.join("summary.csv").is_file());

    // `/dev/full` takes nothing: each format that streams into a file or stdout says so.
    if std::path::Path::new("/dev/full").exists() {
        for format in ["html", "markdown", "json", "csv"] {
            let full = fs::File::create("/dev/full").unwrap();
            let output = ward()
                .current_dir(dir.path())
                .arg("report")
                .arg(fixture("gaps"))
                .args(["--format", format, "-o", "-"])
                .stdout(full)
                .output()
                .unwrap();
            assert_eq!(output.status.code(), Some(2), "{format}");
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(
                stderr.contains("cannot write the report to stdout"),
                "{format}: {stderr}"
            );
        }
        // Named with `-o`, the device is written to and left alone: it is no report file.
        let output = ward()
            .current_dir(dir.path())
            .arg("report")
            .arg(fixture("gaps"))
            .args(["--format", "html", "-o", "/dev/full"])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&output.stderr).contains("cannot write `/dev/full`"));
        assert!(std::path::Path::new("/dev/full").exists());
    }
}

#[test]
fn exit_0_without_errors_1_with_errors() {
    assert_eq!(report(&fixture("no-plan"), "json").1.status.code(), Some(0));
    assert_eq!(report(&fixture("gaps"), "json").1.status.code(), Some(1));
}

#[test]
fn gate_reports_as_if_the_gates_up_to_it_had_passed() {
    let output = ward()
        .arg("report")
        .arg(fixture("gaps"))
        .args(["--format", "json", "--gate", "implementation"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["header"]["gate_override"], "implementation");
    assert_eq!(report["header"]["phase"], "implementation");
    let statuses: Vec<&str> = report["gates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|gate| gate["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["passed", "passed", "current"]);
}

#[test]
fn source_date_epoch_sets_the_generation_time() {
    let output = ward()
        .arg("report")
        .arg(fixture("no-plan"))
        .args(["--format", "json"])
        .env("SOURCE_DATE_EPOCH", "0")
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["header"]["generated"], "1970-01-01T00:00:00Z");
    let now = ward()
        .arg("report")
        .arg(fixture("no-plan"))
        .args(["--format", "json"])
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&now.stdout).unwrap();
    let generated = report["header"]["generated"].as_str().unwrap();
    assert!(
        generated.as_bytes()[..2] == *b"20" && generated.ends_with('Z'),
        "{generated}"
    );
}

/// Today for the report: `SOURCE_DATE_EPOCH` (2026-11-01 in these tests), else `--today`,
/// which wins; a waiver that has expired by then waives nothing.
#[test]
fn today_decides_the_waivers_of_the_report_too() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("a.ward"),
        "asset A-1 \"Alone\" { kind: data }\n\
         waiver W-1 \"Later\" {\n  waives: untargeted-asset\n  items: A-1\n  rationale: \"Later.\"\n  approved-by: \"A. Smith\"\n  approved: 2026-10-01\n  expires: 2026-12-31\n}\n",
    )
    .unwrap();
    let codes = |extra: &[&str]| -> Vec<String> {
        let output = ward()
            .arg("report")
            .arg(dir.path())
            .args(["--format", "json", "-o", "-"])
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0));
        let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|finding| finding["code"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(codes(&[]), Vec::<String>::new(), "waived on 2026-11-01");
    assert_eq!(
        codes(&["--today", "2027-01-15"]),
        ["untargeted-asset", "expired-waiver"]
    );
}

/// A plan's matrix decides which cells are shaded, and every format says what it accepts.
#[test]
fn the_matrix_shades_the_region_it_accepts_in_every_format() {
    let dir = crate::repo_root().join("tests/cli/fixtures/matrix");
    let (json, _) = report(&dir, "json");
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    let matrix = &json["risk_matrix"]["matrix"];
    assert_eq!(matrix["negligible"], 5, "{matrix}");
    assert_eq!(matrix["catastrophic"], 1, "{matrix}");
    for cell in json["risk_matrix"]["before"]["cells"].as_array().unwrap() {
        let (exploitability, severity) = (
            cell["exploitability"].as_i64().unwrap(),
            cell["severity"].as_i64().unwrap(),
        );
        // The fixture's matrix accepts exploitability 6 - severity at each severity.
        let accepted = exploitability <= 6 - severity;
        assert_eq!(cell["above_acceptable"], !accepted, "{cell}");
    }
    let (markdown, _) = report(&dir, "markdown");
    assert!(
        markdown.contains("negligible ≤ 5, minor ≤ 4, serious ≤ 3, critical ≤ 2, catastrophic ≤ 1"),
        "{markdown}"
    );
    let (html, _) = report(&dir, "html");
    assert!(html.contains("negligible ≤ 5"), "{html}");
    let (csv, _) = report(&dir, "csv");
    assert!(
        csv.contains("matrix,negligible=5; minor=4; serious=3; critical=2; catastrophic=1"),
        "{csv}"
    );
}

/// A CycloneDX SBOM listing one component, which no workspace here declares.
const ZLIB_SBOM: &str = r#"{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [
  {"type": "library", "name": "zlib", "version": "1.3.1"}
]}"#;

/// A temporary folder with these files.
fn workspace(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    dir
}

/// The finding codes of a JSON report or of `ward check --format json`.
fn codes(json: &serde_json::Value, list: &str) -> Vec<String> {
    let mut codes: Vec<String> = json[list]
        .as_array()
        .expect("a list")
        .iter()
        .map(|finding| finding["code"].as_str().expect("a code").to_owned())
        .collect();
    codes.sort();
    codes
}

#[test]
fn junit_and_sbom_named_on_the_command_line_are_read_as_check_reads_them() {
    let dir = workspace(&[
        ("ward.toml", ""),
        (
            "chain.ward",
            "asset A \"Pump\" { kind: function }\n\
             threat T \"Spoofing\" { targets: A }\n\
             risk R \"Bolus\" { threat: T exploitability: 1 severity: 1 }\n\
             control C-PAIR \"Secure pairing\" { mitigates: R status: implemented }\n\
             verification V-PAIR \"Pairing tests\" {\n  verifies: C-PAIR\n  \
             test: \"pump::pairing::rejects_unknown_phone\"\n}\n\
             component OPENSSL \"OpenSSL\" { part-of: A version: \"3.0.13\" }\n",
        ),
        (
            "out/run.xml",
            "<testsuites><testsuite name=\"pump\">\
             <testcase classname=\"pump\" name=\"pairing::rejects_unknown_phone\">\
             <failure message=\"accepted\"/></testcase></testsuite></testsuites>\n",
        ),
        ("out/sbom.cdx.json", ZLIB_SBOM),
    ]);
    let run = |command: &str, inputs: &[&str]| {
        let mut ward = ward();
        ward.current_dir(dir.path())
            .args([command, ".", "--format", "json"])
            .args(inputs);
        if command == "report" {
            ward.args(["-o", "-"]);
        }
        let output = ward.output().unwrap();
        let json: serde_json::Value = serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|e| panic!("{command} {inputs:?} prints JSON: {e}"));
        (json, output.status.code())
    };
    let inputs = ["--junit", "out/run.xml", "--sbom", "out/sbom.cdx.json"];
    let (check, check_code) = run("check", &inputs);
    let (report, report_code) = run("report", &inputs);
    assert_eq!(report_code, check_code);
    assert_eq!(codes(&report, "findings"), codes(&check, "diagnostics"));
    // The files were read: without them, the verification is pending and the SBOM's
    // component unknown.
    let (without, _) = run("report", &[]);
    assert_ne!(codes(&without, "findings"), codes(&report, "findings"));
    assert!(
        codes(&report, "findings").contains(&"failed-verification".to_owned()),
        "{:?}",
        codes(&report, "findings")
    );
    let verification = &report["traceability"][0]["controls"][0]["verifications"][0];
    assert_eq!(verification["result"], "fail", "{verification}");
    assert_eq!(verification["result_source"], "test-reports");
    assert_eq!(verification["test_cases"][0]["file"], "out/run.xml");
}

#[test]
fn a_gate_rule_failed_in_an_sbom_of_the_plan_is_reported_without_an_item() {
    // The failure lies in the SBOM, which has no items: the report used to look for one
    // among the `.ward` files and panic.
    let dir = workspace(&[
        ("ward.toml", ""),
        (
            "plan.ward",
            "plan \"Gateway\" {\n  phase: release\n  sbom: \"out/*.cdx.json\"\n  \
             gate release { requires: components-declared }\n}\n\
             asset A \"Gateway\" { kind: component }\n",
        ),
        ("out/bom.cdx.json", ZLIB_SBOM),
    ]);
    for format in ["json", "html", "markdown"] {
        let output = ward()
            .current_dir(dir.path())
            .args(["report", ".", "--format", format, "-o", "-"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.contains("panicked"), "{format}: {stderr}");
        assert!(
            matches!(output.status.code(), Some(0 | 1)),
            "{format}: {stderr}"
        );
        let text = String::from_utf8(output.stdout).unwrap();
        assert!(text.contains("out/bom.cdx.json"), "{format}: {text}");
    }
    let output = ward()
        .current_dir(dir.path())
        .args(["report", ".", "--format", "json", "-o", "-"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let rule = &json["gates"][0]["rules"][0];
    assert_eq!(rule["rule"], "components-declared");
    assert_eq!(rule["met"], false);
    let failure = &rule["failures"][0];
    assert_eq!(failure["code"], "undeclared-component");
    assert_eq!(failure["item"], serde_json::Value::Null);
    assert_eq!(failure["location"]["file"], "out/bom.cdx.json");
}
