package engine

import (
	"context"
	"encoding/json"

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
	return tx.SaveIdempotency(ctx, &IdempotencyRecord{Scope: idem.scope, Key: idem.key, RequestHash: idem.hash, Response: body, CreatedAt: s.instant()})
}

// withIdempotency runs write once per key: a stored response is replayed; when a concurrent
// request with the same key wins the race, its response is replayed after write fails.
func (s *Service) withIdempotency(ctx context.Context, idem *idempotency, write func() (*orglife.Instance, error)) (*orglife.Instance, error) {
	if in, err := s.replay(ctx, s.store, idem); in != nil || err != nil {
		return in, err
	}
	in, err := write()
	if err != nil && idem != nil && orglife.ErrorCode(err) == orglife.ECONFLICT {
		if prev, rerr := s.replay(ctx, s.store, idem); prev != nil || rerr != nil {
			return prev, rerr
		}
	}
	return in, err
}
