//! Insights in the document: the summary and its CSV export (agents,
//! admins and owners).

use serde_json::{json, Map, Value};

use super::op::{op, Access, Answer, Op};

/// The insights operations.
pub(super) fn operations() -> Vec<Op> {
    use Access::*;
    use Answer::*;
    let tag = "Insights";
    let filters = |o: Op| {
        o.query("from", json!({"type": "string"}), "Start (inclusive): RFC 3339 with an offset, or a date (its midnight in the instance's `timezone`). Default: 30 days before `to`.")
            .query("to", json!({"type": "string"}), "End (exclusive), in the same forms. Default: now.")
            .query("team_id", json!({"type": "integer", "minimum": 1}), "Only conversations assigned to this team.")
            .query("agent_id", json!({"type": "integer", "minimum": 1}), "Only conversations assigned to this agent.")
            .query("channel", json!({"type": "string", "enum": ["MAIL", "HELPCENTER", "TWITTER", "MESSENGER", "FACEBOOK"]}), "Only conversations that came by this channel.")
            .query("interval", json!({"type": "string", "enum": ["day", "week"], "default": "day"}), "How `by_interval` cuts the range: days, or weeks from Monday, in the instance's `timezone` setting.")
    };
    vec![
        filters(op("get", "/api/v1/insights/summary", tag, "How fast the team answers and resolves, and how customers rate it", Staff))
            .describe(
                "Agents, admins and owners (collaborators get `403`). Conversations **created** in the range give \
                 `conversations_created`, `first_response_seconds` (to the first message after the opening one \
                 by staff who are neither the requester nor in the requester's organization; notes never count), \
                 `replies_per_conversation` and `by_channel`; conversations **first completed** in the range (a move \
                 into a COMPLETED or CLOSED status; reopening and completing again does not move it) give \
                 `conversations_completed` and `resolution_seconds` (from creation); ratings **given** in the range give \
                 `csat` (`score`: good as a percentage of all, with the latest comments). Percentiles are exact, by \
                 nearest rank over the filtered set (`null` when it is empty). `by_agent` is per assigned agent. \
                 Filters narrow every figure. At most 1,000 intervals. Times of intervals carry the zone's offset. \
                 Where Parley differs from Kayako: Kayako documents no public Insights API; its agent app reads several \
                 `/insights/cases/*` endpoints (`metrics`, `channel`, `csat`, ...), each taking `start_at`, `end_at` \
                 and `interval`, in shapes of their own. Parley answers one summary in the shape above, and accepts \
                 `start_at`/`end_at` as other names for `from`/`to`.",
            )
            .answers(One(200, "InsightsSummary")),
        filters(op("get", "/api/v1/insights/export.csv", tag, "The rows behind the summary, as CSV", Staff))
            .query("rows", json!({"type": "string", "enum": ["conversations", "interval", "agent", "channel"], "default": "conversations"}), "One row per conversation created or completed in the range, or the summary's interval, agent or channel table.")
            .describe("For a spreadsheet: the same filters as the summary, a header row, then the rows. Text that a spreadsheet would take for a formula is prefixed with `'`.")
            .answers(Raw(200, "text/csv", "The rows, with a header"))
            .unshaped(),
    ]
}

/// The insights schemas.
pub(super) fn schemas() -> Map<String, Value> {
    let int = json!({"type": "integer"});
    let seconds = json!({"type": ["integer", "null"]});
    let stub =
        json!({"type": "object", "properties": {"id": {"type": "integer"}, "resource_type": {"type": "string"}}});
    let distribution = json!({"type": "object", "properties": {
        "median": seconds, "p90": seconds, "count": int,
        "buckets": {"type": "array", "items": {"type": "object", "properties": {
            "label": {"type": "string"}, "up_to": seconds, "count": int,
        }}},
    }});
    let out = json!({
        "InsightsSummary": {"type": "object", "properties": {
            "from": {"type": "string", "format": "date-time"}, "to": {"type": "string", "format": "date-time"},
            "time_zone": {"type": "string"}, "interval": {"type": "string", "enum": ["day", "week"]},
            "conversations_created": int, "conversations_completed": int,
            "first_response_seconds": distribution, "resolution_seconds": distribution,
            "replies_per_conversation": {"type": "number"},
            "csat": {"type": "object", "properties": {
                "ratings": int, "good": int, "bad": int, "score": {"type": ["number", "null"]},
                "comments": {"type": "array", "items": {"type": "object", "properties": {
                    "id": int, "score": {"type": "string", "enum": ["GOOD", "BAD"]}, "comment": {"type": ["string", "null"]},
                    "conversation": stub, "creator": stub, "created_at": {"type": "string"},
                }}},
            }},
            "by_interval": {"type": "array", "items": {"type": "object", "properties": {
                "start": {"type": "string"}, "created": int, "completed": int, "first_response_median": seconds,
            }}},
            "by_agent": {"type": "array", "items": {"type": "object", "properties": {
                "agent": stub, "assigned": int, "completed": int, "first_response_median": seconds,
                "resolution_median": seconds, "ratings": int, "csat_score": {"type": ["number", "null"]},
            }}},
            "by_channel": {"type": "array", "items": {"type": "object", "properties": {
                "channel": {"type": "string"}, "created": int,
            }}},
            "filters": {"type": "object"},
            "resource_type": {"type": "string"},
        }},
    });
    match out {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}
