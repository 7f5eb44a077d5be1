//! One operation of the document, built step by step: its method and path,
//! who may call it, what it takes and what it answers.

use serde_json::{json, Value};

use super::path_names;

/// Who may call an operation, which says its security alternatives.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Access {
    /// Anyone; credentials are optional and change what is seen.
    Public,
    /// A signed-in user (session or Basic) or a fingerprint device.
    Device,
    /// A signed-in user (session or Basic).
    User,
    /// An agent, admin or owner (session or Basic).
    Staff,
    /// An admin or owner (session or Basic).
    Admin,
    /// An owner (session or Basic).
    Owner,
    /// Outside the API's identities (health, metrics, avatars).
    Open,
}

/// What an operation answers on success.
pub(super) enum Answer {
    /// One resource of this schema, with this status.
    One(u16, &'static str),
    /// A page of them (`offset`, `limit`, `total_count`).
    Page(&'static str),
    /// A whole collection (`total_count` only).
    All(&'static str),
    /// `{"status": 200}`.
    Empty,
    /// Not the envelope: a content type and what it is.
    Raw(u16, &'static str, &'static str),
}

/// One operation: a method on a path.
pub(super) struct Op {
    pub(super) method: &'static str,
    pub(super) path: &'static str,
    pub(super) tag: &'static str,
    pub(super) summary: &'static str,
    pub(super) description: &'static str,
    pub(super) access: Access,
    pub(super) params: Vec<Value>,
    pub(super) body: Option<&'static str>,
    pub(super) answer: Answer,
    pub(super) shaped: bool,
    /// What the created resource's id opens: operation ids and the
    /// parameters it fills (OpenAPI links).
    pub(super) links: Vec<(&'static str, Value)>,
    /// A retry with the same `client_id` answers `200` with the first resource.
    pub(super) replays: bool,
}

pub(super) fn op(
    method: &'static str,
    path: &'static str,
    tag: &'static str,
    summary: &'static str,
    access: Access,
) -> Op {
    Op {
        method,
        path,
        tag,
        summary,
        description: "",
        access,
        params: Vec::new(),
        body: None,
        answer: Answer::Empty,
        shaped: true,
        links: Vec::new(),
        replays: false,
    }
}

impl Op {
    pub(super) fn describe(mut self, text: &'static str) -> Op {
        self.description = text;
        self
    }

    pub(super) fn query(mut self, name: &'static str, schema: Value, description: &'static str) -> Op {
        self.params.push(json!({"name": name, "in": "query", "schema": schema, "description": description}));
        self
    }

    pub(super) fn paged(self) -> Op {
        self.query("offset", json!({"type": "integer", "minimum": 0, "default": 0}), "Resources to skip.").query(
            "limit",
            json!({"type": "integer", "minimum": 0, "default": 10}),
            "Page size; more than 100 is taken as 100.",
        )
    }

    pub(super) fn body(mut self, schema: &'static str) -> Op {
        self.body = Some(schema);
        self
    }

    pub(super) fn answers(mut self, answer: Answer) -> Op {
        self.answer = answer;
        self
    }

    /// The created resource's `id` fills `parameter` of `operation`, whose
    /// other path parameters come from this request's.
    pub(super) fn opens(mut self, operation: &'static str, parameter: &'static str) -> Op {
        let mut parameters = json!({});
        for name in path_names(self.path) {
            parameters[name] = json!(format!("$request.path.{name}"));
        }
        parameters[parameter] = json!("$response.body#/data/id");
        self.links.push((operation, parameters));
        self
    }

    /// Answers `200` with the first resource to a retry with its `client_id`.
    pub(super) fn replays(mut self) -> Op {
        self.replays = true;
        self
    }

    /// Not shaped by `include`, `fields` and `_case` (files, streams, pages).
    pub(super) fn unshaped(mut self) -> Op {
        self.shaped = false;
        self
    }
}
