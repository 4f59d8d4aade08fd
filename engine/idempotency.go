package engine

import (
	"context"
	"encoding/json"
	"time"

	"github.com/orglife/orglife"
)

// idempotency carries an Idempotency-Key through a write.
type idempotency struct {
	scope, key, hash string
}

func idempotencyOf(actor orglife.Actor, key, hash string) *idempotency {
	if key == "" {
		return nil
	}
	return &idempotency{scope: actor.Role + ":" + actor.OrgID + ":" + actor.Name, key: key, hash: hash}
}

// replay returns the first response of a repeated request, nil when the key is new, and a
// conflict when the key was used with another request.
func (s *Service) replay(ctx context.Context, st Store, idem *idempotency) (*orglife.Instance, error) {
	if idem == nil {
		return nil, nil
	}
	rec, err := st.Idempotency(ctx, idem.scope, idem.key)
	if orglife.ErrorCode(err) == orglife.ENOTFOUND {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	if rec.RequestHash != idem.hash {
		return nil, orglife.Errorf(orglife.ECONFLICT, "Idempotency-Key %q was already used with another request", idem.key)
	}
	var in orglife.Instance
	if err := json.Unmarshal(rec.Response, &in); err != nil {
		return nil, err
	}
	return &in, nil
}

// remember stores the response of a request with a key, in the request's transaction.
func (s *Service) remember(ctx context.Context, tx Store, idem *idempotency, in *orglife.Instance) error {
	if idem == nil {
		return nil
	}
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	return tx.SaveIdempotency(ctx, &orglife.IdempotencyRecord{Scope: idem.scope, Key: idem.key, RequestHash: idem.hash, Response: body, CreatedAt: s.instant()})
}

// withIdempotency runs write once per key: a stored response is replayed; when a concurrent
// request with the same key wins the race, its response is replayed after write fails.
func (s *Service) withIdempotency(ctx context.Context, idem *idempotency, write func() (*orglife.Instance, error)) (*orglife.Instance, error) {
	if in, err := s.replay(ctx, s.store, idem); in != nil || err != nil {
		return in, err
	}
	in, err := write()
	if err == nil && idem != nil {
		s.PruneIdempotencyIfDue(ctx)
	}
	if err != nil && idem != nil && orglife.ErrorCode(err) == orglife.ECONFLICT {
		if prev, rerr := s.replay(ctx, s.store, idem); prev != nil || rerr != nil {
			return prev, rerr
		}
	}
	return in, err
}

// Pruning of idempotency keys.
const (
	// DefaultIdempotencyRetention is how long a response to an Idempotency-Key is kept by default.
	DefaultIdempotencyRetention = 24 * time.Hour
	// pruneEvery is the least time between two prunings by one server.
	pruneEvery = time.Hour
	// pruneBatch is how many keys one DELETE removes at most.
	pruneBatch = 1000
	// pruneMax is how many keys one pruning removes at most; the rest waits for the next one.
	pruneMax = 100 * pruneBatch
)

// PruneIdempotency deletes the responses to Idempotency-Keys older than the retention, in
// statements of at most pruneBatch rows and at most pruneMax rows in all, and returns how many it
// deleted. A key older than the retention may then be used again for a new request.
func (s *Service) PruneIdempotency(ctx context.Context) (int, error) {
	s.lastPrune.Store(s.now().UnixNano())
	before := s.instant().Add(-s.idemRetention)
	total := 0
	for total < s.pruneMax {
		batch := min(s.pruneBatch, s.pruneMax-total)
		n, err := s.store.PruneIdempotency(ctx, before, batch)
		total += n
		if err != nil || n < batch {
			return total, err
		}
	}
	return total, nil
}

// PruneIdempotencyIfDue prunes idempotency keys when this server has not done so for pruneEvery;
// failures are logged. It runs after writes that carried a key and, as compliance.Config.Housekeeping,
// at every tick of the schedule, so keys are pruned even with no such writes.
func (s *Service) PruneIdempotencyIfDue(ctx context.Context) {
	now := s.now()
	last := s.lastPrune.Load()
	if last != 0 && now.Sub(time.Unix(0, last)) < pruneEvery {
		return
	}
	if !s.lastPrune.CompareAndSwap(last, now.UnixNano()) {
		return // another request of this server is pruning
	}
	n, err := s.PruneIdempotency(ctx)
	if err != nil {
		if ctx.Err() == nil {
			s.log.Error("pruning idempotency keys", "err", err)
		}
		return
	}
	if n > 0 {
		s.log.Info("pruned idempotency keys", "deleted", n, "retention", s.idemRetention.String())
	}
}
