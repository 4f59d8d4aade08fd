-- Compliance tables: the ledger (one row per rule × subject × period, period_key '' when the rule
-- has none) with its status timeline, and violations with their status history. {{timestamp}}
-- and {{json}} are replaced per dialect (see migrate.go).

CREATE TABLE ledger (
    rule         TEXT NOT NULL,
    subject_id   TEXT NOT NULL,
    period_key   TEXT NOT NULL,
    org_id       TEXT NOT NULL,
    scope        TEXT NOT NULL,
    rule_version TEXT NOT NULL,
    period_start TEXT,
    period_end   TEXT,
    due          {{timestamp}},
    status       TEXT NOT NULL,
    severity     TEXT NOT NULL DEFAULT '',
    mode         TEXT NOT NULL DEFAULT '',
    explanation  {{json}} NOT NULL,
    evidence     {{json}} NOT NULL,
    evaluated_at {{timestamp}} NOT NULL,
    PRIMARY KEY (rule, subject_id, period_key)
);
CREATE INDEX ledger_org_rule_subject_period ON ledger (org_id, rule, subject_id, period_key);
CREATE INDEX ledger_status ON ledger (status);

CREATE TABLE ledger_timeline (
    rule         TEXT NOT NULL,
    subject_id   TEXT NOT NULL,
    period_key   TEXT NOT NULL,
    org_id       TEXT NOT NULL,
    from_status  TEXT NOT NULL,
    to_status    TEXT NOT NULL,
    rule_version TEXT NOT NULL,
    at           {{timestamp}} NOT NULL
);
CREATE INDEX ledger_timeline_key_at ON ledger_timeline (rule, subject_id, period_key, at);

CREATE TABLE violations (
    id                TEXT PRIMARY KEY,
    rule              TEXT NOT NULL,
    rule_version      TEXT NOT NULL,
    org_id            TEXT NOT NULL,
    subject_id        TEXT NOT NULL,
    period_key        TEXT NOT NULL,
    kind              TEXT NOT NULL,
    check_id          TEXT NOT NULL,
    severity          TEXT NOT NULL,
    status            TEXT NOT NULL,
    resolution        TEXT,
    message           TEXT NOT NULL,
    explanation       {{json}} NOT NULL,
    evidence          {{json}} NOT NULL,
    waiver_reason     TEXT NOT NULL DEFAULT '',
    waiver_expires_at {{timestamp}},
    waiver_by         TEXT NOT NULL DEFAULT '',
    opened_at         {{timestamp}} NOT NULL,
    updated_at        {{timestamp}} NOT NULL
);
CREATE UNIQUE INDEX violations_identity ON violations (rule, subject_id, period_key, kind, check_id);
CREATE INDEX violations_org_id ON violations (org_id, id);

-- seq numbers the changes of one violation in the order they were saved.
CREATE TABLE violation_history (
    violation_id TEXT NOT NULL REFERENCES violations (id),
    seq          INTEGER NOT NULL,
    at           {{timestamp}} NOT NULL,
    actor        TEXT NOT NULL,
    from_status  TEXT NOT NULL,
    to_status    TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (violation_id, seq)
);
CREATE INDEX violation_history_at ON violation_history (violation_id, at);
