-- Members over time (issue 11): the day a member joined their org, 转正, leaving; and the history
-- of every change to a member, each entry the member as they are from its effective date on.
ALTER TABLE members ADD COLUMN since TEXT;
ALTER TABLE members ADD COLUMN confirmed_on TEXT;
ALTER TABLE members ADD COLUMN left_on TEXT;
ALTER TABLE members ADD COLUMN left_reason TEXT NOT NULL DEFAULT '';
CREATE TABLE member_changes (
    member_id    TEXT NOT NULL REFERENCES members (id),
    seq          INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    on_date      TEXT,
    org_id       TEXT NOT NULL,
    from_org_id  TEXT,
    name         TEXT NOT NULL,
    status       TEXT NOT NULL,
    roles        {{json}} NOT NULL,
    leader       BOOLEAN NOT NULL DEFAULT FALSE,
    joined_on    TEXT,
    confirmed_on TEXT,
    is_left      BOOLEAN NOT NULL DEFAULT FALSE,
    reason       TEXT NOT NULL DEFAULT '',
    actor        TEXT NOT NULL,
    at           {{timestamp}} NOT NULL,
    PRIMARY KEY (member_id, seq)
);
CREATE INDEX member_changes_org_id ON member_changes (org_id, member_id);
-- Every member recorded before the history existed joined their org "from the beginning".
INSERT INTO member_changes (member_id, seq, kind, on_date, org_id, name, status, roles, leader, joined_on, actor, at)
SELECT id, 1, 'join', NULL, org_id, name, status, roles, leader, joined_on, 'migration', created_at FROM members;
