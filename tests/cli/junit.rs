//! Test reports given on the command line (`--junit`), and diagnostics located in a
//! report in every output format. The plan's globs and the dialects are in the `junit`
//! fixture.

use std::path::Path;

use crate::{stdout, ward, workspace};

const CHAIN: &str = "\
asset A \"Pump\" { kind: function }
threat T \"Spoofing\" { targets: A }
risk R \"Bolus\" { threat: T exploitability: 1 severity: 1 }
verification V-PAIR \"Pairing tests\" {
  verifies: C-PAIR
  test: \"pump::pairing::rejects_unknown_phone\"
  result: pass
}
control C-PAIR \"Secure pairing\" { mitigates: R status: implemented }
";

const FAILED: &str = "\
<testsuites>
  <testsuite name=\"pump\">
    <testcase classname=\"pump\" name=\"pairing::rejects_unknown_phone\">
      <failure message=\"accepted\"/>
    </testcase>
  </testsuite>
</testsuites>
";

fn run(dir: &Path, args: &[&str]) -> std::process::Output {
    ward()
        .current_dir(dir)
        .arg("check")
        .args(args)
        .output()
        .expect("ward runs")
}

fn codes(output: &std::process::Output) -> Vec<String> {
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    json["diagnostics"]
        .as_array()
        .expect("an array")
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn a_report_named_on_the_command_line_is_read_with_the_plans() {
    let dir = workspace(&[("risk.ward", CHAIN), ("out/run.xml", FAILED)]);
    // Without the report the written result stands.
    let output = run(dir.path(), &["--format", "json", "."]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(codes(&output).is_empty());
    let output = run(
        dir.path(),
        &["--format", "json", ".", "--junit", "out/run.xml"],
    );
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(codes(&output), ["contradicted-result"]);
    // Named twice, or by a glob and on the command line: read once, so not ambiguous.
    let plan = "plan { test-results: \"out/*.xml\" }\n";
    std::fs::write(dir.path().join("plan.ward"), plan).unwrap();
    let output = run(
        dir.path(),
        &[
            "--format",
            "json",
            ".",
            "--junit",
            "out/run.xml",
            "out/../out/run.xml",
        ],
    );
    assert_eq!(codes(&output), ["contradicted-result"]);
}

#[test]
fn a_missing_report_on_the_command_line_is_exit_2() {
    let dir = workspace(&[("risk.ward", CHAIN), ("out/run.xml", FAILED)]);
    let output = run(dir.path(), &[".", "--junit", "out/none.xml"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("cannot read `out/none.xml`: no such file or folder"),
        "{stderr}"
    );
    assert!(output.stdout.is_empty());
    let output = run(dir.path(), &[".", "--junit", "out"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("`out`: it is a folder"), "{stderr}");
}

#[test]
fn a_glob_of_the_plan_that_matches_nothing_is_a_warning_on_stderr() {
    let plan = "plan { test-results: \"reports/*.xml\" }\n";
    let dir = workspace(&[("risk.ward", CHAIN), ("plan.ward", plan)]);
    let output = run(dir.path(), &["."]);
    assert_eq!(output.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("warning: the plan's test-results glob `reports/*.xml` matches no file"),
        "{stderr}"
    );
}

/// A diagnostic in a report has its line and column in every format.
#[test]
fn a_diagnostic_in_a_report_is_located_in_every_format() {
    let plan = "plan { test-results: \"reports/*.xml\" }\n";
    let broken = "<testsuites>\n  <testsuite name=\"a\">\n    <testcase name=\"x\">\n  </testsuite>\n</testsuites>\n";
    let dir = workspace(&[("plan.ward", plan), ("reports/broken.xml", broken)]);
    let human = stdout(&run(dir.path(), &["."]));
    assert!(human.contains("error[invalid-test-report]"), "{human}");
    assert!(human.contains("--> reports/broken.xml:4:3"), "{human}");

    let json: serde_json::Value =
        serde_json::from_slice(&run(dir.path(), &["--format", "json", "."]).stdout).unwrap();
    let diagnostic = &json["diagnostics"][0];
    assert_eq!(diagnostic["code"], "invalid-test-report");
    assert_eq!(diagnostic["file"], "reports/broken.xml");
    assert_eq!(diagnostic["range"]["start"]["line"], 4);
    assert_eq!(diagnostic["range"]["start"]["column"], 3);

    let sarif: serde_json::Value =
        serde_json::from_slice(&run(dir.path(), &["--format", "sarif", "."]).stdout).unwrap();
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "invalid-test-report");
    let location = &result["locations"][0]["physicalLocation"];
    assert!(
        location["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("reports/broken.xml"),
        "{location}"
    );
    assert_eq!(location["region"]["startLine"], 4);
    assert_eq!(location["region"]["startColumn"], 3);

    let github = stdout(&run(dir.path(), &["--format", "github", "."]));
    assert!(
        github.contains("::error file=reports/broken.xml,line=4,col=3"),
        "{github}"
    );

    let gitlab: serde_json::Value =
        serde_json::from_slice(&run(dir.path(), &["--format", "gitlab", "."]).stdout).unwrap();
    let issue = &gitlab[0];
    assert_eq!(issue["check_name"], "invalid-test-report");
    assert_eq!(issue["location"]["path"], "reports/broken.xml");
    assert_eq!(issue["location"]["positions"]["begin"]["line"], 4);
    assert_eq!(issue["location"]["positions"]["begin"]["column"], 3);
}
