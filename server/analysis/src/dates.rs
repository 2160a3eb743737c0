//! Calendar dates: which `YYYY-MM-DD` values name a day, and what day today is. The
//! calendar itself (month lengths, leap years, days since the epoch) is `jiff`'s.

use ward_syntax::DateValue;

pub use jiff::civil::Date;

/// The day a written date names, or `None` for an impossible one (`2027-02-30`).
pub fn calendar(value: DateValue) -> Option<Date> {
    // Every written number fits: four digits in an `i16`, two in an `i8`.
    Date::new(value.year as i16, value.month as i8, value.day as i8).ok()
}

/// A date given as text (`--today`): exactly `YYYY-MM-DD`, as in a file, and a real day.
pub fn parse(text: &str) -> Option<Date> {
    DateValue::parse(text).and_then(calendar)
}

/// The UTC day of a Unix time in seconds (`SOURCE_DATE_EPOCH`), when in jiff's range.
pub fn from_unix_seconds(seconds: i64) -> Option<Date> {
    let timestamp = jiff::Timestamp::from_second(seconds).ok()?;
    Some(jiff::tz::Offset::UTC.to_datetime(timestamp).date())
}

/// How many days lie from `from` to `to` (negative when `to` is earlier).
pub fn days_between(from: Date, to: Date) -> i64 {
    from.duration_until(to).as_secs() / 86_400
}

/// Today's date in UTC, by the system clock.
pub fn today_utc() -> Date {
    jiff::tz::Offset::UTC
        .to_datetime(jiff::Timestamp::now())
        .date()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_between_dates() {
        let day = |text| parse(text).unwrap();
        assert_eq!(days_between(day("2026-07-01"), day("2026-07-31")), 30);
        assert_eq!(days_between(day("2028-02-28"), day("2028-03-01")), 2);
        assert_eq!(days_between(day("2026-07-31"), day("2026-07-01")), -30);
    }

    #[test]
    fn impossible_days_are_no_dates() {
        assert_eq!(parse("2028-02-29"), Some(jiff::civil::date(2028, 2, 29)));
        for text in [
            "2027-02-29",
            "2027-02-30",
            "2027-13-01",
            "2027-00-10",
            "2027-04-31",
        ] {
            assert_eq!(parse(text), None, "{text}");
        }
        for text in ["2027-6-30", "20270630", "2027-06-30 ", "+2027-06-30"] {
            assert_eq!(parse(text), None, "{text}");
        }
    }

    #[test]
    fn unix_seconds_are_read_as_utc_days() {
        assert_eq!(from_unix_seconds(0), Some(jiff::civil::date(1970, 1, 1)));
        // 2026-10-12T23:59:59Z and one second later.
        assert_eq!(
            from_unix_seconds(1_791_849_599),
            Some(jiff::civil::date(2026, 10, 12))
        );
        assert_eq!(
            from_unix_seconds(1_791_849_600),
            Some(jiff::civil::date(2026, 10, 13))
        );
        assert_eq!(from_unix_seconds(i64::MAX), None);
    }
}
