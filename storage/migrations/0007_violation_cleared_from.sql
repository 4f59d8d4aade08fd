-- A violation cleared by an evaluation remembers the status a person left it in (open,
-- acknowledged or waived), so that it comes back in that status when its condition returns.
-- Violations cleared before this migration take it from their last history entry.
ALTER TABLE violations ADD COLUMN cleared_from TEXT NOT NULL DEFAULT '';
UPDATE violations SET cleared_from = COALESCE((SELECT h.from_status FROM violation_history h
    WHERE h.violation_id = violations.id ORDER BY h.seq DESC LIMIT 1), '')
    WHERE status = 'resolved' AND resolution = 'cleared';
