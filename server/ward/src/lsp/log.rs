//! The server's log: stderr only (stdout carries the protocol), filtered by the level in the
//! `WARD_LOG` environment variable (`error`, `warn` (default), `info`, `debug`, `off`).

use std::fmt;
use std::sync::OnceLock;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Off,
    Error,
    Warn,
    Info,
    Debug,
}

fn max_level() -> Level {
    static LEVEL: OnceLock<Level> = OnceLock::new();
    *LEVEL.get_or_init(|| {
        match std::env::var("WARD_LOG")
            .unwrap_or_default()
            .to_ascii_lowercase()
            .as_str()
        {
            "off" | "none" => Level::Off,
            "error" => Level::Error,
            "info" => Level::Info,
            "debug" | "trace" => Level::Debug,
            _ => Level::Warn,
        }
    })
}

pub fn enabled(level: Level) -> bool {
    level != Level::Off && level <= max_level()
}

fn write(level: Level, args: fmt::Arguments<'_>) {
    if enabled(level) {
        let tag = match level {
            Level::Error => "ERROR",
            Level::Warn => "WARN",
            Level::Info => "INFO",
            Level::Debug | Level::Off => "DEBUG",
        };
        eprintln!("[ward lsp {tag}] {args}");
    }
}

pub fn error(args: fmt::Arguments<'_>) {
    write(Level::Error, args);
}

pub fn warn(args: fmt::Arguments<'_>) {
    write(Level::Warn, args);
}

pub fn info(args: fmt::Arguments<'_>) {
    write(Level::Info, args);
}

pub fn debug(args: fmt::Arguments<'_>) {
    write(Level::Debug, args);
}
