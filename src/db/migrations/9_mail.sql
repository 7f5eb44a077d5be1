-- The addresses Parley receives mail for and sends it from.
CREATE TABLE mailboxes (
    id          INTEGER PRIMARY KEY,
    uuid        TEXT NOT NULL UNIQUE,
    address     TEXT NOT NULL UNIQUE COLLATE NOCASE,
    is_enabled  INTEGER NOT NULL DEFAULT 1,
    is_default  INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX mailboxes_one_default ON mailboxes (is_default) WHERE is_default = 1;

-- A conversation's mail side: the token of its Reply-To address, the
-- mailbox it is answered from, and who else is copied.
CREATE TABLE conversation_mail (
    conversation_id INTEGER PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
    token           TEXT NOT NULL UNIQUE,
    mailbox_id      INTEGER REFERENCES mailboxes (id) ON DELETE SET NULL,
    cc              TEXT NOT NULL DEFAULT '[]'
) STRICT;

-- Every mail received, kept or not (Kayako's `mails`): what became of it.
CREATE TABLE mails (
    id              INTEGER PRIMARY KEY,
    mailbox_id      INTEGER REFERENCES mailboxes (id) ON DELETE SET NULL,
    message_id      TEXT NOT NULL UNIQUE,
    from_address    TEXT NOT NULL,
    from_name       TEXT,
    recipients      TEXT NOT NULL,
    subject         TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('PROCESSED', 'SUSPENDED', 'REJECTED')),
    suspension_code TEXT,
    reason          TEXT,
    size            INTEGER NOT NULL,
    door            TEXT NOT NULL CHECK (door IN ('SMTP', 'IMAP', 'PIPE')),
    conversation_id INTEGER REFERENCES conversations (id) ON DELETE SET NULL,
    post_id         INTEGER REFERENCES messages (id) ON DELETE SET NULL,
    created_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX mails_by_created ON mails (created_at DESC, id DESC);
CREATE INDEX mails_by_conversation ON mails (conversation_id, id);

-- Every Message-ID Parley received or sent, and the message it is.
CREATE TABLE mail_ids (
    message_id      TEXT PRIMARY KEY,
    post_id         INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    outbound        INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX mail_ids_by_post ON mail_ids (post_id);
CREATE INDEX mail_ids_by_conversation ON mail_ids (conversation_id, outbound);

-- A message that came or went by mail: its headers, the quoted history
-- taken out of its text, and for outgoing mail what became of it.
CREATE TABLE message_mail (
    post_id       INTEGER PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
    header_id     TEXT NOT NULL,
    from_address  TEXT NOT NULL,
    to_addresses  TEXT NOT NULL DEFAULT '[]',
    cc_addresses  TEXT NOT NULL DEFAULT '[]',
    quoted_text   TEXT,
    quoted_html   TEXT,
    automated     TEXT,
    delivery      TEXT CHECK (delivery IN ('QUEUED', 'SENT', 'BOUNCED', 'FAILED'))
) STRICT;

-- Mail to send, written in the transaction of the message that causes it.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('REPLY', 'OFFLINE')),
    post_ids        TEXT NOT NULL,
    recipients      TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('QUEUED', 'SENT', 'FAILED', 'BOUNCED', 'CANCELLED')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    due_at          INTEGER NOT NULL,
    last_error      TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX outbox_due ON outbox (due_at, id) WHERE state = 'QUEUED';
CREATE INDEX outbox_by_conversation ON outbox (conversation_id, kind, state);

-- Mail sent, by recipient: what the per-address caps count.
CREATE TABLE mail_sent (
    address         TEXT NOT NULL COLLATE NOCASE,
    conversation_id INTEGER NOT NULL,
    sent_at         INTEGER NOT NULL
) STRICT;
CREATE INDEX mail_sent_by_address ON mail_sent (address, sent_at);

-- How far IMAP polling got in each mailbox it reads: the folder's
-- UIDVALIDITY and the last UID taken.
CREATE TABLE imap_watermarks (
    account      TEXT PRIMARY KEY,
    uid_validity INTEGER NOT NULL,
    last_uid     INTEGER NOT NULL
) STRICT;
