//! `--format github` and `--format gitlab`: the same findings as JSON, in the shapes GitHub
//! Actions and GitLab read.

use std::collections::HashSet;

use serde_json::Value;

use crate::{check_in, check_json, fixture, repo_root};

fn example() -> std::path::PathBuf {
    repo_root().join("examples/insulin-pump")
}

/// One `::level key=value,...::message` workflow command, its properties unescaped.
fn parse_command(line: &str) -> (String, Vec<(String, String)>, String) {
    let rest = line.strip_prefix("::").expect("a workflow command");
    let (head, message) = rest.split_once("::").expect("`::` before the message");
    let (level, properties) = head.split_once(' ').expect("a level and properties");
    let unescape = |text: &str| {
        text.replace("%2C", ",")
            .replace("%3A", ":")
            .replace("%0A", "\n")
            .replace("%0D", "\r")
            .replace("%25", "%")
    };
    let properties = properties
        .split(',')
        .map(|pair| {
            let (key, value) = pair.split_once('=').expect("key=value");
            (key.to_owned(), unescape(value))
        })
        .collect();
    (level.to_owned(), properties, unescape(message))
}

#[test]
fn github_annotations_carry_every_finding_at_its_place() {
    let (json, _) = check_json(&example(), &[]);
    let output = check_in(&example(), &["--format", "github"]);
    assert_eq!(output.status.code(), Some(0), "warnings only");
    let text = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let expected = json["diagnostics"].as_array().unwrap();
    assert_eq!(lines.len(), expected.len(), "{text}");
    for (line, diagnostic) in lines.iter().zip(expected) {
        let (level, properties, message) = parse_command(line);
        let get = |key: &str| {
            properties
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
                .unwrap_or_else(|| panic!("no {key} in {line}"))
        };
        let expected_level = match diagnostic["severity"].as_str().unwrap() {
            "info" => "notice",
            severity => severity,
        };
        assert_eq!(level, expected_level);
        assert_eq!(get("file"), diagnostic["file"].as_str().unwrap());
        assert_eq!(
            get("line"),
            diagnostic["range"]["start"]["line"].to_string()
        );
        assert_eq!(
            get("col"),
            diagnostic["range"]["start"]["column"].to_string()
        );
        assert_eq!(
            get("endLine"),
            diagnostic["range"]["end"]["line"].to_string()
        );
        assert_eq!(
            get("endColumn"),
            diagnostic["range"]["end"]["column"].to_string()
        );
        assert_eq!(
            get("title"),
            format!("ward {}", diagnostic["code"].as_str().unwrap())
        );
        assert_eq!(message, diagnostic["message"].as_str().unwrap());
    }
}

#[test]
fn github_properties_escape_what_would_split_them() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a,b:c%.ward"),
        "asset A \"Lonely\" { kind: data }\n",
    )
    .unwrap();
    let output = crate::ward()
        .current_dir(dir.path())
        .args(["check", "--format", "github"])
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.starts_with("::warning file=a%2Cb%3Ac%25.ward,line=1,"),
        "{text}"
    );
    let (_, properties, _) = parse_command(text.lines().next().unwrap());
    assert_eq!(properties[0], ("file".to_owned(), "a,b:c%.ward".to_owned()));
}

#[test]
fn errors_are_github_errors_and_exit_1() {
    let output = check_in(&fixture("errors"), &["--format", "github"]);
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.lines().any(|line| line.starts_with("::error file=")),
        "{text}"
    );
    assert!(text.lines().all(|line| line.starts_with("::")), "{text}");
}

/// The fields GitLab documents for a Code Quality report: every one present, of its type.
#[test]
fn the_gitlab_report_has_gitlab_s_documented_fields() {
    for dir in [example(), fixture("errors")] {
        let (json, _) = check_json(&dir, &[]);
        let output = check_in(&dir, &["--format", "gitlab"]);
        let report: Value = serde_json::from_slice(&output.stdout).expect("JSON");
        let issues = report.as_array().expect("an array of issues");
        let expected = json["diagnostics"].as_array().unwrap();
        assert_eq!(issues.len(), expected.len());
        let mut fingerprints = HashSet::new();
        for (issue, diagnostic) in issues.iter().zip(expected) {
            let object = issue.as_object().unwrap();
            let keys: HashSet<&str> = object.keys().map(String::as_str).collect();
            assert_eq!(
                keys,
                HashSet::from([
                    "description",
                    "check_name",
                    "fingerprint",
                    "severity",
                    "location"
                ])
            );
            assert_eq!(issue["description"], diagnostic["message"]);
            assert_eq!(issue["check_name"], diagnostic["code"]);
            let severity = issue["severity"].as_str().unwrap();
            assert!(
                ["info", "minor", "major", "critical", "blocker"].contains(&severity),
                "{severity}"
            );
            let expected_severity = match diagnostic["severity"].as_str().unwrap() {
                "error" => "major",
                "warning" => "minor",
                _ => "info",
            };
            assert_eq!(severity, expected_severity);
            let fingerprint = issue["fingerprint"].as_str().unwrap();
            assert!(fingerprint.len() == 32 && fingerprint.bytes().all(|b| b.is_ascii_hexdigit()));
            assert!(
                fingerprints.insert(fingerprint.to_owned()),
                "unique: {fingerprint}"
            );
            assert_eq!(issue["location"]["path"], diagnostic["file"]);
            let begin = &issue["location"]["positions"]["begin"];
            assert!(begin["line"].as_u64().unwrap() >= 1);
            assert_eq!(begin["line"], diagnostic["range"]["start"]["line"]);
            assert_eq!(begin["column"], diagnostic["range"]["start"]["column"]);
            let end = &issue["location"]["positions"]["end"];
            assert_eq!(end["line"], diagnostic["range"]["end"]["line"]);
            assert_eq!(end["column"], diagnostic["range"]["end"]["column"]);
        }
    }
}

/// A fingerprint names a finding, not a line: it stays when the text above moves.
#[test]
fn gitlab_fingerprints_survive_moving_lines() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("assets.ward");
    let text = "asset A \"One\" { kind: data }\nasset B \"Two\" { kind: data }\n";
    std::fs::write(&file, text).unwrap();
    let fingerprints = || -> Vec<String> {
        let output = check_in(dir.path(), &["--format", "gitlab"]);
        let report: Value = serde_json::from_slice(&output.stdout).unwrap();
        report
            .as_array()
            .unwrap()
            .iter()
            .map(|issue| issue["fingerprint"].as_str().unwrap().to_owned())
            .collect()
    };
    let before = fingerprints();
    assert_eq!(before.len(), 2);
    std::fs::write(&file, format!("// moved down\n\n{text}")).unwrap();
    assert_eq!(fingerprints(), before);
}

/// The YAML code blocks of a page, in order.
fn yaml_blocks(page: &str) -> Vec<serde_yaml_ng::Value> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in page.lines() {
        match (&mut current, line.trim_start()) {
            (None, "```yaml") => current = Some(String::new()),
            (Some(block), "```") => {
                blocks.push(serde_yaml_ng::from_str(block).expect("the block parses as YAML"));
                current = None;
            }
            (Some(block), _) => {
                block.push_str(line);
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    blocks
}

fn hooks() -> Vec<serde_yaml_ng::Value> {
    let text = std::fs::read_to_string(repo_root().join(".pre-commit-hooks.yaml")).unwrap();
    serde_yaml_ng::from_str(&text).expect(".pre-commit-hooks.yaml parses")
}

#[test]
fn the_ci_examples_parse_and_use_the_formats_they_describe() {
    let page = std::fs::read_to_string(repo_root().join("docs/ci.md")).unwrap();
    let blocks = yaml_blocks(&page);
    assert_eq!(blocks.len(), 3, "GitHub, GitLab, pre-commit");

    let steps = blocks[0]["jobs"]["ward"]["steps"]
        .as_sequence()
        .expect("steps");
    let runs: Vec<&str> = steps
        .iter()
        .filter_map(|step| step["run"].as_str())
        .collect();
    assert!(
        runs.iter().any(|run| run.contains("--format github")),
        "{runs:?}"
    );
    let sarif = runs
        .iter()
        .find(|run| run.contains("--format sarif"))
        .unwrap();
    let upload = steps
        .iter()
        .find(|step| {
            step["uses"]
                .as_str()
                .is_some_and(|uses| uses.contains("upload-sarif"))
        })
        .expect("an upload step");
    assert!(sarif.ends_with(&format!(
        "> {}",
        upload["with"]["sarif_file"].as_str().unwrap()
    )));

    let job = &blocks[1]["ward"];
    let script = job["script"][0].as_str().unwrap();
    let report = job["artifacts"]["reports"]["codequality"].as_str().unwrap();
    assert!(script.contains("--format gitlab") && script.ends_with(&format!("> {report}")));

    let hooks = hooks();
    let ids: Vec<&str> = hooks
        .iter()
        .filter_map(|hook| hook["id"].as_str())
        .collect();
    let local = &blocks[2]["repos"][0]["hooks"][0];
    assert!(ids.contains(&local["id"].as_str().unwrap()), "{ids:?}");
}

#[test]
fn every_pre_commit_hook_runs_ward_on_the_whole_workspace() {
    let hooks = hooks();
    assert!(!hooks.is_empty());
    for hook in &hooks {
        for key in ["id", "name", "entry", "language", "files"] {
            assert!(hook[key].as_str().is_some(), "{key}: {hook:?}");
        }
        assert_eq!(hook["files"].as_str(), Some("\\.ward$"));
        assert_eq!(hook["pass_filenames"].as_bool(), Some(false), "{hook:?}");
        let entry: Vec<&str> = hook["entry"].as_str().unwrap().split_whitespace().collect();
        assert_eq!(entry[0], "ward");
        // pre-commit runs the entry in the repository's root; the example is a workspace.
        let output = crate::ward()
            .args(&entry[1..])
            .current_dir(example())
            .output()
            .unwrap();
        let expected = if entry.contains(&"--deny") { 1 } else { 0 };
        assert_eq!(
            output.status.code(),
            Some(expected),
            "{entry:?}: {output:?}"
        );
    }
}
