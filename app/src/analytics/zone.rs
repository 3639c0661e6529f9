//! The store's time zone (`store.time_zone`, an IANA name such as `Europe/Paris`; UTC by
//! default): reports count days as the shop owner lives them. The zone database is
//! bundled into the binary (jiff's `tzdb-bundle-always`), so no system files are needed.

use crate::platform::db::AnyConnection;
use crate::platform::error::AppError;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::Timestamp;

pub const KEY: &str = "store.time_zone";

/// The zone named by `name`, or a validation error for the form.
pub fn parse(name: &str) -> Result<TimeZone, AppError> {
    let name = name.trim();
    if name.is_empty() {
        return Ok(TimeZone::UTC);
    }
    TimeZone::get(name).map_err(|_| {
        AppError::validation(
            "time_zone",
            format!(
                "\"{}\" is not a time zone; use a name such as Europe/Paris or America/New_York",
                name.chars().take(60).collect::<String>()
            ),
        )
    })
}

/// The zone as stored (a value that no longer parses counts as UTC).
pub async fn read(conn: &mut AnyConnection) -> Result<(String, TimeZone), AppError> {
    let row: Option<(String,)> = sqlx::query_as("select value from settings where key = $1")
        .bind(KEY)
        .fetch_optional(conn)
        .await?;
    let name = row.map(|(v,)| v).unwrap_or_else(|| "UTC".to_owned());
    let zone = parse(&name).unwrap_or(TimeZone::UTC);
    Ok((name, zone))
}

/// The local day (`YYYY-MM-DD`) of a unix-millisecond instant.
pub fn day_of(ms: i64, zone: &TimeZone) -> String {
    date_of(ms, zone).to_string()
}

pub fn date_of(ms: i64, zone: &TimeZone) -> Date {
    Timestamp::from_millisecond(ms)
        .unwrap_or(Timestamp::UNIX_EPOCH)
        .to_zoned(zone.clone())
        .date()
}

/// The unix-millisecond instant at which `day` starts in `zone`.
pub fn start_ms(day: Date, zone: &TimeZone) -> i64 {
    day.to_zoned(zone.clone())
        .map(|z| z.timestamp().as_millisecond())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_counted_in_the_store_zone() {
        let paris = parse("Europe/Paris").expect("zone");
        // 2026-03-01 23:30 UTC is already the 2nd in Paris.
        let ms = 1_772_407_800_000;
        assert_eq!(day_of(ms, &TimeZone::UTC), "2026-03-01");
        assert_eq!(day_of(ms, &paris), "2026-03-02");
        let day: Date = "2026-03-02".parse().expect("date");
        assert_eq!(start_ms(day, &paris), 1_772_406_000_000);
        assert!(parse("Mars/Olympus").is_err());
        assert!(parse("").is_ok());
    }
}
