//! The generator of benchmark workspaces (`ward-gen`, in `ward-test-support`):
//! deterministic, and its workspaces have exactly the findings `ward check` finds in them.
//! (Its command line is tested in its own crate.)

use std::collections::BTreeMap;
use std::path::Path;

use ward_test_support::{Options, write_workspace};

/// Writes a workspace of `items` items; its summary.
fn ward_gen(options: Options, out: &Path) -> serde_json::Value {
    let summary = write_workspace(&options, out).expect("the generator writes");
    serde_json::from_str(&summary).expect("the summary is JSON")
}

/// Every file under `dir`, relative path to bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                files.insert(relative, std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

#[test]
fn the_generator_is_deterministic_and_its_findings_are_the_planted_ones() {
    let temp = tempfile::tempdir().unwrap();
    let first = temp.path().join("first");
    let second = temp.path().join("second");
    let summary = ward_gen(Options::new(2000), &first);
    ward_gen(Options::new(2000), &second);
    let files = snapshot(&first);
    assert!(
        files == snapshot(&second),
        "the same arguments write the same bytes"
    );
    // 2000 items in files of 100, one folder per kind, plus the plan and the waivers and
    // approval.
    assert_eq!(files.len(), 22);
    let bytes: usize = files.values().map(Vec::len).sum();
    assert!(
        (150 * 2000..=300 * 2000).contains(&bytes),
        "about 200 bytes per item: {bytes}"
    );

    assert_eq!(summary["items"], 2000);
    assert_eq!(summary["files"], 22);
    assert_eq!(summary["bytes"], bytes);

    let (json, output) = crate::check_json(&first, &[]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "the planted errors fail the check"
    );
    // The waivers and the approval are items too.
    let waivers = summary["waivers"].as_u64().unwrap();
    assert_eq!(json["summary"]["items"], 2000 + 1 + waivers);
    // Each waiver waives one planted untargeted asset, which stays in the output, waived.
    assert!(waivers > 0);
    assert_eq!(json["summary"]["waived"], waivers);
    assert_eq!(summary["planted"]["untargeted-asset"], waivers);
    let mut found: BTreeMap<String, u64> = BTreeMap::new();
    for diagnostic in json["diagnostics"].as_array().unwrap() {
        *found
            .entry(diagnostic["code"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    let planted: BTreeMap<String, u64> = summary["planted"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(code, count)| (code.clone(), count.as_u64().unwrap()))
        .collect();
    assert_eq!(found, planted, "exactly the planted findings");
    assert!(planted.values().all(|&count| count > 0));
}

#[test]
fn a_clean_workspace_has_no_findings() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join("clean");
    let options = Options {
        clean: true,
        ..Options::new(1000)
    };
    let summary = ward_gen(options, &dir);
    assert!(
        summary["planted"]
            .as_object()
            .unwrap()
            .values()
            .all(|n| n == 0)
    );
    let (json, output) = crate::check_json(&dir, &[]);
    assert_eq!(output.status.code(), Some(0), "{json}");
    assert_eq!(json["diagnostics"], serde_json::json!([]));
}

#[test]
fn a_different_seed_writes_a_different_workspace() {
    let temp = tempfile::tempdir().unwrap();
    ward_gen(Options::new(500), &temp.path().join("a"));
    let seeded = Options {
        seed: 7,
        ..Options::new(500)
    };
    ward_gen(seeded, &temp.path().join("b"));
    assert!(snapshot(&temp.path().join("a")) != snapshot(&temp.path().join("b")));
}

#[test]
fn the_generator_refuses_a_folder_that_is_not_empty() {
    let temp = tempfile::tempdir().unwrap();
    std::fs::write(temp.path().join("keep.txt"), "mine").unwrap();
    let refused = write_workspace(&Options::new(10), temp.path());
    assert!(refused.is_err_and(|error| error.contains("not empty")));
    assert_eq!(
        std::fs::read_to_string(temp.path().join("keep.txt")).unwrap(),
        "mine"
    );
}
