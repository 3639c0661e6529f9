//! From a page's query to concrete store-local days: the range, the comparison period
//! and the bucket size of charts and tables.

use super::model::Query;
use crate::platform::error::AppError;
use jiff::civil::Date;
use jiff::ToSpan as _;

/// The longest custom range (two years and a day).
pub const MAX_DAYS: i64 = 732;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bucket {
    Day,
    Week,
    Month,
}

impl Bucket {
    /// The first day of the bucket `day` falls in.
    pub fn start(self, day: Date) -> Date {
        match self {
            Self::Day => day,
            Self::Week => day
                .checked_sub(i64::from(day.weekday().to_monday_zero_offset()).days())
                .unwrap_or(day),
            Self::Month => day.first_of_month(),
        }
    }

    /// How a bucket starting on `day` is labelled.
    pub fn label(self, day: Date) -> String {
        match self {
            Self::Day => day.strftime("%-d %b %Y").to_string(),
            Self::Week => format!("Week of {}", day.strftime("%-d %b %Y")),
            Self::Month => day.strftime("%b %Y").to_string(),
        }
    }
}

/// The days a report covers, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub from: Date,
    pub to: Date,
}

impl Span {
    pub fn days(self) -> i64 {
        i64::from(self.to.since(self.from).map(|s| s.get_days()).unwrap_or(0)) + 1
    }

    /// Every day of the span, in order.
    pub fn each_day(self) -> impl Iterator<Item = Date> {
        self.from.series(1.day()).take_while(move |d| *d <= self.to)
    }

    pub fn label(self) -> String {
        if self.from == self.to {
            self.from.strftime("%-d %b %Y").to_string()
        } else {
            format!(
                "{} – {}",
                self.from.strftime("%-d %b %Y"),
                self.to.strftime("%-d %b %Y")
            )
        }
    }
}

/// The resolved query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub current: Span,
    pub previous: Option<Span>,
    pub bucket: Bucket,
}

impl Period {
    pub fn label(&self) -> String {
        match self.previous {
            Some(p) => format!("{} · compared with {}", self.current.label(), p.label()),
            None => self.current.label(),
        }
    }
}

fn back(day: Date, days: i64) -> Date {
    day.checked_sub(days.days()).unwrap_or(day)
}

fn day(raw: &str, field: &str) -> Result<Date, AppError> {
    raw.trim()
        .parse::<Date>()
        .map_err(|_| AppError::validation(field, "enter a date as YYYY-MM-DD"))
}

/// Resolves `q` with `today` as the store's current day. The default range is this
/// month so far against the same days of last month.
pub fn resolve(q: &Query, today: Date) -> Result<Period, AppError> {
    let current = match q.range.as_str() {
        "today" => Span {
            from: today,
            to: today,
        },
        "7d" => Span {
            from: back(today, 6),
            to: today,
        },
        "30d" => Span {
            from: back(today, 29),
            to: today,
        },
        "90d" => Span {
            from: back(today, 89),
            to: today,
        },
        "12m" => Span {
            from: today
                .checked_sub(1.year())
                .map(|d| back(d, -1))
                .unwrap_or(today),
            to: today,
        },
        "" | "month" => Span {
            from: today.first_of_month(),
            to: today,
        },
        "custom" => {
            let from = day(&q.from, "from")?;
            let to = day(&q.to, "to")?;
            if from > to {
                return Err(AppError::validation("to", "the end comes before the start"));
            }
            let span = Span { from, to };
            if span.days() > MAX_DAYS {
                return Err(AppError::validation("to", "choose at most two years"));
            }
            span
        }
        _ => {
            return Err(AppError::validation(
                "range",
                "choose a range from the list",
            ))
        }
    };
    let month = matches!(q.range.as_str(), "" | "month");
    let previous = match q.compare.as_str() {
        "" | "previous" if month => Some(Span {
            from: current.from.checked_sub(1.month()).unwrap_or(current.from),
            to: current.to.checked_sub(1.month()).unwrap_or(current.to),
        }),
        "" | "previous" => {
            let to = back(current.from, 1);
            Some(Span {
                from: back(to, current.days() - 1),
                to,
            })
        }
        "year" => Some(Span {
            from: current.from.checked_sub(1.year()).unwrap_or(current.from),
            to: current.to.checked_sub(1.year()).unwrap_or(current.to),
        }),
        "none" => None,
        _ => {
            return Err(AppError::validation(
                "compare",
                "choose a comparison from the list",
            ))
        }
    };
    let bucket = match q.bucket.as_str() {
        "" | "auto" => match current.days() {
            0..=31 => Bucket::Day,
            32..=120 => Bucket::Week,
            _ => Bucket::Month,
        },
        "day" => Bucket::Day,
        "week" => Bucket::Week,
        "month" => Bucket::Month,
        _ => return Err(AppError::validation("bucket", "choose day, week or month")),
    };
    Ok(Period {
        current,
        previous,
        bucket,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(range: &str, compare: &str) -> Query {
        Query {
            range: range.into(),
            compare: compare.into(),
            ..Query::default()
        }
    }

    #[test]
    fn ranges_resolve_to_local_days() {
        let today: Date = "2026-03-31".parse().expect("date");
        let p = resolve(&q("", ""), today).expect("month");
        assert_eq!(p.current.from.to_string(), "2026-03-01");
        let prev = p.previous.expect("previous");
        assert_eq!(
            (prev.from.to_string(), prev.to.to_string()),
            ("2026-02-01".into(), "2026-02-28".into())
        );
        let p = resolve(&q("7d", "previous"), today).expect("7d");
        assert_eq!(p.current.days(), 7);
        let prev = p.previous.expect("previous");
        assert_eq!(
            (prev.from.to_string(), prev.to.to_string()),
            ("2026-03-18".into(), "2026-03-24".into())
        );
        let p = resolve(&q("12m", "year"), today).expect("12m");
        assert_eq!(p.current.from.to_string(), "2025-04-01");
        assert_eq!(p.bucket, Bucket::Month);
        assert_eq!(
            resolve(&q("90d", "none"), today).expect("90d").bucket,
            Bucket::Week
        );
        let bad = Query {
            range: "custom".into(),
            from: "2026-03-05".into(),
            to: "2026-03-01".into(),
            ..Query::default()
        };
        assert!(resolve(&bad, today).is_err());
        assert!(resolve(&q("forever", ""), today).is_err());
        assert_eq!(
            Bucket::Week
                .start("2026-03-05".parse().expect("d"))
                .to_string(),
            "2026-03-02"
        );
    }
}
