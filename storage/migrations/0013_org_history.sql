-- The org tree over time (issue 11): each change of an org's parent or term, the org's parent and
-- term from its effective date on, with who recorded it and when.
CREATE TABLE org_changes (
    org_id          TEXT NOT NULL REFERENCES orgs (id),
    seq             INTEGER NOT NULL,
    on_date         TEXT,
    parent_id       TEXT,
    term_started_on TEXT,
    term_years      INTEGER NOT NULL DEFAULT 0,
    actor           TEXT NOT NULL,
    at              {{timestamp}} NOT NULL,
    PRIMARY KEY (org_id, seq)
);
-- Every org recorded before the history existed has had its parent and term from the beginning.
INSERT INTO org_changes (org_id, seq, on_date, parent_id, term_started_on, term_years, actor, at)
SELECT id, 1, NULL, parent_id, term_started_on, term_years, 'migration', created_at FROM orgs;
