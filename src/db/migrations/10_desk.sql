-- The agents' desk: private notes, saved replies (macros), the agents'
-- notifications and their preferences, and the full-text search index.

-- A note on a conversation: staff only, never shown to a customer or device.
CREATE TABLE notes (
    id              INTEGER PRIMARY KEY,
    uuid            TEXT NOT NULL UNIQUE,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    creator_id      INTEGER NOT NULL REFERENCES users (id),
    client_id       TEXT,
    body_text       TEXT NOT NULL,
    body_html       TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX notes_by_conversation ON notes (conversation_id, id);
CREATE INDEX notes_by_client_id ON notes (creator_id, client_id) WHERE client_id IS NOT NULL;

-- The agents a note names with `@`.
CREATE TABLE note_mentions (
    note_id INTEGER NOT NULL REFERENCES notes (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (note_id, user_id)
) STRICT, WITHOUT ROWID;

-- A file is attached to a message or to a note, never both.
ALTER TABLE files ADD COLUMN note_id INTEGER REFERENCES notes (id) ON DELETE CASCADE;
CREATE INDEX files_by_note ON files (note_id, id) WHERE note_id IS NOT NULL;

-- Saved replies: shared (no owner, admins manage them) or an agent's own.
-- Using one fills the reply and applies the changes it names.
CREATE TABLE macros (
    id                INTEGER PRIMARY KEY,
    title             TEXT NOT NULL,
    reply_text        TEXT NOT NULL DEFAULT '',
    owner_id          INTEGER REFERENCES users (id) ON DELETE CASCADE,
    status_id         INTEGER REFERENCES case_statuses (id) ON DELETE SET NULL,
    priority_id       INTEGER REFERENCES case_priorities (id) ON DELETE SET NULL,
    assigned_agent_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    assigned_team_id  INTEGER REFERENCES teams (id) ON DELETE SET NULL,
    usage_count       INTEGER NOT NULL DEFAULT 0,
    last_used_at      INTEGER,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
) STRICT;
CREATE INDEX macros_by_owner ON macros (owner_id, title);

-- An agent's notification feed. Mailed at most once, and only while unread
-- past the delay.
CREATE TABLE notifications (
    id              INTEGER PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    type            TEXT NOT NULL CHECK (type IN ('case_created', 'reply_on_case', 'case_assigned_to_agent',
                        'mentioned_in_conversation', 'case_rated')),
    conversation_id INTEGER REFERENCES conversations (id) ON DELETE CASCADE,
    actor_id        INTEGER REFERENCES users (id) ON DELETE SET NULL,
    summary         TEXT NOT NULL,
    read_at         INTEGER,
    mailed_at       INTEGER,
    created_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX notifications_by_user ON notifications (user_id, id);
CREATE INDEX notifications_to_mail ON notifications (created_at) WHERE read_at IS NULL AND mailed_at IS NULL;

-- What an agent wants to hear of, and where; absent rows take the defaults.
CREATE TABLE notification_preferences (
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    type            TEXT NOT NULL,
    channel_desktop INTEGER NOT NULL,
    channel_email   INTEGER NOT NULL,
    channel_mobile  INTEGER NOT NULL,
    PRIMARY KEY (user_id, type)
) STRICT, WITHOUT ROWID;

-- Search. Diacritics fold both ways (`cafe` finds `café`). Message, note,
-- user and organization text is indexed from its own table (external
-- content); a conversation's subject and its requester's name and email
-- are copied into `conversation_search`. Triggers keep every index in the
-- writing transaction, so what is acknowledged is findable.
CREATE VIRTUAL TABLE message_search USING fts5 (
    content_text, content = 'messages', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER message_search_insert AFTER INSERT ON messages BEGIN
    INSERT INTO message_search (rowid, content_text) VALUES (NEW.id, NEW.content_text);
END;
CREATE TRIGGER message_search_delete AFTER DELETE ON messages BEGIN
    INSERT INTO message_search (message_search, rowid, content_text) VALUES ('delete', OLD.id, OLD.content_text);
END;
CREATE TRIGGER message_search_update AFTER UPDATE OF content_text ON messages BEGIN
    INSERT INTO message_search (message_search, rowid, content_text) VALUES ('delete', OLD.id, OLD.content_text);
    INSERT INTO message_search (rowid, content_text) VALUES (NEW.id, NEW.content_text);
END;

CREATE VIRTUAL TABLE note_search USING fts5 (
    body_text, content = 'notes', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER note_search_insert AFTER INSERT ON notes BEGIN
    INSERT INTO note_search (rowid, body_text) VALUES (NEW.id, NEW.body_text);
END;
CREATE TRIGGER note_search_delete AFTER DELETE ON notes BEGIN
    INSERT INTO note_search (note_search, rowid, body_text) VALUES ('delete', OLD.id, OLD.body_text);
END;
CREATE TRIGGER note_search_update AFTER UPDATE OF body_text ON notes BEGIN
    INSERT INTO note_search (note_search, rowid, body_text) VALUES ('delete', OLD.id, OLD.body_text);
    INSERT INTO note_search (rowid, body_text) VALUES (NEW.id, NEW.body_text);
END;

CREATE VIRTUAL TABLE user_search USING fts5 (
    full_name, email, content = 'users', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER user_search_insert AFTER INSERT ON users BEGIN
    INSERT INTO user_search (rowid, full_name, email) VALUES (NEW.id, NEW.full_name, NEW.email);
END;
CREATE TRIGGER user_search_delete AFTER DELETE ON users BEGIN
    INSERT INTO user_search (user_search, rowid, full_name, email) VALUES ('delete', OLD.id, OLD.full_name, OLD.email);
END;
CREATE TRIGGER user_search_update AFTER UPDATE OF full_name, email ON users BEGIN
    INSERT INTO user_search (user_search, rowid, full_name, email) VALUES ('delete', OLD.id, OLD.full_name, OLD.email);
    INSERT INTO user_search (rowid, full_name, email) VALUES (NEW.id, NEW.full_name, NEW.email);
    DELETE FROM conversation_search WHERE rowid IN (SELECT id FROM conversations WHERE requester_id = NEW.id);
    INSERT INTO conversation_search (rowid, subject, requester_name, requester_email)
        SELECT c.id, c.subject, NEW.full_name, NEW.email FROM conversations c WHERE c.requester_id = NEW.id;
END;

CREATE VIRTUAL TABLE organization_search USING fts5 (
    name, content = 'organizations', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER organization_search_insert AFTER INSERT ON organizations BEGIN
    INSERT INTO organization_search (rowid, name) VALUES (NEW.id, NEW.name);
END;
CREATE TRIGGER organization_search_delete AFTER DELETE ON organizations BEGIN
    INSERT INTO organization_search (organization_search, rowid, name) VALUES ('delete', OLD.id, OLD.name);
END;
CREATE TRIGGER organization_search_update AFTER UPDATE OF name ON organizations BEGIN
    INSERT INTO organization_search (organization_search, rowid, name) VALUES ('delete', OLD.id, OLD.name);
    INSERT INTO organization_search (rowid, name) VALUES (NEW.id, NEW.name);
END;

CREATE VIRTUAL TABLE conversation_search USING fts5 (
    subject, requester_name, requester_email, tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER conversation_search_insert AFTER INSERT ON conversations BEGIN
    INSERT INTO conversation_search (rowid, subject, requester_name, requester_email)
        SELECT NEW.id, NEW.subject, u.full_name, u.email FROM users u WHERE u.id = NEW.requester_id;
END;
CREATE TRIGGER conversation_search_delete AFTER DELETE ON conversations BEGIN
    DELETE FROM conversation_search WHERE rowid = OLD.id;
END;
CREATE TRIGGER conversation_search_update AFTER UPDATE OF subject, requester_id ON conversations BEGIN
    DELETE FROM conversation_search WHERE rowid = OLD.id;
    INSERT INTO conversation_search (rowid, subject, requester_name, requester_email)
        SELECT NEW.id, NEW.subject, u.full_name, u.email FROM users u WHERE u.id = NEW.requester_id;
END;
