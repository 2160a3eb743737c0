//! "Today" for `ward check` and `ward report`: `--today YYYY-MM-DD`, else the UTC day of
//! `SOURCE_DATE_EPOCH` (the reproducible-builds convention), else the UTC day of the clock.

use ward_analysis::{Date, dates};

use crate::workspace::LoadError;

/// Reads `--today`: exactly `YYYY-MM-DD`, a real day.
pub fn parse_flag(text: &str) -> Result<Date, String> {
    dates::parse(text).ok_or_else(|| format!("`{text}` is not a date of the form YYYY-MM-DD"))
}

/// The day dates are compared with.
pub fn resolve(flag: Option<Date>) -> Result<Date, LoadError> {
    if let Some(today) = flag {
        return Ok(today);
    }
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(value) => value
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(dates::from_unix_seconds)
            .ok_or_else(|| {
                LoadError(format!(
                    "SOURCE_DATE_EPOCH must be a number of seconds since 1970, not `{value}`"
                ))
            }),
        Err(_) => Ok(dates::today_utc()),
    }
}
