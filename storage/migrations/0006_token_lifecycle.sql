-- Tokens with a life cycle: an optional expiry, the last use (refreshed at most once a minute)
-- and the revocation instant (a revoked token is kept, for the list and the audit log).
ALTER TABLE tokens ADD COLUMN expires_at {{timestamp}};
ALTER TABLE tokens ADD COLUMN last_used_at {{timestamp}};
ALTER TABLE tokens ADD COLUMN revoked_at {{timestamp}};
