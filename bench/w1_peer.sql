-- W1 SQL peer: the meeting rules of the party-branch pack (examples/party-branch/rules/meetings.yaml)
-- as hand-written PostgreSQL, one statement per rule family, each one pass over the meeting
-- records grouped by branch and period. Parameters: $1 from date, $2 to date (YYYY-MM-DD),
-- $3 as-of instant (timestamptz). Each statement returns the flagged set as
-- (rule, org_id, period, kind, check_id), the identity of a violation.
--
-- Covered: theme_day_monthly (overdue/late; shallow low_attendance, absentees_without_reason,
-- minutes_too_short, recorded_late), committee_monthly (overdue/late; minutes_too_short,
-- recorded_late), group_monthly (overdue/late), assembly_quarterly (overdue/late;
-- bunched_at_period_end, low_attendance), lecture_quarterly (overdue/late).
-- Not covered: theme_day_monthly.copied_minutes (bigram-Dice similarity against every earlier
-- meeting has no one-pass SQL equivalent); the engine's result for it is checked against the
-- planted set only.
--
-- Semantics mirrored from the engine: a record counts for the period of its held_on date; only
-- complete records count; due = first day after the period + grace, midnight Asia/Shanghai;
-- no matching record by as-of → overdue; matching records all recorded at or after due → late
-- (with its shallow checks); otherwise compliant or shallow. working_days(a, b) counts Monday to
-- Friday days in (a, b].

-- name: monthly
WITH m AS (
    SELECT i.org_id,
           left(i.occurs_on, 7) AS period,
           i.data->>'type' AS type,
           (i.data->>'expected')::int AS expected,
           (i.data->>'present')::int AS present,
           i.data->'absentees' AS absentees,
           coalesce(i.data->>'minutes', '') AS minutes,
           i.occurs_on::date AS held_on,
           (i.recorded_at AT TIME ZONE 'Asia/Shanghai')::date AS recorded_on,
           i.recorded_at
    FROM instances i
    WHERE i.workflow = 'meeting' AND i.complete AND i.created_at <= $3
      AND i.occurs_on >= $1 AND i.occurs_on <= $2
      AND i.data->>'type' IN ('theme_day', 'committee', 'group')
), agg AS (
    SELECT org_id, period, type,
           min(recorded_at) AS first_recorded,
           bool_or(expected > 0 AND present * 10 < expected * 7) AS low_attendance,
           bool_or((present < expected AND jsonb_array_length(coalesce(absentees, '[]')) = 0)
                   OR EXISTS (SELECT 1 FROM jsonb_array_elements(coalesce(absentees, '[]')) a
                              WHERE coalesce(a->>'reason', '') = '')) AS absentees_without_reason,
           bool_or(char_length(minutes) < 30) AS minutes_too_short,
           bool_or(recorded_on - held_on > 3 AND
                   (SELECT count(*) FROM generate_series(held_on + 1, recorded_on, interval '1 day') d
                    WHERE extract(isodow FROM d) < 6) > 3) AS recorded_late
    FROM m GROUP BY org_id, period, type
), rules(rule, type) AS (
    VALUES ('theme_day_monthly', 'theme_day'), ('committee_monthly', 'committee'), ('group_monthly', 'group')
), grid AS (
    SELECT o.id AS org_id, r.rule, r.type, to_char(p, 'YYYY-MM') AS period,
           ((p + interval '1 month')::date + 10)::timestamp AT TIME ZONE 'Asia/Shanghai' AS due
    FROM orgs o
    CROSS JOIN rules r
    CROSS JOIN generate_series(date_trunc('month', $1::date), $2::date, interval '1 month') p
    WHERE o.kind = 'branch' AND p >= '2018-10-28'
      AND (r.rule <> 'group_monthly' OR o.attributes->>'groups' = 'yes')
), status AS (
    SELECT g.rule, g.org_id, g.period, a.first_recorded, a.low_attendance, a.absentees_without_reason,
           a.minutes_too_short, a.recorded_late,
           CASE WHEN a.first_recorded IS NULL THEN CASE WHEN g.due <= $3 THEN 'overdue' END
                WHEN a.first_recorded >= g.due THEN 'late' END AS kind
    FROM grid g LEFT JOIN agg a ON a.org_id = g.org_id AND a.period = g.period AND a.type = g.type
)
SELECT rule, org_id, period, kind, '' AS check_id FROM status WHERE kind IS NOT NULL
UNION ALL
SELECT s.rule, s.org_id, s.period, 'shallow', c.check_id
FROM status s
CROSS JOIN LATERAL (VALUES
    ('low_attendance', s.rule = 'theme_day_monthly' AND s.low_attendance),
    ('absentees_without_reason', s.rule = 'theme_day_monthly' AND s.absentees_without_reason),
    ('minutes_too_short', s.rule IN ('theme_day_monthly', 'committee_monthly') AND s.minutes_too_short),
    ('recorded_late', s.rule IN ('theme_day_monthly', 'committee_monthly') AND s.recorded_late)
) AS c(check_id, fired)
WHERE s.first_recorded IS NOT NULL AND c.fired;

-- name: quarterly
WITH m AS (
    SELECT i.org_id,
           to_char(i.occurs_on::date, 'YYYY-"Q"Q') AS period,
           i.data->>'type' AS type,
           (i.data->>'expected')::int AS expected,
           (i.data->>'present')::int AS present,
           i.occurs_on::date AS held_on,
           i.recorded_at
    FROM instances i
    WHERE i.workflow = 'meeting' AND i.complete AND i.created_at <= $3
      AND i.occurs_on >= $1 AND i.occurs_on <= $2
), agg AS (
    SELECT org_id, period,
           min(recorded_at) FILTER (WHERE type = 'branch_assembly') AS assembly_recorded,
           min(recorded_at) FILTER (WHERE type = 'lecture') AS lecture_recorded,
           count(*) AS meetings,
           min(held_on) AS first_held,
           bool_or(type = 'branch_assembly' AND expected > 0 AND present * 2 <= expected) AS low_attendance
    FROM m GROUP BY org_id, period
), grid AS (
    SELECT o.id AS org_id, r.rule, r.effective, to_char(p, 'YYYY-"Q"Q') AS period,
           p::date AS period_start, (p + interval '3 months' - interval '1 day')::date AS period_end,
           ((p + interval '3 months')::date + 15)::timestamp AT TIME ZONE 'Asia/Shanghai' AS due
    FROM orgs o
    CROSS JOIN (VALUES ('assembly_quarterly', date '2018-10-28'), ('lecture_quarterly', date '2019-01-01')) r(rule, effective)
    CROSS JOIN generate_series(date_trunc('quarter', $1::date), $2::date, interval '3 months') p
    WHERE o.kind = 'branch'
), status AS (
    SELECT g.rule, g.org_id, g.period, g.period_end, a.meetings, a.first_held, a.low_attendance,
           CASE WHEN g.rule = 'assembly_quarterly' THEN a.assembly_recorded ELSE a.lecture_recorded END AS first_recorded,
           g.due
    FROM grid g LEFT JOIN agg a ON a.org_id = g.org_id AND a.period = g.period
    WHERE g.period_start >= g.effective
), flagged AS (
    SELECT *, CASE WHEN first_recorded IS NULL THEN CASE WHEN due <= $3 THEN 'overdue' END
                   WHEN first_recorded >= due THEN 'late' END AS kind
    FROM status
)
SELECT rule, org_id, period, kind, '' AS check_id FROM flagged WHERE kind IS NOT NULL
UNION ALL
SELECT f.rule, f.org_id, f.period, 'shallow', c.check_id
FROM flagged f
CROSS JOIN LATERAL (VALUES
    ('bunched_at_period_end', f.rule = 'assembly_quarterly' AND f.meetings >= 3 AND f.first_held >= f.period_end - 4),
    ('low_attendance', f.rule = 'assembly_quarterly' AND f.low_attendance)
) AS c(check_id, fired)
WHERE f.first_recorded IS NOT NULL AND c.fired;
