//! `ward init`: a workspace that checks clean, formatted, and never written over.

use crate::ward;

#[test]
fn init_then_check_is_clean_and_a_second_init_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("new/product");
    let output = ward().arg("init").arg(&target).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    for name in ["ward.toml", "plan.ward", "model.ward"] {
        assert!(target.join(name).is_file(), "{name}");
        assert!(stdout.contains(name), "{stdout}");
    }
    assert!(stdout.contains("Next steps"), "{stdout}");

    let output = ward()
        .current_dir(&target)
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(0), "{json}");
    assert_eq!(json["diagnostics"], serde_json::json!([]), "{json}");
    assert_eq!(json["summary"]["items"], 5, "one item of each kind");
    // The plan's comments say what to change; the files have the canonical layout.
    let plan = std::fs::read_to_string(target.join("plan.ward")).unwrap();
    assert!(
        plan.lines()
            .filter(|line| line.trim_start().starts_with("//"))
            .count()
            >= 5
    );
    let output = ward()
        .arg("fmt")
        .arg("--check")
        .arg(&target)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");

    // A second run refuses and changes nothing, even when only one file is there.
    std::fs::remove_file(target.join("plan.ward")).unwrap();
    std::fs::write(target.join("model.ward"), "// mine\n").unwrap();
    let output = ward().arg("init").arg(&target).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("already exist"), "{stderr}");
    assert!(!target.join("plan.ward").exists(), "nothing written");
    assert_eq!(
        std::fs::read_to_string(target.join("model.ward")).unwrap(),
        "// mine\n"
    );
}
