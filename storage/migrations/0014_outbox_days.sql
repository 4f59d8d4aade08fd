-- The days (YYYY-MM-DD, comma-separated) whose periods an outbox entry narrows the re-evaluation
-- of period-collection rules to ('': From through today, as before).
ALTER TABLE outbox ADD COLUMN days TEXT NOT NULL DEFAULT '';
