package engine

import (
	"context"
	"fmt"

	"github.com/orglife/orglife"
)

// Verify recomputes every instance's hash chain (creation hash, then each transition chained to
// the one before), checks that the chain head kept on the instance (last seq and hash) is the last
// row, so that a removed last row is found too, and names the first broken row of each broken
// chain.
func (s *Service) Verify(ctx context.Context) (*VerifyReport, error) {
	r := &VerifyReport{Broken: []string{}}
	err := s.store.ScanChains(ctx, func(in *orglife.Instance, ts []*orglife.Transition) error {
		r.Instances++
		r.Transitions += len(ts)
		if msg := brokenLink(in, ts); msg != "" {
			r.Broken = append(r.Broken, fmt.Sprintf("instance %s (%s): %s", in.ID, in.Workflow, msg))
		}
		return nil
	})
	return r, err
}

// brokenLink returns a description of the first row of a chain whose hash does not match, or "".
func brokenLink(in *orglife.Instance, ts []*orglife.Transition) string {
	if got := orglife.CreationHash(in); got != in.CreationHash {
		return "creation row altered (stored hash " + short(in.CreationHash) + ", recomputed " + short(got) + ")"
	}
	prev := in.CreationHash
	for i, t := range ts {
		if t.Seq != i+1 {
			return fmt.Sprintf("history row seq %d missing (found seq %d)", i+1, t.Seq)
		}
		if t.PrevHash != prev {
			return fmt.Sprintf("history row seq %d does not chain to the row before it", t.Seq)
		}
		if got := orglife.TransitionHash(prev, t); got != t.Hash {
			return fmt.Sprintf("history row seq %d (%s) altered (stored hash %s, recomputed %s)", t.Seq, t.Event, short(t.Hash), short(got))
		}
		prev = t.Hash
	}
	if seq, head := in.ChainHead(); seq != len(ts) || head != prev {
		return fmt.Sprintf("the instance's chain head (seq %d, hash %s) does not match its history (seq %d, hash %s)", seq, short(head), len(ts), short(prev))
	}
	return ""
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}
