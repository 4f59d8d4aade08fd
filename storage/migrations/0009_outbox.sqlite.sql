-- The evaluation outbox: what a committed change asks to re-evaluate, written in the change's own
-- transaction and deleted by the transaction that evaluates it (engine.Service.RunOutbox).
-- available_at (unix milliseconds) delays a retry after a failure; attempts and last_error show
-- an entry that keeps failing. AUTOINCREMENT: ids are never reused.
CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id       TEXT NOT NULL,
    from_day     TEXT NOT NULL DEFAULT '',
    instance_id  TEXT NOT NULL DEFAULT '',
    created_at   {{timestamp}} NOT NULL,
    available_at BIGINT NOT NULL DEFAULT 0,
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_available ON outbox (available_at, id);
CREATE INDEX outbox_org ON outbox (org_id, id);
