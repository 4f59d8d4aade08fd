-- Where an org's reminders go: a 企业微信 / 钉钉 group-robot webhook URL per org.
CREATE TABLE org_webhooks (
    org_id     TEXT PRIMARY KEY REFERENCES orgs (id),
    url        TEXT NOT NULL,
    updated_at {{timestamp}} NOT NULL,
    updated_by TEXT NOT NULL DEFAULT ''
);
-- Reminders claimed and sent: one row per item (rule, subject, period) and threshold. The unique
-- key is the claim: a reminder inserted once is never claimed again, by this server or another,
-- before or after a restart. next_at and attempts drive the retries; last_error shows a failure.
CREATE TABLE reminders (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id     TEXT NOT NULL,
    item       TEXT NOT NULL,
    threshold  TEXT NOT NULL,
    due        {{timestamp}} NOT NULL,
    content    TEXT NOT NULL,
    url        TEXT NOT NULL,
    status     TEXT NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    next_at    {{timestamp}} NOT NULL,
    last_error TEXT NOT NULL DEFAULT '',
    created_at {{timestamp}} NOT NULL,
    sent_at    {{timestamp}},
    UNIQUE (item, threshold)
);
CREATE INDEX reminders_status ON reminders (status, next_at);
CREATE INDEX reminders_org ON reminders (org_id, id);
