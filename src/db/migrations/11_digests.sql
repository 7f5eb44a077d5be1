-- Agents' notifications by mail: the outbox also carries digests (kind
-- NOTIFY), which belong to no conversation; their `post_ids` are the
-- notifications they list. SQLite cannot change a column's constraints in
-- place: the table is rebuilt (create, copy, drop, rename) with its indexes.
CREATE TABLE outbox_next (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER REFERENCES conversations (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('REPLY', 'OFFLINE', 'NOTIFY')),
    post_ids        TEXT NOT NULL,
    recipients      TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('QUEUED', 'SENT', 'FAILED', 'BOUNCED', 'CANCELLED')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    due_at          INTEGER NOT NULL,
    last_error      TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    CHECK ((conversation_id IS NULL) = (kind = 'NOTIFY'))
) STRICT;
INSERT INTO outbox_next (id, conversation_id, kind, post_ids, recipients, state, attempts, due_at, last_error,
                         created_at, updated_at)
    SELECT id, conversation_id, kind, post_ids, recipients, state, attempts, due_at, last_error, created_at, updated_at
      FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_next RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (due_at, id) WHERE state = 'QUEUED';
CREATE INDEX outbox_by_conversation ON outbox (conversation_id, kind, state);

-- Notifications raised before digests existed are never mailed (they would
-- all go at once, late): settled now.
UPDATE notifications SET mailed_at = unixepoch() WHERE read_at IS NULL AND mailed_at IS NULL;
