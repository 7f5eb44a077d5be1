-- Reference data every Parley instance starts with (DML only), applied once
-- right after schema.sql on a fresh database.

INSERT INTO roles (id, title, type, created_at, updated_at) VALUES
    (1, 'Administrator', 'ADMIN',        unixepoch('2015-12-28T08:52:45+05:00'), unixepoch('2015-12-28T08:52:45+05:00')),
    (2, 'Agent',         'AGENT',        unixepoch('2015-12-28T08:52:45+05:00'), unixepoch('2015-12-28T08:52:45+05:00')),
    (3, 'Collaborator',  'COLLABORATOR', unixepoch('2015-12-28T08:52:45+05:00'), unixepoch('2015-12-28T08:52:45+05:00')),
    (4, 'Customer',      'CUSTOMER',     unixepoch('2015-12-28T08:52:45+05:00'), unixepoch('2015-12-28T08:52:45+05:00')),
    (5, 'Owner',         'OWNER',        unixepoch('2015-12-28T08:52:45+05:00'), unixepoch('2015-12-28T08:52:45+05:00'));

INSERT INTO case_statuses (id, label, type, sort_order, created_at, updated_at) VALUES
    (1, 'New',       'NEW',       1, unixepoch('2015-12-28T08:52:45+05:00'), unixepoch('2015-12-28T08:52:45+05:00')),
    (2, 'Open',      'OPEN',      2, unixepoch('2015-12-28T08:52:45+05:00'), unixepoch('2015-12-28T08:52:45+05:00')),
    (3, 'Pending',   'PENDING',   3, unixepoch('2015-12-28T08:52:45+05:00'), unixepoch('2015-12-28T08:52:45+05:00')),
    (4, 'Completed', 'COMPLETED', 4, unixepoch('2015-12-28T08:52:45+05:00'), unixepoch('2015-12-28T08:52:45+05:00')),
    (5, 'Closed',    'CLOSED',    5, unixepoch('2015-12-28T08:52:45+05:00'), unixepoch('2015-12-28T08:52:45+05:00'));

INSERT INTO case_priorities (id, label, level, created_at, updated_at) VALUES
    (1, 'Low',    1, unixepoch('2015-12-28T08:52:45+05:00'), unixepoch('2015-12-28T08:52:45+05:00')),
    (2, 'Normal', 2, unixepoch('2015-12-28T08:52:45+05:00'), unixepoch('2015-12-28T08:52:45+05:00')),
    (3, 'High',   3, unixepoch('2015-12-28T08:52:45+05:00'), unixepoch('2015-12-28T08:52:45+05:00')),
    (4, 'Urgent', 4, unixepoch('2015-12-28T08:52:45+05:00'), unixepoch('2015-12-28T08:52:45+05:00'));

INSERT INTO case_types (id, label, type, created_at, updated_at) VALUES
    (1, 'Question', 'SYSTEM', unixepoch('2015-12-28T08:52:45+05:00'), unixepoch('2015-12-28T08:52:45+05:00')),
    (2, 'Task',     'SYSTEM', unixepoch('2015-12-28T08:52:45+05:00'), unixepoch('2015-12-28T08:52:45+05:00')),
    (3, 'Problem',  'SYSTEM', unixepoch('2015-12-28T08:52:45+05:00'), unixepoch('2015-12-28T08:52:45+05:00')),
    (4, 'Incident', 'SYSTEM', unixepoch('2015-12-28T08:52:45+05:00'), unixepoch('2015-12-28T08:52:45+05:00'));

-- What customers may see and change. Kayako hides these from customers by default.
INSERT INTO settings (key, value) VALUES
    ('customers_see_status',     'false'),
    ('customers_see_priority',   'false'),
    ('customers_see_type',       'false'),
    ('customers_edit_priority',  'false');
