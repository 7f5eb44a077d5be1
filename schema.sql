-- Parley's whole schema, applied to a fresh database (PRAGMA user_version = 0).
-- Later changes are appended as numbered migrations in src/db/migrate.rs.
-- Timestamps are INTEGER Unix seconds (UTC); booleans are INTEGER 0/1.

-- Instance-wide settings (key/value), e.g. what customers may see and edit.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE roles (
    id         INTEGER PRIMARY KEY,
    title      TEXT NOT NULL,
    type       TEXT NOT NULL UNIQUE CHECK (type IN ('OWNER', 'ADMIN', 'AGENT', 'COLLABORATOR', 'CUSTOMER')),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE organizations (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE users (
    id               INTEGER PRIMARY KEY,
    uuid             TEXT NOT NULL UNIQUE,
    full_name        TEXT NOT NULL,
    email            TEXT NOT NULL UNIQUE COLLATE NOCASE,
    role_id          INTEGER NOT NULL REFERENCES roles (id),
    organization_id  INTEGER REFERENCES organizations (id),
    -- argon2id PHC string; NULL for customers who never set a password.
    password_hash    TEXT,
    avatar_uuid      TEXT NOT NULL,
    presence_channel TEXT NOT NULL,
    is_enabled       INTEGER NOT NULL DEFAULT 1,
    last_activity_at INTEGER,
    last_active_at   INTEGER,
    last_seen_at     INTEGER,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
) STRICT;
CREATE INDEX users_by_organization ON users (organization_id);
CREATE INDEX users_by_role ON users (role_id);
CREATE INDEX users_by_presence_channel ON users (presence_channel);
CREATE INDEX users_by_last_active ON users (last_active_at);

CREATE TABLE teams (
    id         INTEGER PRIMARY KEY,
    legacy_id  TEXT,
    title      TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE team_members (
    team_id INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (team_id, user_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX team_members_by_user ON team_members (user_id, team_id);

-- Sessions created by Basic authentication; they expire after inactivity.
CREATE TABLE sessions (
    id           TEXT PRIMARY KEY NOT NULL,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- NULL when the creating request sent `X-CSRF: false`.
    csrf_token   TEXT,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_last_used ON sessions (last_used_at);

-- Device identities (`X-Fingerprint-ID`), each bound to one customer.
CREATE TABLE fingerprints (
    fingerprint  TEXT PRIMARY KEY NOT NULL,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- 1 once the device proved the customer's identity (messenger identity verification).
    is_verified  INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER NOT NULL
) STRICT;
CREATE INDEX fingerprints_by_user ON fingerprints (user_id);

CREATE TABLE case_statuses (
    id         INTEGER PRIMARY KEY,
    label      TEXT NOT NULL,
    type       TEXT NOT NULL CHECK (type IN ('NEW', 'OPEN', 'PENDING', 'COMPLETED', 'CLOSED', 'CUSTOM')),
    sort_order INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX case_statuses_by_type ON case_statuses (type, sort_order);

CREATE TABLE case_priorities (
    id         INTEGER PRIMARY KEY,
    label      TEXT NOT NULL,
    level      INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE case_types (
    id         INTEGER PRIMARY KEY,
    label      TEXT NOT NULL,
    type       TEXT NOT NULL DEFAULT 'SYSTEM' CHECK (type IN ('SYSTEM', 'CUSTOM')),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE conversation_fields (
    id                      INTEGER PRIMARY KEY,
    fielduuid               TEXT NOT NULL UNIQUE,
    type                    TEXT NOT NULL CHECK (type IN ('TEXT', 'TEXTAREA', 'CHECKBOX', 'RADIO', 'SELECT', 'DATE', 'FILE',
                                                          'NUMERIC', 'DECIMAL', 'YESNO', 'REGEX', 'CASCADINGSELECT')),
    key                     TEXT NOT NULL UNIQUE,
    is_required             INTEGER NOT NULL DEFAULT 0,
    is_editable             INTEGER NOT NULL DEFAULT 1,
    is_system               INTEGER NOT NULL DEFAULT 0,
    is_visible_to_customers INTEGER NOT NULL DEFAULT 1,
    regular_expression      TEXT,
    sort_order              INTEGER NOT NULL DEFAULT 0,
    created_at              INTEGER NOT NULL,
    updated_at              INTEGER NOT NULL
) STRICT;
CREATE INDEX conversation_fields_by_sort_order ON conversation_fields (sort_order, id);

-- Options of CHECKBOX, RADIO, SELECT and CASCADINGSELECT fields.
CREATE TABLE field_options (
    id         INTEGER PRIMARY KEY,
    field_id   INTEGER NOT NULL REFERENCES conversation_fields (id) ON DELETE CASCADE,
    -- For CASCADINGSELECT: the option this one sits under.
    parent_id  INTEGER REFERENCES field_options (id) ON DELETE CASCADE,
    sort_order INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX field_options_by_field ON field_options (field_id, sort_order, id);

CREATE TABLE forms (
    id          INTEGER PRIMARY KEY,
    title       TEXT NOT NULL,
    description TEXT,
    sort_order  INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX forms_by_sort_order ON forms (sort_order, id);

CREATE TABLE form_fields (
    form_id    INTEGER NOT NULL REFERENCES forms (id) ON DELETE CASCADE,
    field_id   INTEGER NOT NULL REFERENCES conversation_fields (id) ON DELETE CASCADE,
    sort_order INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (form_id, field_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX form_fields_by_field ON form_fields (field_id);

-- Translations ("Field Locales"): titles and descriptions of fields and forms,
-- and the values of field options. Exactly one owner is set.
CREATE TABLE locale_fields (
    id          INTEGER PRIMARY KEY,
    field_id    INTEGER REFERENCES conversation_fields (id) ON DELETE CASCADE,
    form_id     INTEGER REFERENCES forms (id) ON DELETE CASCADE,
    option_id   INTEGER REFERENCES field_options (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('title', 'description', 'value')),
    locale      TEXT NOT NULL,
    translation TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    CHECK ((field_id IS NOT NULL) + (form_id IS NOT NULL) + (option_id IS NOT NULL) = 1)
) STRICT;
CREATE INDEX locale_fields_by_field ON locale_fields (field_id, kind, id);
CREATE INDEX locale_fields_by_form ON locale_fields (form_id, kind, id);
CREATE INDEX locale_fields_by_option ON locale_fields (option_id, id);

CREATE TABLE conversations (
    id                    INTEGER PRIMARY KEY,
    uuid                  TEXT NOT NULL UNIQUE,
    legacy_id             TEXT,
    subject               TEXT NOT NULL,
    channel               TEXT NOT NULL,
    requester_id          INTEGER NOT NULL REFERENCES users (id),
    creator_id            INTEGER NOT NULL REFERENCES users (id),
    last_replier_id       INTEGER REFERENCES users (id),
    last_agent_replier_id INTEGER REFERENCES users (id),
    assigned_team_id      INTEGER REFERENCES teams (id),
    assigned_agent_id     INTEGER REFERENCES users (id),
    status_id             INTEGER NOT NULL REFERENCES case_statuses (id),
    priority_id           INTEGER REFERENCES case_priorities (id),
    type_id               INTEGER REFERENCES case_types (id),
    form_id               INTEGER REFERENCES forms (id),
    realtime_channel      TEXT NOT NULL,
    last_message_status   TEXT CHECK (last_message_status IN ('SENT', 'DELIVERED', 'REJECTED', 'SEEN')),
    last_message_preview  TEXT,
    last_replied_at       INTEGER,
    created_at            INTEGER NOT NULL,
    updated_at            INTEGER NOT NULL
) STRICT;
CREATE INDEX conversations_by_created ON conversations (created_at DESC, id DESC);
CREATE INDEX conversations_by_requester ON conversations (requester_id, created_at DESC, id DESC);
CREATE INDEX conversations_by_status ON conversations (status_id, created_at DESC, id DESC);
CREATE INDEX conversations_by_priority ON conversations (priority_id);
CREATE INDEX conversations_by_realtime_channel ON conversations (realtime_channel);

-- The devices (fingerprints) a conversation was started or joined from.
CREATE TABLE conversation_devices (
    fingerprint     TEXT NOT NULL,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    created_at      INTEGER NOT NULL,
    PRIMARY KEY (fingerprint, conversation_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE participants (
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    user_id         INTEGER NOT NULL REFERENCES users (id),
    created_at      INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, user_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX participants_by_user ON participants (user_id, conversation_id);

CREATE TABLE field_values (
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    field_id        INTEGER NOT NULL REFERENCES conversation_fields (id) ON DELETE CASCADE,
    value           TEXT NOT NULL,
    PRIMARY KEY (conversation_id, field_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE messages (
    id                           INTEGER PRIMARY KEY,
    uuid                         TEXT NOT NULL UNIQUE,
    conversation_id              INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    client_id                    TEXT,
    subject                      TEXT NOT NULL,
    channel                      TEXT NOT NULL,
    content_text                 TEXT NOT NULL,
    content_html                 TEXT NOT NULL,
    creator_id                   INTEGER NOT NULL REFERENCES users (id),
    source                       TEXT NOT NULL CHECK (source IN ('API', 'AGENT', 'MAIL', 'MESSENGER', 'MOBILE', 'HELPCENTER')),
    -- JSON object of string values (user_agent, page_url).
    metadata                     TEXT NOT NULL DEFAULT '{}',
    message_status               TEXT NOT NULL DEFAULT 'SENT' CHECK (message_status IN ('SENT', 'DELIVERED', 'REJECTED', 'SEEN')),
    message_status_reject_type   TEXT CHECK (message_status_reject_type IN ('BOUNCE', 'BLOCKED', 'DROPPED', 'DEFERRED', 'EXPIRED', 'ERROR')),
    message_status_reject_reason TEXT,
    message_status_updated_at    INTEGER,
    created_at                   INTEGER NOT NULL,
    updated_at                   INTEGER NOT NULL
) STRICT;
CREATE INDEX messages_by_conversation ON messages (conversation_id, created_at DESC, id DESC);
CREATE INDEX messages_by_conversation_id ON messages (conversation_id, id);
CREATE INDEX messages_by_client_id ON messages (conversation_id, client_id, creator_id) WHERE client_id IS NOT NULL;
CREATE INDEX messages_by_creator_client_id ON messages (creator_id, client_id) WHERE client_id IS NOT NULL;

-- One read marker per user and conversation; unread_count is derived from messages.
CREATE TABLE read_markers (
    id                INTEGER PRIMARY KEY,
    conversation_id   INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    user_id           INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    last_read_post_id INTEGER,
    last_read_at      INTEGER,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    UNIQUE (conversation_id, user_id)
) STRICT;
CREATE INDEX read_markers_by_user ON read_markers (user_id);

CREATE TABLE ratings (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    score           TEXT NOT NULL CHECK (score IN ('GOOD', 'BAD')),
    comment         TEXT,
    creator_id      INTEGER NOT NULL REFERENCES users (id),
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX ratings_by_conversation ON ratings (conversation_id, created_at DESC, id DESC);

-- A POST /conversations answered without a session carries a token that opens
-- that one conversation for a short while.
CREATE TABLE request_tokens (
    token           TEXT PRIMARY KEY NOT NULL,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    expires_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX request_tokens_by_expiry ON request_tokens (expires_at);

-- Uploaded files; `message_id` is set once the file is attached to a message.
CREATE TABLE files (
    id           INTEGER PRIMARY KEY,
    uuid         TEXT NOT NULL UNIQUE,
    -- Server-generated name under <data-dir>/attachments; never the client's name.
    storage_name TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    size         INTEGER NOT NULL,
    type         TEXT NOT NULL,
    width        INTEGER NOT NULL DEFAULT 0,
    height       INTEGER NOT NULL DEFAULT 0,
    content_id   TEXT,
    alt          TEXT,
    -- Who uploaded it: a user, and for device uploads the fingerprint too.
    uploader_id          INTEGER REFERENCES users (id),
    uploader_fingerprint TEXT,
    message_id   INTEGER REFERENCES messages (id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX files_by_message ON files (message_id, id);
CREATE INDEX files_unattached ON files (created_at) WHERE message_id IS NULL;

-- Thumbnails generated for image files, stored beside the original.
CREATE TABLE thumbnails (
    id           INTEGER PRIMARY KEY,
    file_id      INTEGER NOT NULL REFERENCES files (id) ON DELETE CASCADE,
    storage_name TEXT NOT NULL UNIQUE,
    size         INTEGER NOT NULL,
    width        INTEGER NOT NULL,
    height       INTEGER NOT NULL,
    type         TEXT NOT NULL,
    created_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX thumbnails_by_file ON thumbnails (file_id, id);

-- The realtime event log: every event published on a channel, kept at least
-- 24 hours so that a reconnecting client (Last-Event-ID / since) misses nothing.
-- AUTOINCREMENT: ids are never reused after pruning, so a resume point stays valid.
CREATE TABLE events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    channel    TEXT NOT NULL,
    type       TEXT NOT NULL,
    -- JSON object: the event's payload.
    data       TEXT NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX events_by_channel ON events (channel, id);
CREATE INDEX events_by_created ON events (created_at);
