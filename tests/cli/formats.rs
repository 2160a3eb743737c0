//! The output formats: human (a snapshot, and colours only when asked for), JSON exactly as
//! the docs specify, and SARIF 2.1.0 valid against the official schema and usable by GitHub
//! code scanning.

use std::os::unix::ffi::OsStringExt;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::{check_json, fixture, stdout, ward, workspace};

/// A workspace with a duplicate across files, a gate finding with its related location,
/// two findings at one position, a folder, and Unicode before a flagged reference.
fn sample() -> tempfile::TempDir {
    workspace(&[
        (
            "plan.ward",
            "plan {\n  phase: implementation\n  gate design { requires: assets-covered, threats-assessed }\n}\n",
        ),
        (
            "a/assets.ward",
            "asset PUMP \"Pompe à insuline 💉\" { kind: data }\nasset SPARE \"Réserve\" { kind: data }\n",
        ),
        (
            "b.ward",
            "threat T-1 \"Pompe à insuline 💉\" { targets: PUMP, PUMX }\nthreat T-2 { }\nasset PUMP \"Duplicate\" { kind: data }\n",
        ),
    ])
}

fn range(start: (u32, u32), end: (u32, u32)) -> Value {
    json!({
        "start": {"line": start.0, "column": start.1},
        "end": {"line": end.0, "column": end.1},
    })
}

#[test]
fn json_is_exactly_as_documented() {
    let dir = sample();
    let (actual, output) = check_json(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(1));
    let design_gate = |rule: &str, start: (u32, u32), end: (u32, u32)| {
        json!([{
            "file": "plan.ward",
            "range": range(start, end),
            "message": format!("gate `design` requires `{rule}`"),
        }])
    };
    let expected = json!({
        "diagnostics": [
            {
                "file": "a/assets.ward",
                "range": range((2, 7), (2, 12)),
                "severity": "error",
                "code": "untargeted-asset",
                "message": "asset `SPARE` is not targeted by any threat (phase-gate gap: gate `design`, already passed, requires `assets-covered`)",
                "gate": "design",
                "related": design_gate("assets-covered", (3, 27), (3, 41)),
            },
            {
                "file": "b.ward",
                "range": range((1, 8), (1, 11)),
                "severity": "error",
                "code": "unassessed-threat",
                "message": "threat `T-1` is not assessed by any risk (phase-gate gap: gate `design`, already passed, requires `threats-assessed`)",
                "gate": "design",
                "related": design_gate("threats-assessed", (3, 43), (3, 59)),
            },
            {
                "file": "b.ward",
                "range": range((1, 50), (1, 54)),
                "severity": "error",
                "code": "unresolved-reference",
                "message": "no item named `PUMX`; did you mean `PUMP`?",
                "gate": null,
                "related": [],
            },
            {
                "file": "b.ward",
                "range": range((2, 8), (2, 11)),
                "severity": "error",
                "code": "missing-field",
                "message": "threat `T-2` has no `targets`: the assets and components this threat is against",
                "gate": null,
                "related": [],
            },
            {
                "file": "b.ward",
                "range": range((2, 8), (2, 11)),
                "severity": "error",
                "code": "unassessed-threat",
                "message": "threat `T-2` is not assessed by any risk (phase-gate gap: gate `design`, already passed, requires `threats-assessed`)",
                "gate": "design",
                "related": design_gate("threats-assessed", (3, 43), (3, 59)),
            },
            {
                "file": "b.ward",
                "range": range((3, 7), (3, 11)),
                "severity": "error",
                "code": "duplicate-id",
                "message": "the ID `PUMP` is defined more than once",
                "gate": null,
                "related": [{
                    "file": "a/assets.ward",
                    "range": range((1, 7), (1, 11)),
                    "message": "`PUMP` is first defined here",
                }],
            },
        ],
        "summary": {"files": 3, "items": 5, "errors": 6, "warnings": 0, "waived": 0},
    });
    assert_eq!(
        actual,
        expected,
        "actual:\n{}",
        serde_json::to_string_pretty(&actual).unwrap()
    );
    // The keys come in the documented order.
    let text = stdout(&output);
    let first = &text[text.find("\"file\"").unwrap()..];
    let order: Vec<usize> = [
        "\"file\"",
        "\"range\"",
        "\"severity\"",
        "\"code\"",
        "\"message\"",
        "\"gate\"",
        "\"related\"",
    ]
    .iter()
    .map(|key| first.find(key).unwrap())
    .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "key order: {order:?}"
    );
    assert!(text.find("\"diagnostics\"").unwrap() < text.find("\"summary\"").unwrap());
}

#[test]
fn json_without_findings_is_an_empty_list() {
    let dir = workspace(&[("chain.ward", crate::exit_codes::CLEAN)]);
    let (json, _) = check_json(dir.path(), &[]);
    assert_eq!(
        json,
        json!({"diagnostics": [], "summary": {"files": 1, "items": 5, "errors": 0, "warnings": 0, "waived": 0}})
    );
}

/// The human output of `ward check <dir>` without colours.
fn human(dir: &Path) -> String {
    let output = ward()
        .current_dir(dir)
        .arg("check")
        .arg(dir)
        .output()
        .expect("ward runs");
    stdout(&output)
}

#[test]
fn human_output_snapshot() {
    let dir = sample();
    let text = human(dir.path());
    assert!(!text.contains('\u{1b}'), "no escape codes with NO_COLOR");
    insta::assert_snapshot!("human_sample", text);
}

#[test]
fn human_output_snapshot_of_broken_and_multiline_ranges() {
    insta::assert_snapshot!("human_syntax", human(&fixture("syntax")));
}

/// Waived findings: counted apart in the summary, hidden by default, listed with a note
/// naming their waiver under `--show-waived`.
#[test]
fn human_output_counts_waived_findings_apart() {
    let dir = fixture("waivers");
    let today = ["--today", "2027-01-15"];
    let (json, _) = check_json(&dir, &today);
    let waived: Vec<&Value> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d.get("waived").is_some())
        .collect();
    assert!(waived.len() >= 2, "the fixture waives findings");
    let run = |extra: &[&str]| {
        let output = ward()
            .current_dir(&dir)
            .arg("check")
            .arg(&dir)
            .args(today)
            .args(extra)
            .output()
            .expect("ward runs");
        stdout(&output)
    };
    let plain = run(&[]);
    let shown = run(&["--show-waived"]);
    let summary = format!(", {} waived (", waived.len());
    for text in [&plain, &shown] {
        assert!(text.contains(&summary), "{text}");
    }
    assert!(!plain.contains("waived by"), "{plain}");
    for diagnostic in &waived {
        let note = format!(
            "waived by `{}`",
            diagnostic["waived"]["by"].as_str().unwrap()
        );
        assert!(shown.contains(&note), "{note} in {shown}");
        let message = diagnostic["message"].as_str().unwrap();
        assert!(
            shown.contains(message) && !plain.contains(message),
            "{message}"
        );
    }
    insta::assert_snapshot!("human_show_waived", shown);
}

#[test]
fn human_output_snapshot_crlf() {
    insta::assert_snapshot!("human_crlf", human(&fixture("crlf")));
}

#[test]
fn colours_only_when_asked_and_no_color_wins() {
    let dir = sample();
    let run = |set: &[(&str, &str)], format: &str| {
        let mut command = ward();
        command.env_remove("NO_COLOR");
        for (key, value) in set {
            command.env(key, value);
        }
        let output = command
            .arg("check")
            .arg(dir.path())
            .args(["--format", format])
            .output()
            .expect("ward runs");
        stdout(&output)
    };
    // Not a terminal (a pipe): no colours.
    assert!(!run(&[], "human").contains('\u{1b}'));
    // Forced: colours.
    let forced = run(&[("CLICOLOR_FORCE", "1")], "human");
    assert!(
        forced.contains("\u{1b}["),
        "CLICOLOR_FORCE=1 colours: {forced}"
    );
    // NO_COLOR wins over CLICOLOR_FORCE.
    let both = run(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")], "human");
    assert!(!both.contains('\u{1b}'), "NO_COLOR wins: {both}");
    // Machine formats are never coloured.
    for format in ["json", "sarif"] {
        let text = run(&[("CLICOLOR_FORCE", "1")], format);
        assert!(
            !text.contains('\u{1b}'),
            "--format {format} has escape codes"
        );
    }
    // Without escape codes, the forced output is the plain output.
    let stripped = strip_ansi(&forced);
    assert_eq!(stripped, run(&[], "human"));
}

fn strip_ansi(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(ch) = chars.next() {
        if ch == '\u{1b}' {
            for next in chars.by_ref() {
                if next.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(ch);
        }
    }
    out
}

fn sarif(dir: &Path, extra: &[&str]) -> Value {
    let output = ward()
        .current_dir(dir)
        .arg("check")
        .arg(dir)
        .args(["--format", "sarif"])
        .args(extra)
        .output()
        .expect("ward runs");
    serde_json::from_slice(&output.stdout).expect("SARIF is JSON")
}

fn sarif_schema() -> jsonschema::Validator {
    let text =
        std::fs::read_to_string(crate::repo_root().join("tests/cli/data/sarif-schema-2.1.0.json"))
            .expect("the SARIF schema");
    let mut schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
    // The official schema's `language` patterns (of `run` and `toolComponent`) have a stray
    // `]`, which the draft-07 meta-schema's `regex` format refuses, so the schema would not
    // compile. They are mended here, in memory only, to the "ll" or "ll-CC" they mean; the
    // file stays as published.
    let mended = mend_patterns(
        &mut schema,
        "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$",
        "^[a-zA-Z]{2}(-[a-zA-Z]{2})?$",
    );
    assert_eq!(mended, 2, "the published schema has the typo twice");
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the schema compiles")
}

/// Replaces every `"pattern": bad` in a schema; returns how many there were.
fn mend_patterns(schema: &mut Value, bad: &str, good: &str) -> usize {
    match schema {
        Value::Object(map) => {
            let mut count = 0;
            for (key, value) in map.iter_mut() {
                if key == "pattern" && value == bad {
                    *value = json!(good);
                    count += 1;
                } else {
                    count += mend_patterns(value, bad, good);
                }
            }
            count
        }
        Value::Array(values) => values.iter_mut().map(|v| mend_patterns(v, bad, good)).sum(),
        _ => 0,
    }
}

/// Validates one SARIF log against the schema and GitHub code scanning's requirements,
/// and against the JSON output of the same run.
fn check_sarif(validator: &jsonschema::Validator, dir: &Path, extra: &[&str]) {
    let log = sarif(dir, extra);
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|error| format!("{error} at {}", error.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{}: SARIF does not validate:\n{}",
        dir.display(),
        errors.join("\n")
    );
    let (json, _) = check_json(dir, extra);

    assert_eq!(log["version"], "2.1.0");
    assert!(
        log["$schema"]
            .as_str()
            .is_some_and(|s| s.starts_with("https://"))
    );
    let runs = log["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 1, "one run");
    let run = &runs[0];
    if let Some(kind) = run.get("columnKind") {
        assert_eq!(kind, "unicodeCodePoints", "columns count scalar values");
    }
    // Locations are relative to `%SRCROOT%`, the `file:` URI of the root folder.
    let base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .expect("a %SRCROOT% base URI");
    assert!(base.ends_with('/'), "a base URI ends with `/`: {base}");
    assert_eq!(canonical(&resolve(base, ".")), canonical(dir));
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "ward");
    assert!(driver["version"].is_string());

    // One rule per code, in the order the analysis defines them, each with help.
    let rules = driver["rules"].as_array().expect("rules");
    let ids: Vec<&str> = rules
        .iter()
        .map(|r| r["id"].as_str().expect("an id"))
        .collect();
    assert_eq!(ids, crate::docs::defined_codes(), "one rule per code");
    for rule in rules {
        let id = rule["id"].as_str().unwrap();
        for text in ["shortDescription", "fullDescription", "help"] {
            assert!(
                rule[text]["text"].as_str().is_some_and(|t| !t.is_empty()),
                "rule {id} has no {text}.text"
            );
        }
        // A link only where the package says where it lives: never a placeholder.
        match env!("CARGO_PKG_REPOSITORY") {
            "" => {
                assert!(rule.get("helpUri").is_none(), "rule {id}: {rule}");
                let help = rule["help"]["text"].as_str().unwrap();
                assert!(
                    help.ends_with(&format!("Run `ward explain {id}`.")),
                    "{help}"
                );
            }
            repository => assert!(
                rule["helpUri"]
                    .as_str()
                    .is_some_and(|uri| uri.starts_with(repository)
                        && uri.ends_with(&format!("diagnostics.md#{id}"))),
                "rule {id}: helpUri points at its section"
            ),
        }
        let level = rule["defaultConfiguration"]["level"].as_str().unwrap_or("");
        assert!(
            ["error", "warning", "note"].contains(&level),
            "rule {id} level"
        );
    }

    // Each result matches a JSON diagnostic, in the same order.
    let results = run["results"].as_array().expect("results");
    let diagnostics = json["diagnostics"].as_array().expect("diagnostics");
    assert_eq!(results.len(), diagnostics.len());
    for (result, diagnostic) in results.iter().zip(diagnostics) {
        let rule_id = result["ruleId"].as_str().expect("ruleId");
        assert_eq!(rule_id, diagnostic["code"], "ruleId is the code");
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], rule_id, "ruleIndex points at the rule");
        let level = match diagnostic["severity"].as_str().unwrap() {
            "error" => "error",
            "warning" => "warning",
            _ => "note",
        };
        assert_eq!(result["level"], level);
        assert_eq!(result["message"]["text"], diagnostic["message"]);
        // A waived diagnostic is an accepted in-source suppression with the rationale as
        // its justification; any other has no suppressions at all.
        match diagnostic.get("waived") {
            Some(waived) => {
                let suppressions = result["suppressions"].as_array().expect("suppressions");
                assert_eq!(suppressions.len(), 1, "{result}");
                assert_eq!(suppressions[0]["kind"], "inSource");
                assert_eq!(suppressions[0]["status"], "accepted");
                assert_eq!(
                    suppressions[0]["justification"].as_str(),
                    waived["rationale"].as_str().map(str::trim)
                );
            }
            None => assert!(result.get("suppressions").is_none(), "{result}"),
        }
        let locations = result["locations"].as_array().expect("locations");
        assert_eq!(locations.len(), 1, "GitHub reads the first location only");
        check_location(
            dir,
            base,
            &locations[0]["physicalLocation"],
            &diagnostic["file"],
            &diagnostic["range"],
        );
        let related = result["relatedLocations"]
            .as_array()
            .map_or(&[][..], Vec::as_slice);
        let expected = diagnostic["related"].as_array().expect("related");
        assert_eq!(related.len(), expected.len());
        let mut ids = std::collections::BTreeSet::new();
        for (location, expected) in related.iter().zip(expected) {
            assert!(ids.insert(location["id"].as_u64().expect("a related id")));
            assert_eq!(location["message"]["text"], expected["message"]);
            check_location(
                dir,
                base,
                &location["physicalLocation"],
                &expected["file"],
                &expected["range"],
            );
        }
    }
}

/// The path of the file that a URI reference names, resolved against a `file:` base URI by
/// an independent URI parser.
fn resolve(base: &str, reference: &str) -> PathBuf {
    let base = fluent_uri::Uri::parse(base)
        .unwrap_or_else(|error| panic!("the base {base:?} is not a URI: {error}"));
    let reference = fluent_uri::UriRef::parse(reference)
        .unwrap_or_else(|error| panic!("{reference:?} is not a URI reference: {error}"));
    let resolved = reference
        .resolve_against(&base)
        .unwrap_or_else(|error| panic!("{reference} does not resolve against {base}: {error}"));
    assert_eq!(resolved.scheme().as_str(), "file", "{resolved}");
    // A `#` or `?` left unencoded would end the path: consumers would open another file.
    assert!(
        resolved.query().is_none() && resolved.fragment().is_none(),
        "{resolved} has a query or a fragment"
    );
    let bytes = resolved.path().decode().to_bytes().into_owned();
    PathBuf::from(std::ffi::OsString::from_vec(bytes))
}

/// A path with `..` and symbolic links resolved, as the file system reads it: a URI's `..`
/// segments are removed by resolution, a path's are not.
fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// A physical location: a relative URI of an existing file and the JSON output's range.
fn check_location(dir: &Path, base: &str, location: &Value, file: &Value, range: &Value) {
    let artifact = &location["artifactLocation"];
    let uri = artifact["uri"].as_str().expect("a uri");
    assert!(
        !uri.contains(':') && !uri.starts_with('/') && !uri.contains('\\'),
        "the uri is relative with `/`: {uri}"
    );
    assert_eq!(artifact["uriBaseId"], "%SRCROOT%");
    let file = file.as_str().unwrap();
    let path = resolve(base, uri);
    assert!(
        path.is_file(),
        "{uri} names an existing file: {}",
        path.display()
    );
    assert_eq!(
        canonical(&path),
        canonical(&dir.join(file)),
        "{uri} names {file}"
    );
    let region = &location["region"];
    assert_eq!(region["startLine"], range["start"]["line"]);
    assert_eq!(region["startColumn"], range["start"]["column"]);
    assert_eq!(region["endLine"], range["end"]["line"]);
    assert_eq!(region["endColumn"], range["end"]["column"]);
    assert!(region["startLine"].as_u64().unwrap() >= 1);
}

#[test]
fn sarif_is_valid_and_fit_for_github_code_scanning() {
    let validator = sarif_schema();
    check_sarif(&validator, sample().path(), &[]);
    // Every fixture, so that every code is rendered once.
    let fixtures = crate::repo_root().join("tests/cli/fixtures");
    for entry in std::fs::read_dir(&fixtures).unwrap() {
        let dir = entry.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        let args = crate::fixtures::fixture_args(&dir);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        check_sarif(&validator, &dir, &args);
    }
    // The waivers fixture has waived results, so their suppressions were checked above.
    let waived = sarif(&fixture("waivers"), &["--today", "2027-01-15"]);
    assert!(
        waived["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|result| result.get("suppressions").is_some())
    );
    // No findings: an empty result list is still a valid log.
    let clean = workspace(&[("chain.ward", crate::exit_codes::CLEAN)]);
    check_sarif(&validator, clean.path(), &[]);
}

/// Folder and file names that a URI cannot hold as they are (a space, `%`, `#`, `?`, `:`,
/// non-ASCII letters): SARIF's URIs are still valid, and resolve to the files they name.
#[test]
fn sarif_uris_are_percent_encoded() {
    let parent = tempfile::tempdir().unwrap();
    let root = parent.path().join("dossier à 50% #1 ?");
    let names = [
        "a b.ward",
        "c#d.ward",
        "e?f.ward",
        "g%41.ward",
        "x:y.ward",
        "sous-dossier é/h.ward",
        "ünï/中文.ward",
    ];
    for (at, name) in names.iter().enumerate() {
        let path = root.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        // Each file flags its own asset, and the duplicate `SAME` links every file to the first.
        let text = format!(
            "asset A-{at} \"Asset\" {{ kind: data }}\nasset SAME \"Twice\" {{ kind: data }}\n"
        );
        std::fs::write(path, text).unwrap();
    }
    check_sarif(&sarif_schema(), &root, &[]);
    // Every file has results, so every name went through the checks above.
    let log = sarif(&root, &[]);
    let files: std::collections::BTreeSet<&str> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|result| {
            result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(files.len(), names.len(), "{files:?}");
}

#[test]
fn the_schema_rejects_a_broken_log() {
    // The validator really validates: a result without a message is refused.
    let validator = sarif_schema();
    let mut log = sarif(sample().path(), &[]);
    log["runs"][0]["results"][0]
        .as_object_mut()
        .unwrap()
        .remove("message");
    assert!(!validator.is_valid(&log));
}
