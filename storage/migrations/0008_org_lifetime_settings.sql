-- An org's dissolution date (periods after it are not_applicable), and deployment-wide settings
-- that every server and subcommand must agree on (the go-live date `since`).
ALTER TABLE orgs ADD COLUMN dissolved_on TEXT;
CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at {{timestamp}} NOT NULL
);
