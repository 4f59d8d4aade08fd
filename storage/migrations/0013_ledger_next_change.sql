-- The next instant at which a ledger row's status can change by the passing of time alone
-- (pending → at_risk at due − warn, at_risk → overdue at due); NULL when only a change of data
-- can change it. The scheduled evaluation re-evaluates the rows whose instant has passed.
ALTER TABLE ledger ADD COLUMN next_change {{timestamp}};
CREATE INDEX ledger_next_change ON ledger (next_change) WHERE next_change IS NOT NULL;
