//! The state the handlers and tasks of the server share: the world behind its lock, the
//! client's capabilities, and the start-up and shutdown flags.

use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};

use tokio::sync::{Notify, watch};

use super::capabilities::ClientCaps;
use super::world::World;

/// Everything the handlers and tasks share.
pub struct State {
    pub(super) world: Mutex<World>,
    pub(super) caps: OnceLock<Arc<ClientCaps>>,
    /// Wakes the diagnostics publisher after a change.
    pub(super) diagnostics_changed: Notify,
    pub(super) shutdown: AtomicBool,
    pub(super) started: AtomicBool,
    /// Told when the first diagnostics of every file are out: the end of indexing.
    pub(super) indexed: Mutex<Option<tokio::sync::oneshot::Sender<()>>>,
    /// Whether the start-up scan is applied and the index built: until then an answer that
    /// reads other files would be partial, so such requests wait for it.
    pub(super) ready: watch::Sender<bool>,
    /// The semantic tokens last sent for each document, for deltas.
    pub(super) semantic_tokens: super::semantic::Sent,
    /// Whether the watchers of the plan's input globs are registered; held while they are
    /// registered again.
    pub(super) input_watchers: tokio::sync::Mutex<bool>,
}

impl State {
    /// The world, under its lock. Never call this while holding a snapshot.
    pub fn world(&self) -> MutexGuard<'_, World> {
        self.world.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn caps(&self) -> Arc<ClientCaps> {
        self.caps.get().cloned().unwrap_or_default()
    }

    /// Lets the requests waiting in [`State::workspace_ready`] go.
    pub(super) fn set_ready(&self) {
        self.ready.send_replace(true);
    }

    pub fn is_ready(&self) -> bool {
        *self.ready.borrow()
    }

    /// Waits, without blocking a thread, until the start-up scan is applied and the index
    /// built. A cancelled request drops this future, which is all it takes.
    pub async fn workspace_ready(&self) {
        let mut ready = self.ready.subscribe();
        // The sender lives as long as the state: this only returns once ready.
        let _ = ready.wait_for(|ready| *ready).await;
    }

    /// Called by the publisher after a run over every file: the first one ends indexing.
    pub fn all_published(&self) {
        let sender = self
            .indexed
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(sender) = sender {
            let _ = sender.send(());
        }
    }
}
