-- The workflow whose record changed, so the worker evaluates only the rules that read it
-- ('' for org and member changes: every rule).
ALTER TABLE outbox ADD COLUMN workflow TEXT NOT NULL DEFAULT '';
