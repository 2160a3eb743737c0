//! The Cargo manifests: every normal dependency of a workspace crate is used by the code the
//! crate ships, not only by its tests (those belong under `[dev-dependencies]`, so that
//! `cargo install` and the crate's users do not build them).

use std::path::{Path, PathBuf};

use crate::repo_root;

/// The crate's Rust files outside `tests/` and `benches/`, with their test modules cut off.
fn shipped_sources(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut sources = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("read a crate folder") {
            let path = entry.expect("a folder entry").path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if path.is_dir() {
                if !["tests", "benches", "target", "node_modules"].contains(&name.as_str()) {
                    folders.push(path);
                }
            } else if name.ends_with(".rs") {
                let text = std::fs::read_to_string(&path).expect("read a Rust file");
                sources.push((path, without_test_module(&text).to_owned()));
            }
        }
    }
    sources
}

/// The text before the file's `#[cfg(test)] mod`: test modules end their file here.
fn without_test_module(text: &str) -> &str {
    let mut at = 0;
    while let Some(found) = text[at..].find("#[cfg(test)]") {
        let start = at + found;
        let after = text[start + "#[cfg(test)]".len()..].trim_start();
        if after.starts_with("mod ") {
            return &text[..start];
        }
        at = start + 1;
    }
    text
}

/// Whether the code names the crate as a path (`name::`) or imports it (`use name`).
fn names_crate(text: &str, krate: &str) -> bool {
    text.match_indices(krate).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = &text[at + krate.len()..];
        let starts_word = before.is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
        starts_word && (after.starts_with("::") || text[..at].ends_with("use "))
    })
}

#[test]
fn normal_dependencies_are_used_outside_tests() {
    let root = repo_root();
    let workspace: toml::Table = std::fs::read_to_string(root.join("Cargo.toml"))
        .expect("the workspace manifest")
        .parse()
        .expect("TOML");
    let members = workspace["workspace"]["members"]
        .as_array()
        .expect("workspace members");
    assert!(members.len() >= 4, "{members:?}");
    let mut unused = Vec::new();
    for member in members {
        let member = member.as_str().expect("a member path");
        let dir = root.join(member);
        let manifest: toml::Table = std::fs::read_to_string(dir.join("Cargo.toml"))
            .expect("a member manifest")
            .parse()
            .expect("TOML");
        let Some(dependencies) = manifest.get("dependencies").and_then(|d| d.as_table()) else {
            continue;
        };
        let sources = shipped_sources(&dir);
        assert!(!sources.is_empty(), "{}: no Rust files", dir.display());
        for name in dependencies.keys() {
            let krate = name.replace('-', "_");
            if !sources.iter().any(|(_, text)| names_crate(text, &krate)) {
                unused.push(format!("{member}: {name}"));
            }
        }
    }
    assert!(
        unused.is_empty(),
        "normal dependencies that only tests use (make them dev-dependencies): {unused:?}"
    );
}

#[test]
fn the_check_sees_uses_and_test_modules() {
    let text = "use rayon::prelude::*;\nfn f() { mimalloc::MiMalloc; }\n#[cfg(test)]\nmod tests {\n    fn g() { strsim::osa_distance(\"a\", \"b\"); }\n}\n";
    let shipped = without_test_module(text);
    assert!(names_crate(shipped, "rayon"));
    assert!(names_crate(shipped, "mimalloc"));
    assert!(!names_crate(shipped, "strsim"));
    assert!(names_crate(text, "strsim"));
    // A longer name that ends with the crate's is not a use of it.
    assert!(!names_crate("my_rayon::x", "rayon"));
}

/// `cargo install --path server/ward` installs `ward` and nothing else: the generator of
/// benchmark workspaces lives in the test-support crate.
#[test]
fn the_ward_package_ships_one_binary() {
    let manifest: toml::Value = toml::from_str(
        &std::fs::read_to_string(repo_root().join("server/ward/Cargo.toml")).expect("read"),
    )
    .expect("the manifest is TOML");
    let bins: Vec<&str> = manifest
        .get("bin")
        .and_then(toml::Value::as_array)
        .map(|bins| bins.iter().filter_map(|bin| bin["name"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(bins, ["ward"]);
    assert!(
        !repo_root().join("server/ward/src/bin").exists(),
        "src/bin would add binaries by convention"
    );
}

/// The front end never parses: the analysis host owns the texts and their incremental
/// trees, and the `ward` crate hands it byte edits (ARCHITECTURE.md, the API boundary).
#[test]
fn the_ward_crate_leaves_parsing_to_the_analysis() {
    let dir = repo_root().join("server/ward");
    let manifest: toml::Table = std::fs::read_to_string(dir.join("Cargo.toml"))
        .expect("read")
        .parse()
        .expect("TOML");
    let dependencies = manifest["dependencies"].as_table().expect("dependencies");
    assert!(
        !dependencies.contains_key("tree-sitter"),
        "{dependencies:?}"
    );
    let parsing: Vec<PathBuf> = shipped_sources(&dir)
        .into_iter()
        .filter(|(_, text)| names_crate(text, "tree_sitter"))
        .map(|(path, _)| path)
        .collect();
    assert!(parsing.is_empty(), "{parsing:?}");
}

/// The members `cargo publish` would take (all but those marked `publish = false`), with
/// their folders and manifests.
fn publishable_members() -> Vec<(PathBuf, toml::Table)> {
    let root = repo_root();
    let workspace: toml::Table = std::fs::read_to_string(root.join("Cargo.toml"))
        .unwrap()
        .parse()
        .unwrap();
    workspace["workspace"]["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|member| {
            let dir = root.join(member.as_str().unwrap());
            let manifest: toml::Table = std::fs::read_to_string(dir.join("Cargo.toml"))
                .unwrap()
                .parse()
                .unwrap();
            (dir, manifest)
        })
        .filter(|(_, manifest)| {
            manifest["package"].get("publish").and_then(|p| p.as_bool()) != Some(false)
        })
        .collect()
}

/// What crates.io asks of a package, for every crate that would be published, and no
/// address that is a placeholder (a package without one is honest; a wrong one is not).
#[test]
fn every_published_crate_has_its_crates_io_metadata() {
    let members = publishable_members();
    assert!(members.len() >= 5, "{}", members.len());
    for (dir, manifest) in members {
        let package = manifest["package"].as_table().unwrap();
        let name = package["name"].as_str().unwrap();
        for key in ["description", "license", "readme", "keywords", "categories"] {
            assert!(package.contains_key(key), "{name}: no `{key}`");
        }
        let readme = package["readme"].as_str().unwrap();
        assert!(dir.join(readme).is_file(), "{name}: no {readme}");
        let keywords = package["keywords"].as_array().unwrap();
        assert!(
            (1..=5).contains(&keywords.len())
                && keywords
                    .iter()
                    .all(|k| k.as_str().is_some_and(|k| k.len() <= 20)),
            "{name}: crates.io takes at most five keywords of 20 characters"
        );
        for key in ["repository", "homepage", "documentation"] {
            if let Some(address) = package.get(key).and_then(|v| v.as_str()) {
                assert!(
                    !address.contains("ward-lang"),
                    "{name}: `{key}` is a placeholder"
                );
            }
        }
    }
}

/// `cargo package` takes only the crate's own folder: a file the code includes from
/// outside it would be missing from the published crate, which would not build.
#[test]
fn published_crates_include_no_file_from_outside_their_folder() {
    for (dir, _) in publishable_members() {
        for (path, text) in shipped_sources(&dir) {
            for macro_name in ["include_str!(\"", "include_bytes!(\""] {
                for (at, _) in text.match_indices(macro_name) {
                    let rest = &text[at + macro_name.len()..];
                    let included = &rest[..rest.find('"').unwrap()];
                    // Lexically, as `cargo package` sees the folder: `..` must not leave it.
                    let mut resolved = path.parent().unwrap().to_path_buf();
                    for part in Path::new(included).components() {
                        match part {
                            std::path::Component::ParentDir => {
                                resolved.pop();
                            }
                            other => resolved.push(other),
                        }
                    }
                    assert!(
                        resolved.starts_with(&dir) && resolved.exists(),
                        "{}: includes {included}, outside {}",
                        path.display(),
                        dir.display()
                    );
                }
            }
        }
    }
}

/// No address that stands for one that does not exist yet, anywhere in the repository:
/// a link is either real or absent (diagnostic links come from the crate's `repository`
/// metadata, when it is set).
#[test]
fn no_placeholder_address_anywhere() {
    // Spelled in two halves, so that this file does not find itself.
    let needles = [
        format!("{}{}", "PLACE", "HOLDER"),
        format!("{}{}", "github.com/ward", "-lang"),
    ];
    let mut found = Vec::new();
    let mut folders = vec![repo_root()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("read a folder") {
            let path = entry.expect("an entry").path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if path.is_dir() {
                if ![".git", "target", "node_modules", "out", ".vscode-test"]
                    .contains(&name.as_str())
                {
                    folders.push(path);
                }
                continue;
            }
            // Text files only; generated parsers and images are not addresses.
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            for needle in &needles {
                if text.contains(needle.as_str()) {
                    found.push(format!("{}: {needle}", path.display()));
                }
            }
        }
    }
    assert!(found.is_empty(), "placeholders: {found:#?}");
}
