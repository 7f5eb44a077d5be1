-- Parley demo data: the Brewfictus world of the Kayako API reference.
--
-- DML only. Loaded by `parley serve --demo` into an empty database, after
-- schema.sql and seed/base.sql, inside one transaction (src/db/migrate.rs).
--
-- * Conversation 1, message 1, rating 1, field 10, form 1 and user 1 are exactly
--   the examples of the API reference (fixed 2015 timestamps).
-- * Every other conversation is dated relative to the moment the demo is loaded
--   (unixepoch('now', ...)), so the demo always looks recent.
-- * The summary columns of each conversation (last replier, preview, status,
--   timestamps) agree with its messages, as the server itself would compute them.
-- * Every demo user's password is `brewfictus-demo` (argon2id PHC strings).

-- ===========================================================================
-- Settings: the demo lets customers see status, priority and type.
-- ===========================================================================
UPDATE settings SET value = 'true'
 WHERE key IN ('customers_see_status', 'customers_see_priority', 'customers_see_type');
UPDATE settings SET value = 'false' WHERE key = 'customers_edit_priority';
INSERT INTO settings (key, value) VALUES ('demo_loaded', 'true');

-- ===========================================================================
-- Organizations
-- ===========================================================================
INSERT INTO organizations (id, name, created_at, updated_at) VALUES
    (1, 'Atmosphere Coffee, Inc', unixepoch('2015-03-02T10:15:00+05:00'), unixepoch('2015-03-02T10:15:00+05:00')),
    (2, 'Northwind Beans',        unixepoch('2015-04-20T14:02:31+05:00'), unixepoch('2015-04-20T14:02:31+05:00')),
    (3, 'Brewfictus',             unixepoch('2015-01-05T09:00:00+05:00'), unixepoch('2015-01-05T09:00:00+05:00'));

-- ===========================================================================
-- Teams
-- ===========================================================================
INSERT INTO teams (id, legacy_id, title, created_at, updated_at) VALUES
    (1, NULL, 'Support',       unixepoch('2015-01-05T09:10:00+05:00'), unixepoch('2015-01-05T09:10:00+05:00')),
    (6, NULL, 'Field Service', unixepoch('2015-02-11T11:30:00+05:00'), unixepoch('2015-02-11T11:30:00+05:00'));

-- ===========================================================================
-- Users (password `brewfictus-demo` for everyone)
--   1 Simon Blackhouse  AGENT         Brewfictus, teams Support + Field Service
--   2 Caryn Pryor       CUSTOMER      Atmosphere Coffee, Inc
--   3 Mark Davis        CUSTOMER      Atmosphere Coffee, Inc
--   4 Dana Lee          CUSTOMER      Northwind Beans
--   5 Alex Rivera       ADMIN         Brewfictus, team Support
--   6 Jordan Kim        COLLABORATOR  Brewfictus
--   7 Morgan Reyes      OWNER         Brewfictus
-- ===========================================================================
INSERT INTO users (id, uuid, full_name, email, role_id, organization_id, password_hash, avatar_uuid,
                   presence_channel, is_enabled, last_activity_at, last_active_at, last_seen_at,
                   created_at, updated_at) VALUES
    (1, '11b60c25-c44c-47b8-9f48-56631cd7fa01', 'Simon Blackhouse', 'simon@brewfictus.com', 2, 3,
     '$argon2id$v=19$m=19456,t=2,p=1$VrFjtSKmOC0AAFT5qo0vtg$S1ghv7MtIoB0zsTV1ya+4pWI6V8dN0vPlWg9k+CFkMY',
     'a6d2cc92-85e7-5005-b962-955efa915d26',
     'user_presence-281f395f6f51d031a6d3db3489906c98285191ebac41bb744f9323f61af63433@5c98cdaa58dd91ff1119a476e8b3e305d2906d3b',
     1, unixepoch('2015-12-13T06:39:09+05:00'), unixepoch('2015-12-13T06:39:09+05:00'), unixepoch('2015-12-13T06:39:09+05:00'),
     unixepoch('2015-01-12T09:30:00+05:00'), unixepoch('2015-12-13T06:39:09+05:00')),
    (2, '1f9bdd29-3761-4b05-92e2-d18a743b882f', 'Caryn Pryor', 'caryn@atmospherecoffee.com', 4, 1,
     '$argon2id$v=19$m=19456,t=2,p=1$vajamgweGwhuFpzxoTdCow$WovP7KQbo+d+57EvRXzqVxueS2y/mJjm4aE1Ee2X9zs',
     '3cac6ee7-b22f-41bf-9df3-f055b9a2a055',
     'user_presence-486d3c9dcfc4f3df10c7b7def23053f220e6e82a6aac2b534764633e9801bed7@3a2570605ded1a32e33087e258c23110006f4689',
     1, unixepoch('2015-12-28T09:10:00+05:00'), unixepoch('2015-12-28T09:10:00+05:00'), unixepoch('2015-12-28T09:10:00+05:00'),
     unixepoch('2015-03-02T10:20:14+05:00'), unixepoch('2015-12-28T09:10:00+05:00')),
    (3, '4a051482-4aac-44ee-92c0-d2c42b977de4', 'Mark Davis', 'mark@atmospherecoffee.com', 4, 1,
     '$argon2id$v=19$m=19456,t=2,p=1$puHVPn7HG+cYhpDBwrPW4A$QNO2pKSR2Z1u7+TaMnJXXSUqMKXt2WpYCj2HY9wyEPM',
     '6ec3da39-c559-45cc-a94c-7a0711bf3a96',
     'user_presence-42a06d67d3f9a7d476bd383edd04ff5263a578520e5265b9d80a103a8b314d09@d9683222bd0e9c2a68e27d6a0fdaa7eda8530fb0',
     1, unixepoch('2015-12-21T18:02:37+05:00'), unixepoch('2015-12-21T18:02:37+05:00'), unixepoch('2015-12-21T18:02:37+05:00'),
     unixepoch('2015-03-09T16:45:52+05:00'), unixepoch('2015-12-21T18:02:37+05:00')),
    (4, 'e720ec44-177b-4df0-9b10-fac39745e855', 'Dana Lee', 'dana@northwindbeans.com', 4, 2,
     '$argon2id$v=19$m=19456,t=2,p=1$79vT15s4UfApJivJag6Ayg$2bcbLRR7ggKyy04wdKSMUfPofl97iuBeq7bRAusArpk',
     'acffae1a-0275-4b56-bfb7-b835684f0446',
     'user_presence-4572ea1425944500cd1f5657d1cd743a9dbafc11857a18e192da9bf6ead13b9c@2469311bacfa4bcc5dae4f55a0b86098449a5edc',
     1, unixepoch('2015-12-22T08:31:46+05:00'), unixepoch('2015-12-22T08:31:46+05:00'), unixepoch('2015-12-22T08:31:46+05:00'),
     unixepoch('2015-04-20T14:05:08+05:00'), unixepoch('2015-12-22T08:31:46+05:00')),
    (5, 'a9071b8b-d975-45d1-8506-fec1e1c472cf', 'Alex Rivera', 'alex@brewfictus.com', 1, 3,
     '$argon2id$v=19$m=19456,t=2,p=1$4E+7zG96Z6yzre6dFGTg2g$jCHdHfj2YuUig/R+Fd7+eiEVSm6RKh9TyHbYXJ5dm1c',
     'd1728317-99f4-4ecc-97fd-429e19f27363',
     'user_presence-fc783f1170d6b5e92bca49e37663d067cf489c9f4b23cfce9776fa999745f2cb@db998adbd66f5cac96392bd0792792cf567a6c40',
     1, unixepoch('2015-12-27T17:48:20+05:00'), unixepoch('2015-12-27T17:48:20+05:00'), unixepoch('2015-12-27T17:48:20+05:00'),
     unixepoch('2015-01-05T09:05:00+05:00'), unixepoch('2015-12-27T17:48:20+05:00')),
    (6, '4da31c0d-a249-4f7d-9526-6d5d12cc3e45', 'Jordan Kim', 'jordan@brewfictus.com', 3, 3,
     '$argon2id$v=19$m=19456,t=2,p=1$hYhjFaLyHnfpE8j9rIDLmA$IxPaR+0TctltgJwqYZ53t15LxbNzAAgFywhkHVvFMPc',
     '1a400a25-9268-45a3-8670-8bade3a86094',
     'user_presence-2520f7b787d6d5922a5b590632b03cb3e9f5e328e43457db214b3c9baf5b3f28@d1b49ee7d7949448eab3ccecad7f0694fd52164e',
     1, unixepoch('2015-12-18T15:22:11+05:00'), unixepoch('2015-12-18T15:22:11+05:00'), unixepoch('2015-12-18T15:22:11+05:00'),
     unixepoch('2015-06-15T10:00:00+05:00'), unixepoch('2015-12-18T15:22:11+05:00')),
    (7, 'e3efac9d-dce0-4694-aaa1-df2b99ed6831', 'Morgan Reyes', 'morgan@brewfictus.com', 5, 3,
     '$argon2id$v=19$m=19456,t=2,p=1$N9fvvEF1mTYhT/hS+rHDhA$Rn8kkPVW6qPHBqgp9QzNJVDiL4joTUAs9lref+dAAi0',
     '9ea82bbc-ae74-421d-b489-a0ec70b86e79',
     'user_presence-c1616ced7004e66c8ebf594c4c5687f82249b36f82196bc9d1c82395dba47919@09fcca1d6d965286ea1cee4b2516afb0cf6bfdf3',
     1, unixepoch('2015-12-23T12:05:43+05:00'), unixepoch('2015-12-23T12:05:43+05:00'), unixepoch('2015-12-23T12:05:43+05:00'),
     unixepoch('2015-01-05T09:00:00+05:00'), unixepoch('2015-12-23T12:05:43+05:00'));

INSERT INTO team_members (team_id, user_id) VALUES
    (1, 1),
    (6, 1),
    (1, 5);

-- ===========================================================================
-- Custom fields
--   10 reported_issues  NUMERIC   required (the reference's field 10; titles 1 and 2, no descriptions)
--   11 product          SELECT    options 1-3
--   12 under_warranty   YESNO
--   13 visit_date       DATE
--   14 serial_number    REGEX     ^[A-Z]{2}-[0-9]{4}$
--   15 internal_notes   TEXTAREA  agents only (hidden from customers, not editable by them)
--   16 contact_times    CHECKBOX  options 4-6
-- ===========================================================================
INSERT INTO conversation_fields (id, fielduuid, type, key, is_required, is_editable, is_system,
                                 is_visible_to_customers, regular_expression, sort_order, created_at, updated_at) VALUES
    (10, '7a9b2b25-b164-48a5-99c4-59eee826e285', 'NUMERIC',  'reported_issues', 1, 1, 0, 1, NULL,                   1, unixepoch('2015-12-28T08:52:45+05:00'), unixepoch('2015-12-28T08:52:45+05:00')),
    (11, '10e97f84-e73b-442d-b4c5-b060b641d5b9', 'SELECT',   'product',         0, 1, 0, 1, NULL,                   2, unixepoch('2015-12-28T09:05:00+05:00'), unixepoch('2015-12-28T09:05:00+05:00')),
    (12, 'd3d04fec-a799-4833-a37b-092c2b47f6f4', 'YESNO',    'under_warranty',  0, 1, 0, 1, NULL,                   3, unixepoch('2015-12-28T09:05:00+05:00'), unixepoch('2015-12-28T09:05:00+05:00')),
    (13, 'f4178688-61ed-4303-8b1c-748f8261ca8a', 'DATE',     'visit_date',      0, 1, 0, 1, NULL,                   4, unixepoch('2015-12-28T09:05:00+05:00'), unixepoch('2015-12-28T09:05:00+05:00')),
    (14, '007606b4-869f-4756-9c72-ba844ce80eb0', 'REGEX',    'serial_number',   0, 1, 0, 1, '^[A-Z]{2}-[0-9]{4}$', 5, unixepoch('2015-12-28T09:05:00+05:00'), unixepoch('2015-12-28T09:05:00+05:00')),
    (15, 'e78304ee-908a-458b-9099-270044ca3be2', 'TEXTAREA', 'internal_notes',  0, 0, 0, 0, NULL,                   6, unixepoch('2015-12-28T09:05:00+05:00'), unixepoch('2015-12-28T09:05:00+05:00')),
    (16, 'bc773fab-6c7f-4740-b467-56a9ec78b91a', 'CHECKBOX', 'contact_times',   0, 1, 0, 1, NULL,                   7, unixepoch('2015-12-28T09:05:00+05:00'), unixepoch('2015-12-28T09:05:00+05:00'));

INSERT INTO field_options (id, field_id, parent_id, sort_order, created_at, updated_at) VALUES
    (1, 11, NULL, 1, unixepoch('2015-12-28T09:05:00+05:00'), unixepoch('2015-12-28T09:05:00+05:00')),
    (2, 11, NULL, 2, unixepoch('2015-12-28T09:05:00+05:00'), unixepoch('2015-12-28T09:05:00+05:00')),
    (3, 11, NULL, 3, unixepoch('2015-12-28T09:05:00+05:00'), unixepoch('2015-12-28T09:05:00+05:00')),
    (4, 16, NULL, 1, unixepoch('2015-12-28T09:05:00+05:00'), unixepoch('2015-12-28T09:05:00+05:00')),
    (5, 16, NULL, 2, unixepoch('2015-12-28T09:05:00+05:00'), unixepoch('2015-12-28T09:05:00+05:00')),
    (6, 16, NULL, 3, unixepoch('2015-12-28T09:05:00+05:00'), unixepoch('2015-12-28T09:05:00+05:00'));

-- ===========================================================================
-- Forms
--   1 Maintenance job form (the reference's form 1: field 10 only)
--   2 Warranty claim (fields 11, 12, 14, 16)
-- ===========================================================================
INSERT INTO forms (id, title, description, sort_order, created_at, updated_at) VALUES
    (1, 'Maintenance job form', NULL,                                        1, unixepoch('2015-12-28T08:52:45+05:00'), unixepoch('2015-12-28T08:52:45+05:00')),
    (2, 'Warranty claim',       'Tell us about a fault covered by warranty', 2, unixepoch('2015-12-28T09:05:00+05:00'), unixepoch('2015-12-28T09:05:00+05:00'));

INSERT INTO form_fields (form_id, field_id, sort_order) VALUES
    (1, 10, 1),
    (2, 11, 1),
    (2, 12, 2),
    (2, 14, 3),
    (2, 16, 4);

-- ===========================================================================
-- Form 3, Service visit request: one field of each remaining type (TEXT,
-- TEXTAREA, DECIMAL, RADIO, CASCADINGSELECT, FILE), with the DATE field 13,
-- so that every field type has a place in the demo.
-- ===========================================================================
INSERT INTO conversation_fields (id, fielduuid, type, key, is_required, is_editable, is_system,
                                 is_visible_to_customers, regular_expression, sort_order, created_at, updated_at) VALUES
    (17, '5b3c2d8e-0a41-4f7e-9d2b-1c6e8f0a3b71', 'TEXT',            'order_number',   0, 1, 0, 1, NULL, 8,  unixepoch('2016-01-04T10:00:00+05:00'), unixepoch('2016-01-04T10:00:00+05:00')),
    (18, '9e1f4a6c-2b73-4d58-8a0e-3f5b7c9d1e24', 'TEXTAREA',        'symptoms',       1, 1, 0, 1, NULL, 9,  unixepoch('2016-01-04T10:00:00+05:00'), unixepoch('2016-01-04T10:00:00+05:00')),
    (19, 'c2a7e9d1-5f36-4b80-9e4c-7d1a3b5f8c62', 'DECIMAL',         'water_hardness', 0, 1, 0, 1, NULL, 10, unixepoch('2016-01-04T10:00:00+05:00'), unixepoch('2016-01-04T10:00:00+05:00')),
    (20, '4d8b1e7f-3a92-4c65-b0d3-9e2f6a8c1b57', 'RADIO',           'visit_window',   0, 1, 0, 1, NULL, 11, unixepoch('2016-01-04T10:00:00+05:00'), unixepoch('2016-01-04T10:00:00+05:00')),
    (21, 'e6f3a1c8-7d54-4b29-8f1e-2a9c5d7b3e80', 'CASCADINGSELECT', 'machine_model',  0, 1, 0, 1, NULL, 12, unixepoch('2016-01-04T10:00:00+05:00'), unixepoch('2016-01-04T10:00:00+05:00')),
    (22, '1a9d5c3e-8b27-4f64-a3e1-6c8b2d4f9a05', 'FILE',            'receipt',        0, 1, 0, 1, NULL, 13, unixepoch('2016-01-04T10:00:00+05:00'), unixepoch('2016-01-04T10:00:00+05:00'));

INSERT INTO field_options (id, field_id, parent_id, sort_order, created_at, updated_at) VALUES
    (7,  20, NULL, 1, unixepoch('2016-01-04T10:00:00+05:00'), unixepoch('2016-01-04T10:00:00+05:00')),
    (8,  20, NULL, 2, unixepoch('2016-01-04T10:00:00+05:00'), unixepoch('2016-01-04T10:00:00+05:00')),
    (9,  21, NULL, 1, unixepoch('2016-01-04T10:00:00+05:00'), unixepoch('2016-01-04T10:00:00+05:00')),
    (10, 21, NULL, 2, unixepoch('2016-01-04T10:00:00+05:00'), unixepoch('2016-01-04T10:00:00+05:00')),
    (11, 21, 9,    1, unixepoch('2016-01-04T10:00:00+05:00'), unixepoch('2016-01-04T10:00:00+05:00')),
    (12, 21, 9,    2, unixepoch('2016-01-04T10:00:00+05:00'), unixepoch('2016-01-04T10:00:00+05:00')),
    (13, 21, 10,   1, unixepoch('2016-01-04T10:00:00+05:00'), unixepoch('2016-01-04T10:00:00+05:00')),
    (14, 21, 10,   2, unixepoch('2016-01-04T10:00:00+05:00'), unixepoch('2016-01-04T10:00:00+05:00'));

INSERT INTO forms (id, title, description, sort_order, created_at, updated_at) VALUES
    (3, 'Service visit request', 'Book a technician', 3, unixepoch('2016-01-04T10:00:00+05:00'), unixepoch('2016-01-04T10:00:00+05:00'));

INSERT INTO form_fields (form_id, field_id, sort_order) VALUES
    (3, 17, 1),
    (3, 21, 2),
    (3, 18, 3),
    (3, 19, 4),
    (3, 13, 5),
    (3, 20, 6),
    (3, 22, 7);

-- ===========================================================================
-- Translations (locale_fields): field titles, option values, form titles
-- ===========================================================================
INSERT INTO locale_fields (id, field_id, form_id, option_id, kind, locale, translation, created_at, updated_at) VALUES
    -- field 10, exactly as the reference (titles 1 and 2, no descriptions)
    (1,  10,   NULL, NULL, 'title',       'en-us', 'Reported issues',    unixepoch('2015-12-28T08:52:45+05:00'), unixepoch('2015-12-28T08:52:45+05:00')),
    (2,  10,   NULL, NULL, 'title',       'de',    'Gemeldete Probleme', unixepoch('2015-12-28T08:52:45+05:00'), unixepoch('2015-12-28T08:52:45+05:00')),
    -- titles of fields 11-16
    (3,  11,   NULL, NULL, 'title',       'en-us', 'Product',            unixepoch('2015-12-28T09:05:00+05:00'), unixepoch('2015-12-28T09:05:00+05:00')),
    (4,  12,   NULL, NULL, 'title',       'en-us', 'Under warranty',     unixepoch('2015-12-28T09:05:00+05:00'), unixepoch('2015-12-28T09:05:00+05:00')),
    (5,  13,   NULL, NULL, 'title',       'en-us', 'Visit date',         unixepoch('2015-12-28T09:05:00+05:00'), unixepoch('2015-12-28T09:05:00+05:00')),
    (6,  14,   NULL, NULL, 'title',       'en-us', 'Serial number',      unixepoch('2015-12-28T09:05:00+05:00'), unixepoch('2015-12-28T09:05:00+05:00')),
    (7,  15,   NULL, NULL, 'title',       'en-us', 'Internal notes',     unixepoch('2015-12-28T09:05:00+05:00'), unixepoch('2015-12-28T09:05:00+05:00')),
    (8,  16,   NULL, NULL, 'title',       'en-us', 'Best time to call',  unixepoch('2015-12-28T09:05:00+05:00'), unixepoch('2015-12-28T09:05:00+05:00')),
    -- option values: product (11) and contact_times (16)
    (9,  NULL, NULL, 1,    'value',       'en-us', 'Espresso machine',   unixepoch('2015-12-28T09:05:00+05:00'), unixepoch('2015-12-28T09:05:00+05:00')),
    (10, NULL, NULL, 2,    'value',       'en-us', 'Grinder',            unixepoch('2015-12-28T09:05:00+05:00'), unixepoch('2015-12-28T09:05:00+05:00')),
    (11, NULL, NULL, 3,    'value',       'en-us', 'Cold brew tower',    unixepoch('2015-12-28T09:05:00+05:00'), unixepoch('2015-12-28T09:05:00+05:00')),
    (12, NULL, NULL, 4,    'value',       'en-us', 'Mornings',           unixepoch('2015-12-28T09:05:00+05:00'), unixepoch('2015-12-28T09:05:00+05:00')),
    (13, NULL, NULL, 5,    'value',       'en-us', 'Afternoons',         unixepoch('2015-12-28T09:05:00+05:00'), unixepoch('2015-12-28T09:05:00+05:00')),
    (14, NULL, NULL, 6,    'value',       'en-us', 'Evenings',           unixepoch('2015-12-28T09:05:00+05:00'), unixepoch('2015-12-28T09:05:00+05:00')),
    -- forms
    (15, NULL, 1,    NULL, 'title',       'en-us', 'Maintenance job form', unixepoch('2015-12-28T08:52:45+05:00'), unixepoch('2015-12-28T08:52:45+05:00')),
    (16, NULL, 2,    NULL, 'title',       'en-us', 'Warranty claim',       unixepoch('2015-12-28T09:05:00+05:00'), unixepoch('2015-12-28T09:05:00+05:00')),
    (17, NULL, 2,    NULL, 'description', 'en-us', 'Tell us about a fault covered by warranty', unixepoch('2015-12-28T09:05:00+05:00'), unixepoch('2015-12-28T09:05:00+05:00')),
    -- form 3 and its fields
    (18, NULL, 3,    NULL, 'title',       'en-us', 'Service visit request', unixepoch('2016-01-04T10:00:00+05:00'), unixepoch('2016-01-04T10:00:00+05:00')),
    (19, 17,   NULL, NULL, 'title',       'en-us', 'Order number',       unixepoch('2016-01-04T10:00:00+05:00'), unixepoch('2016-01-04T10:00:00+05:00')),
    (20, 18,   NULL, NULL, 'title',       'en-us', 'What is wrong?',     unixepoch('2016-01-04T10:00:00+05:00'), unixepoch('2016-01-04T10:00:00+05:00')),
    (21, 18,   NULL, NULL, 'description', 'en-us', 'Noises, leaks, error codes: everything helps', unixepoch('2016-01-04T10:00:00+05:00'), unixepoch('2016-01-04T10:00:00+05:00')),
    (22, 19,   NULL, NULL, 'title',       'en-us', 'Water hardness (°dH)', unixepoch('2016-01-04T10:00:00+05:00'), unixepoch('2016-01-04T10:00:00+05:00')),
    (23, 20,   NULL, NULL, 'title',       'en-us', 'Visit window',       unixepoch('2016-01-04T10:00:00+05:00'), unixepoch('2016-01-04T10:00:00+05:00')),
    (24, 21,   NULL, NULL, 'title',       'en-us', 'Machine model',      unixepoch('2016-01-04T10:00:00+05:00'), unixepoch('2016-01-04T10:00:00+05:00')),
    (25, 22,   NULL, NULL, 'title',       'en-us', 'Proof of purchase',  unixepoch('2016-01-04T10:00:00+05:00'), unixepoch('2016-01-04T10:00:00+05:00')),
    (26, NULL, NULL, 7,    'value',       'en-us', 'Morning',            unixepoch('2016-01-04T10:00:00+05:00'), unixepoch('2016-01-04T10:00:00+05:00')),
    (27, NULL, NULL, 8,    'value',       'en-us', 'Afternoon',          unixepoch('2016-01-04T10:00:00+05:00'), unixepoch('2016-01-04T10:00:00+05:00')),
    (28, NULL, NULL, 9,    'value',       'en-us', 'Espresso machines',  unixepoch('2016-01-04T10:00:00+05:00'), unixepoch('2016-01-04T10:00:00+05:00')),
    (29, NULL, NULL, 10,   'value',       'en-us', 'Grinders',           unixepoch('2016-01-04T10:00:00+05:00'), unixepoch('2016-01-04T10:00:00+05:00')),
    (30, NULL, NULL, 11,   'value',       'en-us', 'Barista Pro 2',      unixepoch('2016-01-04T10:00:00+05:00'), unixepoch('2016-01-04T10:00:00+05:00')),
    (31, NULL, NULL, 12,   'value',       'en-us', 'Barista Lite',       unixepoch('2016-01-04T10:00:00+05:00'), unixepoch('2016-01-04T10:00:00+05:00')),
    (32, NULL, NULL, 13,   'value',       'en-us', 'Flat Burr 64',       unixepoch('2016-01-04T10:00:00+05:00'), unixepoch('2016-01-04T10:00:00+05:00')),
    (33, NULL, NULL, 14,   'value',       'en-us', 'Conical 54',         unixepoch('2016-01-04T10:00:00+05:00'), unixepoch('2016-01-04T10:00:00+05:00'));

-- ===========================================================================
-- Conversation 1 - the reference's example, value for value.
--   Caryn Pryor (requester), opened by Simon; MAIL, New, High, Question;
--   Support / Simon; form 1 with reported_issues = 12; rated GOOD.
--   The reference's summary values (preview "Coffee machine annual
--   maintenance", SEEN, replied 2015-07-27, before the conversation existed)
--   contradict its own message 1, so the summary is derived from message 1,
--   as the server computes it for every conversation.
-- ===========================================================================
INSERT INTO conversations (id, uuid, legacy_id, subject, channel, requester_id, creator_id, last_replier_id,
                           last_agent_replier_id, assigned_team_id, assigned_agent_id, status_id, priority_id,
                           type_id, form_id, realtime_channel, last_message_status, last_message_preview,
                           last_replied_at, created_at, updated_at) VALUES
    (1, '3502b1bf-8a7f-5ac7-967e-e2f02d0fb056', NULL, 'Atmosphere Coffee, Inc annual maintenance', 'MAIL',
     2, 1, 1, 1, 1, 1, 1, 3, 1, 1,
     'presence-d6c6a8b31be92885222ee53dde6c99c745c5f4cf77f1bd9dd3519d07fa730c71@v1_cases_1',
     'SENT',
     'Dear Caryn,' || char(10) || char(10) || char(9, 9, 9, 9) || 'It is that fun time of the year again - annual maintenance time! Further to our phone conversation, .....',
     unixepoch('2015-12-28T08:52:45+05:00'), unixepoch('2015-12-28T08:52:45+05:00'), unixepoch('2015-12-28T08:52:45+05:00'));

INSERT INTO messages (id, uuid, conversation_id, client_id, subject, channel, content_text, content_html,
                      creator_id, source, metadata, message_status, message_status_reject_type,
                      message_status_reject_reason, message_status_updated_at, created_at, updated_at) VALUES
    (1, 'c96c7abe-2d75-4ab9-ad85-87cf1b609e93', 1, '93a236f0-edac-4b5a-8747-14140da7d4dc',
     'Atmosphere Coffee, Inc annual maintenance', 'MAIL',
     'Dear Caryn,' || char(10) || char(10) || char(9, 9, 9, 9) || 'It is that fun time of the year again - annual maintenance time! Further to our phone conversation, .....',
     'Dear Caryn,<br />' || char(10) || '<br />' || char(10) || char(9, 9, 9, 9) || 'It is that fun time of the year again - annual maintenance time! Further to our phone conversation, .....',
     1, 'MESSENGER', '{"user_agent":"Chrome","page_url":"https://brewfictus.kayako.com/pricing"}',
     'SENT', NULL, NULL, unixepoch('2016-11-08T18:44:27+00:00'),
     unixepoch('2015-12-28T08:52:45+05:00'), unixepoch('2015-12-28T08:52:45+05:00'));

INSERT INTO participants (conversation_id, user_id, created_at) VALUES
    (1, 1, unixepoch('2015-12-28T08:52:45+05:00')),
    (1, 2, unixepoch('2015-12-28T08:52:45+05:00'));

INSERT INTO field_values (conversation_id, field_id, value) VALUES
    (1, 10, '12');

INSERT INTO read_markers (id, conversation_id, user_id, last_read_post_id, last_read_at, created_at, updated_at) VALUES
    (1, 1, 2, 1, unixepoch('2015-12-28T09:10:00+05:00'), unixepoch('2015-12-28T09:10:00+05:00'), unixepoch('2015-12-28T09:10:00+05:00'));

INSERT INTO ratings (id, conversation_id, score, comment, creator_id, created_at, updated_at) VALUES
    (1, 1, 'GOOD', 'Excellent service!', 2, unixepoch('2015-07-28T06:15:24+05:00'), unixepoch('2015-07-28T06:15:24+05:00'));

-- ===========================================================================
-- Conversation 2 - Mark Davis: Espresso machine leaking from the group head
--   MAIL, Closed, High, Problem; Field Service / Simon; opened by the customer
--   messages 2-6; form 2, rated GOOD
-- ===========================================================================
INSERT INTO conversations (id, uuid, legacy_id, subject, channel, requester_id, creator_id, last_replier_id,
                           last_agent_replier_id, assigned_team_id, assigned_agent_id, status_id, priority_id,
                           type_id, form_id, realtime_channel, last_message_status, last_message_preview,
                           last_replied_at, created_at, updated_at) VALUES
    (2, '77481b61-d084-4d8d-a013-9b50e26cced0', NULL, 'Espresso machine leaking from the group head', 'MAIL',
     3, 3, 3, 1, 6, 1, 5, 3, 3, 2,
     'presence-eee1a615673f6e373872bd209b4775aac0830baecc79d99e6a35f42ee34fe98b@v1_cases_2',
     'DELIVERED', 'Confirmed, no more drips. Thanks for sorting this out so quickly!',
     unixepoch('now', '-58 days', '-5 hours', '-7 minutes'), unixepoch('now', '-60 days', '-7 hours', '-12 minutes'), unixepoch('now', '-58 days', '-5 hours', '-7 minutes'));

INSERT INTO messages (id, uuid, conversation_id, client_id, subject, channel, content_text, content_html,
                      creator_id, source, metadata, message_status, message_status_updated_at, created_at, updated_at) VALUES
    (2, '3d81d3a2-987e-4c18-8350-7ae1b8701d15', 2, NULL, 'Espresso machine leaking from the group head', 'MAIL',
     'Hi team,

Our espresso machine at the Bridge Rd cafe has started leaking water from the left group head whenever we lock in the portafilter. It drips onto the drip tray and down the front of the machine.

Can someone take a look? The machine is still under warranty.',
     'Hi team,<br />
<br />
Our espresso machine at the Bridge Rd cafe has started leaking water from the left group head whenever we lock in the portafilter. It drips onto the drip tray and down the front of the machine.<br />
<br />
Can someone take a look? The machine is still under warranty.',
     3, 'MAIL', '{}', 'SEEN', unixepoch('now', '-60 days', '-6 hours', '-42 minutes'),
     unixepoch('now', '-60 days', '-7 hours', '-12 minutes'), unixepoch('now', '-60 days', '-7 hours', '-12 minutes')),
    (3, '63dbcc1a-6745-41a9-8484-a31e968b9973', 2, NULL, 'Espresso machine leaking from the group head', 'MAIL',
     'Hi Mark,

Sorry to hear that. A leak around the group head is almost always a worn group gasket. Could you send me the serial number from the plate under the drip tray so I can check the warranty and bring the right parts?',
     'Hi Mark,<br />
<br />
Sorry to hear that. A leak around the group head is almost always a worn group gasket. Could you send me the serial number from the plate under the drip tray so I can check the warranty and bring the right parts?',
     1, 'AGENT', '{}', 'SEEN', unixepoch('now', '-60 days', '-5 hours', '-12 minutes'),
     unixepoch('now', '-60 days', '-5 hours', '-37 minutes'), unixepoch('now', '-60 days', '-5 hours', '-37 minutes')),
    (4, '0ac3c235-31d3-45ed-8a6f-6b387d937691', 2, NULL, 'Espresso machine leaking from the group head', 'MAIL',
     'Thanks Simon, the serial number is AC-2041. Mornings or afternoons both work for a visit.',
     'Thanks Simon, the serial number is AC-2041. Mornings or afternoons both work for a visit.',
     3, 'MAIL', '{}', 'SEEN', unixepoch('now', '-60 days', '-4 hours', '-17 minutes'),
     unixepoch('now', '-60 days', '-4 hours', '-47 minutes'), unixepoch('now', '-60 days', '-4 hours', '-47 minutes')),
    (5, 'a0c4626d-f09a-4f86-b191-8bfda310e975', 2, NULL, 'Espresso machine leaking from the group head', 'MAIL',
     'Hi Mark,

Our technician replaced both group gaskets and the shower screens this morning. Everything was covered by the warranty. Please let us know if you see any more drips.',
     'Hi Mark,<br />
<br />
Our technician replaced both group gaskets and the shower screens this morning. Everything was covered by the warranty. Please let us know if you see any more drips.',
     1, 'AGENT', '{}', 'SEEN', unixepoch('now', '-58 days', '-8 hours', '-17 minutes'),
     unixepoch('now', '-58 days', '-8 hours', '-47 minutes'), unixepoch('now', '-58 days', '-8 hours', '-47 minutes')),
    (6, '3f7661e7-ed8e-4196-bfa2-d4877dca8a9c', 2, NULL, 'Espresso machine leaking from the group head', 'MAIL',
     'Confirmed, no more drips. Thanks for sorting this out so quickly!',
     'Confirmed, no more drips. Thanks for sorting this out so quickly!',
     3, 'MAIL', '{}', 'DELIVERED', unixepoch('now', '-58 days', '-5 hours', '-6 minutes'),
     unixepoch('now', '-58 days', '-5 hours', '-7 minutes'), unixepoch('now', '-58 days', '-5 hours', '-7 minutes'));

INSERT INTO participants (conversation_id, user_id, created_at) VALUES
    (2, 3, unixepoch('now', '-60 days', '-7 hours', '-12 minutes')),
    (2, 1, unixepoch('now', '-60 days', '-5 hours', '-37 minutes'));

INSERT INTO field_values (conversation_id, field_id, value) VALUES
    (2, 11, '1'),
    (2, 12, 'true'),
    (2, 14, 'AC-2041'),
    (2, 16, '4,5');

INSERT INTO read_markers (id, conversation_id, user_id, last_read_post_id, last_read_at, created_at, updated_at) VALUES
    (2, 2, 3, 6, unixepoch('now', '-58 days', '-5 hours', '-7 minutes'), unixepoch('now', '-60 days', '-7 hours', '-12 minutes'), unixepoch('now', '-58 days', '-5 hours', '-7 minutes')),
    (3, 2, 1, 5, unixepoch('now', '-58 days', '-8 hours', '-47 minutes'), unixepoch('now', '-60 days', '-7 hours', '-12 minutes'), unixepoch('now', '-58 days', '-8 hours', '-47 minutes'));

INSERT INTO ratings (id, conversation_id, score, comment, creator_id, created_at, updated_at) VALUES
    (2, 2, 'GOOD', 'Quick fix, and Simon kept us posted the whole way.', 3, unixepoch('now', '-58 days', '-4 hours', '-32 minutes'), unixepoch('now', '-58 days', '-4 hours', '-32 minutes'));

-- ===========================================================================
-- Conversation 3 - Dana Lee: Grinder calibration drifting during service
--   MESSENGER, Completed, Normal, Problem; Support / Alex; opened by the customer
--   messages 7-11; rated GOOD
-- ===========================================================================
INSERT INTO conversations (id, uuid, legacy_id, subject, channel, requester_id, creator_id, last_replier_id,
                           last_agent_replier_id, assigned_team_id, assigned_agent_id, status_id, priority_id,
                           type_id, form_id, realtime_channel, last_message_status, last_message_preview,
                           last_replied_at, created_at, updated_at) VALUES
    (3, 'e762853c-ca01-472e-b96c-3326406858f5', NULL, 'Grinder calibration drifting during service', 'MESSENGER',
     4, 4, 4, 5, 1, 5, 4, 2, 3, NULL,
     'presence-e256ff3fffda4bd8e13d6a038a1a4454ebdf3c077abb93928fd212368a93da7b@v1_cases_3',
     'SENT', 'New parts are in and we dialled back to 2.5. It has held all day. Thank you!',
     unixepoch('now', '-53 days', '-17 hours', '-35 minutes'), unixepoch('now', '-56 days', '-2 hours', '-5 minutes'), unixepoch('now', '-53 days', '-17 hours', '-35 minutes'));

INSERT INTO messages (id, uuid, conversation_id, client_id, subject, channel, content_text, content_html,
                      creator_id, source, metadata, message_status, message_status_updated_at, created_at, updated_at) VALUES
    (7, 'dbe6ff18-30db-44ba-b34c-065d46cb3811', 3, '3b175dc3-3665-4fdb-ba03-1449512a38df', 'Grinder calibration drifting during service', 'MESSENGER',
     'Our grinder keeps drifting coarser during the lunch rush. We dial in at 2.5 in the morning and by 1pm shots are running 10 seconds faster.',
     'Our grinder keeps drifting coarser during the lunch rush. We dial in at 2.5 in the morning and by 1pm shots are running 10 seconds faster.',
     4, 'MESSENGER', '{"user_agent":"Edge","page_url":"https://brewfictus.kayako.com/"}', 'SEEN', unixepoch('now', '-56 days', '-1 hours', '-53 minutes'),
     unixepoch('now', '-56 days', '-2 hours', '-5 minutes'), unixepoch('now', '-56 days', '-2 hours', '-5 minutes')),
    (8, '2ff67f1d-8b3c-4934-a2c8-a1a8076763e0', 3, NULL, 'Grinder calibration drifting during service', 'MESSENGER',
     'Hi Dana, that usually means the burr carrier is warming up and moving. Can you check that the upper burr screws are tight and that the adjustment collar isn''t slipping?',
     'Hi Dana, that usually means the burr carrier is warming up and moving. Can you check that the upper burr screws are tight and that the adjustment collar isn&#39;t slipping?',
     5, 'AGENT', '{}', 'SEEN', unixepoch('now', '-56 days', '-1 hours', '-10 minutes'),
     unixepoch('now', '-56 days', '-1 hours', '-40 minutes'), unixepoch('now', '-56 days', '-1 hours', '-40 minutes')),
    (9, 'd9eb42c2-56d3-41e7-9054-016817cc6217', 3, '83a59cdb-932a-4637-9028-23c0d06a6e79', 'Grinder calibration drifting during service', 'MESSENGER',
     'Checked both. The screws were fine but the collar turns with very little force.',
     'Checked both. The screws were fine but the collar turns with very little force.',
     4, 'MESSENGER', '{"user_agent":"Chrome","page_url":"https://brewfictus.kayako.com/pricing"}', 'SEEN', unixepoch('now', '-55 days', '-21 hours', '-3 minutes'),
     unixepoch('now', '-55 days', '-21 hours', '-30 minutes'), unixepoch('now', '-55 days', '-21 hours', '-30 minutes')),
    (10, 'dbdd0f69-23b4-4b42-866a-88054283ce66', 3, NULL, 'Grinder calibration drifting during service', 'MESSENGER',
     'Thanks, that confirms it. I''ve shipped a new burr carrier and collar spring by express, they should reach you tomorrow. Fitting instructions are in the box.',
     'Thanks, that confirms it. I&#39;ve shipped a new burr carrier and collar spring by express, they should reach you tomorrow. Fitting instructions are in the box.',
     5, 'AGENT', '{}', 'SEEN', unixepoch('now', '-55 days', '-20 hours', '-5 minutes'),
     unixepoch('now', '-55 days', '-20 hours', '-35 minutes'), unixepoch('now', '-55 days', '-20 hours', '-35 minutes')),
    (11, '6205e7fa-a495-4b8d-a66a-cb331274b5e9', 3, '686004b8-6917-4927-b86c-6593b17b2cee', 'Grinder calibration drifting during service', 'MESSENGER',
     'New parts are in and we dialled back to 2.5. It has held all day. Thank you!',
     'New parts are in and we dialled back to 2.5. It has held all day. Thank you!',
     4, 'MESSENGER', '{"user_agent":"Edge","page_url":"https://brewfictus.kayako.com/support"}', 'SENT', unixepoch('now', '-53 days', '-17 hours', '-35 minutes'),
     unixepoch('now', '-53 days', '-17 hours', '-35 minutes'), unixepoch('now', '-53 days', '-17 hours', '-35 minutes'));

INSERT INTO participants (conversation_id, user_id, created_at) VALUES
    (3, 4, unixepoch('now', '-56 days', '-2 hours', '-5 minutes')),
    (3, 5, unixepoch('now', '-56 days', '-1 hours', '-40 minutes'));

INSERT INTO field_values (conversation_id, field_id, value) VALUES
    (3, 11, '2');

INSERT INTO read_markers (id, conversation_id, user_id, last_read_post_id, last_read_at, created_at, updated_at) VALUES
    (4, 3, 4, 11, unixepoch('now', '-53 days', '-17 hours', '-35 minutes'), unixepoch('now', '-56 days', '-2 hours', '-5 minutes'), unixepoch('now', '-53 days', '-17 hours', '-35 minutes'));

INSERT INTO ratings (id, conversation_id, score, comment, creator_id, created_at, updated_at) VALUES
    (3, 3, 'GOOD', 'Alex knew exactly what was wrong.', 4, unixepoch('now', '-53 days', '-17 hours'), unixepoch('now', '-53 days', '-17 hours'));

-- ===========================================================================
-- Conversation 4 - Caryn Pryor: Invoice INV-2291 shows the wrong VAT rate
--   MAIL, Closed, Normal, Question; Support / Alex; opened by the customer
--   messages 12-15; rated BAD
-- ===========================================================================
INSERT INTO conversations (id, uuid, legacy_id, subject, channel, requester_id, creator_id, last_replier_id,
                           last_agent_replier_id, assigned_team_id, assigned_agent_id, status_id, priority_id,
                           type_id, form_id, realtime_channel, last_message_status, last_message_preview,
                           last_replied_at, created_at, updated_at) VALUES
    (4, '40d997bb-ed36-4654-a8f7-f5e80bd198ba', NULL, 'Invoice INV-2291 shows the wrong VAT rate', 'MAIL',
     2, 2, 2, 5, 1, 5, 5, 2, 1, NULL,
     'presence-6fa6b7b6d51dd81aa97ed6d4cf184b524b25d5add96a5e5328b71f318a9b3566@v1_cases_4',
     'DELIVERED', 'Received the credit note and the corrected invoice, thank you.',
     unixepoch('now', '-46 days', '-3 hours', '-24 minutes'), unixepoch('now', '-52 days', '-9 hours', '-44 minutes'), unixepoch('now', '-46 days', '-3 hours', '-24 minutes'));

INSERT INTO messages (id, uuid, conversation_id, client_id, subject, channel, content_text, content_html,
                      creator_id, source, metadata, message_status, message_status_updated_at, created_at, updated_at) VALUES
    (12, '09883bb0-82f5-4f9d-9b79-c8100e3c4b89', 4, NULL, 'Invoice INV-2291 shows the wrong VAT rate', 'MAIL',
     'Hello,

Invoice INV-2291 for the March maintenance visit charges VAT at 20% but the service contract is zero-rated. Could you send a corrected invoice?

Thanks,
Caryn',
     'Hello,<br />
<br />
Invoice INV-2291 for the March maintenance visit charges VAT at 20% but the service contract is zero-rated. Could you send a corrected invoice?<br />
<br />
Thanks,<br />
Caryn',
     2, 'MAIL', '{}', 'SEEN', unixepoch('now', '-52 days', '-9 hours', '-14 minutes'),
     unixepoch('now', '-52 days', '-9 hours', '-44 minutes'), unixepoch('now', '-52 days', '-9 hours', '-44 minutes')),
    (13, '5775593f-90e4-4657-8fc8-a9b6250ca868', 4, NULL, 'Invoice INV-2291 shows the wrong VAT rate', 'MAIL',
     'Hi again, any update on this? Our accountant needs the corrected invoice before the end of the month.',
     'Hi again, any update on this? Our accountant needs the corrected invoice before the end of the month.',
     2, 'MAIL', '{}', 'SEEN', unixepoch('now', '-46 days', '-7 hours', '-14 minutes'),
     unixepoch('now', '-46 days', '-7 hours', '-44 minutes'), unixepoch('now', '-46 days', '-7 hours', '-44 minutes')),
    (14, '370fdc9c-acf0-4845-857d-510dd12d834f', 4, NULL, 'Invoice INV-2291 shows the wrong VAT rate', 'MAIL',
     'Hi Caryn,

Apologies for the slow reply. I''ve issued credit note CN-0418 for the VAT and a corrected invoice INV-2291-A; both are attached to this email.',
     'Hi Caryn,<br />
<br />
Apologies for the slow reply. I&#39;ve issued credit note CN-0418 for the VAT and a corrected invoice INV-2291-A; both are attached to this email.',
     5, 'AGENT', '{}', 'SEEN', unixepoch('now', '-46 days', '-3 hours', '-59 minutes'),
     unixepoch('now', '-46 days', '-4 hours', '-29 minutes'), unixepoch('now', '-46 days', '-4 hours', '-29 minutes')),
    (15, 'faebd4b9-9e0c-4f04-99f8-ab8d73d9048b', 4, NULL, 'Invoice INV-2291 shows the wrong VAT rate', 'MAIL',
     'Received the credit note and the corrected invoice, thank you.',
     'Received the credit note and the corrected invoice, thank you.',
     2, 'MAIL', '{}', 'DELIVERED', unixepoch('now', '-46 days', '-3 hours', '-23 minutes'),
     unixepoch('now', '-46 days', '-3 hours', '-24 minutes'), unixepoch('now', '-46 days', '-3 hours', '-24 minutes'));

INSERT INTO participants (conversation_id, user_id, created_at) VALUES
    (4, 2, unixepoch('now', '-52 days', '-9 hours', '-44 minutes')),
    (4, 5, unixepoch('now', '-46 days', '-4 hours', '-29 minutes'));

INSERT INTO read_markers (id, conversation_id, user_id, last_read_post_id, last_read_at, created_at, updated_at) VALUES
    (5, 4, 2, 15, unixepoch('now', '-46 days', '-3 hours', '-24 minutes'), unixepoch('now', '-52 days', '-9 hours', '-44 minutes'), unixepoch('now', '-46 days', '-3 hours', '-24 minutes'));

INSERT INTO ratings (id, conversation_id, score, comment, creator_id, created_at, updated_at) VALUES
    (4, 4, 'BAD', 'Took over a week to fix a simple VAT error.', 2, unixepoch('now', '-46 days', '-2 hours', '-49 minutes'), unixepoch('now', '-46 days', '-2 hours', '-49 minutes'));

-- ===========================================================================
-- Conversation 5 - Dana Lee: Portafilter baskets: wrong size delivered
--   MAIL, Closed, Normal, Incident; Support / Alex; opened by the customer
--   messages 16-18; rated GOOD
-- ===========================================================================
INSERT INTO conversations (id, uuid, legacy_id, subject, channel, requester_id, creator_id, last_replier_id,
                           last_agent_replier_id, assigned_team_id, assigned_agent_id, status_id, priority_id,
                           type_id, form_id, realtime_channel, last_message_status, last_message_preview,
                           last_replied_at, created_at, updated_at) VALUES
    (5, 'e94c69a6-7c2a-4837-a7e6-4b2956acf17b', NULL, 'Portafilter baskets: wrong size delivered', 'MAIL',
     4, 4, 4, 5, 1, 5, 5, 2, 4, NULL,
     'presence-2b60cefec536e68bdee4c299ee958577b2a076262dbe7a5e371097b3415943a7@v1_cases_5',
     'SENT', 'Got them this morning, all good. Thanks Alex.',
     unixepoch('now', '-45 days', '-22 hours', '-50 minutes'), unixepoch('now', '-47 days', '-1 hours', '-30 minutes'), unixepoch('now', '-45 days', '-22 hours', '-50 minutes'));

INSERT INTO messages (id, uuid, conversation_id, client_id, subject, channel, content_text, content_html,
                      creator_id, source, metadata, message_status, message_status_updated_at, created_at, updated_at) VALUES
    (16, '5239f48b-b5da-4764-8d38-3036c0377ddf', 5, NULL, 'Portafilter baskets: wrong size delivered', 'MAIL',
     'Hi,

We ordered six 18g precision baskets but the box contains 14g baskets. We need the 18g ones for our house blend recipe.',
     'Hi,<br />
<br />
We ordered six 18g precision baskets but the box contains 14g baskets. We need the 18g ones for our house blend recipe.',
     4, 'MAIL', '{}', 'SEEN', unixepoch('now', '-47 days', '-1 hours', '-10 minutes'),
     unixepoch('now', '-47 days', '-1 hours', '-30 minutes'), unixepoch('now', '-47 days', '-1 hours', '-30 minutes')),
    (17, 'eb4822a9-11e6-4db2-b593-6c0490085c8a', 5, NULL, 'Portafilter baskets: wrong size delivered', 'MAIL',
     'Hi Dana,

Sorry about that, the packing label was wrong. Six 18g baskets are on their way by courier today. Please keep the 14g ones, no need to send them back.',
     'Hi Dana,<br />
<br />
Sorry about that, the packing label was wrong. Six 18g baskets are on their way by courier today. Please keep the 14g ones, no need to send them back.',
     5, 'AGENT', '{}', 'SEEN', unixepoch('now', '-47 days', '-20 minutes'),
     unixepoch('now', '-47 days', '-50 minutes'), unixepoch('now', '-47 days', '-50 minutes')),
    (18, '5b96ad53-4d93-411b-b533-9d912a8819bc', 5, NULL, 'Portafilter baskets: wrong size delivered', 'MAIL',
     'Got them this morning, all good. Thanks Alex.',
     'Got them this morning, all good. Thanks Alex.',
     4, 'MAIL', '{}', 'SENT', unixepoch('now', '-45 days', '-22 hours', '-50 minutes'),
     unixepoch('now', '-45 days', '-22 hours', '-50 minutes'), unixepoch('now', '-45 days', '-22 hours', '-50 minutes'));

INSERT INTO participants (conversation_id, user_id, created_at) VALUES
    (5, 4, unixepoch('now', '-47 days', '-1 hours', '-30 minutes')),
    (5, 5, unixepoch('now', '-47 days', '-50 minutes'));

INSERT INTO read_markers (id, conversation_id, user_id, last_read_post_id, last_read_at, created_at, updated_at) VALUES
    (6, 5, 4, 18, unixepoch('now', '-45 days', '-22 hours', '-50 minutes'), unixepoch('now', '-47 days', '-1 hours', '-30 minutes'), unixepoch('now', '-45 days', '-22 hours', '-50 minutes'));

INSERT INTO ratings (id, conversation_id, score, comment, creator_id, created_at, updated_at) VALUES
    (5, 5, 'GOOD', 'Sorted within a day.', 4, unixepoch('now', '-45 days', '-22 hours', '-15 minutes'), unixepoch('now', '-45 days', '-22 hours', '-15 minutes'));

-- ===========================================================================
-- Conversation 6 - Mark Davis: Does the maintenance contract renewal cover grinder burrs?
--   HELPCENTER, Completed, Low, Question; Support / Alex; opened by the customer
--   messages 19-23; rated GOOD
-- ===========================================================================
INSERT INTO conversations (id, uuid, legacy_id, subject, channel, requester_id, creator_id, last_replier_id,
                           last_agent_replier_id, assigned_team_id, assigned_agent_id, status_id, priority_id,
                           type_id, form_id, realtime_channel, last_message_status, last_message_preview,
                           last_replied_at, created_at, updated_at) VALUES
    (6, '955c58a4-a1d8-48dd-a78a-ea4ff82d7a62', NULL, 'Does the maintenance contract renewal cover grinder burrs?', 'HELPCENTER',
     3, 3, 3, 5, 1, 5, 4, 1, 1, NULL,
     'presence-8c5a5f2381045d6734e2e0ed484d326b70871b92e6ce81218878bdee78bb6a55@v1_cases_6',
     'DELIVERED', 'Thanks, we''ve approved the quote.',
     unixepoch('now', '-41 days', '-23 hours', '-48 minutes'), unixepoch('now', '-43 days', '-5 hours', '-18 minutes'), unixepoch('now', '-41 days', '-23 hours', '-48 minutes'));

INSERT INTO messages (id, uuid, conversation_id, client_id, subject, channel, content_text, content_html,
                      creator_id, source, metadata, message_status, message_status_updated_at, created_at, updated_at) VALUES
    (19, 'fabb7a8c-fe11-411e-a8d6-b94ea59d530d', 6, NULL, 'Does the maintenance contract renewal cover grinder burrs?', 'HELPCENTER',
     'Our maintenance contract is up for renewal next month. Does the renewal include replacement grinder burrs, or are they billed separately?',
     'Our maintenance contract is up for renewal next month. Does the renewal include replacement grinder burrs, or are they billed separately?',
     3, 'HELPCENTER', '{"user_agent":"Safari","page_url":"https://brewfictus.kayako.com/help"}', 'SEEN', unixepoch('now', '-43 days', '-4 hours', '-48 minutes'),
     unixepoch('now', '-43 days', '-5 hours', '-18 minutes'), unixepoch('now', '-43 days', '-5 hours', '-18 minutes')),
    (20, '00800de2-7fd9-4287-ac0e-088a8e32b2c7', 6, NULL, 'Does the maintenance contract renewal cover grinder burrs?', 'HELPCENTER',
     'Hi Mark,

Burrs are consumables, so they''re not included, but contract customers get 20% off burr sets and fitting is free during the annual visit.',
     'Hi Mark,<br />
<br />
Burrs are consumables, so they&#39;re not included, but contract customers get 20% off burr sets and fitting is free during the annual visit.',
     5, 'AGENT', '{}', 'SEEN', unixepoch('now', '-43 days', '-2 hours', '-38 minutes'),
     unixepoch('now', '-43 days', '-3 hours', '-8 minutes'), unixepoch('now', '-43 days', '-3 hours', '-8 minutes')),
    (21, '2fb3591d-d22d-483b-80c7-e337c2306bce', 6, NULL, 'Does the maintenance contract renewal cover grinder burrs?', 'HELPCENTER',
     'Hi Alex, I manage the contract on our side. Could you send the renewal quote to me as well as Mark?',
     'Hi Alex, I manage the contract on our side. Could you send the renewal quote to me as well as Mark?',
     2, 'HELPCENTER', '{"user_agent":"Safari","page_url":"https://brewfictus.kayako.com/help"}', 'SEEN', unixepoch('now', '-43 days', '-1 hours', '-6 minutes'),
     unixepoch('now', '-43 days', '-1 hours', '-23 minutes'), unixepoch('now', '-43 days', '-1 hours', '-23 minutes')),
    (22, 'a414ff26-e8b1-40b2-9fc5-9f267d1b47ea', 6, NULL, 'Does the maintenance contract renewal cover grinder burrs?', 'HELPCENTER',
     'Of course, Caryn. The quote for the renewal plus two burr sets is on its way to you both.',
     'Of course, Caryn. The quote for the renewal plus two burr sets is on its way to you both.',
     5, 'AGENT', '{}', 'SEEN', unixepoch('now', '-43 days', '-18 minutes'),
     unixepoch('now', '-43 days', '-48 minutes'), unixepoch('now', '-43 days', '-48 minutes')),
    (23, '3ba3307e-e5db-4f3d-8e49-3640d173c3f4', 6, NULL, 'Does the maintenance contract renewal cover grinder burrs?', 'HELPCENTER',
     'Thanks, we''ve approved the quote.',
     'Thanks, we&#39;ve approved the quote.',
     3, 'HELPCENTER', '{"user_agent":"Safari","page_url":"https://brewfictus.kayako.com/help/maintenance"}', 'DELIVERED', unixepoch('now', '-41 days', '-23 hours', '-47 minutes'),
     unixepoch('now', '-41 days', '-23 hours', '-48 minutes'), unixepoch('now', '-41 days', '-23 hours', '-48 minutes'));

INSERT INTO participants (conversation_id, user_id, created_at) VALUES
    (6, 3, unixepoch('now', '-43 days', '-5 hours', '-18 minutes')),
    (6, 5, unixepoch('now', '-43 days', '-3 hours', '-8 minutes')),
    (6, 2, unixepoch('now', '-43 days', '-1 hours', '-23 minutes'));

INSERT INTO read_markers (id, conversation_id, user_id, last_read_post_id, last_read_at, created_at, updated_at) VALUES
    (7, 6, 3, 23, unixepoch('now', '-41 days', '-23 hours', '-48 minutes'), unixepoch('now', '-43 days', '-5 hours', '-18 minutes'), unixepoch('now', '-41 days', '-23 hours', '-48 minutes')),
    (8, 6, 5, 22, unixepoch('now', '-43 days', '-48 minutes'), unixepoch('now', '-43 days', '-5 hours', '-18 minutes'), unixepoch('now', '-43 days', '-48 minutes'));

INSERT INTO ratings (id, conversation_id, score, comment, creator_id, created_at, updated_at) VALUES
    (6, 6, 'GOOD', NULL, 3, unixepoch('now', '-41 days', '-23 hours', '-13 minutes'), unixepoch('now', '-41 days', '-23 hours', '-13 minutes'));

-- ===========================================================================
-- Conversation 7 - Dana Lee: Cold brew tower installation at the Harbour St store
--   HELPCENTER, Completed, Normal, Task; Field Service / Simon; opened by the customer
--   messages 24-28
-- ===========================================================================
INSERT INTO conversations (id, uuid, legacy_id, subject, channel, requester_id, creator_id, last_replier_id,
                           last_agent_replier_id, assigned_team_id, assigned_agent_id, status_id, priority_id,
                           type_id, form_id, realtime_channel, last_message_status, last_message_preview,
                           last_replied_at, created_at, updated_at) VALUES
    (7, '8be2f0e8-5410-451e-b815-a75d3ac3f3ce', NULL, 'Cold brew tower installation at the Harbour St store', 'HELPCENTER',
     4, 4, 1, 1, 6, 1, 4, 2, 2, NULL,
     'presence-2f518522b7407215756ef855d127fb07949c25ea67014645ed92b315bc476f13@v1_cases_7',
     'DELIVERED', 'Hi Dana,

The tower is installed and tested, and the team had a quick walkthrough of the cleaning routine. Flush the lines weekly with the cleaner we left on site.',
     unixepoch('now', '-32 days', '-16 hours', '-22 minutes'), unixepoch('now', '-38 days', '-3 hours', '-2 minutes'), unixepoch('now', '-32 days', '-16 hours', '-22 minutes'));

INSERT INTO messages (id, uuid, conversation_id, client_id, subject, channel, content_text, content_html,
                      creator_id, source, metadata, message_status, message_status_updated_at, created_at, updated_at) VALUES
    (24, '2b54bdfa-2edd-4d18-9b8c-32ae1aee9477', 7, NULL, 'Cold brew tower installation at the Harbour St store', 'HELPCENTER',
     'We''d like to book the installation of the 5L cold brew tower we bought last week at our Harbour St store. What do you need from us?',
     'We&#39;d like to book the installation of the 5L cold brew tower we bought last week at our Harbour St store. What do you need from us?',
     4, 'HELPCENTER', '{"user_agent":"Firefox","page_url":"https://brewfictus.kayako.com/help/orders"}', 'SEEN', unixepoch('now', '-38 days', '-2 hours', '-32 minutes'),
     unixepoch('now', '-38 days', '-3 hours', '-2 minutes'), unixepoch('now', '-38 days', '-3 hours', '-2 minutes')),
    (25, '6041afba-7db8-4452-b070-56298d88c01a', 7, NULL, 'Cold brew tower installation at the Harbour St store', 'HELPCENTER',
     'Hi Dana,

Happy to help. We can install it next Tuesday morning. The tower needs a bench at least 60cm deep and a cold water line within 2 metres.',
     'Hi Dana,<br />
<br />
Happy to help. We can install it next Tuesday morning. The tower needs a bench at least 60cm deep and a cold water line within 2 metres.',
     1, 'AGENT', '{}', 'SEEN', unixepoch('now', '-37 days', '-23 hours', '-17 minutes'),
     unixepoch('now', '-37 days', '-23 hours', '-42 minutes'), unixepoch('now', '-37 days', '-23 hours', '-42 minutes')),
    (26, '66b9fb17-cdf0-4cfe-897e-96fd5fe1dee2', 7, NULL, 'Cold brew tower installation at the Harbour St store', 'HELPCENTER',
     'Adding a note from the spec sheet: the chiller plate also needs its own 10A outlet, it shouldn''t share a circuit with the espresso machine.',
     'Adding a note from the spec sheet: the chiller plate also needs its own 10A outlet, it shouldn&#39;t share a circuit with the espresso machine.',
     6, 'AGENT', '{}', 'SEEN', unixepoch('now', '-37 days', '-22 hours', '-22 minutes'),
     unixepoch('now', '-37 days', '-22 hours', '-52 minutes'), unixepoch('now', '-37 days', '-22 hours', '-52 minutes')),
    (27, 'be5cd4e6-07a8-4f19-a1ca-230622a3cf2c', 7, NULL, 'Cold brew tower installation at the Harbour St store', 'HELPCENTER',
     'Tuesday works. Our electrician fitted the dedicated outlet yesterday and the water line is in place.',
     'Tuesday works. Our electrician fitted the dedicated outlet yesterday and the water line is in place.',
     4, 'HELPCENTER', '{"user_agent":"Chrome","page_url":"https://brewfictus.kayako.com/help/maintenance"}', 'SEEN', unixepoch('now', '-36 days', '-21 hours', '-52 minutes'),
     unixepoch('now', '-36 days', '-22 hours', '-22 minutes'), unixepoch('now', '-36 days', '-22 hours', '-22 minutes')),
    (28, '69e65bd5-dddf-4f28-9e67-4eadb7ed862c', 7, NULL, 'Cold brew tower installation at the Harbour St store', 'HELPCENTER',
     'Hi Dana,

The tower is installed and tested, and the team had a quick walkthrough of the cleaning routine. Flush the lines weekly with the cleaner we left on site.',
     'Hi Dana,<br />
<br />
The tower is installed and tested, and the team had a quick walkthrough of the cleaning routine. Flush the lines weekly with the cleaner we left on site.',
     1, 'AGENT', '{}', 'DELIVERED', unixepoch('now', '-32 days', '-16 hours', '-21 minutes'),
     unixepoch('now', '-32 days', '-16 hours', '-22 minutes'), unixepoch('now', '-32 days', '-16 hours', '-22 minutes'));

INSERT INTO participants (conversation_id, user_id, created_at) VALUES
    (7, 4, unixepoch('now', '-38 days', '-3 hours', '-2 minutes')),
    (7, 1, unixepoch('now', '-37 days', '-23 hours', '-42 minutes')),
    (7, 6, unixepoch('now', '-37 days', '-22 hours', '-52 minutes'));

INSERT INTO field_values (conversation_id, field_id, value) VALUES
    (7, 11, '3'),
    (7, 13, date('now', '-33 days'));

INSERT INTO read_markers (id, conversation_id, user_id, last_read_post_id, last_read_at, created_at, updated_at) VALUES
    (9, 7, 4, 27, unixepoch('now', '-36 days', '-22 hours', '-22 minutes'), unixepoch('now', '-38 days', '-3 hours', '-2 minutes'), unixepoch('now', '-36 days', '-22 hours', '-22 minutes'));

-- ===========================================================================
-- Conversation 8 - Mark Davis: Annual descaling visit for the Bridge Rd cafe
--   MAIL, Completed, Normal, Task; Field Service / Simon; opened by Simon
--   messages 29-32; form 1, rated GOOD
-- ===========================================================================
INSERT INTO conversations (id, uuid, legacy_id, subject, channel, requester_id, creator_id, last_replier_id,
                           last_agent_replier_id, assigned_team_id, assigned_agent_id, status_id, priority_id,
                           type_id, form_id, realtime_channel, last_message_status, last_message_preview,
                           last_replied_at, created_at, updated_at) VALUES
    (8, '3b3fe8ec-1ee6-4a28-9799-2219322dc96a', NULL, 'Annual descaling visit for the Bridge Rd cafe', 'MAIL',
     3, 1, 3, 1, 6, 1, 4, 2, 2, 1,
     'presence-a06c3be6baefc885dd07c138a1f9b8b521891fe979b69e808d19eb7a32a1e90e@v1_cases_8',
     'SENT', 'Thanks Simon, the shots taste noticeably cleaner already.',
     unixepoch('now', '-31 days', '-1 hours', '-5 minutes'), unixepoch('now', '-33 days', '-8 hours', '-40 minutes'), unixepoch('now', '-31 days', '-1 hours', '-5 minutes'));

INSERT INTO messages (id, uuid, conversation_id, client_id, subject, channel, content_text, content_html,
                      creator_id, source, metadata, message_status, message_status_updated_at, created_at, updated_at) VALUES
    (29, '84433b8f-afb1-4e0f-a783-53a35523dd30', 8, NULL, 'Annual descaling visit for the Bridge Rd cafe', 'MAIL',
     'Hi Mark,

Your machine at Bridge Rd is due for its annual descale. Would Thursday at 7am, before you open, suit you?',
     'Hi Mark,<br />
<br />
Your machine at Bridge Rd is due for its annual descale. Would Thursday at 7am, before you open, suit you?',
     1, 'AGENT', '{}', 'SEEN', unixepoch('now', '-33 days', '-8 hours', '-10 minutes'),
     unixepoch('now', '-33 days', '-8 hours', '-40 minutes'), unixepoch('now', '-33 days', '-8 hours', '-40 minutes')),
    (30, '9250e595-cc45-4012-89cf-c58479bc87ea', 8, NULL, 'Annual descaling visit for the Bridge Rd cafe', 'MAIL',
     'Thursday at 7 is perfect. Use the rear entrance, I''ll be there.',
     'Thursday at 7 is perfect. Use the rear entrance, I&#39;ll be there.',
     3, 'MAIL', '{}', 'SEEN', unixepoch('now', '-33 days', '-5 hours', '-55 minutes'),
     unixepoch('now', '-33 days', '-6 hours', '-25 minutes'), unixepoch('now', '-33 days', '-6 hours', '-25 minutes')),
    (31, '5e1e2976-b409-4b2e-be8a-a8e81e53cbf9', 8, NULL, 'Annual descaling visit for the Bridge Rd cafe', 'MAIL',
     'Hi Mark,

Descaling is done. The boiler and heat exchanger were in good shape, no issues found. Next visit is due in twelve months.',
     'Hi Mark,<br />
<br />
Descaling is done. The boiler and heat exchanger were in good shape, no issues found. Next visit is due in twelve months.',
     1, 'AGENT', '{}', 'SEEN', unixepoch('now', '-31 days', '-1 hours', '-55 minutes'),
     unixepoch('now', '-31 days', '-2 hours', '-25 minutes'), unixepoch('now', '-31 days', '-2 hours', '-25 minutes')),
    (32, '8f1fed9a-51e4-46df-81cd-d7a653c6c521', 8, NULL, 'Annual descaling visit for the Bridge Rd cafe', 'MAIL',
     'Thanks Simon, the shots taste noticeably cleaner already.',
     'Thanks Simon, the shots taste noticeably cleaner already.',
     3, 'MAIL', '{}', 'SENT', unixepoch('now', '-31 days', '-1 hours', '-5 minutes'),
     unixepoch('now', '-31 days', '-1 hours', '-5 minutes'), unixepoch('now', '-31 days', '-1 hours', '-5 minutes'));

INSERT INTO participants (conversation_id, user_id, created_at) VALUES
    (8, 3, unixepoch('now', '-33 days', '-8 hours', '-40 minutes')),
    (8, 1, unixepoch('now', '-33 days', '-8 hours', '-40 minutes'));

INSERT INTO field_values (conversation_id, field_id, value) VALUES
    (8, 10, '0'),
    (8, 13, date('now', '-31 days')),
    (8, 15, 'Access via the rear lane; ask for Mark at the counter.');

INSERT INTO read_markers (id, conversation_id, user_id, last_read_post_id, last_read_at, created_at, updated_at) VALUES
    (10, 8, 3, 32, unixepoch('now', '-31 days', '-1 hours', '-5 minutes'), unixepoch('now', '-33 days', '-8 hours', '-40 minutes'), unixepoch('now', '-31 days', '-1 hours', '-5 minutes')),
    (11, 8, 1, 31, unixepoch('now', '-31 days', '-2 hours', '-25 minutes'), unixepoch('now', '-33 days', '-8 hours', '-40 minutes'), unixepoch('now', '-31 days', '-2 hours', '-25 minutes'));

INSERT INTO ratings (id, conversation_id, score, comment, creator_id, created_at, updated_at) VALUES
    (7, 8, 'GOOD', 'Technician was on time and left everything spotless.', 3, unixepoch('now', '-31 days', '-30 minutes'), unixepoch('now', '-31 days', '-30 minutes'));

-- ===========================================================================
-- Conversation 9 - Caryn Pryor: Latte art refresher for three new baristas
--   MESSENGER, Completed, Low, Task; Support / Simon; opened by the customer
--   messages 33-36; rated GOOD
-- ===========================================================================
INSERT INTO conversations (id, uuid, legacy_id, subject, channel, requester_id, creator_id, last_replier_id,
                           last_agent_replier_id, assigned_team_id, assigned_agent_id, status_id, priority_id,
                           type_id, form_id, realtime_channel, last_message_status, last_message_preview,
                           last_replied_at, created_at, updated_at) VALUES
    (9, '63dbf7c2-388d-4cd0-8324-66006c23631f', NULL, 'Latte art refresher for three new baristas', 'MESSENGER',
     2, 2, 2, 1, 1, 1, 4, 1, 2, NULL,
     'presence-a3de97b837bab10d231a21f644c7dada598934b9315bea0f187fad08dfb3999e@v1_cases_9',
     'DELIVERED', 'The team loved it, thank you! Rosettas all round now.',
     unixepoch('now', '-25 days', '-5 hours', '-3 minutes'), unixepoch('now', '-28 days', '-4 hours', '-33 minutes'), unixepoch('now', '-25 days', '-5 hours', '-3 minutes'));

INSERT INTO messages (id, uuid, conversation_id, client_id, subject, channel, content_text, content_html,
                      creator_id, source, metadata, message_status, message_status_updated_at, created_at, updated_at) VALUES
    (33, '18223b08-8270-4598-a5f1-48c90e2f7dd3', 9, 'e329e5e4-a135-4652-9b54-9e3be6a93a27', 'Latte art refresher for three new baristas', 'MESSENGER',
     'Hi! Could Simon come back for a latte art refresher? We have three new baristas starting next week.',
     'Hi! Could Simon come back for a latte art refresher? We have three new baristas starting next week.',
     2, 'MESSENGER', '{"user_agent":"Safari","page_url":"https://brewfictus.kayako.com/equipment"}', 'SEEN', unixepoch('now', '-28 days', '-4 hours', '-24 minutes'),
     unixepoch('now', '-28 days', '-4 hours', '-33 minutes'), unixepoch('now', '-28 days', '-4 hours', '-33 minutes')),
    (34, '8e9a28e5-64ed-473b-883d-75594cbf1654', 9, NULL, 'Latte art refresher for three new baristas', 'MESSENGER',
     'Hi Caryn, I''d love to. I can do Wednesday at 2pm, after your lunch rush. It takes about two hours and I''ll bring the milk and cups.',
     'Hi Caryn, I&#39;d love to. I can do Wednesday at 2pm, after your lunch rush. It takes about two hours and I&#39;ll bring the milk and cups.',
     1, 'AGENT', '{}', 'SEEN', unixepoch('now', '-28 days', '-4 hours', '-9 minutes'),
     unixepoch('now', '-28 days', '-4 hours', '-15 minutes'), unixepoch('now', '-28 days', '-4 hours', '-15 minutes')),
    (35, 'a427b13c-ffae-434f-8728-8662a810c57e', 9, '0d5083ea-961c-4827-b46e-1fa876b92366', 'Latte art refresher for three new baristas', 'MESSENGER',
     'Wednesday at 2 is booked, see you then!',
     'Wednesday at 2 is booked, see you then!',
     2, 'MESSENGER', '{"user_agent":"Edge","page_url":"https://brewfictus.kayako.com/"}', 'SEEN', unixepoch('now', '-28 days', '-3 hours', '-33 minutes'),
     unixepoch('now', '-28 days', '-4 hours', '-3 minutes'), unixepoch('now', '-28 days', '-4 hours', '-3 minutes')),
    (36, '3359097a-d900-419d-acc1-642e75ebfbe4', 9, 'c2659cfb-5fc0-41da-9b98-2dfb89075c00', 'Latte art refresher for three new baristas', 'MESSENGER',
     'The team loved it, thank you! Rosettas all round now.',
     'The team loved it, thank you! Rosettas all round now.',
     2, 'MESSENGER', '{"user_agent":"Chrome","page_url":"https://brewfictus.kayako.com/support"}', 'DELIVERED', unixepoch('now', '-25 days', '-5 hours', '-2 minutes'),
     unixepoch('now', '-25 days', '-5 hours', '-3 minutes'), unixepoch('now', '-25 days', '-5 hours', '-3 minutes'));

INSERT INTO participants (conversation_id, user_id, created_at) VALUES
    (9, 2, unixepoch('now', '-28 days', '-4 hours', '-33 minutes')),
    (9, 1, unixepoch('now', '-28 days', '-4 hours', '-15 minutes'));

INSERT INTO read_markers (id, conversation_id, user_id, last_read_post_id, last_read_at, created_at, updated_at) VALUES
    (12, 9, 2, 36, unixepoch('now', '-25 days', '-5 hours', '-3 minutes'), unixepoch('now', '-28 days', '-4 hours', '-33 minutes'), unixepoch('now', '-25 days', '-5 hours', '-3 minutes'));

INSERT INTO ratings (id, conversation_id, score, comment, creator_id, created_at, updated_at) VALUES
    (8, 9, 'GOOD', 'Our baristas loved it.', 2, unixepoch('now', '-25 days', '-4 hours', '-28 minutes'), unixepoch('now', '-25 days', '-4 hours', '-28 minutes'));

-- ===========================================================================
-- Conversation 10 - Mark Davis: Can we pause bean deliveries in August?
--   MAIL, Closed, Low, Question; Support / Alex; opened by the customer
--   messages 37-39
-- ===========================================================================
INSERT INTO conversations (id, uuid, legacy_id, subject, channel, requester_id, creator_id, last_replier_id,
                           last_agent_replier_id, assigned_team_id, assigned_agent_id, status_id, priority_id,
                           type_id, form_id, realtime_channel, last_message_status, last_message_preview,
                           last_replied_at, created_at, updated_at) VALUES
    (10, '1dabfc80-a532-4cbb-b4dd-e747781c6458', NULL, 'Can we pause bean deliveries in August?', 'MAIL',
     3, 3, 3, 5, 1, 5, 5, 1, 1, NULL,
     'presence-f8002144a75e68a5859bac8ee8857cbbad30a1f4bf1670d3365365b94b652fa1@v1_cases_10',
     'SENT', 'Great, thank you.',
     unixepoch('now', '-24 days', '-3 hours', '-37 minutes'), unixepoch('now', '-24 days', '-6 hours', '-7 minutes'), unixepoch('now', '-24 days', '-3 hours', '-37 minutes'));

INSERT INTO messages (id, uuid, conversation_id, client_id, subject, channel, content_text, content_html,
                      creator_id, source, metadata, message_status, message_status_updated_at, created_at, updated_at) VALUES
    (37, 'c512da8a-687e-4182-8c13-2ef328efad30', 10, NULL, 'Can we pause bean deliveries in August?', 'MAIL',
     'Hello,

We close the Bridge Rd cafe for renovations for the whole of August. Can we pause our weekly bean delivery for that month?',
     'Hello,<br />
<br />
We close the Bridge Rd cafe for renovations for the whole of August. Can we pause our weekly bean delivery for that month?',
     3, 'MAIL', '{}', 'SEEN', unixepoch('now', '-24 days', '-5 hours', '-37 minutes'),
     unixepoch('now', '-24 days', '-6 hours', '-7 minutes'), unixepoch('now', '-24 days', '-6 hours', '-7 minutes')),
    (38, 'd75756dc-796a-4e44-b0dd-9b20813e6b94', 10, NULL, 'Can we pause bean deliveries in August?', 'MAIL',
     'Hi Mark,

No problem. I''ve paused your standing order from 1 to 31 August. Deliveries resume automatically on the first Monday of September.',
     'Hi Mark,<br />
<br />
No problem. I&#39;ve paused your standing order from 1 to 31 August. Deliveries resume automatically on the first Monday of September.',
     5, 'AGENT', '{}', 'SEEN', unixepoch('now', '-24 days', '-3 hours', '-57 minutes'),
     unixepoch('now', '-24 days', '-4 hours', '-17 minutes'), unixepoch('now', '-24 days', '-4 hours', '-17 minutes')),
    (39, '0b1496f7-076d-4e15-9a21-8dd7cb691bd5', 10, NULL, 'Can we pause bean deliveries in August?', 'MAIL',
     'Great, thank you.',
     'Great, thank you.',
     3, 'MAIL', '{}', 'SENT', unixepoch('now', '-24 days', '-3 hours', '-37 minutes'),
     unixepoch('now', '-24 days', '-3 hours', '-37 minutes'), unixepoch('now', '-24 days', '-3 hours', '-37 minutes'));

INSERT INTO participants (conversation_id, user_id, created_at) VALUES
    (10, 3, unixepoch('now', '-24 days', '-6 hours', '-7 minutes')),
    (10, 5, unixepoch('now', '-24 days', '-4 hours', '-17 minutes'));

INSERT INTO read_markers (id, conversation_id, user_id, last_read_post_id, last_read_at, created_at, updated_at) VALUES
    (13, 10, 3, 39, unixepoch('now', '-24 days', '-3 hours', '-37 minutes'), unixepoch('now', '-24 days', '-6 hours', '-7 minutes'), unixepoch('now', '-24 days', '-3 hours', '-37 minutes'));

-- ===========================================================================
-- Conversation 11 - Dana Lee: Please send invoices to our accounts address
--   API, Completed, Low, Task; Support / Alex; opened by the customer
--   messages 40-42; rated GOOD
-- ===========================================================================
INSERT INTO conversations (id, uuid, legacy_id, subject, channel, requester_id, creator_id, last_replier_id,
                           last_agent_replier_id, assigned_team_id, assigned_agent_id, status_id, priority_id,
                           type_id, form_id, realtime_channel, last_message_status, last_message_preview,
                           last_replied_at, created_at, updated_at) VALUES
    (11, '4b931bed-e445-4ce6-86a3-c7c301ddba47', NULL, 'Please send invoices to our accounts address', 'MAIL',
     4, 4, 4, 5, 1, 5, 4, 1, 2, NULL,
     'presence-8e2f2ab56745d55533d3c8f43b1132f3133d5bf0190f38274d213e31f1c8da94@v1_cases_11',
     'SENT', 'Perfect, thanks.',
     unixepoch('now', '-20 days', '-1 hours', '-18 minutes'), unixepoch('now', '-20 days', '-2 hours', '-48 minutes'), unixepoch('now', '-20 days', '-1 hours', '-18 minutes'));

INSERT INTO messages (id, uuid, conversation_id, client_id, subject, channel, content_text, content_html,
                      creator_id, source, metadata, message_status, message_status_updated_at, created_at, updated_at) VALUES
    (40, 'c36fd411-e503-4076-8695-eea15d242e9c', 11, NULL, 'Please send invoices to our accounts address', 'MAIL',
     'Please send all future invoices to accounts@northwindbeans.com instead of my own address.',
     'Please send all future invoices to accounts@northwindbeans.com instead of my own address.',
     4, 'API', '{"user_agent":"Northwind Ordering"}', 'SEEN', unixepoch('now', '-20 days', '-2 hours', '-18 minutes'),
     unixepoch('now', '-20 days', '-2 hours', '-48 minutes'), unixepoch('now', '-20 days', '-2 hours', '-48 minutes')),
    (41, 'df55736b-2d03-4622-94fe-78ed4f996eb5', 11, NULL, 'Please send invoices to our accounts address', 'MAIL',
     'Done, Dana. From the next billing run, invoices go to accounts@northwindbeans.com.',
     'Done, Dana. From the next billing run, invoices go to accounts@northwindbeans.com.',
     5, 'AGENT', '{}', 'SEEN', unixepoch('now', '-20 days', '-1 hours', '-31 minutes'),
     unixepoch('now', '-20 days', '-1 hours', '-43 minutes'), unixepoch('now', '-20 days', '-1 hours', '-43 minutes')),
    (42, '410a6460-9926-435b-be3d-e3a3dae11e64', 11, NULL, 'Please send invoices to our accounts address', 'MAIL',
     'Perfect, thanks.',
     'Perfect, thanks.',
     4, 'API', '{"user_agent":"Northwind Ordering"}', 'SENT', unixepoch('now', '-20 days', '-1 hours', '-18 minutes'),
     unixepoch('now', '-20 days', '-1 hours', '-18 minutes'), unixepoch('now', '-20 days', '-1 hours', '-18 minutes'));

INSERT INTO participants (conversation_id, user_id, created_at) VALUES
    (11, 4, unixepoch('now', '-20 days', '-2 hours', '-48 minutes')),
    (11, 5, unixepoch('now', '-20 days', '-1 hours', '-43 minutes'));

INSERT INTO read_markers (id, conversation_id, user_id, last_read_post_id, last_read_at, created_at, updated_at) VALUES
    (14, 11, 4, 42, unixepoch('now', '-20 days', '-1 hours', '-18 minutes'), unixepoch('now', '-20 days', '-2 hours', '-48 minutes'), unixepoch('now', '-20 days', '-1 hours', '-18 minutes'));

INSERT INTO ratings (id, conversation_id, score, comment, creator_id, created_at, updated_at) VALUES
    (9, 11, 'GOOD', NULL, 4, unixepoch('now', '-20 days', '-43 minutes'), unixepoch('now', '-20 days', '-43 minutes'));

-- ===========================================================================
-- Conversation 12 - Dana Lee: House blend tastes darker than usual
--   HELPCENTER, Open, Low, Question; Support / Alex; opened by the customer
--   messages 43-45
-- ===========================================================================
INSERT INTO conversations (id, uuid, legacy_id, subject, channel, requester_id, creator_id, last_replier_id,
                           last_agent_replier_id, assigned_team_id, assigned_agent_id, status_id, priority_id,
                           type_id, form_id, realtime_channel, last_message_status, last_message_preview,
                           last_replied_at, created_at, updated_at) VALUES
    (12, 'd3b0faa9-f8ba-4405-abc8-aefaac65a54e', NULL, 'House blend tastes darker than usual', 'HELPCENTER',
     4, 4, 4, 5, 1, 5, 2, 1, 1, NULL,
     'presence-9089c403c3a72f7c0f777048a9b919c1b6c3aaef50af245bfb300d44ebed18b6@v1_cases_12',
     'DELIVERED', 'Thanks, the sample is much closer to what we''re used to. Can we lock that profile for our standing order?',
     unixepoch('now', '-14 days', '-56 minutes'), unixepoch('now', '-16 days', '-5 hours', '-26 minutes'), unixepoch('now', '-14 days', '-56 minutes'));

INSERT INTO messages (id, uuid, conversation_id, client_id, subject, channel, content_text, content_html,
                      creator_id, source, metadata, message_status, message_status_updated_at, created_at, updated_at) VALUES
    (43, '48f995d9-db45-4bb8-913f-d9b17ae5bd26', 12, NULL, 'House blend tastes darker than usual', 'HELPCENTER',
     'The last two deliveries of the house blend taste noticeably darker and more bitter. Has something changed in the roast?',
     'The last two deliveries of the house blend taste noticeably darker and more bitter. Has something changed in the roast?',
     4, 'HELPCENTER', '{"user_agent":"Firefox","page_url":"https://brewfictus.kayako.com/help/warranty"}', 'SEEN', unixepoch('now', '-16 days', '-4 hours', '-56 minutes'),
     unixepoch('now', '-16 days', '-5 hours', '-26 minutes'), unixepoch('now', '-16 days', '-5 hours', '-26 minutes')),
    (44, 'baeb0394-c41b-4e68-ae1f-410595a22783', 12, NULL, 'House blend tastes darker than usual', 'HELPCENTER',
     'Hi Dana,

Good catch. We switched the Brazilian component to a new farm last month and the roaster extended the development time to compensate. I''m sending a sample roasted on the old profile so you can compare.',
     'Hi Dana,<br />
<br />
Good catch. We switched the Brazilian component to a new farm last month and the roaster extended the development time to compensate. I&#39;m sending a sample roasted on the old profile so you can compare.',
     5, 'AGENT', '{}', 'SEEN', unixepoch('now', '-16 days', '-1 hours', '-26 minutes'),
     unixepoch('now', '-16 days', '-1 hours', '-56 minutes'), unixepoch('now', '-16 days', '-1 hours', '-56 minutes')),
    (45, 'bb28b5a4-6261-4d13-b17b-d0f711b13ca3', 12, NULL, 'House blend tastes darker than usual', 'HELPCENTER',
     'Thanks, the sample is much closer to what we''re used to. Can we lock that profile for our standing order?',
     'Thanks, the sample is much closer to what we&#39;re used to. Can we lock that profile for our standing order?',
     4, 'HELPCENTER', '{"user_agent":"Safari","page_url":"https://brewfictus.kayako.com/help/maintenance"}', 'DELIVERED', unixepoch('now', '-14 days', '-55 minutes'),
     unixepoch('now', '-14 days', '-56 minutes'), unixepoch('now', '-14 days', '-56 minutes'));

INSERT INTO participants (conversation_id, user_id, created_at) VALUES
    (12, 4, unixepoch('now', '-16 days', '-5 hours', '-26 minutes')),
    (12, 5, unixepoch('now', '-16 days', '-1 hours', '-56 minutes'));

INSERT INTO read_markers (id, conversation_id, user_id, last_read_post_id, last_read_at, created_at, updated_at) VALUES
    (15, 12, 4, 45, unixepoch('now', '-14 days', '-56 minutes'), unixepoch('now', '-16 days', '-5 hours', '-26 minutes'), unixepoch('now', '-14 days', '-56 minutes')),
    (16, 12, 5, 44, unixepoch('now', '-16 days', '-1 hours', '-56 minutes'), unixepoch('now', '-16 days', '-5 hours', '-26 minutes'), unixepoch('now', '-16 days', '-1 hours', '-56 minutes'));

-- ===========================================================================
-- Conversation 13 - Mark Davis: Barista training session for the new Bridge Rd team
--   MAIL, Pending, Low, Task; Support / Simon; opened by Simon
--   messages 46-48
-- ===========================================================================
INSERT INTO conversations (id, uuid, legacy_id, subject, channel, requester_id, creator_id, last_replier_id,
                           last_agent_replier_id, assigned_team_id, assigned_agent_id, status_id, priority_id,
                           type_id, form_id, realtime_channel, last_message_status, last_message_preview,
                           last_replied_at, created_at, updated_at) VALUES
    (13, 'fa7d26b1-e520-4408-8639-8cde350ed8ad', NULL, 'Barista training session for the new Bridge Rd team', 'MAIL',
     3, 1, 1, 1, 1, 1, 3, 1, 2, NULL,
     'presence-d8b6895e2933679176bcd02523bad0d6c1fd03ad2ba2c980103eead927e22ea3@v1_cases_13',
     'DELIVERED', 'Thanks Mark, I''ve pencilled in Tuesday week at 9am. Could you confirm the final headcount and whether you''d like us to bring the milk module too?',
     unixepoch('now', '-12 days', '-45 minutes'), unixepoch('now', '-13 days', '-7 hours', '-55 minutes'), unixepoch('now', '-12 days', '-45 minutes'));

INSERT INTO messages (id, uuid, conversation_id, client_id, subject, channel, content_text, content_html,
                      creator_id, source, metadata, message_status, message_status_updated_at, created_at, updated_at) VALUES
    (46, 'd4a72fdd-a489-4877-a931-78b72316f780', 13, NULL, 'Barista training session for the new Bridge Rd team', 'MAIL',
     'Hi Mark,

Following up on our call: we can run a half-day dial-in and milk texturing session for your new team once the renovations are done.',
     'Hi Mark,<br />
<br />
Following up on our call: we can run a half-day dial-in and milk texturing session for your new team once the renovations are done.',
     1, 'AGENT', '{}', 'SEEN', unixepoch('now', '-13 days', '-7 hours', '-25 minutes'),
     unixepoch('now', '-13 days', '-7 hours', '-55 minutes'), unixepoch('now', '-13 days', '-7 hours', '-55 minutes')),
    (47, 'df074a01-8037-4bf4-a6c8-2fbdf2e2642c', 13, NULL, 'Barista training session for the new Bridge Rd team', 'MAIL',
     'Great. There will be six people, and Tuesdays work best for us.',
     'Great. There will be six people, and Tuesdays work best for us.',
     3, 'MAIL', '{}', 'SEEN', unixepoch('now', '-13 days', '-2 hours', '-15 minutes'),
     unixepoch('now', '-13 days', '-2 hours', '-45 minutes'), unixepoch('now', '-13 days', '-2 hours', '-45 minutes')),
    (48, 'aab9564e-b3dd-49a8-ad19-f2ee71c7c1da', 13, NULL, 'Barista training session for the new Bridge Rd team', 'MAIL',
     'Thanks Mark, I''ve pencilled in Tuesday week at 9am. Could you confirm the final headcount and whether you''d like us to bring the milk module too?',
     'Thanks Mark, I&#39;ve pencilled in Tuesday week at 9am. Could you confirm the final headcount and whether you&#39;d like us to bring the milk module too?',
     1, 'AGENT', '{}', 'DELIVERED', unixepoch('now', '-12 days', '-44 minutes'),
     unixepoch('now', '-12 days', '-45 minutes'), unixepoch('now', '-12 days', '-45 minutes'));

INSERT INTO participants (conversation_id, user_id, created_at) VALUES
    (13, 3, unixepoch('now', '-13 days', '-7 hours', '-55 minutes')),
    (13, 1, unixepoch('now', '-13 days', '-7 hours', '-55 minutes'));

INSERT INTO field_values (conversation_id, field_id, value) VALUES
    (13, 13, date('now', '+9 days'));

INSERT INTO read_markers (id, conversation_id, user_id, last_read_post_id, last_read_at, created_at, updated_at) VALUES
    (17, 13, 3, 47, unixepoch('now', '-13 days', '-2 hours', '-45 minutes'), unixepoch('now', '-13 days', '-7 hours', '-55 minutes'), unixepoch('now', '-13 days', '-2 hours', '-45 minutes'));

-- ===========================================================================
-- Conversation 14 - Caryn Pryor: Grinder hopper cracked
--   HELPCENTER, Pending, Normal, Problem; Support / Simon; opened by the customer
--   messages 49-52; form 2
-- ===========================================================================
INSERT INTO conversations (id, uuid, legacy_id, subject, channel, requester_id, creator_id, last_replier_id,
                           last_agent_replier_id, assigned_team_id, assigned_agent_id, status_id, priority_id,
                           type_id, form_id, realtime_channel, last_message_status, last_message_preview,
                           last_replied_at, created_at, updated_at) VALUES
    (14, '1f8f0c67-e4d2-4dfa-8516-582fee4abf7f', NULL, 'Grinder hopper cracked', 'HELPCENTER',
     2, 2, 1, 1, 1, 1, 3, 2, 3, 2,
     'presence-8df1d7af2b4455099252800aa85645de5c75ac3f155c172f9a02ded95a1e047e@v1_cases_14',
     'SENT', 'Thanks Caryn, a replacement hopper has been dispatched under warranty. I''ll keep this open until you confirm it fits.',
     unixepoch('now', '-9 days', '-19 hours', '-54 minutes'), unixepoch('now', '-11 days', '-3 hours', '-14 minutes'), unixepoch('now', '-9 days', '-19 hours', '-54 minutes'));

INSERT INTO messages (id, uuid, conversation_id, client_id, subject, channel, content_text, content_html,
                      creator_id, source, metadata, message_status, message_status_updated_at, created_at, updated_at) VALUES
    (49, '8d6c1cc3-2521-42d7-80c6-338787f92a36', 14, NULL, 'Grinder hopper cracked', 'HELPCENTER',
     'The hopper on our grinder has a crack running down from the rim. Beans are still fine but I''m worried it will split. Serial number GR-3310.',
     'The hopper on our grinder has a crack running down from the rim. Beans are still fine but I&#39;m worried it will split. Serial number GR-3310.',
     2, 'HELPCENTER', '{"user_agent":"Firefox","page_url":"https://brewfictus.kayako.com/help/warranty"}', 'SEEN', unixepoch('now', '-11 days', '-2 hours', '-44 minutes'),
     unixepoch('now', '-11 days', '-3 hours', '-14 minutes'), unixepoch('now', '-11 days', '-3 hours', '-14 minutes')),
    (50, 'cca1319f-f17d-49b0-8441-0c22d32336ed', 14, NULL, 'Grinder hopper cracked', 'HELPCENTER',
     'Hi Caryn,

That should be covered by the warranty. Could you send a photo of the crack and the proof of purchase?',
     'Hi Caryn,<br />
<br />
That should be covered by the warranty. Could you send a photo of the crack and the proof of purchase?',
     1, 'AGENT', '{}', 'SEEN', unixepoch('now', '-10 days', '-23 hours', '-59 minutes'),
     unixepoch('now', '-11 days', '-29 minutes'), unixepoch('now', '-11 days', '-29 minutes')),
    (51, 'a1978776-27db-4d02-b9be-d956faac74b2', 14, NULL, 'Grinder hopper cracked', 'HELPCENTER',
     'Photo and receipt attached. We bought it in February.',
     'Photo and receipt attached. We bought it in February.',
     2, 'HELPCENTER', '{"user_agent":"Firefox","page_url":"https://brewfictus.kayako.com/help/maintenance"}', 'SEEN', unixepoch('now', '-10 days', '-20 hours', '-54 minutes'),
     unixepoch('now', '-10 days', '-21 hours', '-24 minutes'), unixepoch('now', '-10 days', '-21 hours', '-24 minutes')),
    (52, '881efd88-618e-4953-bb18-44147418da81', 14, NULL, 'Grinder hopper cracked', 'HELPCENTER',
     'Thanks Caryn, a replacement hopper has been dispatched under warranty. I''ll keep this open until you confirm it fits.',
     'Thanks Caryn, a replacement hopper has been dispatched under warranty. I&#39;ll keep this open until you confirm it fits.',
     1, 'AGENT', '{}', 'SENT', unixepoch('now', '-9 days', '-19 hours', '-54 minutes'),
     unixepoch('now', '-9 days', '-19 hours', '-54 minutes'), unixepoch('now', '-9 days', '-19 hours', '-54 minutes'));

INSERT INTO participants (conversation_id, user_id, created_at) VALUES
    (14, 2, unixepoch('now', '-11 days', '-3 hours', '-14 minutes')),
    (14, 1, unixepoch('now', '-11 days', '-29 minutes'));

INSERT INTO field_values (conversation_id, field_id, value) VALUES
    (14, 11, '2'),
    (14, 12, 'true'),
    (14, 14, 'GR-3310'),
    (14, 16, '4');

INSERT INTO read_markers (id, conversation_id, user_id, last_read_post_id, last_read_at, created_at, updated_at) VALUES
    (18, 14, 2, 51, unixepoch('now', '-10 days', '-21 hours', '-24 minutes'), unixepoch('now', '-11 days', '-3 hours', '-14 minutes'), unixepoch('now', '-10 days', '-21 hours', '-24 minutes')),
    (19, 14, 1, 52, unixepoch('now', '-9 days', '-19 hours', '-54 minutes'), unixepoch('now', '-11 days', '-3 hours', '-14 minutes'), unixepoch('now', '-9 days', '-19 hours', '-54 minutes'));

-- ===========================================================================
-- Conversation 15 - Dana Lee: How often should we change the water filter?
--   HELPCENTER, Pending, Low, Question; Support / Simon; opened by the customer
--   messages 53-54
-- ===========================================================================
INSERT INTO conversations (id, uuid, legacy_id, subject, channel, requester_id, creator_id, last_replier_id,
                           last_agent_replier_id, assigned_team_id, assigned_agent_id, status_id, priority_id,
                           type_id, form_id, realtime_channel, last_message_status, last_message_preview,
                           last_replied_at, created_at, updated_at) VALUES
    (15, 'f248aa3d-6ae0-4c69-9775-e17570f1616f', NULL, 'How often should we change the water filter?', 'HELPCENTER',
     4, 4, 1, 1, 1, 1, 3, 1, 1, NULL,
     'presence-7524b8d56c8801ddb95111bf9feca6b8d6a4e35414c7edde838a46e024673f93@v1_cases_15',
     'DELIVERED', 'Hi Dana,

With hard water we recommend every 6 months or 2,000 litres, whichever comes first. Could you send us a carbonate hardness reading from the test strip in the filter box? Then we can set the bypass correctly.',
     unixepoch('now', '-8 days', '-20 hours', '-43 minutes'), unixepoch('now', '-9 days', '-1 hours', '-3 minutes'), unixepoch('now', '-8 days', '-20 hours', '-43 minutes'));

INSERT INTO messages (id, uuid, conversation_id, client_id, subject, channel, content_text, content_html,
                      creator_id, source, metadata, message_status, message_status_updated_at, created_at, updated_at) VALUES
    (53, '98f7b532-d6aa-45ca-8f08-5468b460d974', 15, NULL, 'How often should we change the water filter?', 'HELPCENTER',
     'How often should we swap the filter cartridges on the espresso machine? Our water is quite hard.',
     'How often should we swap the filter cartridges on the espresso machine? Our water is quite hard.',
     4, 'HELPCENTER', '{"user_agent":"Firefox","page_url":"https://brewfictus.kayako.com/help"}', 'SEEN', unixepoch('now', '-9 days', '-33 minutes'),
     unixepoch('now', '-9 days', '-1 hours', '-3 minutes'), unixepoch('now', '-9 days', '-1 hours', '-3 minutes')),
    (54, '83d3a98d-9db0-42c0-8690-b4e7f3715d08', 15, NULL, 'How often should we change the water filter?', 'HELPCENTER',
     'Hi Dana,

With hard water we recommend every 6 months or 2,000 litres, whichever comes first. Could you send us a carbonate hardness reading from the test strip in the filter box? Then we can set the bypass correctly.',
     'Hi Dana,<br />
<br />
With hard water we recommend every 6 months or 2,000 litres, whichever comes first. Could you send us a carbonate hardness reading from the test strip in the filter box? Then we can set the bypass correctly.',
     1, 'AGENT', '{}', 'DELIVERED', unixepoch('now', '-8 days', '-20 hours', '-42 minutes'),
     unixepoch('now', '-8 days', '-20 hours', '-43 minutes'), unixepoch('now', '-8 days', '-20 hours', '-43 minutes'));

INSERT INTO participants (conversation_id, user_id, created_at) VALUES
    (15, 4, unixepoch('now', '-9 days', '-1 hours', '-3 minutes')),
    (15, 1, unixepoch('now', '-8 days', '-20 hours', '-43 minutes'));

INSERT INTO read_markers (id, conversation_id, user_id, last_read_post_id, last_read_at, created_at, updated_at) VALUES
    (20, 15, 4, 53, unixepoch('now', '-9 days', '-1 hours', '-3 minutes'), unixepoch('now', '-9 days', '-1 hours', '-3 minutes'), unixepoch('now', '-9 days', '-1 hours', '-3 minutes'));

-- ===========================================================================
-- Conversation 16 - Caryn Pryor: Standing order: add oat milk and 12oz cups
--   API, Open, no priority, Task; Support / Alex; opened by the customer
--   messages 55-57
-- ===========================================================================
INSERT INTO conversations (id, uuid, legacy_id, subject, channel, requester_id, creator_id, last_replier_id,
                           last_agent_replier_id, assigned_team_id, assigned_agent_id, status_id, priority_id,
                           type_id, form_id, realtime_channel, last_message_status, last_message_preview,
                           last_replied_at, created_at, updated_at) VALUES
    (16, '4a623ecb-b573-438a-b98e-255b4504ea00', NULL, 'Standing order: add oat milk and 12oz cups', 'MAIL',
     2, 2, 2, 5, 1, 5, 2, NULL, 2, NULL,
     'presence-b4f531e501d9b86da1e5889caf61257fb088a54363a34d1a05a4aac22fba8f35@v1_cases_16',
     'SENT', '1L cartons are fine. Can you also confirm the delivery window is still Thursday 7-9am?',
     unixepoch('now', '-8 days', '-3 hours', '-35 minutes'), unixepoch('now', '-8 days', '-6 hours', '-50 minutes'), unixepoch('now', '-8 days', '-3 hours', '-35 minutes'));

INSERT INTO messages (id, uuid, conversation_id, client_id, subject, channel, content_text, content_html,
                      creator_id, source, metadata, message_status, message_status_updated_at, created_at, updated_at) VALUES
    (55, '3036ce92-f646-4d1b-9322-3e339ddc5ea2', 16, NULL, 'Standing order: add oat milk and 12oz cups', 'MAIL',
     'Please add 2 cases of oat milk and 1,000 12oz cups (with lids) to our weekly standing order.',
     'Please add 2 cases of oat milk and 1,000 12oz cups (with lids) to our weekly standing order.',
     2, 'API', '{"user_agent":"Atmosphere POS"}', 'SEEN', unixepoch('now', '-8 days', '-6 hours', '-20 minutes'),
     unixepoch('now', '-8 days', '-6 hours', '-50 minutes'), unixepoch('now', '-8 days', '-6 hours', '-50 minutes')),
    (56, 'c6411b57-c5dd-4f11-bef9-49554ab67ffe', 16, NULL, 'Standing order: add oat milk and 12oz cups', 'MAIL',
     'Hi Caryn, added from next week''s delivery. Note the oat milk only comes in 1L cartons, 12 per case.',
     'Hi Caryn, added from next week&#39;s delivery. Note the oat milk only comes in 1L cartons, 12 per case.',
     5, 'AGENT', '{}', 'SEEN', unixepoch('now', '-8 days', '-4 hours', '-15 minutes'),
     unixepoch('now', '-8 days', '-4 hours', '-45 minutes'), unixepoch('now', '-8 days', '-4 hours', '-45 minutes')),
    (57, '168b224e-3fbb-45d0-af31-62ab6734d77f', 16, NULL, 'Standing order: add oat milk and 12oz cups', 'MAIL',
     '1L cartons are fine. Can you also confirm the delivery window is still Thursday 7-9am?',
     '1L cartons are fine. Can you also confirm the delivery window is still Thursday 7-9am?',
     2, 'API', '{"user_agent":"Atmosphere POS"}', 'SENT', unixepoch('now', '-8 days', '-3 hours', '-35 minutes'),
     unixepoch('now', '-8 days', '-3 hours', '-35 minutes'), unixepoch('now', '-8 days', '-3 hours', '-35 minutes'));

INSERT INTO participants (conversation_id, user_id, created_at) VALUES
    (16, 2, unixepoch('now', '-8 days', '-6 hours', '-50 minutes')),
    (16, 5, unixepoch('now', '-8 days', '-4 hours', '-45 minutes'));

INSERT INTO read_markers (id, conversation_id, user_id, last_read_post_id, last_read_at, created_at, updated_at) VALUES
    (21, 16, 2, 57, unixepoch('now', '-8 days', '-3 hours', '-35 minutes'), unixepoch('now', '-8 days', '-6 hours', '-50 minutes'), unixepoch('now', '-8 days', '-3 hours', '-35 minutes')),
    (22, 16, 5, 56, unixepoch('now', '-8 days', '-4 hours', '-45 minutes'), unixepoch('now', '-8 days', '-6 hours', '-50 minutes'), unixepoch('now', '-8 days', '-4 hours', '-45 minutes'));

-- ===========================================================================
-- Conversation 17 - Mark Davis: Drip tray sensor alarm keeps going off
--   MESSENGER, Open, Normal, Problem; Field Service / Simon; opened by the customer
--   messages 58-61
-- ===========================================================================
INSERT INTO conversations (id, uuid, legacy_id, subject, channel, requester_id, creator_id, last_replier_id,
                           last_agent_replier_id, assigned_team_id, assigned_agent_id, status_id, priority_id,
                           type_id, form_id, realtime_channel, last_message_status, last_message_preview,
                           last_replied_at, created_at, updated_at) VALUES
    (17, 'ee8ee24d-94e4-473b-b98e-6353db57e3f5', NULL, 'Drip tray sensor alarm keeps going off', 'MESSENGER',
     3, 3, 6, 6, 6, 1, 2, 2, 3, NULL,
     'presence-44e6fb124a5d3a336abe06ca49be4e7933fd7ad17e27493ac88c86e523dddfbf@v1_cases_17',
     'DELIVERED', 'Hi Mark, jumping in from our engineering team: this model has a known float sensor issue that firmware 2.3 fixes. We''ll install it on the next visit.',
     unixepoch('now', '-5 days'), unixepoch('now', '-6 days', '-4 hours', '-37 minutes'), unixepoch('now', '-5 days'));

INSERT INTO messages (id, uuid, conversation_id, client_id, subject, channel, content_text, content_html,
                      creator_id, source, metadata, message_status, message_status_updated_at, created_at, updated_at) VALUES
    (58, '9555435f-6b84-464e-975f-7494663c8460', 17, 'daa79af9-f604-4788-b14d-54588143b054', 'Drip tray sensor alarm keeps going off', 'MESSENGER',
     'The "drip tray full" alarm goes off every few minutes even when the tray is empty.',
     'The &quot;drip tray full&quot; alarm goes off every few minutes even when the tray is empty.',
     3, 'MESSENGER', '{"user_agent":"Firefox","page_url":"https://brewfictus.kayako.com/equipment"}', 'SEEN', unixepoch('now', '-6 days', '-4 hours', '-26 minutes'),
     unixepoch('now', '-6 days', '-4 hours', '-37 minutes'), unixepoch('now', '-6 days', '-4 hours', '-37 minutes')),
    (59, '83421dac-01e3-4d4e-81cb-610dda89c3da', 17, NULL, 'Drip tray sensor alarm keeps going off', 'MESSENGER',
     'Hi Mark, please take the tray out, wipe the two metal contacts at the back with a dry cloth and make sure the float moves freely.',
     'Hi Mark, please take the tray out, wipe the two metal contacts at the back with a dry cloth and make sure the float moves freely.',
     1, 'AGENT', '{}', 'SEEN', unixepoch('now', '-6 days', '-3 hours', '-45 minutes'),
     unixepoch('now', '-6 days', '-4 hours', '-15 minutes'), unixepoch('now', '-6 days', '-4 hours', '-15 minutes')),
    (60, 'e161b024-59a4-4631-b81f-1f9611f59164', 17, '7bdc854d-c37d-42dc-aea9-59c23a36a370', 'Drip tray sensor alarm keeps going off', 'MESSENGER',
     'That fixed it for a day, but it''s back again this morning.',
     'That fixed it for a day, but it&#39;s back again this morning.',
     3, 'MESSENGER', '{"user_agent":"Firefox","page_url":"https://brewfictus.kayako.com/equipment"}', 'SEEN', unixepoch('now', '-5 days', '-45 minutes'),
     unixepoch('now', '-5 days', '-1 hours', '-15 minutes'), unixepoch('now', '-5 days', '-1 hours', '-15 minutes')),
    (61, '80ec75b3-89bf-456b-b262-c165c2428dba', 17, NULL, 'Drip tray sensor alarm keeps going off', 'MESSENGER',
     'Hi Mark, jumping in from our engineering team: this model has a known float sensor issue that firmware 2.3 fixes. We''ll install it on the next visit.',
     'Hi Mark, jumping in from our engineering team: this model has a known float sensor issue that firmware 2.3 fixes. We&#39;ll install it on the next visit.',
     6, 'AGENT', '{}', 'DELIVERED', unixepoch('now', '-4 days', '-23 hours', '-59 minutes'),
     unixepoch('now', '-5 days'), unixepoch('now', '-5 days'));

INSERT INTO participants (conversation_id, user_id, created_at) VALUES
    (17, 3, unixepoch('now', '-6 days', '-4 hours', '-37 minutes')),
    (17, 1, unixepoch('now', '-6 days', '-4 hours', '-15 minutes')),
    (17, 6, unixepoch('now', '-5 days'));

INSERT INTO field_values (conversation_id, field_id, value) VALUES
    (17, 15, 'Known float issue on this model; firmware 2.3 fixes it. Bring the USB stick.');

INSERT INTO read_markers (id, conversation_id, user_id, last_read_post_id, last_read_at, created_at, updated_at) VALUES
    (23, 17, 3, 60, unixepoch('now', '-5 days', '-1 hours', '-15 minutes'), unixepoch('now', '-6 days', '-4 hours', '-37 minutes'), unixepoch('now', '-5 days', '-1 hours', '-15 minutes')),
    (24, 17, 1, 60, unixepoch('now', '-5 days', '-45 minutes'), unixepoch('now', '-6 days', '-4 hours', '-37 minutes'), unixepoch('now', '-5 days', '-45 minutes'));

-- ===========================================================================
-- Conversation 18 - Dana Lee: Delivery of 20kg Yirgacheffe is late
--   API, Open, High, Incident; Support / Alex; opened by the customer
--   messages 62-64
-- ===========================================================================
INSERT INTO conversations (id, uuid, legacy_id, subject, channel, requester_id, creator_id, last_replier_id,
                           last_agent_replier_id, assigned_team_id, assigned_agent_id, status_id, priority_id,
                           type_id, form_id, realtime_channel, last_message_status, last_message_preview,
                           last_replied_at, created_at, updated_at) VALUES
    (18, '3a9e31e0-40a8-4c34-9e12-56e0d81ddaac', NULL, 'Delivery of 20kg Yirgacheffe is late', 'MAIL',
     4, 4, 4, 5, 1, 5, 2, 3, 4, NULL,
     'presence-f60d680c3ad8263b7deafdbebff058ba89735e04e86e75f84155f96d59fe38be@v1_cases_18',
     'SENT', 'We run out on Friday. Could you split it and send 5kg by express so we can get through the weekend?',
     unixepoch('now', '-5 days', '-5 minutes'), unixepoch('now', '-5 days', '-2 hours', '-20 minutes'), unixepoch('now', '-5 days', '-5 minutes'));

INSERT INTO messages (id, uuid, conversation_id, client_id, subject, channel, content_text, content_html,
                      creator_id, source, metadata, message_status, message_status_updated_at, created_at, updated_at) VALUES
    (62, '45dd79ff-28c5-46f8-b256-6164d5ed4c0b', 18, NULL, 'Delivery of 20kg Yirgacheffe is late', 'MAIL',
     'Order NW-5531 (20kg Ethiopian Yirgacheffe) was due yesterday and hasn''t arrived. Tracking hasn''t updated since Monday.',
     'Order NW-5531 (20kg Ethiopian Yirgacheffe) was due yesterday and hasn&#39;t arrived. Tracking hasn&#39;t updated since Monday.',
     4, 'API', '{"user_agent":"Northwind Ordering"}', 'SEEN', unixepoch('now', '-5 days', '-1 hours', '-50 minutes'),
     unixepoch('now', '-5 days', '-2 hours', '-20 minutes'), unixepoch('now', '-5 days', '-2 hours', '-20 minutes')),
    (63, '056df3f3-d91e-4ff0-8bc7-00a3d02ae4f0', 18, NULL, 'Delivery of 20kg Yirgacheffe is late', 'MAIL',
     'Hi Dana,

The courier reports the pallet was damaged in transit, so we''re re-roasting and re-shipping your order. It should leave us on Thursday.',
     'Hi Dana,<br />
<br />
The courier reports the pallet was damaged in transit, so we&#39;re re-roasting and re-shipping your order. It should leave us on Thursday.',
     5, 'AGENT', '{}', 'SEEN', unixepoch('now', '-5 days', '-25 minutes'),
     unixepoch('now', '-5 days', '-45 minutes'), unixepoch('now', '-5 days', '-45 minutes')),
    (64, 'e1a581d4-c7b3-4afd-8f9e-c2d34686065c', 18, NULL, 'Delivery of 20kg Yirgacheffe is late', 'MAIL',
     'We run out on Friday. Could you split it and send 5kg by express so we can get through the weekend?',
     'We run out on Friday. Could you split it and send 5kg by express so we can get through the weekend?',
     4, 'API', '{"user_agent":"Northwind Ordering"}', 'SENT', unixepoch('now', '-5 days', '-5 minutes'),
     unixepoch('now', '-5 days', '-5 minutes'), unixepoch('now', '-5 days', '-5 minutes'));

INSERT INTO participants (conversation_id, user_id, created_at) VALUES
    (18, 4, unixepoch('now', '-5 days', '-2 hours', '-20 minutes')),
    (18, 5, unixepoch('now', '-5 days', '-45 minutes'));

INSERT INTO read_markers (id, conversation_id, user_id, last_read_post_id, last_read_at, created_at, updated_at) VALUES
    (25, 18, 4, 64, unixepoch('now', '-5 days', '-5 minutes'), unixepoch('now', '-5 days', '-2 hours', '-20 minutes'), unixepoch('now', '-5 days', '-5 minutes')),
    (26, 18, 5, 63, unixepoch('now', '-5 days', '-45 minutes'), unixepoch('now', '-5 days', '-2 hours', '-20 minutes'), unixepoch('now', '-5 days', '-45 minutes'));

-- ===========================================================================
-- Conversation 19 - Caryn Pryor: Steam wand losing pressure
--   MESSENGER, Open, High, Problem; Field Service / Simon; opened by the customer
--   messages 65-68; form 1
-- ===========================================================================
INSERT INTO conversations (id, uuid, legacy_id, subject, channel, requester_id, creator_id, last_replier_id,
                           last_agent_replier_id, assigned_team_id, assigned_agent_id, status_id, priority_id,
                           type_id, form_id, realtime_channel, last_message_status, last_message_preview,
                           last_replied_at, created_at, updated_at) VALUES
    (19, 'c0ca45ea-11ab-43e0-92e5-14d7d62bc894', NULL, 'Steam wand losing pressure', 'MESSENGER',
     2, 2, 1, 1, 6, 1, 2, 3, 3, 1,
     'presence-cfcf788447d81e84d41c0869e48c3d15f06c437c6ceacfa4220c0e13078aefc6@v1_cases_19',
     'DELIVERED', 'Thanks for checking. That points to the boiler pressure switch. I''ve booked a technician for tomorrow morning between 8 and 10.',
     unixepoch('now', '-4 days', '-1 hours', '-42 minutes'), unixepoch('now', '-4 days', '-5 hours', '-11 minutes'), unixepoch('now', '-4 days', '-1 hours', '-42 minutes'));

INSERT INTO messages (id, uuid, conversation_id, client_id, subject, channel, content_text, content_html,
                      creator_id, source, metadata, message_status, message_status_updated_at, created_at, updated_at) VALUES
    (65, '8197935f-add4-43ea-80c9-1ba5a6e3b6c4', 19, NULL, 'Steam wand losing pressure', 'MESSENGER',
     'The steam wand is getting weaker through the morning. By the third latte it barely textures the milk.',
     'The steam wand is getting weaker through the morning. By the third latte it barely textures the milk.',
     2, 'MESSENGER', '{"user_agent":"Edge","page_url":"https://brewfictus.kayako.com/support"}', 'SEEN', unixepoch('now', '-4 days', '-5 hours', '-4 minutes'),
     unixepoch('now', '-4 days', '-5 hours', '-11 minutes'), unixepoch('now', '-4 days', '-5 hours', '-11 minutes')),
    (66, 'aa2248ea-032d-4c2d-b3d2-bd0f186942ca', 19, NULL, 'Steam wand losing pressure', 'MESSENGER',
     'Hi Caryn, could you purge the wand for a few seconds and check that the holes in the tip aren''t blocked? A paperclip works well.',
     'Hi Caryn, could you purge the wand for a few seconds and check that the holes in the tip aren&#39;t blocked? A paperclip works well.',
     1, 'AGENT', '{}', 'SEEN', unixepoch('now', '-4 days', '-4 hours', '-27 minutes'),
     unixepoch('now', '-4 days', '-4 hours', '-57 minutes'), unixepoch('now', '-4 days', '-4 hours', '-57 minutes')),
    (67, 'ba457cb8-e08b-413a-a7e0-41ba3d5176a5', 19, NULL, 'Steam wand losing pressure', 'MESSENGER',
     'Cleaned the tip, it''s still weak after the third drink.',
     'Cleaned the tip, it&#39;s still weak after the third drink.',
     2, 'MESSENGER', '{"user_agent":"Chrome","page_url":"https://brewfictus.kayako.com/"}', 'SEEN', unixepoch('now', '-4 days', '-2 hours', '-5 minutes'),
     unixepoch('now', '-4 days', '-2 hours', '-27 minutes'), unixepoch('now', '-4 days', '-2 hours', '-27 minutes')),
    (68, '57f65773-e930-4bc6-8e93-0ef604c6a776', 19, NULL, 'Steam wand losing pressure', 'MESSENGER',
     'Thanks for checking. That points to the boiler pressure switch. I''ve booked a technician for tomorrow morning between 8 and 10.',
     'Thanks for checking. That points to the boiler pressure switch. I&#39;ve booked a technician for tomorrow morning between 8 and 10.',
     1, 'AGENT', '{}', 'DELIVERED', unixepoch('now', '-4 days', '-1 hours', '-41 minutes'),
     unixepoch('now', '-4 days', '-1 hours', '-42 minutes'), unixepoch('now', '-4 days', '-1 hours', '-42 minutes'));

INSERT INTO participants (conversation_id, user_id, created_at) VALUES
    (19, 2, unixepoch('now', '-4 days', '-5 hours', '-11 minutes')),
    (19, 1, unixepoch('now', '-4 days', '-4 hours', '-57 minutes'));

INSERT INTO field_values (conversation_id, field_id, value) VALUES
    (19, 10, '2'),
    (19, 11, '1');

INSERT INTO read_markers (id, conversation_id, user_id, last_read_post_id, last_read_at, created_at, updated_at) VALUES
    (27, 19, 2, 67, unixepoch('now', '-4 days', '-2 hours', '-27 minutes'), unixepoch('now', '-4 days', '-5 hours', '-11 minutes'), unixepoch('now', '-4 days', '-2 hours', '-27 minutes')),
    (28, 19, 1, 68, unixepoch('now', '-4 days', '-1 hours', '-42 minutes'), unixepoch('now', '-4 days', '-5 hours', '-11 minutes'), unixepoch('now', '-4 days', '-1 hours', '-42 minutes'));

-- ===========================================================================
-- Conversation 20 - Mark Davis: Espresso shots running too fast after the burr change
--   HELPCENTER, Pending, Normal, Question; Support / Alex; opened by the customer
--   messages 69-72
-- ===========================================================================
INSERT INTO conversations (id, uuid, legacy_id, subject, channel, requester_id, creator_id, last_replier_id,
                           last_agent_replier_id, assigned_team_id, assigned_agent_id, status_id, priority_id,
                           type_id, form_id, realtime_channel, last_message_status, last_message_preview,
                           last_replied_at, created_at, updated_at) VALUES
    (20, 'ded4f131-ba7e-48db-858c-98500e316d57', NULL, 'Espresso shots running too fast after the burr change', 'HELPCENTER',
     3, 3, 5, 5, 1, 5, 3, 2, 1, NULL,
     'presence-2b168dfed3d12d22a6ddbb4d989fe7d27209d631f5e24cd5275cdd084421f942@v1_cases_20',
     'SENT', 'That sounds like the burr carrier isn''t seated properly. Could you send a photo of the carrier with the top burr removed?',
     unixepoch('now', '-2 days', '-22 hours', '-19 minutes'), unixepoch('now', '-3 days', '-3 hours', '-29 minutes'), unixepoch('now', '-2 days', '-22 hours', '-19 minutes'));

INSERT INTO messages (id, uuid, conversation_id, client_id, subject, channel, content_text, content_html,
                      creator_id, source, metadata, message_status, message_status_updated_at, created_at, updated_at) VALUES
    (69, '61d659da-7c9e-4479-b9ab-733e601c218c', 20, NULL, 'Espresso shots running too fast after the burr change', 'HELPCENTER',
     'Since fitting the new burrs our shots are running in about 18 seconds. How should we dial in?',
     'Since fitting the new burrs our shots are running in about 18 seconds. How should we dial in?',
     3, 'HELPCENTER', '{"user_agent":"Chrome","page_url":"https://brewfictus.kayako.com/help/orders"}', 'SEEN', unixepoch('now', '-3 days', '-2 hours', '-59 minutes'),
     unixepoch('now', '-3 days', '-3 hours', '-29 minutes'), unixepoch('now', '-3 days', '-3 hours', '-29 minutes')),
    (70, 'a65f7865-ad61-4673-b704-e621bf00d95b', 20, NULL, 'Espresso shots running too fast after the burr change', 'HELPCENTER',
     'Hi Mark,

New burrs cut much more cleanly. Go two steps finer, keep the dose at 18g in and aim for 36g out in 28-32 seconds.',
     'Hi Mark,<br />
<br />
New burrs cut much more cleanly. Go two steps finer, keep the dose at 18g in and aim for 36g out in 28-32 seconds.',
     5, 'AGENT', '{}', 'SEEN', unixepoch('now', '-3 days', '-1 hours', '-54 minutes'),
     unixepoch('now', '-3 days', '-2 hours', '-24 minutes'), unixepoch('now', '-3 days', '-2 hours', '-24 minutes')),
    (71, '6c4f570c-5fbf-4ad9-9e1a-36402c4b5a94', 20, NULL, 'Espresso shots running too fast after the burr change', 'HELPCENTER',
     'We''re at the finest setting now and still only getting 22 seconds.',
     'We&#39;re at the finest setting now and still only getting 22 seconds.',
     3, 'HELPCENTER', '{"user_agent":"Safari","page_url":"https://brewfictus.kayako.com/help/orders"}', 'SEEN', unixepoch('now', '-2 days', '-22 hours', '-44 minutes'),
     unixepoch('now', '-2 days', '-23 hours', '-9 minutes'), unixepoch('now', '-2 days', '-23 hours', '-9 minutes')),
    (72, '30ee3159-2234-436a-88c4-2ad9879e491d', 20, NULL, 'Espresso shots running too fast after the burr change', 'HELPCENTER',
     'That sounds like the burr carrier isn''t seated properly. Could you send a photo of the carrier with the top burr removed?',
     'That sounds like the burr carrier isn&#39;t seated properly. Could you send a photo of the carrier with the top burr removed?',
     5, 'AGENT', '{}', 'SENT', unixepoch('now', '-2 days', '-22 hours', '-19 minutes'),
     unixepoch('now', '-2 days', '-22 hours', '-19 minutes'), unixepoch('now', '-2 days', '-22 hours', '-19 minutes'));

INSERT INTO participants (conversation_id, user_id, created_at) VALUES
    (20, 3, unixepoch('now', '-3 days', '-3 hours', '-29 minutes')),
    (20, 5, unixepoch('now', '-3 days', '-2 hours', '-24 minutes'));

INSERT INTO read_markers (id, conversation_id, user_id, last_read_post_id, last_read_at, created_at, updated_at) VALUES
    (29, 20, 3, 71, unixepoch('now', '-2 days', '-23 hours', '-9 minutes'), unixepoch('now', '-3 days', '-3 hours', '-29 minutes'), unixepoch('now', '-2 days', '-23 hours', '-9 minutes')),
    (30, 20, 5, 72, unixepoch('now', '-2 days', '-22 hours', '-19 minutes'), unixepoch('now', '-3 days', '-3 hours', '-29 minutes'), unixepoch('now', '-2 days', '-22 hours', '-19 minutes'));

-- ===========================================================================
-- Conversation 21 - Dana Lee: Espresso machine won't heat up
--   MESSENGER, Open, Urgent, Incident; Field Service / Simon; opened by the customer
--   messages 73-77; form 2
-- ===========================================================================
INSERT INTO conversations (id, uuid, legacy_id, subject, channel, requester_id, creator_id, last_replier_id,
                           last_agent_replier_id, assigned_team_id, assigned_agent_id, status_id, priority_id,
                           type_id, form_id, realtime_channel, last_message_status, last_message_preview,
                           last_replied_at, created_at, updated_at) VALUES
    (21, 'a23e6176-ba65-45d8-b22e-5f39ba615834', NULL, 'Espresso machine won''t heat up', 'MESSENGER',
     4, 4, 1, 1, 6, 1, 2, 4, 4, 2,
     'presence-09588185315a1bd305e3ae615e16f8a1d039cb2b6c93eb8d55341ca3854b261c@v1_cases_21',
     'DELIVERED', 'That sounds like a failing heating element. A technician will be with you tomorrow at 8am. Please keep the machine switched off until then.',
     unixepoch('now', '-1 days', '-22 hours', '-56 minutes'), unixepoch('now', '-2 days', '-1 hours', '-12 minutes'), unixepoch('now', '-1 days', '-22 hours', '-56 minutes'));

INSERT INTO messages (id, uuid, conversation_id, client_id, subject, channel, content_text, content_html,
                      creator_id, source, metadata, message_status, message_status_updated_at, created_at, updated_at) VALUES
    (73, 'c54e16f4-8c4b-4860-b713-aea095af0964', 21, '6c4f2c5c-6bae-45d9-b3d6-834dc10c3a10', 'Espresso machine won''t heat up', 'MESSENGER',
     'Our espresso machine won''t heat up this morning. The power light is on and the breaker hasn''t tripped.',
     'Our espresso machine won&#39;t heat up this morning. The power light is on and the breaker hasn&#39;t tripped.',
     4, 'MESSENGER', '{"user_agent":"Edge","page_url":"https://brewfictus.kayako.com/"}', 'SEEN', unixepoch('now', '-2 days', '-1 hours', '-8 minutes'),
     unixepoch('now', '-2 days', '-1 hours', '-12 minutes'), unixepoch('now', '-2 days', '-1 hours', '-12 minutes')),
    (74, 'ddb56e3f-4584-4678-bed1-fa90679327db', 21, NULL, 'Espresso machine won''t heat up', 'MESSENGER',
     'Hi Dana, please check that the boiler fill light isn''t flashing, then press the red thermal cut-out reset button behind the lower back panel.',
     'Hi Dana, please check that the boiler fill light isn&#39;t flashing, then press the red thermal cut-out reset button behind the lower back panel.',
     1, 'AGENT', '{}', 'SEEN', unixepoch('now', '-2 days', '-53 minutes'),
     unixepoch('now', '-2 days', '-1 hours', '-3 minutes'), unixepoch('now', '-2 days', '-1 hours', '-3 minutes')),
    (75, '0bde5aed-b1b4-45ac-94d8-d87e167f20d9', 21, 'b12c786d-30a3-4e77-ad5c-0b1a01128db7', 'Espresso machine won''t heat up', 'MESSENGER',
     'Reset it and it''s heating now, thanks.',
     'Reset it and it&#39;s heating now, thanks.',
     4, 'MESSENGER', '{"user_agent":"Firefox","page_url":"https://brewfictus.kayako.com/pricing"}', 'SEEN', unixepoch('now', '-2 days', '-13 minutes'),
     unixepoch('now', '-2 days', '-43 minutes'), unixepoch('now', '-2 days', '-43 minutes')),
    (76, '5cfc18ca-8e34-482d-a5d2-65dcbafa0538', 21, 'e3d846aa-e500-446f-8231-e301a7e4b485', 'Espresso machine won''t heat up', 'MESSENGER',
     'It tripped again after an hour.',
     'It tripped again after an hour.',
     4, 'MESSENGER', '{"user_agent":"Chrome","page_url":"https://brewfictus.kayako.com/"}', 'SEEN', unixepoch('now', '-1 days', '-23 hours', '-2 minutes'),
     unixepoch('now', '-1 days', '-23 hours', '-8 minutes'), unixepoch('now', '-1 days', '-23 hours', '-8 minutes')),
    (77, 'b00cfecf-a540-4fe8-a8fd-2c185b65a22f', 21, NULL, 'Espresso machine won''t heat up', 'MESSENGER',
     'That sounds like a failing heating element. A technician will be with you tomorrow at 8am. Please keep the machine switched off until then.',
     'That sounds like a failing heating element. A technician will be with you tomorrow at 8am. Please keep the machine switched off until then.',
     1, 'AGENT', '{}', 'DELIVERED', unixepoch('now', '-1 days', '-22 hours', '-55 minutes'),
     unixepoch('now', '-1 days', '-22 hours', '-56 minutes'), unixepoch('now', '-1 days', '-22 hours', '-56 minutes'));

INSERT INTO participants (conversation_id, user_id, created_at) VALUES
    (21, 4, unixepoch('now', '-2 days', '-1 hours', '-12 minutes')),
    (21, 1, unixepoch('now', '-2 days', '-1 hours', '-3 minutes'));

INSERT INTO field_values (conversation_id, field_id, value) VALUES
    (21, 11, '1'),
    (21, 12, 'false'),
    (21, 14, 'NW-8821'),
    (21, 16, '4,5,6');

INSERT INTO read_markers (id, conversation_id, user_id, last_read_post_id, last_read_at, created_at, updated_at) VALUES
    (31, 21, 4, 76, unixepoch('now', '-1 days', '-23 hours', '-8 minutes'), unixepoch('now', '-2 days', '-1 hours', '-12 minutes'), unixepoch('now', '-1 days', '-23 hours', '-8 minutes')),
    (32, 21, 1, 77, unixepoch('now', '-1 days', '-22 hours', '-56 minutes'), unixepoch('now', '-2 days', '-1 hours', '-12 minutes'), unixepoch('now', '-1 days', '-22 hours', '-56 minutes'));

-- ===========================================================================
-- Conversation 22 - Dana Lee: Quote for a second grinder for decaf
--   MAIL, New, Normal, Question; Support / Alex; opened by the customer
--   messages 78-79
-- ===========================================================================
INSERT INTO conversations (id, uuid, legacy_id, subject, channel, requester_id, creator_id, last_replier_id,
                           last_agent_replier_id, assigned_team_id, assigned_agent_id, status_id, priority_id,
                           type_id, form_id, realtime_channel, last_message_status, last_message_preview,
                           last_replied_at, created_at, updated_at) VALUES
    (22, 'a373ca3d-ae27-49c0-b92a-de6323d28a2e', NULL, 'Quote for a second grinder for decaf', 'MAIL',
     4, 4, 4, NULL, 1, 5, 1, 2, 1, NULL,
     'presence-888131a465d5d6eca774d10de9176e12c9824c80e2e1279142b0a03417627ca9@v1_cases_22',
     'SENT', 'Forgot to mention: we''d prefer a 64mm flat burr model to match our main grinder.',
     unixepoch('now', '-1 days', '-2 hours', '-21 minutes'), unixepoch('now', '-1 days', '-3 hours', '-41 minutes'), unixepoch('now', '-1 days', '-2 hours', '-21 minutes'));

INSERT INTO messages (id, uuid, conversation_id, client_id, subject, channel, content_text, content_html,
                      creator_id, source, metadata, message_status, message_status_updated_at, created_at, updated_at) VALUES
    (78, '5c5fdbea-f8bf-4a39-aa9e-17afd251359e', 22, NULL, 'Quote for a second grinder for decaf', 'MAIL',
     'Hello,

Could you send us a quote for a second grinder, dedicated to decaf? We grind about 1kg of decaf a day.',
     'Hello,<br />
<br />
Could you send us a quote for a second grinder, dedicated to decaf? We grind about 1kg of decaf a day.',
     4, 'MAIL', '{}', 'DELIVERED', unixepoch('now', '-1 days', '-3 hours', '-40 minutes'),
     unixepoch('now', '-1 days', '-3 hours', '-41 minutes'), unixepoch('now', '-1 days', '-3 hours', '-41 minutes')),
    (79, 'f56ee280-e241-4044-b7ce-497043eb7dbf', 22, NULL, 'Quote for a second grinder for decaf', 'MAIL',
     'Forgot to mention: we''d prefer a 64mm flat burr model to match our main grinder.',
     'Forgot to mention: we&#39;d prefer a 64mm flat burr model to match our main grinder.',
     4, 'MAIL', '{}', 'SENT', unixepoch('now', '-1 days', '-2 hours', '-21 minutes'),
     unixepoch('now', '-1 days', '-2 hours', '-21 minutes'), unixepoch('now', '-1 days', '-2 hours', '-21 minutes'));

INSERT INTO participants (conversation_id, user_id, created_at) VALUES
    (22, 4, unixepoch('now', '-1 days', '-3 hours', '-41 minutes'));

INSERT INTO read_markers (id, conversation_id, user_id, last_read_post_id, last_read_at, created_at, updated_at) VALUES
    (33, 22, 4, 79, unixepoch('now', '-1 days', '-2 hours', '-21 minutes'), unixepoch('now', '-1 days', '-3 hours', '-41 minutes'), unixepoch('now', '-1 days', '-2 hours', '-21 minutes'));

-- ===========================================================================
-- Conversation 23 - Caryn Pryor: Cold brew tower dripping overnight
--   MESSENGER, New, Urgent, Incident; unassigned; opened by the customer
--   messages 80-81
-- ===========================================================================
INSERT INTO conversations (id, uuid, legacy_id, subject, channel, requester_id, creator_id, last_replier_id,
                           last_agent_replier_id, assigned_team_id, assigned_agent_id, status_id, priority_id,
                           type_id, form_id, realtime_channel, last_message_status, last_message_preview,
                           last_replied_at, created_at, updated_at) VALUES
    (23, '317b860d-eb39-432b-9e9a-f97b857c6328', NULL, 'Cold brew tower dripping overnight', 'MESSENGER',
     2, 2, 2, NULL, NULL, NULL, 1, 4, 4, NULL,
     'presence-410c8ce805dbe4c78a38a1889dd536b1e22753ccc0ef40a745196529e4368701@v1_cases_23',
     'SENT', 'More details: the drip is coming from the valve between the top chamber and the coffee bed, not from the tap. We closed the valve fully before we left last night, and the chamber was still half full of ice water this morning, so it''s a slow leak rather th',
     unixepoch('now', '-10 hours', '-12 minutes'), unixepoch('now', '-10 hours', '-18 minutes'), unixepoch('now', '-10 hours', '-12 minutes'));

INSERT INTO messages (id, uuid, conversation_id, client_id, subject, channel, content_text, content_html,
                      creator_id, source, metadata, message_status, message_status_updated_at, created_at, updated_at) VALUES
    (80, 'de5141da-9ee1-4244-99b8-37c7b9d68128', 23, '816da80c-f913-40e7-914f-0fd532b7219b', 'Cold brew tower dripping overnight', 'MESSENGER',
     'Our cold brew tower dripped all night and there''s a puddle on the bench this morning.',
     'Our cold brew tower dripped all night and there&#39;s a puddle on the bench this morning.',
     2, 'MESSENGER', '{"user_agent":"Edge","page_url":"https://brewfictus.kayako.com/support"}', 'DELIVERED', unixepoch('now', '-10 hours', '-17 minutes'),
     unixepoch('now', '-10 hours', '-18 minutes'), unixepoch('now', '-10 hours', '-18 minutes')),
    (81, 'bd6850d8-dec3-4667-b743-bc550a3dbf5e', 23, '924be782-0c7c-4b7c-84b4-8ff3c1c72963', 'Cold brew tower dripping overnight', 'MESSENGER',
     'More details: the drip is coming from the valve between the top chamber and the coffee bed, not from the tap. We closed the valve fully before we left last night, and the chamber was still half full of ice water this morning, so it''s a slow leak rather than the valve being left open. We''ve drained it for now and would like someone to check it before tonight''s batch, as we can''t sell cold brew tomorrow without it.',
     'More details: the drip is coming from the valve between the top chamber and the coffee bed, not from the tap. We closed the valve fully before we left last night, and the chamber was still half full of ice water this morning, so it&#39;s a slow leak rather than the valve being left open. We&#39;ve drained it for now and would like someone to check it before tonight&#39;s batch, as we can&#39;t sell cold brew tomorrow without it.',
     2, 'MESSENGER', '{"user_agent":"Edge","page_url":"https://brewfictus.kayako.com/pricing"}', 'SENT', unixepoch('now', '-10 hours', '-12 minutes'),
     unixepoch('now', '-10 hours', '-12 minutes'), unixepoch('now', '-10 hours', '-12 minutes'));

INSERT INTO participants (conversation_id, user_id, created_at) VALUES
    (23, 2, unixepoch('now', '-10 hours', '-18 minutes'));

INSERT INTO read_markers (id, conversation_id, user_id, last_read_post_id, last_read_at, created_at, updated_at) VALUES
    (34, 23, 2, 81, unixepoch('now', '-10 hours', '-12 minutes'), unixepoch('now', '-10 hours', '-18 minutes'), unixepoch('now', '-10 hours', '-12 minutes'));

-- ===========================================================================
-- Conversation 24 - Mark Davis: Milk frother making a screeching noise
--   MESSENGER, New, no priority, no type; unassigned; opened by the customer
--   messages 82-83
-- ===========================================================================
INSERT INTO conversations (id, uuid, legacy_id, subject, channel, requester_id, creator_id, last_replier_id,
                           last_agent_replier_id, assigned_team_id, assigned_agent_id, status_id, priority_id,
                           type_id, form_id, realtime_channel, last_message_status, last_message_preview,
                           last_replied_at, created_at, updated_at) VALUES
    (24, '11a23672-26ec-4a59-93f5-4ef9255ea614', NULL, 'Milk frother making a screeching noise', 'MESSENGER',
     3, 3, 3, NULL, NULL, NULL, 1, NULL, NULL, NULL,
     'presence-f1ea0f83972b205e81db282f845f0165d1cdffadfbcbad18a0904d139f451f29@v1_cases_24',
     'SENT', 'It''s worse at full steam and quieter when the jug is nearly full.',
     unixepoch('now', '-2 hours', '-53 minutes'), unixepoch('now', '-3 hours', '-4 minutes'), unixepoch('now', '-2 hours', '-53 minutes'));

INSERT INTO messages (id, uuid, conversation_id, client_id, subject, channel, content_text, content_html,
                      creator_id, source, metadata, message_status, message_status_updated_at, created_at, updated_at) VALUES
    (82, '5ee2637c-a2d7-4099-afd8-14a7a0252cb8', 24, NULL, 'Milk frother making a screeching noise', 'MESSENGER',
     'The automatic milk frother started screeching this morning when it runs.',
     'The automatic milk frother started screeching this morning when it runs.',
     3, 'MESSENGER', '{"user_agent":"Firefox","page_url":"https://brewfictus.kayako.com/equipment"}', 'DELIVERED', unixepoch('now', '-3 hours', '-3 minutes'),
     unixepoch('now', '-3 hours', '-4 minutes'), unixepoch('now', '-3 hours', '-4 minutes')),
    (83, '0a578068-45b0-4027-9725-1793854e0ea8', 24, NULL, 'Milk frother making a screeching noise', 'MESSENGER',
     'It''s worse at full steam and quieter when the jug is nearly full.',
     'It&#39;s worse at full steam and quieter when the jug is nearly full.',
     3, 'MESSENGER', '{"user_agent":"Firefox","page_url":"https://brewfictus.kayako.com/equipment"}', 'SENT', unixepoch('now', '-2 hours', '-53 minutes'),
     unixepoch('now', '-2 hours', '-53 minutes'), unixepoch('now', '-2 hours', '-53 minutes'));

INSERT INTO participants (conversation_id, user_id, created_at) VALUES
    (24, 3, unixepoch('now', '-3 hours', '-4 minutes'));

INSERT INTO read_markers (id, conversation_id, user_id, last_read_post_id, last_read_at, created_at, updated_at) VALUES
    (35, 24, 3, 83, unixepoch('now', '-2 hours', '-53 minutes'), unixepoch('now', '-3 hours', '-4 minutes'), unixepoch('now', '-2 hours', '-53 minutes'));

-- The mailbox customers write to, and replies on mail conversations leave from.
INSERT INTO mailboxes (id, uuid, address, is_enabled, is_default, created_at, updated_at) VALUES
    (1, '02a60873-8118-453c-8258-8f44029e657d', 'support@brewfictus.com', 1, 1,
     unixepoch('now', '-30 days'), unixepoch('now', '-30 days'));

-- The agents' desk: private notes (some mentioning a colleague).
INSERT INTO notes (id, uuid, conversation_id, creator_id, body_text, body_html, created_at, updated_at) VALUES
    (1, '4f0c4a52-7d5e-4a57-9a43-2f8e2b1c0a01', 3, 5, '@Simon Blackhouse can you check whether their burr set is from the recalled batch? The serial starts with GR-21.',
     '<span class="mention" data-user-id="1">@Simon Blackhouse</span> can you check whether their burr set is from the recalled batch? The serial starts with GR-21.',
     unixepoch('now', '-5 hours'), unixepoch('now', '-5 hours')),
    (2, '4f0c4a52-7d5e-4a57-9a43-2f8e2b1c0a02', 4, 1, 'Finance says the VAT rate is right for the Bridge Rd address. @Morgan Reyes can you confirm before I reply?',
     'Finance says the VAT rate is right for the Bridge Rd address. <span class="mention" data-user-id="7">@Morgan Reyes</span> can you confirm before I reply?',
     unixepoch('now', '-26 hours'), unixepoch('now', '-26 hours')),
    (3, '4f0c4a52-7d5e-4a57-9a43-2f8e2b1c0a03', 22, 5, 'Offer 10% off the second grinder if they sign the maintenance contract this month.',
     'Offer 10% off the second grinder if they sign the maintenance contract this month.',
     unixepoch('now', '-3 hours'), unixepoch('now', '-3 hours')),
    (4, '4f0c4a52-7d5e-4a57-9a43-2f8e2b1c0a04', 21, 1, 'Most likely the heating element. @Jordan Kim please bring a spare to Thursday''s visit.',
     'Most likely the heating element. <span class="mention" data-user-id="6">@Jordan Kim</span> please bring a spare to Thursday&#39;s visit.',
     unixepoch('now', '-90 minutes'), unixepoch('now', '-90 minutes'));

INSERT INTO note_mentions (note_id, user_id) VALUES (1, 1), (2, 7), (4, 6);

-- Saved replies the whole team shares, and one of Simon's own.
INSERT INTO macros (id, title, reply_text, owner_id, status_id, priority_id, assigned_agent_id, assigned_team_id,
                    usage_count, created_at, updated_at) VALUES
    (1, 'Ask for the serial number',
     'Hi {{customer.first_name}},

Thanks for getting in touch. Could you send us the serial number from the back panel of the machine, and a photo of the display if it shows an error?

Best regards,
{{agent.name}}',
     NULL, 3, NULL, NULL, NULL, 14, unixepoch('now', '-60 days'), unixepoch('now', '-60 days')),
    (2, 'Technician visit booked',
     'Hi {{customer.first_name}},

A technician will visit on the day we agreed, between 9 and 12. Your reference is #{{conversation.id}}.

Best regards,
{{agent.name}}',
     NULL, 3, 3, NULL, 6, 9, unixepoch('now', '-45 days'), unixepoch('now', '-45 days')),
    (3, 'Warranty replacement sent',
     'Good news, {{customer.first_name}}: this is covered by your warranty, and the replacement part is in the post. It should arrive within two working days.

{{agent.name}}',
     NULL, 4, NULL, NULL, NULL, 5, unixepoch('now', '-30 days'), unixepoch('now', '-30 days')),
    (4, 'My sign-off for Atmosphere Coffee',
     'Say hello to the Bridge Rd team for me!

Simon',
     1, NULL, NULL, NULL, NULL, 2, unixepoch('now', '-10 days'), unixepoch('now', '-10 days'));

-- ===========================================================================
-- Each statement reads its own 'now', so a clock tick between a conversation's
-- INSERT and its messages' could leave them a second apart. Align the
-- conversations' timestamps with their messages (conversation 1 keeps the
-- reference's own values).
-- ===========================================================================
UPDATE conversations
   SET created_at      = (SELECT min(m.created_at) FROM messages m WHERE m.conversation_id = conversations.id),
       last_replied_at = (SELECT max(m.created_at) FROM messages m WHERE m.conversation_id = conversations.id),
       updated_at      = (SELECT max(m.created_at) FROM messages m WHERE m.conversation_id = conversations.id)
 WHERE id > 1;
