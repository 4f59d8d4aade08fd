-- W2 pgbench peer: insert one recorded theme day for a random branch, then one aggregate query
-- over that branch and month (the checks of theme_day_monthly), as one transaction.
-- Run against a database loaded by the generator: pgbench -n -f bench/w2_peer.sql -D branches=N.
\set b random(1, :branches)
\set d random(1, 28)
BEGIN;
INSERT INTO instances (id, workflow, workflow_version, org_id, state, complete, version, data, created_data,
    occurs_on, created_at, updated_at, recorded_at, created_by, unique_key, creation_hash)
VALUES (md5(random()::text), 'meeting', 'v', 'b' || lpad(:b::text, 6, '0'), 'recorded', true, 2,
    jsonb_build_object('type', 'theme_day', 'held_on', '2026-02-' || lpad(:d::text, 2, '0'), 'expected', 20, 'present', 18,
        'absentees', '[{"name":"a","reason":"r"},{"name":"b","reason":"r"}]'::jsonb, 'minutes', repeat('会议记录', 10)),
    '{}', '2026-02-' || lpad(:d::text, 2, '0'), now(), now(), now(), 'pgbench', NULL, 'h');
SELECT count(*) AS n,
       bool_or((data->>'present')::int * 10 < (data->>'expected')::int * 7) AS low_attendance,
       bool_or(char_length(coalesce(data->>'minutes', '')) < 30) AS minutes_too_short
FROM instances
WHERE org_id = 'b' || lpad(:b::text, 6, '0') AND workflow = 'meeting' AND complete
  AND occurs_on >= '2026-02-01' AND occurs_on <= '2026-02-28' AND data->>'type' = 'theme_day';
COMMIT;
