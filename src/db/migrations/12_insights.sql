-- Insights: each conversation keeps the facts its reports need, written in
-- the transaction that makes them true, so a report reads one row per
-- conversation and never walks messages.
--
-- * first_response_at: the first answer from the support team, that is the
--   first message after the opening one written by staff who are neither the
--   requester nor in the requester's organization (notes are not messages).
-- * staff_replies: how many such answers the conversation has had.
-- * completed_at: the first move into a COMPLETED or CLOSED status; a
--   conversation reopened and completed again keeps its first.
ALTER TABLE conversations ADD COLUMN first_response_at INTEGER;
ALTER TABLE conversations ADD COLUMN staff_replies INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN completed_at INTEGER;

-- What is already there. A completion before this version left no trace of
-- its time but the conversation's last change, which stands in for it.
WITH answers AS (
    SELECT m.conversation_id AS id, COUNT(*) AS n, MIN(m.created_at) AS first
      FROM messages m
      JOIN conversations c ON c.id = m.conversation_id
      JOIN users a ON a.id = m.creator_id JOIN roles r ON r.id = a.role_id
      JOIN users q ON q.id = c.requester_id
     WHERE r.type <> 'CUSTOMER' AND m.creator_id <> c.requester_id
       AND (a.organization_id IS NULL OR q.organization_id IS NULL OR a.organization_id <> q.organization_id)
       AND m.id > (SELECT MIN(f.id) FROM messages f WHERE f.conversation_id = m.conversation_id)
     GROUP BY m.conversation_id)
UPDATE conversations SET staff_replies = answers.n, first_response_at = answers.first
  FROM answers WHERE answers.id = conversations.id;
UPDATE conversations SET completed_at = updated_at
 WHERE status_id IN (SELECT id FROM case_statuses WHERE type IN ('COMPLETED', 'CLOSED'));

-- A staff answer, wherever it comes from (the API, mail, an import).
CREATE TRIGGER messages_answered AFTER INSERT ON messages
WHEN EXISTS (SELECT 1 FROM users a JOIN roles r ON r.id = a.role_id WHERE a.id = NEW.creator_id AND r.type <> 'CUSTOMER')
BEGIN
    UPDATE conversations SET staff_replies = staff_replies + 1,
           first_response_at = COALESCE(first_response_at, NEW.created_at)
     WHERE id = NEW.conversation_id AND requester_id <> NEW.creator_id
       AND EXISTS (SELECT 1 FROM messages f WHERE f.conversation_id = NEW.conversation_id AND f.id < NEW.id)
       AND NOT EXISTS (SELECT 1 FROM users a, users q
                        WHERE a.id = NEW.creator_id AND q.id = conversations.requester_id
                          AND a.organization_id = q.organization_id);
END;

-- The first completion, whichever write changes the status.
CREATE TRIGGER conversations_completed AFTER UPDATE OF status_id ON conversations
WHEN NEW.completed_at IS NULL
 AND (SELECT type FROM case_statuses WHERE id = NEW.status_id) IN ('COMPLETED', 'CLOSED')
BEGIN
    UPDATE conversations SET completed_at = NEW.updated_at WHERE id = NEW.id;
END;

-- A conversation written as completed already (an import, the demo).
CREATE TRIGGER conversations_born_completed AFTER INSERT ON conversations
WHEN NEW.completed_at IS NULL
 AND (SELECT type FROM case_statuses WHERE id = NEW.status_id) IN ('COMPLETED', 'CLOSED')
BEGIN
    UPDATE conversations SET completed_at = NEW.updated_at WHERE id = NEW.id;
END;

-- A report walks conversations by the time they were completed, and ratings
-- by the time they were given; by agent or team, along their own indexes.
CREATE INDEX conversations_by_completed ON conversations (completed_at) WHERE completed_at IS NOT NULL;
CREATE INDEX conversations_by_agent_completed ON conversations (assigned_agent_id, completed_at)
    WHERE completed_at IS NOT NULL;
CREATE INDEX conversations_by_team_completed ON conversations (assigned_team_id, completed_at)
    WHERE completed_at IS NOT NULL;
CREATE INDEX ratings_by_created ON ratings (created_at);
