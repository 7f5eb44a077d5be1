//! Insights: the summary against numbers worked out by hand for a scenario
//! written through the API at known times (the server's clock is set), with
//! its edge cases: no reply yet, reopened then completed again, a note
//! before the first reply, a completion of an older conversation, filters
//! that exclude everything; who may read it; the CSV export.

use parley::config::Clock;
use serde_json::{json, Value};

use crate::helpers::*;

/// Monday 2 March 2026, 08:00 UTC (09:00 in Paris).
const T: i64 = 1_772_438_400;
const DAY: i64 = 86_400;
const COMPLETED: i64 = 4;
const OPEN: i64 = 2;

struct World {
    app: TestApp,
    clock: Clock,
    simon: String,
    alex: String,
    caryn: String,
}

impl World {
    fn at(&self, t: i64) -> &Self {
        self.clock.set(t);
        self
    }

    /// Caryn starts a conversation (`source` picks its channel); its id.
    fn start(&self, t: i64, subject: &str, source: Option<&str>) -> i64 {
        let mut body = json!({"subject": subject, "contents": format!("{subject}: please help")});
        if let Some(s) = source {
            body["source"] = json!(s);
        }
        let r = self.at(t).app.post("/api/v1/conversations").session(&self.caryn).json(&body).send();
        assert_eq!(r.status, 201, "{}", r.text);
        r.body["data"]["id"].as_i64().expect("id")
    }

    fn message(&self, t: i64, session: &str, id: i64, text: &str) {
        let r = self
            .at(t)
            .app
            .post(&format!("/api/v1/conversations/{id}/messages"))
            .session(session)
            .json(&json!({"contents": text}))
            .send();
        assert_eq!(r.status, 201, "{}", r.text);
    }

    fn note(&self, t: i64, id: i64, text: &str) {
        let r = self
            .at(t)
            .app
            .post(&format!("/api/v1/conversations/{id}/notes"))
            .session(&self.simon)
            .json(&json!({"contents": text}))
            .send();
        assert_eq!(r.status, 201, "{}", r.text);
    }

    fn change(&self, t: i64, id: i64, changes: Value) {
        let r = self.at(t).app.put(&format!("/api/v1/conversations/{id}")).session(&self.simon).json(&changes).send();
        assert_eq!(r.status, 200, "{}", r.text);
    }

    fn rate(&self, t: i64, id: i64, score: &str, comment: &str) {
        let r = self
            .at(t)
            .app
            .post(&format!("/api/v1/conversations/{id}/ratings"))
            .session(&self.caryn)
            .json(&json!({"score": score, "comment": comment}))
            .send();
        assert_eq!(r.status, 201, "{}", r.text);
    }

    fn summary(&self, query: &str) -> Value {
        let r = self.app.get(&format!("/api/v1/insights/summary?{query}")).session(&self.alex).send();
        assert_eq!(r.status, 200, "{}", r.text);
        r.body["data"].clone()
    }
}

/// The week of 2 March 2026 in Paris, as the scenario writes it:
///
/// | | created | first answer | answers | completed | rating |
/// |---|---|---|---|---|---|
/// | A (MESSENGER, Simon, Support) | Mon T | +600 (a note at +60 first) | 2 | +3600 | GOOD |
/// | B (MAIL, Alex, Support) | Tue | +7200 | 2 | +10800, reopened, again +50000 | BAD |
/// | C (HELPCENTER, Simon) | Wed | none (a note only) | 0 | no | |
/// | D (MESSENGER, Simon, Field Service) | Wed +3600 | +300 | 1 | +86400 | |
/// | F (MAIL, no one) | Sunday before | none | 0 | Mon +7200 | |
fn scenario() -> World {
    let clock = Clock::set_at(T - 2 * DAY);
    let app = spawn_with(true, |c| c.clock = clock.clone());
    let w = World { simon: app.session(SIMON), alex: app.session(ALEX), caryn: app.session(CARYN), app, clock };
    let tz =
        w.app.put("/api/v1/settings").session(&w.alex).json(&json!({"values": {"timezone": "Europe/Paris"}})).send();
    assert_eq!(tz.status, 200, "{}", tz.text);

    let f = w.start(T - DAY, "F: older", None);
    w.change(T + 7200, f, json!({"status_id": COMPLETED}));

    let a = w.start(T, "A: grinder", Some("MESSENGER"));
    w.note(T + 60, a, "Looks like the burr again");
    w.message(T + 600, &w.simon, a, "Try cleaning the burr");
    w.message(T + 700, &w.caryn, a, "Done, still noisy");
    w.message(T + 900, &w.simon, a, "Then we send a new one");
    w.change(T + 1000, a, json!({"assigned_agent_id": 1, "assigned_team_id": 1}));
    w.change(T + 3600, a, json!({"status_id": COMPLETED}));
    w.rate(T + 4000, a, "GOOD", "Quick and kind");

    let b0 = T + DAY;
    let b = w.start(b0, "B: invoice", None);
    w.message(b0 + 7200, &w.alex, b, "Here is the invoice");
    w.change(b0 + 7300, b, json!({"assigned_agent_id": 5, "assigned_team_id": 1}));
    w.change(b0 + 10_800, b, json!({"status_id": COMPLETED}));
    w.change(b0 + 20_000, b, json!({"status_id": OPEN}));
    w.message(b0 + 21_000, &w.caryn, b, "The total is wrong");
    w.message(b0 + 30_000, &w.alex, b, "Corrected");
    w.change(b0 + 50_000, b, json!({"status_id": COMPLETED}));
    w.rate(b0 + 51_000, b, "BAD", "Took too long");

    let c = w.start(T + 2 * DAY, "C: question", Some("HELPCENTER"));
    w.note(T + 2 * DAY + 100, c, "Ask the roaster");
    w.change(T + 2 * DAY + 200, c, json!({"assigned_agent_id": 1}));

    let d0 = T + 2 * DAY + 3600;
    let d = w.start(d0, "D: delivery", Some("MESSENGER"));
    w.message(d0 + 300, &w.simon, d, "On its way");
    w.change(d0 + 400, d, json!({"assigned_agent_id": 1, "assigned_team_id": 6}));
    w.change(d0 + DAY, d, json!({"status_id": COMPLETED}));
    w.clock.set(T + 30 * DAY);
    w
}

const WEEK: &str = "from=2026-03-02&to=2026-03-09";

#[test]
fn the_summary_matches_the_numbers_worked_out_by_hand() {
    let w = scenario();
    let s = w.summary(WEEK);
    assert_eq!(s["from"], "2026-03-01T23:00:00+00:00", "a date is midnight in the instance's zone");
    assert_eq!(s["time_zone"], "Europe/Paris");
    assert_eq!(s["conversations_created"], 4);
    // A, B (its first completion), D, and F, created the week before.
    assert_eq!(s["conversations_completed"], 4);
    // A 600 (not the note's 60), B 7200, D 300; C has none yet.
    assert_eq!(s["first_response_seconds"]["count"], 3);
    assert_eq!(s["first_response_seconds"]["median"], 600);
    assert_eq!(s["first_response_seconds"]["p90"], 7200);
    // A 3600, B 10800 (the first move into completed), D 86400, F 93600.
    assert_eq!(s["resolution_seconds"]["count"], 4);
    assert_eq!(s["resolution_seconds"]["median"], 10_800);
    assert_eq!(s["resolution_seconds"]["p90"], 93_600);
    // (2 + 2 + 0 + 1) answers over 4 conversations.
    assert_eq!(s["replies_per_conversation"], 1.25);
    assert_eq!(s["csat"]["ratings"], 2);
    assert_eq!(s["csat"]["good"], 1);
    assert_eq!(s["csat"]["bad"], 1);
    assert_eq!(s["csat"]["score"], 50.0);
    let comments: Vec<&str> = s["csat"]["comments"]
        .as_array()
        .expect("as expected")
        .iter()
        .map(|c| c["comment"].as_str().expect("as expected"))
        .collect();
    assert_eq!(comments, ["Took too long", "Quick and kind"]);

    let days = s["by_interval"].as_array().expect("intervals");
    assert_eq!(days.len(), 7);
    assert_eq!(days[0]["start"], "2026-03-02T00:00:00+01:00");
    let column = |name: &str| days.iter().map(|d| d[name].clone()).collect::<Vec<_>>();
    assert_eq!(column("created"), [1, 1, 2, 0, 0, 0, 0].map(|n| json!(n)));
    assert_eq!(column("completed"), [2, 1, 0, 1, 0, 0, 0].map(|n| json!(n)));
    assert_eq!(
        column("first_response_median"),
        [json!(600), json!(7200), json!(300), Value::Null, Value::Null, Value::Null, Value::Null]
    );

    let agents = s["by_agent"].as_array().expect("agents");
    assert_eq!(agents.len(), 2);
    assert_eq!(agents[0]["agent"]["id"], 1);
    assert_eq!(
        (
            &agents[0]["assigned"],
            &agents[0]["completed"],
            &agents[0]["first_response_median"],
            &agents[0]["csat_score"]
        ),
        (&json!(3), &json!(2), &json!(300), &json!(100.0))
    );
    assert_eq!(agents[1]["agent"]["id"], 5);
    assert_eq!(
        (
            &agents[1]["assigned"],
            &agents[1]["completed"],
            &agents[1]["first_response_median"],
            &agents[1]["csat_score"]
        ),
        (&json!(1), &json!(1), &json!(7200), &json!(0.0))
    );
    assert_eq!(
        s["by_channel"],
        json!([{"channel": "MESSENGER", "created": 2}, {"channel": "HELPCENTER", "created": 1}, {"channel": "MAIL", "created": 1}])
    );

    // By week: one interval, from Monday.
    let weekly = w.summary(&format!("{WEEK}&interval=week"));
    assert_eq!(
        weekly["by_interval"],
        json!([{"start": "2026-03-02T00:00:00+01:00", "created": 4, "completed": 4, "first_response_median": 600}])
    );
    // include= expands the agents like any stub.
    let named = w.summary(&format!("{WEEK}&include=user_minimal"));
    assert_eq!(named["by_agent"][0]["agent"]["full_name"], "Simon Blackhouse", "{}", named["by_agent"]);
}

#[test]
fn filters_narrow_every_number_and_can_exclude_everything() {
    let w = scenario();
    let alex = w.summary(&format!("{WEEK}&agent_id=5"));
    assert_eq!((alex["conversations_created"].clone(), alex["conversations_completed"].clone()), (json!(1), json!(1)));
    assert_eq!(alex["first_response_seconds"]["median"], 7200);
    assert_eq!(alex["resolution_seconds"]["median"], 10_800);
    assert_eq!((alex["csat"]["ratings"].clone(), alex["csat"]["score"].clone()), (json!(1), json!(0.0)));
    assert_eq!(alex["filters"]["agent"], json!({"id": 5, "resource_type": "user_minimal"}));

    let field = w.summary(&format!("{WEEK}&team_id=6"));
    assert_eq!(field["conversations_created"], 1);
    assert_eq!(field["first_response_seconds"]["median"], 300);
    assert_eq!(field["resolution_seconds"]["median"], 86_400);

    // MAIL: B was created this week; F, also by mail, was completed in it.
    let mail = w.summary(&format!("{WEEK}&channel=mail"));
    assert_eq!((mail["conversations_created"].clone(), mail["conversations_completed"].clone()), (json!(1), json!(2)));
    assert_eq!(mail["resolution_seconds"]["p90"], 93_600);

    let none = w.summary(&format!("{WEEK}&channel=FACEBOOK"));
    assert_eq!(none["conversations_created"], 0);
    assert_eq!(none["conversations_completed"], 0);
    assert_eq!(
        none["first_response_seconds"],
        json!({"median": null, "p90": null, "count": 0, "buckets": none["first_response_seconds"]["buckets"]})
    );
    assert_eq!(none["replies_per_conversation"], 0.0);
    assert_eq!(none["csat"]["score"], Value::Null);
    assert_eq!(none["by_agent"], json!([]));
    assert_eq!(none["by_channel"], json!([]));
    assert_eq!(none["by_interval"].as_array().map(Vec::len), Some(7));
    assert!(none["by_interval"]
        .as_array()
        .expect("as expected")
        .iter()
        .all(|d| d["created"] == 0 && d["completed"] == 0));

    // A range before anything happened.
    let before = w.summary("from=2026-02-01T00:00:00%2B01:00&to=2026-02-08T00:00:00%2B01:00");
    assert_eq!(before["conversations_created"], 0);
}

#[test]
fn bad_parameters_are_reported_together_and_only_agents_admins_and_owners_read() {
    let w = scenario();
    let r = w
        .app
        .get("/api/v1/insights/summary?from=soon&to=2026-03-01&interval=month&channel=FAX&team_id=x")
        .session(&w.alex)
        .send();
    assert_eq!(r.status, 400, "{}", r.text);
    let mut fields: Vec<String> = r.body["errors"]
        .as_array()
        .expect("as expected")
        .iter()
        .map(|e| e["parameter"].as_str().unwrap_or_default().to_owned())
        .collect();
    fields.sort();
    assert_eq!(fields, ["channel", "from", "interval", "team_id"], "{}", r.text);
    let backwards = w.app.get("/api/v1/insights/summary?from=2026-03-09&to=2026-03-02").session(&w.alex).send();
    assert_eq!((backwards.status, backwards.errors()[0].0.as_str()), (400, "FIELD_INVALID"), "{}", backwards.text);
    let unknown = w.app.get("/api/v1/insights/summary?team_id=999").session(&w.alex).send();
    assert_eq!(unknown.status, 400, "{}", unknown.text);
    let decade = w.app.get("/api/v1/insights/summary?from=2016-01-01&to=2026-01-01").session(&w.alex).send();
    assert_eq!(decade.status, 400, "{}", decade.text);

    for (who, status) in [(SIMON, 200), (MORGAN, 200), (JORDAN, 403), (CARYN, 403)] {
        let r = w.app.get("/api/v1/insights/summary").session(&w.app.session(who)).send();
        assert_eq!(r.status, status, "{who}: {}", r.text);
    }
    let device = w.app.get("/api/v1/insights/summary").fingerprint(&new_fingerprint()).send();
    assert_eq!(device.status, 403, "{}", device.text);
    assert_eq!(w.app.get("/api/v1/insights/summary").send().status, 401);
    assert_eq!(w.app.get("/api/v1/insights/export.csv").send().status, 401);
}

#[test]
fn the_export_gives_the_rows_behind_the_summary() {
    let w = scenario();
    let get = |q: &str| {
        let (status, headers, body) =
            w.app.get(&format!("/api/v1/insights/export.csv?{WEEK}&{q}")).session(&w.alex).send_bytes();
        assert_eq!(status, 200);
        assert!(headers["content-type"].starts_with("text/csv"), "{headers:?}");
        assert!(headers["content-disposition"].starts_with("attachment"), "{headers:?}");
        String::from_utf8(body).expect("utf-8")
    };
    let rows = get("rows=conversations");
    let lines: Vec<&str> = rows.lines().collect();
    assert_eq!(lines[0], "conversation_id,created_at,channel,assigned_agent_id,first_response_seconds,staff_replies,completed_at,resolution_seconds");
    assert_eq!(lines.len(), 6, "A, B, C, D and F: {rows}");
    assert!(
        lines
            .iter()
            .any(|l| l.ends_with(",2026-03-02T08:00:00+00:00,MESSENGER,1,600,2,2026-03-02T09:00:00+00:00,3600")),
        "{rows}"
    );
    let agents = get("rows=agent");
    assert!(agents.lines().nth(1).is_some_and(|l| l.starts_with("1,Simon Blackhouse,3,2,300,")), "{agents}");
    let days = get("rows=interval");
    assert_eq!(days.lines().nth(1), Some("2026-03-02T00:00:00+01:00,1,2,600"), "{days}");
    let bad = w.app.get("/api/v1/insights/export.csv?rows=everything").session(&w.alex).send();
    assert_eq!(bad.status, 400);
}

#[test]
fn the_facts_are_kept_by_every_write_and_migrated_for_older_files() {
    let w = scenario();
    let db = w.app.db();
    let (first, replies, done): (Option<i64>, i64, Option<i64>) = db
        .query_row(
            "SELECT first_response_at, staff_replies, completed_at FROM conversations WHERE subject = 'B: invoice'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("as expected");
    assert_eq!((first, replies, done), (Some(T + DAY + 7200), 2, Some(T + DAY + 10_800)));

    // A file from before insights: the facts are worked out from its messages.
    let dir = tempfile::tempdir().expect("as expected");
    version_1_database(
        dir.path(),
        "INSERT INTO users (id, uuid, full_name, email, role_id, avatar_uuid, presence_channel, created_at, updated_at)
             VALUES (100, 'u100', 'Old Customer', 'old@example.com', 4, 'a100', 'p100', 100, 100),
                    (101, 'u101', 'Old Agent', 'agent@example.com', 2, 'a101', 'p101', 100, 100);
         INSERT INTO conversations (id, uuid, subject, channel, requester_id, creator_id, status_id, realtime_channel, created_at, updated_at)
             VALUES (1000, 'c1000', 'Old', 'MAIL', 100, 100, 4, 'rc1000', 1000, 9000);
         INSERT INTO messages (uuid, conversation_id, subject, channel, content_text, content_html, creator_id, source, created_at, updated_at)
             VALUES ('m1', 1000, 'Old', 'MAIL', 'hi', 'hi', 100, 'MAIL', 1000, 1000),
                    ('m2', 1000, 'Old', 'MAIL', 'hello', 'hello', 101, 'AGENT', 1500, 1500),
                    ('m3', 1000, 'Old', 'MAIL', 'thanks', 'thanks', 100, 'MAIL', 1600, 1600),
                    ('m4', 1000, 'Old', 'MAIL', 'welcome', 'welcome', 101, 'AGENT', 1700, 1700);
         PRAGMA user_version = 1;",
    );
    let old = spawn_in_dir(dir, |_| {});
    let (first, replies, done): (Option<i64>, i64, Option<i64>) = old
        .db()
        .query_row(
            "SELECT first_response_at, staff_replies, completed_at FROM conversations WHERE id = 1000",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("as expected");
    assert_eq!((first, replies, done), (Some(1500), 2, Some(9000)));
}

#[test]
fn the_demo_has_twelve_weeks_of_believable_history() {
    let app = spawn_with(true, |c| c.demo_history_weeks = 12);
    let alex = app.session(ALEX);
    let now = chrono::Utc::now().timestamp();
    let from = wire_time(now - 84 * DAY);
    let r = app.get(&format!("/api/v1/insights/summary?from={from}")).session(&alex).send();
    assert_eq!(r.status, 200, "{}", r.text);
    let s = &r.body["data"];
    let created = s["conversations_created"].as_i64().expect("as expected");
    assert!((300..=600).contains(&created), "{created} conversations in twelve weeks");
    assert!(
        s["conversations_completed"].as_i64().expect("as expected") > created * 8 / 10,
        "{}",
        s["conversations_completed"]
    );
    // Weekdays are busier than weekends.
    let (mut weekdays, mut weekends) = (0, 0);
    for d in s["by_interval"].as_array().expect("as expected") {
        let start =
            chrono::DateTime::parse_from_rfc3339(d["start"].as_str().expect("as expected")).expect("as expected");
        let n = d["created"].as_i64().expect("as expected");
        match chrono::Datelike::weekday(&start) {
            chrono::Weekday::Sat | chrono::Weekday::Sun => weekends += n,
            _ => weekdays += n,
        }
    }
    assert!(weekdays > 5 * weekends, "{weekdays} on weekdays, {weekends} at weekends");
    // Most answers come within the hour, a few much later.
    let (median, p90) = (
        s["first_response_seconds"]["median"].as_i64().expect("as expected"),
        s["first_response_seconds"]["p90"].as_i64().expect("as expected"),
    );
    assert!(median < 3600 && p90 > 4 * 3600, "median {median}, p90 {p90}");
    let score = s["csat"]["score"].as_f64().expect("as expected");
    assert!((70.0..=97.0).contains(&score), "satisfaction {score}");
    assert!(!s["csat"]["comments"].as_array().expect("as expected").is_empty());
    assert_eq!(s["by_agent"].as_array().expect("as expected").len(), 3);
    // The curated demo stays on top of the inbox.
    let newest = app.get("/api/v1/conversations?limit=1").session(&alex).send();
    assert!(newest.body["data"][0]["created_at"].as_str().expect("as expected") > wire_time(now - 3 * DAY).as_str());
}

fn wire_time(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0).expect("as expected").format("%Y-%m-%dT%H:%M:%SZ").to_string()
}
