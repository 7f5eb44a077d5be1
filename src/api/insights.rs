//! `GET /api/v1/insights/summary` and `/insights/export.csv`: how fast the
//! team answers and resolves, how much comes in, who carries it and how
//! customers rate it, for agents, admins and owners.

use actix_web::http::header;
use actix_web::HttpResponse;
use chrono_tz::Tz;

use super::{Ctx, Reply};
use crate::db::insights::{self as store, Scope};
use crate::db::settings;
use crate::db::users::Role;
use crate::error::{ApiError, FieldProblem, Problems};
use crate::wire::insights::{self as report, Facts, Interval, MAX_INTERVALS};
use crate::wire::{ts, Ts};

/// The channels a report may be filtered by.
const CHANNELS: [&str; 5] = ["MAIL", "HELPCENTER", "TWITTER", "MESSENGER", "FACEBOOK"];

/// The default range: the last 30 days.
const DEFAULT_DAYS: i64 = 30;

/// What a report asks for.
struct Ask {
    scope: Scope,
    zone: Tz,
    interval: Interval,
}

/// Agents, admins and owners; collaborators and customers are not told.
fn reader(ctx: &Ctx) -> Result<(), ApiError> {
    let me = ctx.caller.staff_user()?;
    if me.role == Role::Collaborator {
        return Err(ApiError::denied("Insights are for agents, admins and owners"));
    }
    Ok(())
}

fn id_param(ctx: &Ctx, name: &'static str, problems: &mut Problems) -> Option<i64> {
    let raw = ctx.query(name)?;
    match raw.parse::<i64>() {
        Ok(id) if id > 0 => Some(id),
        _ => {
            problems.push(FieldProblem::invalid(name, "Must be a positive id"));
            None
        }
    }
}

/// Reads and checks the parameters, all problems together.
async fn ask(ctx: &Ctx) -> Result<Ask, ApiError> {
    reader(ctx)?;
    let setting = ctx.read(|conn| Ok(settings::timezone(conn)?)).await?;
    let zone = report::zone(&setting).unwrap_or(Tz::UTC);
    let mut problems = Problems::default();
    let mut time = |names: [&'static str; 2]| -> Option<i64> {
        let (name, raw) = names.into_iter().find_map(|n| ctx.query(n).map(|v| (n, v)))?;
        let t = report::parse_time(raw, zone);
        if t.is_none() {
            problems.push(FieldProblem::invalid(name, "Must be a time such as 2026-03-02T00:00:00+01:00, or a date"));
        }
        t
    };
    let (from, to) = (time(["from", "start_at"]), time(["to", "end_at"]));
    let to = to.unwrap_or_else(|| ctx.now() + 1);
    let from = from.unwrap_or(to - DEFAULT_DAYS * 86_400);
    let interval = match ctx.query("interval") {
        None => Interval::Day,
        Some(raw) => Interval::parse(raw).unwrap_or_else(|| {
            problems.push(FieldProblem::invalid("interval", "Must be day or week"));
            Interval::Day
        }),
    };
    if from >= to {
        problems.push(FieldProblem::invalid("to", "Must be after from"));
    } else if report::interval_count(from, to, zone, interval) > MAX_INTERVALS {
        problems.push(FieldProblem::invalid(
            "to",
            "The range holds more than 1,000 intervals: use interval=week, or a shorter range",
        ));
    }
    let team_id = id_param(ctx, "team_id", &mut problems);
    let agent_id = id_param(ctx, "agent_id", &mut problems);
    let channel = ctx.query("channel").map(str::to_ascii_uppercase);
    if let Some(c) = &channel {
        if !CHANNELS.contains(&c.as_str()) {
            problems.push(FieldProblem::invalid("channel", "Must be MAIL, HELPCENTER, TWITTER, MESSENGER or FACEBOOK"));
        }
    }
    std::mem::take(&mut problems).finish()?;
    let (team_ok, agent_ok) = ctx
        .read(move |conn| {
            Ok((
                team_id.map_or(Ok(true), |id| store::team_exists(conn, id))?,
                agent_id.map_or(Ok(true), |id| store::agent_exists(conn, id))?,
            ))
        })
        .await?;
    if !team_ok {
        problems.push(FieldProblem::invalid("team_id", "There is no such team"));
    }
    if !agent_ok {
        problems.push(FieldProblem::invalid("agent_id", "There is no such agent"));
    }
    problems.finish()?;
    Ok(Ask { scope: Scope { from, to, team_id, agent_id, channel }, zone, interval })
}

/// A report asked for, with its rows read in one snapshot.
struct Report {
    ask: Ask,
    created: Vec<store::Created>,
    completed: Vec<store::Completed>,
    rated: Vec<store::Rated>,
}

impl Report {
    async fn read(ctx: &Ctx) -> Result<Report, ApiError> {
        let ask = ask(ctx).await?;
        let scope = ask.scope.clone();
        let (created, completed, rated) = ctx
            .scan(move |conn| {
                Ok((store::created(conn, &scope)?, store::completed(conn, &scope)?, store::rated(conn, &scope)?))
            })
            .await?;
        Ok(Report { ask, created, completed, rated })
    }

    fn facts(&self) -> Facts<'_> {
        Facts {
            from: self.ask.scope.from,
            to: self.ask.scope.to,
            zone: self.ask.zone,
            interval: self.ask.interval,
            created: &self.created,
            completed: &self.completed,
            rated: &self.rated,
        }
    }
}

/// `GET /insights/summary?from=&to=&team_id=&agent_id=&channel=&interval=day|week`.
pub async fn summary(ctx: Ctx) -> Result<HttpResponse, ApiError> {
    let r = Report::read(&ctx).await?;
    let ask = &r.ask;
    let mut out = report::summary(&r.facts());
    out["filters"] = serde_json::json!({
        "team": ask.scope.team_id.map(|id| crate::wire::render::stub("team", id)),
        "agent": ask.scope.agent_id.map(|id| crate::wire::render::stub("user_minimal", id)),
        "channel": ask.scope.channel,
    });
    out["resource_type"] = "insights_summary".into();
    ctx.finish(Reply::one("insights_summary", out)).await
}

/// `GET /insights/export.csv?rows=conversations|interval|agent|channel` with
/// the summary's filters: the rows behind it, for a spreadsheet.
pub async fn export_csv(ctx: Ctx) -> Result<HttpResponse, ApiError> {
    let kind = match ctx.query("rows").map(str::to_ascii_lowercase).as_deref() {
        None | Some("conversations") => "conversations",
        Some("interval") => "interval",
        Some("agent") => "agent",
        Some("channel") => "channel",
        Some(_) => return Err(ApiError::invalid("rows", "Must be conversations, interval, agent or channel")),
    };
    let r = Report::read(&ctx).await?;
    let facts = r.facts();
    let body = match kind {
        "conversations" => conversations_csv(&facts),
        _ => {
            let names = ctx.read(|conn| Ok(crate::db::users::staff_names(conn)?)).await?;
            table_csv(&report::summary(&facts), kind, &names)
        }
    };
    let file = format!(
        "parley-insights-{kind}-{}.csv",
        Ts::text(r.ask.scope.from).unwrap_or_default().get(..10).unwrap_or("")
    );
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file}\"")))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body))
}

/// One row per conversation created or completed in the range.
fn conversations_csv(f: &Facts) -> String {
    use std::collections::BTreeMap;
    let mut rows: BTreeMap<i64, [String; 6]> = BTreeMap::new();
    let text = |t: Option<i64>| ts(t).as_str().unwrap_or_default().to_owned();
    for c in f.created {
        rows.insert(
            c.id,
            [
                text(Some(c.created_at)),
                c.channel.clone(),
                c.agent_id.map(|a| a.to_string()).unwrap_or_default(),
                c.first_response_at.map(|t| (t - c.created_at).max(0).to_string()).unwrap_or_default(),
                c.staff_replies.to_string(),
                String::new(),
            ],
        );
    }
    let mut out = String::from(
        "conversation_id,created_at,channel,assigned_agent_id,first_response_seconds,staff_replies,completed_at,resolution_seconds\n",
    );
    let mut completed: BTreeMap<i64, &store::Completed> = BTreeMap::new();
    for c in f.completed {
        completed.insert(c.id, c);
        rows.entry(c.id).or_insert_with(|| {
            [
                text(Some(c.created_at)),
                c.channel.clone(),
                c.agent_id.map(|a| a.to_string()).unwrap_or_default(),
                String::new(),
                String::new(),
                String::new(),
            ]
        });
    }
    for (id, r) in rows {
        let done = completed.get(&id);
        out.push_str(&format!(
            "{id},{},{},{},{},{},{},{}\n",
            r[0],
            r[1],
            r[2],
            r[3],
            r[4],
            done.map(|c| text(Some(c.completed_at))).unwrap_or_default(),
            done.map(|c| (c.completed_at - c.created_at).max(0).to_string()).unwrap_or_default(),
        ));
    }
    out
}

/// The summary's interval, agent or channel table.
fn table_csv(summary: &serde_json::Value, kind: &str, names: &std::collections::HashMap<i64, String>) -> String {
    let cell = |v: &serde_json::Value| match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => report::csv_field(s),
        other => other.to_string(),
    };
    let (key, columns): (&str, &[&str]) = match kind {
        "interval" => ("by_interval", &["start", "created", "completed", "first_response_median"]),
        "agent" => (
            "by_agent",
            &["agent", "assigned", "completed", "first_response_median", "resolution_median", "ratings", "csat_score"],
        ),
        _ => ("by_channel", &["channel", "created"]),
    };
    let mut out = String::new();
    if kind == "agent" {
        out.push_str("agent_id,agent_name,");
        out.push_str(&columns[1..].join(","));
    } else {
        out.push_str(&columns.join(","));
    }
    out.push('\n');
    for row in summary[key].as_array().into_iter().flatten() {
        let mut cells = Vec::with_capacity(columns.len() + 1);
        for c in columns {
            if *c == "agent" {
                let id = row["agent"]["id"].as_i64().unwrap_or_default();
                cells.push(id.to_string());
                cells.push(report::csv_field(names.get(&id).map_or("", String::as_str)));
            } else {
                cells.push(cell(&row[*c]));
            }
        }
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}
