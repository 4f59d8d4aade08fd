package engine

// SetPruneLimits lowers the rows one DELETE and one pruning of idempotency keys remove at most.
func SetPruneLimits(s *Service, batch, max int) { s.pruneBatch, s.pruneMax = batch, max }
