//! Folders a test makes unreadable, for the CLI and LSP tests alike (each includes this
//! file with `#[path]`).
//!
//! `chmod 000` stops a user, not root: root reads any folder through `CAP_DAC_OVERRIDE` and
//! `CAP_DAC_READ_SEARCH`. Tests often run as root (containers, CI), so [`as_a_user`] drops
//! those two capabilities from the child's bounding set before it runs `ward`; `exec` then
//! gives the child root's other capabilities but not these, and the folder is refused to it
//! with `EACCES`, the very error a user sees. When even that is impossible (no
//! `CAP_SETPCAP` to drop them), [`Locked::new`] says so and the test is skipped with a line
//! saying why, rather than passing without having read an unreadable folder.

#![allow(dead_code)]

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The capabilities that let root read a folder whatever its mode (`linux/capability.h`).
const CAP_DAC_OVERRIDE: libc::c_ulong = 1;
const CAP_DAC_READ_SEARCH: libc::c_ulong = 2;

/// Makes `command`'s child unable to read what its permissions forbid, even as root.
pub fn as_a_user(command: &mut Command) -> &mut Command {
    // SAFETY: the closure runs in the forked child before `exec` and only calls
    // async-signal-safe functions (`geteuid`, `prctl`).
    unsafe {
        command.pre_exec(|| {
            if libc::geteuid() == 0 {
                // Failures are left to `Locked::new`'s probe to find.
                libc::prctl(libc::PR_CAPBSET_DROP, CAP_DAC_OVERRIDE, 0, 0, 0);
                libc::prctl(libc::PR_CAPBSET_DROP, CAP_DAC_READ_SEARCH, 0, 0, 0);
            }
            Ok(())
        })
    };
    command
}

/// A folder made unreadable (mode 000) for as long as the value lives; its mode is restored
/// on drop so that the temporary folder around it can be removed.
pub struct Locked {
    path: PathBuf,
}

impl Locked {
    /// Locks `path`, then checks that a child prepared by [`as_a_user`] really cannot read
    /// it; `Err` says why not (the caller skips its test and prints it).
    pub fn new(path: &Path) -> Result<Locked, String> {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o000))
            .map_err(|error| format!("cannot chmod {}: {error}", path.display()))?;
        let locked = Locked {
            path: path.to_path_buf(),
        };
        // `ls` stands for any child: it fails exactly when the folder cannot be read.
        let probe = as_a_user(Command::new("ls").arg(path))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status();
        match probe {
            Ok(status) if !status.success() => Ok(locked),
            Ok(_) => Err(format!(
                "a child can still read {} after chmod 000 (root with capabilities that \
                 cannot be dropped here)",
                path.display()
            )),
            Err(error) => Err(format!("cannot run `ls` to probe the lock: {error}")),
        }
    }
}

impl Drop for Locked {
    fn drop(&mut self) {
        let _ = std::fs::set_permissions(&self.path, std::fs::Permissions::from_mode(0o755));
    }
}
