-- A digest of each ledger row's content (status, due, explanation, evidence, version…), so an
-- evaluation rewrites only the rows that changed.
ALTER TABLE ledger ADD COLUMN digest TEXT NOT NULL DEFAULT '';
