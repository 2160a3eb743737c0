//! A stamped copy of a generated workspace, for the benchmarks of stamped links: every
//! verification's links stamped by `ward stamp` (the binary under test), so that the new
//! binary reads a workspace with stamps while an old one reads the same workspace without.

use std::io;
use std::path::Path;
use std::process::Command;

/// Copies the workspace `from` to `to` and stamps the links of every verification there
/// with `ward stamp`; returns how many verifications it stamped.
pub fn stamped_copy(ward: &Path, from: &Path, to: &Path) -> io::Result<usize> {
    copy_dir(from, to)?;
    let mut ids = Vec::new();
    let folder = to.join("verifications");
    for entry in std::fs::read_dir(&folder)? {
        let text = std::fs::read_to_string(entry?.path())?;
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("verification ")
                && let Some(id) = rest.split_whitespace().next()
            {
                ids.push(id.to_owned());
            }
        }
    }
    let status = Command::new(ward)
        .current_dir(to)
        .arg("stamp")
        .args(&ids)
        .stdout(std::process::Stdio::null())
        .status()?;
    if !status.success() {
        return Err(io::Error::other(format!("ward stamp failed: {status}")));
    }
    Ok(ids.len())
}

fn copy_dir(from: &Path, to: &Path) -> io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}
