-- Idempotency keys are pruned by age (engine.Service.PruneIdempotency): index their instant.
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);
