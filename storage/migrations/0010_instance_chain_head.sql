-- The head of each instance's hash chain, kept on the instance row so that appending one
-- transition reads no history: last_seq is the seq of the latest transition (0 without history),
-- last_hash its hash ('' without history; the next row then chains to creation_hash). Written in
-- the same statement as the instance's new state and version. Backfilled from transitions.
ALTER TABLE instances ADD COLUMN last_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE instances ADD COLUMN last_hash TEXT NOT NULL DEFAULT '';
UPDATE instances SET
    last_seq = COALESCE((SELECT MAX(t.seq) FROM transitions t WHERE t.instance_id = instances.id), 0),
    last_hash = COALESCE((SELECT t.hash FROM transitions t WHERE t.instance_id = instances.id ORDER BY t.seq DESC LIMIT 1), '');
