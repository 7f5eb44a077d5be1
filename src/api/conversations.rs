//! `/api/v1/conversations`: list, retrieve (also by request token),
//! participants, add and update.

use actix_web::{web, HttpResponse};

use super::field_values::{self, Access};
use super::files::{admit_and_store, keep_when};
use super::messages::{compose, Target};
use super::params::{Form, Params};
use super::{path_id, Ctx, Reply};
use crate::auth::{Identity, REQUEST_TOKEN_SECONDS};
use crate::db::conversations::{self as store, ListFilter, NewConversation};
use crate::db::lists::{self, ListQuery};
use crate::db::users::{self, User};
use crate::db::Conn;
use crate::db::{auth as credentials, fields, lookups, messages};
use crate::error::{ApiError, FieldProblem, Problems};
use crate::realtime::emit;
use crate::secret;
use crate::wire::render;
use crate::wire::valid_email;

/// Conversation sources a client may name (reference: HELPCENTER, MESSENGER, API).
pub const SOURCES: [&str; 3] = ["HELPCENTER", "MESSENGER", "API"];

/// Ids one `GET /conversations?ids=` may name.
const MAX_IDS: usize = 100;

/// `GET /conversations`.
pub async fn list(mut ctx: Ctx) -> Result<HttpResponse, ApiError> {
    ctx.caller.require_member(true)?;
    if let Some(answer) = ctx.remembered() {
        return Ok(answer);
    }
    let (offset, limit) = ctx.paging()?;
    let mut problems = Problems::default();
    let status_kind = ctx.query("status").map(str::to_ascii_uppercase);
    if let Some(kind) = &status_kind {
        if !["NEW", "OPEN", "PENDING", "COMPLETED", "CLOSED", "CUSTOM"].contains(&kind.as_str()) {
            problems.push(FieldProblem::invalid("status", "Must be NEW, OPEN, PENDING, COMPLETED, CLOSED or CUSTOM"));
        }
    }
    let max_priority_level = match ctx.query("priority") {
        None => None,
        Some(p) => match p.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                problems.push(FieldProblem::invalid("priority", "Must be an integer priority level"));
                None
            }
        },
    };
    // `assigned_agent_id=3`, `assigned_agent_id=none` (unassigned), the same for teams.
    let mut reference = |name: &str, none_ok: bool| match ctx.query(name) {
        None => None,
        Some(v) if none_ok && v.eq_ignore_ascii_case("none") => Some(None),
        Some(v) => match v.parse::<i64>() {
            Ok(id) if id > 0 => Some(Some(id)),
            _ => {
                let expected = if none_ok { "Must be an id or none" } else { "Must be an id" };
                problems.push(FieldProblem::invalid(name, expected));
                None
            }
        },
    };
    let assigned_agent = reference("assigned_agent_id", true);
    let assigned_team = reference("assigned_team_id", true);
    let requester = reference("requester_id", false).flatten();
    let priority_id = reference("priority_id", false).flatten();
    let ids = match ctx.query("ids") {
        None => None,
        Some(list) => {
            let ids: Option<Vec<i64>> =
                list.split(',').map(|s| s.trim().parse::<i64>().ok().filter(|id| *id > 0)).collect();
            match ids {
                Some(ids) if !ids.is_empty() && ids.len() <= MAX_IDS => Some(ids),
                _ => {
                    problems.push(FieldProblem::invalid("ids", format!("Must be 1 to {MAX_IDS} ids, comma-separated")));
                    None
                }
            }
        }
    };
    let vis = problems.absorb(ctx.visibility())?;
    problems.finish()?;
    let vis = vis.unwrap_or(store::Visibility::Nothing);
    let db = ctx.state.db.clone();
    // Read before anything else: what the memo learns must be no newer than what was read.
    let generation = db.lists_generation();
    let statuses = match &status_kind {
        Some(kind) => Some(ctx.read(|conn| Ok(lookups::status_ids_of_type(conn, kind)?)).await?),
        None => None,
    };
    let filter =
        ListFilter { statuses, max_priority_level, assigned_agent, assigned_team, requester, priority_id, ids };
    let query = ListQuery::new(&vis, &filter);
    let view = ctx.view()?;
    let plan = db.list_memo().plan(&query, generation, offset);
    let (items, total, first) = if plan.is_bounded(offset) {
        ctx.read(|conn| list_page(conn, &view, &query, plan, offset, limit)).await?
    } else {
        let q = query.clone();
        db.read(move |conn| list_page(conn, &view, &q, plan, offset, limit)).await?
    };
    db.list_memo().learn(&query, generation, total, offset, first.as_ref());
    ctx.finish(Reply::page("conversation", items, offset, limit, total)).await
}

/// A rendered page, the list's total, and the page's first row (for the memo).
fn list_page(
    conn: &Conn,
    view: &render::View,
    q: &ListQuery,
    plan: lists::Plan,
    offset: i64,
    limit: i64,
) -> Result<(Vec<render::ConversationOut>, i64, Option<store::Conversation>), ApiError> {
    let total = match plan.total {
        Some(total) => total,
        None => lists::count(conn, q)?,
    };
    let rows = lists::page(conn, q, plan.from, offset, limit)?;
    let first = rows.first().cloned();
    let items = super::rows::conversations(conn, view, rows)?;
    Ok((items, total, first))
}

/// `GET /conversations/:id` (a request token opens exactly its conversation).
pub async fn get(mut ctx: Ctx, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path)?;
    if let Identity::Token { conversation_id } = ctx.caller.identity {
        if conversation_id != id {
            return Err(ApiError::AuthenticationFailed("The token does not open this conversation"));
        }
    } else {
        ctx.caller.require_member(true)?;
    }
    if let Some(answer) = ctx.remembered() {
        return Ok(answer);
    }
    let vis = ctx.visibility()?;
    let view = ctx.view()?;
    let data = ctx
        .read(move |conn| {
            let c = store::get_visible(conn, &vis, id)?.ok_or(ApiError::NotFound)?;
            super::rows::conversation(conn, &view, c)
        })
        .await?;
    ctx.finish(Reply::one("conversation", data)).await
}

/// `GET /conversations/:id/participants`.
pub async fn participants(ctx: Ctx, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path)?;
    ctx.caller.require_member(true)?;
    let (offset, limit) = ctx.paging()?;
    let (items, total) = ctx
        .read_in_conversation(id, move |conn, view| {
            let (ids, total) = store::participants(conn, id, offset, limit)?;
            let mut items = Vec::with_capacity(ids.len());
            for uid in ids {
                if let Some(u) = users::get(conn, uid)? {
                    items.push(render::user_minimal(view, &u));
                }
            }
            Ok((items, total))
        })
        .await?;
    ctx.finish(Reply::page("user_minimal", items, offset, limit, total)).await
}

/// Who a new conversation is for, as far as the request alone tells.
enum RequesterSpec {
    /// A logged-in user; staff may name a customer by email.
    Acting(Box<User>, Option<(Option<String>, String)>),
    /// A customer found by email, or created (then `name` is needed).
    ByEmail(Option<String>, String),
}

/// `POST /conversations`.
pub async fn create(ctx: Ctx, form: Form) -> Result<HttpResponse, ApiError> {
    let params = &form.params;
    let mut problems = Problems::default();
    let subject = problems.absorb(params.required_text("subject"))?;
    let composed = problems.absorb(compose(params))?;
    let name = problems.absorb(params.text("name"))?.flatten();
    let email = problems.absorb(params.text("email"))?.flatten();
    if let Some(e) = &email {
        if !valid_email(e) {
            problems.push(FieldProblem::invalid("email", "Must be a valid email address"));
        }
    }
    let spec = match (&ctx.caller.identity, ctx.caller.user()) {
        (Identity::User(u), _) if u.role.is_staff() => {
            Some(RequesterSpec::Acting(Box::new(u.clone()), email.clone().map(|e| (name.clone(), e))))
        }
        (Identity::User(u), _) => Some(RequesterSpec::Acting(Box::new(u.clone()), None)),
        // A verified device is its customer: an unproven claim to be someone
        // else must not unbind it.
        (Identity::Device { owner: Some((owner, true)), .. }, _) => match &email {
            Some(e) if !e.eq_ignore_ascii_case(&owner.email) => {
                return Err(ApiError::PermissionDenied {
                    parameter: Some("email".into()),
                    message: "This device is verified as another customer".into(),
                })
            }
            _ => Some(RequesterSpec::Acting(Box::new(owner.clone()), None)),
        },
        // A known device may start a conversation as itself or as another customer.
        (_, Some(owner)) => Some(match &email {
            Some(e) => RequesterSpec::ByEmail(name.clone(), e.clone()),
            None => RequesterSpec::Acting(Box::new(owner.clone()), None),
        }),
        _ => {
            if name.is_none() {
                problems.push(FieldProblem::required("name"));
            }
            if email.is_none() {
                problems.push(FieldProblem::required("email"));
            }
            name.clone().zip(email.clone()).map(|(n, e)| RequesterSpec::ByEmail(Some(n), e))
        }
    };
    let priority_id = problems.absorb(params.int("priority_id"))?.flatten();
    let form_id = problems.absorb(params.int("form_id"))?.flatten();
    let values = problems.absorb(params.map("field_values"))?.flatten().unwrap_or_default();
    if priority_id.is_some() && !ctx.caller.is_staff() && !ctx.state.db.catalog()?.settings.customers_edit_priority {
        return Err(ApiError::denied_parameter("priority_id"));
    }

    let file_ids = composed.as_ref().map_or(0, |c| c.file_ids.len());
    // Stored before the rest is validated, so that all problems are reported at
    // once; if the request fails, dropping the uploads deletes the files.
    let (uploads, stored) = admit_and_store(&ctx, form.uploads, file_ids, true).await?;
    let mut composed = composed;
    if let Some(c) = composed.as_mut() {
        c.files = stored;
    }
    let caller = ctx.caller.clone();
    let view = ctx.view()?;
    let anonymous_answer = !matches!(caller.identity, Identity::User(_));
    let mail = crate::mail::outbox::Settings::of(&ctx.state.mail.config);
    let now = ctx.now();
    let (data, token, replayed) = ctx
        .write_then(
            move |tx| {
                if let Some(id) = priority_id {
                    if lookups::priority_by_id(tx, id)?.is_none() {
                        problems.push(FieldProblem::invalid("priority_id", "There is no such priority"));
                    }
                }
                if let Some(id) = form_id {
                    if fields::form_by_id(tx, id)?.is_none() {
                        problems.push(FieldProblem::invalid("form_id", "There is no such form"));
                    }
                }
                let access = Access { staff: caller.is_staff(), updating: false };
                let values = field_values::validate(tx, &values, access, form_id, &mut problems)?;
                problems.finish()?;
                let (Some(subject), Some(composed), Some(spec)) = (subject, composed, spec) else {
                    return Err(ApiError::Internal("validation passed without its values".into()));
                };

                let (requester, author) = resolve_people(tx, spec, now)?;
                if let Some(fp) = caller.fingerprint() {
                    credentials::bind_device(tx, fp, requester.id, now)?;
                }
                // A retry of an identified client returns the conversation its first try created.
                if let (Some(client_id), true) = (&composed.client_id, caller.user().is_some()) {
                    if let Some(existing) = messages::conversation_by_first_client_id(tx, client_id, author.id)? {
                        if let Some(c) = store::get_visible(tx, &caller.visibility(false), existing)? {
                            let view = render::View { user_id: Some(author.id), ..view };
                            return Ok((super::rows::conversation(tx, &view, c)?, None, true));
                        }
                    }
                }
                let status = lookups::first_status_of_type(tx, "NEW")?
                    .ok_or_else(|| ApiError::Internal("no status of type NEW is configured".into()))?;
                let channel = channel_for(composed.source.as_deref(), &caller).to_owned();
                let new = NewConversation {
                    subject: subject.clone(),
                    channel: channel.clone(),
                    requester_id: requester.id,
                    creator_id: author.id,
                    status_id: status.id,
                    priority_id,
                    form_id,
                };
                let id = store::insert(tx, &new, &secret::random_hex(32), now)?;
                for (field_id, value) in &values {
                    fields::set_value(tx, id, *field_id, value)?;
                }
                store::add_participant(tx, id, requester.id, now)?;
                let target = Target { id, subject: &subject, channel: &channel };
                let (first, _) = super::messages::insert(tx, &target, &author, caller.fingerprint(), composed, now)?;
                let token = if anonymous_answer {
                    let token = secret::random_hex(32);
                    let key = secret::digest(&token);
                    credentials::create_request_token(tx, &key, id, now + REQUEST_TOKEN_SECONDS, now)?;
                    Some(token)
                } else {
                    None
                };
                let c = store::get_visible(tx, &store::Visibility::All, id)?.ok_or(ApiError::NotFound)?;
                if author.role.is_staff() {
                    // Staff starting a conversation for a customer: it reaches them by mail.
                    crate::mail::outbox::after_staff_message(tx, &mail, &c, &first, &[], now)?;
                }
                emit::conversation_created(tx, &c.realtime_channel, id, now)?;
                crate::realtime::notify::conversation_created(tx, &c, author.id, now)?;
                let view = render::View { user_id: Some(author.id), ..view };
                Ok((super::rows::conversation(tx, &view, c)?, token, false))
            },
            keep_when(uploads, |(_, _, replayed)| *replayed),
        )
        .await?;
    if replayed {
        return ctx.finish(Reply::one("conversation", data)).await;
    }
    ctx.state.hub.wake();
    ctx.state.mail.wake();
    let mut reply = Reply::created("conversation", data);
    if let Some(token) = token {
        reply = reply.with_header("X-Request-Token", token);
    }
    ctx.finish(reply).await
}

/// Finds or creates the requester; returns `(requester, author of the first message)`.
fn resolve_people(tx: &Conn, spec: RequesterSpec, now: i64) -> Result<(User, User), ApiError> {
    let by_email = |name: Option<String>, email: &str| -> Result<User, ApiError> {
        if let Some(existing) = users::by_email(tx, email)? {
            return Ok(existing);
        }
        let name = name.ok_or_else(|| ApiError::required("name"))?;
        let id = users::create_customer(tx, &name, email, now)?;
        users::get(tx, id)?.ok_or(ApiError::NotFound)
    };
    match spec {
        RequesterSpec::Acting(staff, Some((name, email))) => Ok((by_email(name, &email)?, *staff)),
        RequesterSpec::Acting(user, None) => Ok(((*user).clone(), *user)),
        RequesterSpec::ByEmail(name, email) => {
            let user = by_email(name.clone(), &email)?;
            if user.role.is_staff() {
                // Knowing a staff member's email must not let anyone write as
                // them, nor learn that it is one: the conversation is taken as
                // from a new customer whose address says the email was claimed,
                // and answered like any other.
                tracing::warn!(user_id = user.id, "a public conversation named a staff email");
                let placeholder = format!("claimed-staff-email-{}@parley.invalid", crate::secret::random_hex(8));
                let name = name.unwrap_or_else(|| "Unknown".to_owned());
                let id = users::create_customer(tx, &name, &placeholder, now)?;
                let customer = users::get(tx, id)?.ok_or(ApiError::NotFound)?;
                return Ok((customer.clone(), customer));
            }
            Ok((user.clone(), user))
        }
    }
}

/// A new conversation's channel: one of the reference's (MAIL, HELPCENTER,
/// TWITTER, MESSENGER, FACEBOOK), which Kayako's SDKs accept and nothing else.
/// The `source` says where it came from; the API has no channel of its own, so
/// what it starts is a MAIL conversation, as an email would be. Without a
/// source, a messenger device writes on MESSENGER.
fn channel_for(source: Option<&str>, caller: &crate::auth::Caller) -> &'static str {
    match source {
        Some("HELPCENTER") => "HELPCENTER",
        Some("MESSENGER") => "MESSENGER",
        Some(_) => "MAIL",
        None if caller.fingerprint().is_some() => "MESSENGER",
        None => "MAIL",
    }
}

/// The `source` parameter, validated.
pub fn source_param(params: &Params) -> Result<Option<String>, ApiError> {
    match params.text("source")? {
        None => Ok(None),
        Some(s) => {
            let upper = s.to_ascii_uppercase();
            if SOURCES.contains(&upper.as_str()) {
                Ok(Some(upper))
            } else {
                Err(ApiError::invalid("source", "Must be HELPCENTER, MESSENGER or API"))
            }
        }
    }
}

/// The conversation `id` if the caller may see it, else `404`.
pub fn visible(conn: &Conn, vis: &store::Visibility, id: i64) -> Result<store::Conversation, ApiError> {
    store::get_visible(conn, vis, id)?.ok_or(ApiError::NotFound)
}
