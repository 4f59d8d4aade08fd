-- Core tables: the org tree, members, tokens, workflow instances and their hash-chained history,
-- and idempotency keys. {{timestamp}} and {{json}} are replaced per dialect (see migrate.go).

CREATE TABLE orgs (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    kind            TEXT NOT NULL,
    parent_id       TEXT REFERENCES orgs (id),
    attributes      {{json}} NOT NULL,
    established_on  TEXT,
    term_started_on TEXT,
    term_years      INTEGER NOT NULL DEFAULT 0,
    created_at      {{timestamp}} NOT NULL,
    updated_at      {{timestamp}} NOT NULL
);
CREATE INDEX orgs_parent_id ON orgs (parent_id, id);

CREATE TABLE members (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES orgs (id),
    name       TEXT NOT NULL,
    status     TEXT NOT NULL,
    roles      {{json}} NOT NULL,
    leader     BOOLEAN NOT NULL DEFAULT FALSE,
    joined_on  TEXT,
    created_at {{timestamp}} NOT NULL
);
CREATE INDEX members_org_id ON members (org_id, id);

CREATE TABLE tokens (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    role       TEXT NOT NULL,
    org_id     TEXT NOT NULL DEFAULT '',
    hash       TEXT NOT NULL UNIQUE,
    created_at {{timestamp}} NOT NULL
);

CREATE TABLE instances (
    id               TEXT PRIMARY KEY,
    workflow         TEXT NOT NULL,
    workflow_version TEXT NOT NULL,
    org_id           TEXT NOT NULL REFERENCES orgs (id),
    state            TEXT NOT NULL,
    complete         BOOLEAN NOT NULL,
    version          INTEGER NOT NULL,
    data             {{json}} NOT NULL,
    created_data     {{json}} NOT NULL,
    occurs_on        TEXT,
    created_at       {{timestamp}} NOT NULL,
    updated_at       {{timestamp}} NOT NULL,
    recorded_at      {{timestamp}},
    created_by       TEXT NOT NULL,
    parent_id        TEXT,
    parent_action    TEXT NOT NULL DEFAULT '',
    parent_key       TEXT NOT NULL DEFAULT '',
    unique_key       TEXT,
    creation_hash    TEXT NOT NULL
);
CREATE INDEX instances_org_workflow_occurs_on ON instances (org_id, workflow, occurs_on);
CREATE INDEX instances_workflow_id ON instances (workflow, id);
CREATE INDEX instances_parent_id ON instances (parent_id);
CREATE UNIQUE INDEX instances_unique_key ON instances (org_id, workflow, unique_key);

CREATE TABLE transitions (
    instance_id TEXT NOT NULL REFERENCES instances (id),
    seq         INTEGER NOT NULL,
    event       TEXT NOT NULL,
    from_state  TEXT NOT NULL,
    to_state    TEXT NOT NULL,
    actor       TEXT NOT NULL,
    actor_role  TEXT NOT NULL,
    at          {{timestamp}} NOT NULL,
    data        {{json}} NOT NULL,
    comment     TEXT NOT NULL DEFAULT '',
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL,
    PRIMARY KEY (instance_id, seq)
);

CREATE TABLE idempotency_keys (
    scope        TEXT NOT NULL,
    key          TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    response     TEXT NOT NULL,
    created_at   {{timestamp}} NOT NULL,
    PRIMARY KEY (scope, key)
);
