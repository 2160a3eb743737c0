//! End-to-end tests of `ward lsp`, driving the real binary over stdio.
//!
//! Each test spawns `ward lsp`, initializes it with the `InitializeParams` a real editor
//! sends (`clients/`: VS Code, Neovim 0.7.2, Helix; root and folders replaced by a temporary
//! workspace) and talks JSON-RPC through `harness`.
//!
//! - `lifecycle`: capabilities per editor, position encoding, shutdown and exit codes,
//!   protocol errors, a panicking request.
//! - `diagnostics`: push diagnostics for every file, their fields per client, cross-file
//!   updates, plan changes that re-grade findings elsewhere, open and closed documents.
//! - `watched`: watcher registration, files created, changed, deleted and renamed on disk,
//!   evidence files, workspace folders added and removed after start-up.
//! - `positions`: UTF-8 and UTF-16 with non-ASCII text, emoji and CRLF, both ways.
//! - `features`: definition, references, hover, completion, rename, symbols, highlights.
//! - `edits`: hundreds of rapid edits in order, and a property test that random
//!   incremental edits end with the diagnostics of a from-scratch `ward check`.
//! - `startup`: requests right after start-up answered from the whole workspace, over many
//!   fresh starts; cancellation and edits while they wait; no diagnostics before the scan.
//! - `waivers`: a waived finding published as a hint naming its waiver, and back as a
//!   warning once an edit moves the waiver's `expires` into the past.
//! - `disk`: what the start-up scan reads from disk: an unreadable folder is skipped with a
//!   warning and the rest indexed; evidence counts only inside the workspace folders.
//! - `sbom`: the plan's SBOMs read and watched: a version edited into a mismatch, an SBOM
//!   changed on disk.
//! - `robustness`: malformed messages (not JSON, not UTF-8, batches, bad versions and ids,
//!   header case, missing lengths, lone surrogates) answered while the server goes on.

mod chaos;
mod diagnostics;
mod disk;
mod edits;
mod features;
mod fixes;
mod harness;
mod lifecycle;
mod positions;
mod pull;
mod robustness;
mod sbom;
mod stamps;
mod startup;
#[path = "../support/unreadable.rs"]
mod unreadable;
mod waivers;
mod watched;
mod workspaces;
