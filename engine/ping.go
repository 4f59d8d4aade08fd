package engine

import "context"

// Ping checks that the database answers.
func (s *Service) Ping(ctx context.Context) error { return s.store.Ping(ctx) }
