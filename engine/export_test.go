package engine

// SetOnScheduled makes RunScheduledOnce call f once it holds the scheduler lock, before it
// evaluates (tests use it to hold a scheduled run open).
func SetOnScheduled(s *Service, f func()) { s.onScheduled = f }
