//! The JSON report against its committed schema, `docs/report.schema.json`: the example and
//! every fixture validate, and the schema keeps up with the layout (its `report_format` and
//! the report's sections).

use serde_json::Value;
use ward_analysis::report::Section;

use crate::{example, fixture, repo_root};

fn schema() -> Value {
    let text = std::fs::read_to_string(repo_root().join("docs/report.schema.json"))
        .expect("docs/report.schema.json");
    serde_json::from_str(&text).expect("the schema is JSON")
}

fn validator() -> jsonschema::Validator {
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema())
        .expect("the schema compiles")
}

#[test]
fn every_report_validates_against_the_schema() {
    let validator = validator();
    let mut workspaces = vec![example()];
    for entry in std::fs::read_dir(repo_root().join("tests/report/fixtures")).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            workspaces.push(fixture(path.file_name().unwrap().to_str().unwrap()));
        }
    }
    assert!(workspaces.len() > 3, "the fixtures are found");
    for dir in workspaces {
        let (text, _) = crate::report(&dir, "json");
        let report: Value = serde_json::from_str(&text).expect("the report is JSON");
        let errors: Vec<String> = validator
            .iter_errors(&report)
            .map(|error| format!("{} at {}", error, error.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{}: the report does not match docs/report.schema.json:\n{}",
            dir.display(),
            errors.join("\n")
        );
    }
}

#[test]
fn the_schema_rejects_what_the_layout_does_not_have() {
    let validator = validator();
    let (text, _) = crate::report(&example(), "json");
    let mut report: Value = serde_json::from_str(&text).unwrap();
    report["unknown"] = Value::Bool(true);
    assert!(!validator.is_valid(&report), "an unknown key is refused");
    report.as_object_mut().unwrap().remove("unknown");
    report["report_format"] = Value::from(2);
    assert!(
        !validator.is_valid(&report),
        "another report_format is refused"
    );
}

#[test]
fn the_schema_names_every_section_and_the_current_format() {
    let schema = schema();
    let format = &schema["properties"]["report_format"]["const"];
    let (text, _) = crate::report(&example(), "json");
    let report: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        format, &report["report_format"],
        "bump the schema with the layout"
    );
    let sections: Vec<&str> =
        schema["properties"]["missing"]["items"]["properties"]["section"]["enum"]
            .as_array()
            .expect("the sections")
            .iter()
            .map(|value| value.as_str().unwrap())
            .collect();
    let expected: Vec<&str> = Section::ALL.iter().map(|s| s.as_str()).collect();
    assert_eq!(sections, expected);
}
