//! `ward explain`: every code's section of the diagnostics reference, from the binary.

use ward_analysis::Code;

use crate::{repo_root, ward};

#[test]
fn every_code_is_explained_as_the_docs_say() {
    let docs = std::fs::read_to_string(repo_root().join("docs/diagnostics.md")).unwrap();
    for code in Code::ALL {
        let output = ward().args(["explain", code.as_str()]).output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{code:?}");
        let text = String::from_utf8(output.stdout).unwrap();
        assert!(
            text.starts_with(&format!("## {}\n", code.as_str())),
            "{text}"
        );
        assert!(text.contains("**Fix:**"), "{text}");
        // Exactly the section as the docs hold it, nothing of the next one.
        assert!(docs.contains(text.trim_end()), "{code:?}");
        assert!(!text.trim_end().contains("\n## "), "{text}");
    }
}

#[test]
fn explain_lists_every_code_without_one() {
    let output = ward().arg("explain").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    for code in Code::ALL {
        assert!(
            text.lines()
                .any(|line| line.trim_start().starts_with(code.as_str())
                    && line.contains(code.summary())),
            "{code:?}: {text}"
        );
    }
}

#[test]
fn a_misspelt_code_is_a_usage_error_with_a_suggestion() {
    let output = ward()
        .args(["explain", "unresolved-referense"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("'unresolved-reference'"), "{stderr}");
}
