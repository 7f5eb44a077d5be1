//! The insights summary, from the rows `db::insights` read: exact
//! percentiles, intervals in the instance's time zone, per agent and per
//! channel. Pure: the same rows always give the same report.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone};
use chrono_tz::Tz;
use serde_json::{json, Value};

use crate::db::insights::{Completed, Created, Rated};
use crate::wire::render::stub;
use crate::wire::ts;

/// The most intervals one report may have (a day each for almost three years).
pub const MAX_INTERVALS: i64 = 1000;

/// How `by_interval` cuts the range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interval {
    /// Calendar days in the instance's zone.
    Day,
    /// Weeks from Monday, in the instance's zone.
    Week,
}

impl Interval {
    /// `day` or `week` (Kayako's `DAY`, `WEEK` too).
    pub fn parse(s: &str) -> Option<Interval> {
        match s.to_ascii_lowercase().as_str() {
            "day" => Some(Interval::Day),
            "week" => Some(Interval::Week),
            _ => None,
        }
    }

    fn days(self) -> i64 {
        match self {
            Interval::Day => 1,
            Interval::Week => 7,
        }
    }
}

/// The instance's zone from its `timezone` setting; UTC when unset.
pub fn zone(setting: &str) -> Option<Tz> {
    if setting.is_empty() {
        return Some(Tz::UTC);
    }
    setting.parse().ok()
}

/// A report's time argument: RFC 3339 with an offset (`+` may arrive as a
/// space, as a query's `+` decodes), or a date, which is its midnight in the
/// instance's zone.
pub fn parse_time(text: &str, zone: Tz) -> Option<i64> {
    let text = text.trim();
    let fixed = text.replacen(' ', "+", 1);
    if let Ok(t) = DateTime::parse_from_rfc3339(&fixed) {
        return Some(t.timestamp());
    }
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
    Some(midnight(date, zone))
}

/// The first instant of `date` in `zone` (after a gap, its first real one).
fn midnight(date: NaiveDate, zone: Tz) -> i64 {
    let naive = date.and_hms_opt(0, 0, 0).expect("midnight exists");
    match zone.from_local_datetime(&naive) {
        chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => t.timestamp(),
        chrono::LocalResult::None => (1..=180)
            .find_map(|m| zone.from_local_datetime(&(naive + Duration::minutes(m))).earliest())
            .map_or(naive.and_utc().timestamp(), |t| t.timestamp()),
    }
}

fn local_date(t: i64, zone: Tz) -> NaiveDate {
    DateTime::from_timestamp(t, 0).unwrap_or_default().with_timezone(&zone).date_naive()
}

/// The day (or Monday) the range's first interval starts on.
fn first_day(from: i64, zone: Tz, interval: Interval) -> NaiveDate {
    let date = local_date(from, zone);
    match interval {
        Interval::Day => date,
        Interval::Week => date - Duration::days(date.weekday().num_days_from_monday() as i64),
    }
}

/// How many intervals `[from, to)` spans.
pub fn interval_count(from: i64, to: i64, zone: Tz, interval: Interval) -> i64 {
    let first = first_day(from, zone, interval);
    let last = local_date((to - 1).max(from), zone);
    (last - first).num_days() / interval.days() + 1
}

/// The exact `p`-th percentile by nearest rank: the smallest value with at
/// least `p` of all values at or below it. `sorted` is ascending.
pub fn percentile(sorted: &[i64], p: f64) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    Some(sorted[rank - 1])
}

fn median(mut values: Vec<i64>) -> Option<i64> {
    values.sort_unstable();
    percentile(&values, 0.5)
}

fn distribution(mut values: Vec<i64>) -> Value {
    values.sort_unstable();
    json!({
        "median": percentile(&values, 0.5),
        "p90": percentile(&values, 0.9),
        "count": values.len(),
        "buckets": buckets(&values),
    })
}

/// Upper bounds (seconds) of the distributions' buckets; the last is open.
pub const BUCKETS: [(i64, &str); 8] = [
    (300, "under 5 min"),
    (900, "5–15 min"),
    (3_600, "15–60 min"),
    (4 * 3_600, "1–4 h"),
    (24 * 3_600, "4–24 h"),
    (3 * 86_400, "1–3 days"),
    (7 * 86_400, "3–7 days"),
    (i64::MAX, "over 7 days"),
];

fn buckets(sorted: &[i64]) -> Value {
    let mut counts = [0usize; BUCKETS.len()];
    for v in sorted {
        let i = BUCKETS.iter().position(|(upper, _)| v < upper).unwrap_or(BUCKETS.len() - 1);
        counts[i] += 1;
    }
    Value::Array(
        BUCKETS
            .iter()
            .zip(counts)
            .map(|((upper, label), count)| {
                json!({ "label": label, "up_to": if *upper == i64::MAX { Value::Null } else { json!(upper) }, "count": count })
            })
            .collect(),
    )
}

/// Good ratings as a percentage of all, to one decimal; `None` with none.
fn score(good: usize, all: usize) -> Option<f64> {
    (all > 0).then(|| (good as f64 * 1000.0 / all as f64).round() / 10.0)
}

fn response(c: &Created) -> Option<i64> {
    c.first_response_at.map(|t| (t - c.created_at).max(0))
}

/// What a report is built from.
#[derive(Debug)]
pub struct Facts<'a> {
    /// The range, Unix seconds, `[from, to)`.
    pub from: i64,
    /// End of the range (exclusive).
    pub to: i64,
    /// The instance's zone.
    pub zone: Tz,
    /// How `by_interval` cuts the range.
    pub interval: Interval,
    /// Conversations created in the range.
    pub created: &'a [Created],
    /// Conversations first completed in the range.
    pub completed: &'a [Completed],
    /// Ratings given in the range, newest first.
    pub rated: &'a [Rated],
}

/// How many of the latest ratings with a comment the summary lists.
pub const COMMENTS: usize = 5;

/// The summary, in its wire shape.
pub fn summary(f: &Facts) -> Value {
    let good = f.rated.iter().filter(|r| r.good).count();
    let replies: i64 = f.created.iter().map(|c| c.staff_replies).sum();
    let comments: Vec<Value> = f
        .rated
        .iter()
        .filter(|r| r.comment.as_deref().is_some_and(|c| !c.trim().is_empty()))
        .take(COMMENTS)
        .map(|r| {
            json!({
                "id": r.id,
                "score": if r.good { "GOOD" } else { "BAD" },
                "comment": r.comment,
                "conversation": stub("conversation", r.conversation_id),
                "creator": stub("user_minimal", r.creator_id),
                "created_at": ts(Some(r.created_at)),
            })
        })
        .collect();
    json!({
        "from": ts(Some(f.from)),
        "to": ts(Some(f.to)),
        "time_zone": f.zone.name(),
        "interval": if f.interval == Interval::Day { "day" } else { "week" },
        "conversations_created": f.created.len(),
        "conversations_completed": f.completed.len(),
        "first_response_seconds": distribution(f.created.iter().filter_map(response).collect()),
        "resolution_seconds": distribution(f.completed.iter().map(|c| (c.completed_at - c.created_at).max(0)).collect()),
        "replies_per_conversation": if f.created.is_empty() { 0.0 } else {
            (replies as f64 * 100.0 / f.created.len() as f64).round() / 100.0
        },
        "csat": {
            "ratings": f.rated.len(),
            "good": good,
            "bad": f.rated.len() - good,
            "score": score(good, f.rated.len()),
            "comments": comments,
        },
        "by_interval": by_interval(f),
        "by_agent": by_agent(f),
        "by_channel": by_channel(f.created),
    })
}

fn by_interval(f: &Facts) -> Value {
    let first = first_day(f.from, f.zone, f.interval);
    let n = interval_count(f.from, f.to, f.zone, f.interval).max(1) as usize;
    let index = |t: i64| -> Option<usize> {
        let i = (local_date(t, f.zone) - first).num_days().div_euclid(f.interval.days());
        usize::try_from(i).ok().filter(|&i| i < n)
    };
    let mut created = vec![0usize; n];
    let mut completed = vec![0usize; n];
    let mut responses: Vec<Vec<i64>> = vec![Vec::new(); n];
    for c in f.created {
        if let Some(i) = index(c.created_at) {
            created[i] += 1;
            responses[i].extend(response(c));
        }
    }
    for c in f.completed {
        if let Some(i) = index(c.completed_at) {
            completed[i] += 1;
        }
    }
    Value::Array(
        responses
            .into_iter()
            .enumerate()
            .map(|(i, r)| {
                let day = first + Duration::days(i as i64 * f.interval.days());
                json!({
                    "start": local_iso(midnight(day, f.zone), f.zone),
                    "created": created[i],
                    "completed": completed[i],
                    "first_response_median": median(r),
                })
            })
            .collect(),
    )
}

/// A time as ISO 8601 with the zone's offset then, e.g. `2026-03-02T00:00:00+01:00`.
fn local_iso(t: i64, zone: Tz) -> String {
    DateTime::from_timestamp(t, 0).unwrap_or_default().with_timezone(&zone).format("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

#[derive(Default)]
struct Tally {
    assigned: usize,
    completed: usize,
    responses: Vec<i64>,
    resolutions: Vec<i64>,
    ratings: usize,
    good: usize,
}

fn by_agent(f: &Facts) -> Value {
    let mut agents: BTreeMap<i64, Tally> = BTreeMap::new();
    for c in f.created {
        if let Some(a) = c.agent_id {
            let t = agents.entry(a).or_default();
            t.assigned += 1;
            t.responses.extend(response(c));
        }
    }
    for c in f.completed {
        if let Some(a) = c.agent_id {
            let t = agents.entry(a).or_default();
            t.completed += 1;
            t.resolutions.push((c.completed_at - c.created_at).max(0));
        }
    }
    for r in f.rated {
        if let Some(a) = r.agent_id {
            let t = agents.entry(a).or_default();
            t.ratings += 1;
            t.good += usize::from(r.good);
        }
    }
    let mut rows: Vec<(i64, Tally)> = agents.into_iter().collect();
    rows.sort_by(|a, b| b.1.assigned.cmp(&a.1.assigned).then(b.1.completed.cmp(&a.1.completed)).then(a.0.cmp(&b.0)));
    Value::Array(
        rows.into_iter()
            .map(|(id, t)| {
                json!({
                    "agent": stub("user_minimal", id),
                    "assigned": t.assigned,
                    "completed": t.completed,
                    "first_response_median": median(t.responses),
                    "resolution_median": median(t.resolutions),
                    "ratings": t.ratings,
                    "csat_score": score(t.good, t.ratings),
                })
            })
            .collect(),
    )
}

fn by_channel(created: &[Created]) -> Value {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for c in created {
        *counts.entry(c.channel.as_str()).or_default() += 1;
    }
    let mut rows: Vec<(&str, usize)> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    Value::Array(rows.into_iter().map(|(channel, n)| json!({ "channel": channel, "created": n })).collect())
}

/// A CSV field: quoted when it holds a comma, quote or line break, and
/// prefixed with `'` when a spreadsheet would read it as a formula.
pub fn csv_field(text: &str) -> String {
    let guarded = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_owned() };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_by_nearest_rank() {
        let v = [10, 20, 30, 40];
        assert_eq!(percentile(&v, 0.5), Some(20));
        assert_eq!(percentile(&v, 0.9), Some(40));
        assert_eq!(percentile(&[7], 0.9), Some(7));
        assert_eq!(percentile(&[], 0.5), None);
        let hundred: Vec<i64> = (1..=100).collect();
        assert_eq!(percentile(&hundred, 0.9), Some(90));
        assert_eq!(percentile(&hundred, 0.5), Some(50));
    }

    #[test]
    fn weeks_start_on_monday_in_the_zone_and_days_follow_its_clock() {
        let paris: Tz = "Europe/Paris".parse().expect("a zone");
        // 2026-03-01 is a Sunday; 23:30 UTC is already Monday 00:30 in Paris.
        let sunday_late = parse_time("2026-03-01T23:30:00+00:00", Tz::UTC).expect("valid");
        assert_eq!(first_day(sunday_late, paris, Interval::Week), NaiveDate::from_ymd_opt(2026, 3, 2).expect("valid"));
        assert_eq!(
            first_day(sunday_late, Tz::UTC, Interval::Week),
            NaiveDate::from_ymd_opt(2026, 2, 23).expect("valid")
        );
        // A date is the zone's midnight; the spring change is a 23-hour day.
        let from = parse_time("2026-03-29", paris).expect("valid");
        let to = parse_time("2026-03-30", paris).expect("valid");
        assert_eq!(to - from, 23 * 3600);
        assert_eq!(interval_count(from, to, paris, Interval::Day), 1);
        assert_eq!(local_iso(from, paris), "2026-03-29T00:00:00+01:00");
        assert_eq!(local_iso(to, paris), "2026-03-30T00:00:00+02:00");
    }

    #[test]
    fn a_plus_that_arrived_as_a_space_is_an_offset() {
        assert_eq!(parse_time("2026-03-02T10:00:00 02:00", Tz::UTC), parse_time("2026-03-02T08:00:00Z", Tz::UTC));
        assert_eq!(parse_time("yesterday", Tz::UTC), None);
    }

    #[test]
    fn csv_fields_are_quoted_and_never_formulas() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
    }
}
