package engine

// SetOnScheduled makes RunScheduledOnce call f once it holds the scheduler lock, before it
// evaluates (tests use it to hold a scheduled run open).
func SetOnScheduled(s *Service, f func()) { s.onScheduled = f }

// SetPruneLimits lowers the rows one DELETE and one pruning of idempotency keys remove at most.
func SetPruneLimits(s *Service, batch, max int) { s.pruneBatch, s.pruneMax = batch, max }
