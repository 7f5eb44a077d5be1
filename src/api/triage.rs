//! `PUT /api/v1/conversations/:id`: the subject, status, priority, type and
//! custom fields, and for staff who may triage, the assigned agent and team
//! (`assigned_agent_id`, `assigned_team_id`; `null`, empty or `0` unassigns).
//! What each role may change is decided here, before the write.

use actix_web::{web, HttpResponse};
use serde_json::{Map, Value};

use super::conversations::source_param;
use super::field_values::{self, Access};
use super::params::Params;
use super::{path_id, Ctx, Reply};
use crate::db::conversations::{self as store, Changes};
use crate::db::{fields, lookups, users, Conn};
use crate::error::{ApiError, FieldProblem, Problems};
use crate::realtime::emit;
use crate::wire::render::View;

/// `PUT /conversations/:id`.
pub async fn update(ctx: Ctx, path: web::Path<String>, params: Params) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path)?;
    ctx.caller.require_member(false)?;
    let mut problems = Problems::default();
    problems.absorb(source_param(&params))?;
    let subject = problems.absorb(params.text("subject"))?.flatten();
    if params.has("subject") && subject.is_none() {
        problems.push(FieldProblem::required("subject"));
    }
    let status_id = problems.absorb(params.int("status_id"))?.flatten();
    let priority_id = problems.absorb(params.int("priority_id"))?.flatten();
    let type_id = problems.absorb(params.int("type_id"))?.flatten();
    let assigned_agent = problems.absorb(params.optional_id("assigned_agent_id"))?.flatten();
    let assigned_team = problems.absorb(params.optional_id("assigned_team_id"))?.flatten();
    let values: Map<String, Value> = problems.absorb(params.map("field_values"))?.flatten().unwrap_or_default();

    let role = ctx.caller.role();
    let actor = ctx.caller.user().map(|u| u.id);
    let settings = ctx.state.db.catalog()?.settings;
    if !role.may_triage() {
        if type_id.is_some() {
            return Err(ApiError::denied_parameter("type_id"));
        }
        if priority_id.is_some() && (role.is_staff() || !settings.customers_edit_priority) {
            return Err(ApiError::denied_parameter("priority_id"));
        }
        if status_id.is_some() && role.is_staff() {
            return Err(ApiError::denied_parameter("status_id"));
        }
        if assigned_agent.is_some() {
            return Err(ApiError::denied_parameter("assigned_agent_id"));
        }
        if assigned_team.is_some() {
            return Err(ApiError::denied_parameter("assigned_team_id"));
        }
    }
    let vis = ctx.write_visibility();
    let view = ctx.view()?;
    let now = ctx.now();
    let data = ctx
        .write(move |tx| {
            let c = store::get_visible(tx, &vis, id)?.ok_or(ApiError::NotFound)?;
            if !role.is_staff() && c.is_closed() {
                return Err(ApiError::denied("This conversation is closed"));
            }
            if let Some(sid) = status_id {
                match lookups::status_by_id(tx, sid)? {
                    None => problems.push(FieldProblem::invalid("status_id", "There is no such status")),
                    Some(s) if !role.is_staff() && s.kind != "COMPLETED" => {
                        return Err(ApiError::denied_parameter("status_id"));
                    }
                    Some(_) => {}
                }
            }
            if let Some(pid) = priority_id {
                if lookups::priority_by_id(tx, pid)?.is_none() {
                    problems.push(FieldProblem::invalid("priority_id", "There is no such priority"));
                }
            }
            if let Some(tid) = type_id {
                if lookups::type_by_id(tx, tid)?.is_none() {
                    problems.push(FieldProblem::invalid("type_id", "There is no such type"));
                }
            }
            if let Some(Some(uid)) = assigned_agent {
                if !users::get(tx, uid)?.is_some_and(|u| u.role.is_staff()) {
                    problems.push(FieldProblem::invalid("assigned_agent_id", "There is no such agent"));
                }
            }
            if let Some(Some(team)) = assigned_team {
                if lookups::team_by_id(tx, team)?.is_none() {
                    problems.push(FieldProblem::invalid("assigned_team_id", "There is no such team"));
                }
            }
            let access = Access { staff: role.is_staff(), updating: true };
            let values = field_values::validate(tx, &values, access, None, &mut problems)?;
            problems.finish()?;

            let changes = Changes { subject, status_id, priority_id, type_id, assigned_agent, assigned_team };
            apply(tx, &c, actor, &changes, &values, &view, now)?;
            let c = store::get_visible(tx, &store::Visibility::All, id)?.ok_or(ApiError::NotFound)?;
            super::rows::conversation(tx, &view, c)
        })
        .await?;
    ctx.state.hub.wake();
    ctx.finish(Reply::one("conversation", data)).await
}

/// Applies checked `changes` and field `values` to conversation `c` (as it
/// was before them) and tells subscribers what changed, customers only what
/// they may see; a newly assigned agent is notified (unless `actor` is them). Runs inside the caller's write; shared with the macros a
/// reply applies.
pub fn apply(
    tx: &Conn,
    c: &store::Conversation,
    actor: Option<i64>,
    changes: &Changes,
    values: &[(i64, String)],
    view: &View,
    now: i64,
) -> Result<(), ApiError> {
    let mut changed = Vec::new();
    if changes.subject.as_ref().is_some_and(|s| *s != c.subject) {
        changed.push("subject");
    }
    if changes.status_id.is_some_and(|s| s != c.status_id) {
        changed.push("status");
    }
    if changes.priority_id.is_some_and(|p| Some(p) != c.priority_id) {
        changed.push("priority");
    }
    if changes.type_id.is_some_and(|t| Some(t) != c.type_id) {
        changed.push("type");
    }
    if changes.assigned_agent.is_some_and(|a| a != c.assigned_agent_id) {
        changed.push("assigned_agent");
    }
    if changes.assigned_team.is_some_and(|t| t != c.assigned_team_id) {
        changed.push("assigned_team");
    }
    if !values.is_empty() {
        changed.push("custom_fields");
    }
    let touched = !changed.is_empty();
    store::update(tx, c.id, changes, touched, now)?;
    for (field_id, value) in values {
        fields::set_value(tx, c.id, *field_id, value)?;
    }
    // Customers hear only of changes to what they may see.
    let s = &view.settings;
    let mut hidden = Vec::new();
    for (name, shown) in
        [("status", s.customers_see_status), ("priority", s.customers_see_priority), ("type", s.customers_see_type)]
    {
        if !shown {
            hidden.push(name);
        }
    }
    let mut any_shown = false;
    for (field_id, _) in values {
        any_shown |= fields::by_id(tx, *field_id)?.is_some_and(|f| f.is_visible_to_customers);
    }
    if !any_shown {
        hidden.push("custom_fields");
    }
    emit::conversation_updated(tx, &c.realtime_channel, c.id, &changed, &hidden, now)?;
    if let Some(Some(agent)) = changes.assigned_agent.filter(|a| *a != c.assigned_agent_id) {
        crate::realtime::notify::assigned(tx, c, agent, actor, now)?;
    }
    Ok(())
}
