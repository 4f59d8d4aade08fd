-- Rule-set versions with their files, the activation log (the activation with the highest seq is
-- the active version; re-activating an older one is a rollback), and the audit log.

CREATE TABLE rule_sets (
    version    TEXT PRIMARY KEY,
    checksum   TEXT NOT NULL,
    files      {{json}} NOT NULL,
    author     TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    created_at {{timestamp}} NOT NULL
);

CREATE TABLE rule_activations (
    id           TEXT PRIMARY KEY,
    version      TEXT NOT NULL REFERENCES rule_sets (version),
    author       TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    activated_at {{timestamp}} NOT NULL,
    seq          INTEGER NOT NULL UNIQUE
);

CREATE TABLE audit (
    id     TEXT PRIMARY KEY,
    at     {{timestamp}} NOT NULL,
    actor  TEXT NOT NULL,
    role   TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    detail {{json}} NOT NULL
);
