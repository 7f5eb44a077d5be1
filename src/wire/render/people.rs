//! People on the wire: users, organizations, teams and roles, their read
//! markers and ratings. A customer's activity is theirs and the team's
//! business: others see none of it.

use serde_json::{json, Value};

use super::{stub, user_stub, View};
use crate::db::lookups::{RoleRow, Team};
use crate::db::manage::Organization;
use crate::db::markers::ReadMarker;
use crate::db::ratings::Rating;
use crate::db::users::User;
use crate::wire::ts;

/// Where a user's avatar is served.
pub fn avatar_url(base_url: &str, avatar_uuid: &str) -> String {
    format!("{base_url}/avatar/get/{avatar_uuid}")
}

/// The public face of a user (`user_minimal`).
pub fn user_minimal(view: &View, u: &User) -> Value {
    // A customer's comings and goings are theirs and the support team's business.
    let private = !view.staff && !u.role.is_staff() && view.me != Some(u.id);
    let activity = |t: Option<i64>| if private { Value::Null } else { ts(t) };
    json!({
        "id": u.id,
        "uuid": u.uuid,
        "full_name": u.full_name,
        "role": stub("role", u.role_id),
        "teams": u.team_ids.iter().map(|id| stub("team_minimal", *id)).collect::<Vec<_>>(),
        "avatar": avatar_url(&view.base_url, &u.avatar_uuid),
        "last_activity_at": activity(u.last_activity_at),
        "last_active_at": activity(u.last_active_at),
        "last_seen_at": activity(u.last_seen_at),
        "presence_channel": if private { Value::Null } else { Value::String(u.presence_channel.clone()) },
        "resource_type": "user_minimal",
        "resource_url": view.url(&format!("users/{}", u.id)),
    })
}

/// A user as staff see them: `user_minimal` with the email, whether they may
/// sign in, their role's type and their organization.
pub fn user_for_staff(view: &View, u: &User) -> Value {
    let mut data = user_minimal(view, u);
    data["email"] = json!(u.email);
    data["role_type"] = json!(u.role.as_str());
    data["is_enabled"] = json!(u.is_enabled);
    data["organization"] = json!(u.organization_id.map(|id| stub("organization", id)));
    data["created_at"] = ts(Some(u.created_at));
    data["updated_at"] = ts(Some(u.updated_at));
    data
}

/// An organization, with how many users it has.
pub fn organization(view: &View, o: &Organization) -> Value {
    json!({
        "id": o.id,
        "name": o.name,
        "member_count": o.member_count,
        "created_at": ts(Some(o.created_at)),
        "updated_at": ts(Some(o.updated_at)),
        "resource_type": "organization",
        "resource_url": view.url(&format!("organizations/{}", o.id)),
    })
}

/// A team (`team`, or `team_minimal` as users list them).
pub fn team(view: &View, t: &Team, kind: &str) -> Value {
    json!({
        "id": t.id,
        "legacy_id": t.legacy_id,
        "title": t.title,
        "member_count": t.member_count,
        "created_at": ts(Some(t.created_at)),
        "updated_at": ts(Some(t.updated_at)),
        "resource_type": kind,
        "resource_url": view.url(&format!("teams/{}", t.id)),
    })
}

/// A role.
pub fn role(view: &View, r: &RoleRow) -> Value {
    json!({
        "id": r.id,
        "title": r.title,
        "type": r.kind,
        "created_at": ts(Some(r.created_at)),
        "updated_at": ts(Some(r.updated_at)),
        "resource_type": "role",
        "resource_url": view.url(&format!("roles/{}", r.id)),
    })
}

/// A read marker.
pub fn read_marker(m: &ReadMarker) -> Value {
    json!({
        "id": m.id,
        "last_read_post_id": m.last_read_post_id,
        "last_read_at": ts(m.last_read_at),
        "unread_count": m.unread_count,
        "created_at": ts(Some(m.created_at)),
        "updated_at": ts(Some(m.updated_at)),
        "resource_type": "read_marker",
    })
}

/// A satisfaction rating.
pub fn rating(view: &View, r: &Rating) -> Value {
    json!({
        "id": r.id,
        "score": r.score,
        "comment": r.comment,
        "conversation": stub("conversation", r.conversation_id),
        "creator": user_stub(Some(r.creator_id)),
        "created_at": ts(Some(r.created_at)),
        "updated_at": ts(Some(r.updated_at)),
        "resource_type": "conversation_rating",
        "resource_url": view.url(&format!("cases/ratings/{}", r.id)),
    })
}
