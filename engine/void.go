package engine

import (
	"context"
	"fmt"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/workflows"
)

// maxCascadeDepth bounds how far the cancellation of a record reaches down its children's
// children (the example pack needs one level).
const maxCascadeDepth = 4

// previousState resolves an event to "@previous": the state the instance was in before it entered
// its current state, and the recorded_at it had there when that state is complete (nil
// otherwise). An instance that has not left a state yet has no previous state (conflict).
func previousState(def *workflows.Definition, in *orglife.Instance, hist []*orglife.Transition) (string, *time.Time, error) {
	r := def.Replay(in, hist, time.Unix(1<<62, 0))
	if len(r.Back) == 0 || r.State != in.State {
		return "", nil, orglife.Errorf(orglife.ECONFLICT, "instance %s has no previous state to return to", in.ID)
	}
	top := r.Back[len(r.Back)-1]
	if def.State(top.State) == nil || def.IsFinal(top.State) {
		return "", nil, orglife.Errorf(orglife.ECONFLICT, "instance %s cannot return to its previous state %s", in.ID, top.State)
	}
	if !def.IsComplete(top.State) {
		return top.State, nil, nil
	}
	return top.State, top.RecordedAt, nil
}

// reasonOf is the reason a record was cancelled for: the event's comment, else the latest
// comment of its history (an approval without a comment approves the request's reason).
func reasonOf(comment string, hist []*orglife.Transition) string {
	for i := len(hist) - 1; comment == "" && i >= 0; i-- {
		comment = hist[i].Comment
	}
	return comment
}

// cancelUntouchedChildren cancels, in the caller's transaction, the children that parent's actions
// started and that nobody has worked on: still in their workflow's initial state at version 1 (no
// transition since they were created). Each moves by the first event of its workflow that leads
// from the initial state to a cancelled state (final, not complete), with a hash-chained history
// row by the same actor whose comment names the parent and the reason; roles, guards and required
// fields of that event are not checked (the cancellation follows from the parent's). Children
// already worked on, and children whose workflow has no such event, are left as they are; their
// own untouched children are cancelled in turn.
func (s *Service) cancelUntouchedChildren(ctx context.Context, tx Store, parent *orglife.Instance, actor orglife.Actor, reason string, now time.Time, depth int) error {
	if depth >= maxCascadeDepth {
		return nil
	}
	pdef, err := s.definition(parent.Workflow)
	if err != nil {
		return err
	}
	children, err := tx.Instances(ctx, orglife.InstanceFilter{ParentID: parent.ID})
	if err != nil {
		return err
	}
	for _, c := range children {
		def, err := s.definition(c.Workflow)
		if err != nil || c.Version != 1 || c.State != def.Initial {
			continue
		}
		ev := cancelEvent(def)
		if ev == nil {
			continue
		}
		in, err := tx.Instance(ctx, c.ID, true)
		if err != nil {
			return err
		}
		if in.Version != 1 || in.State != def.Initial || in.LastSeq > 0 {
			continue
		}
		comment := fmt.Sprintf("所属记录（%s %s）%s，未开始办理的本事项随之%s。原因：%s",
			pdef.Title, parent.ID, stateTitle(pdef, parent.State), stateTitle(def, ev.To), reason)
		next := *in
		next.State = ev.To
		next.Version = in.Version + 1
		next.UpdatedAt = now
		s.derive(def, &next, in.Complete, now)
		t := &orglife.Transition{InstanceID: in.ID, Seq: 1, Event: ev.Name, From: in.State, To: ev.To,
			Actor: actor.Name, ActorRole: actor.Role, At: now, Data: map[string]any{}, Comment: comment, PrevHash: in.CreationHash}
		t.Hash = orglife.TransitionHash(in.CreationHash, t)
		next.LastSeq, next.LastHash = t.Seq, t.Hash
		if err := tx.UpdateInstance(ctx, &next, in.Version); err != nil {
			return err
		}
		if err := tx.InsertTransition(ctx, t); err != nil {
			return err
		}
		if err := s.cancelUntouchedChildren(ctx, tx, &next, actor, reason, now, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// cancelEvent returns the first event (in file order) that leads from def's initial state to a
// cancelled state, or nil.
func cancelEvent(def *workflows.Definition) *workflows.Event {
	for _, ev := range def.EventsFrom(def.Initial) {
		if !ev.ToPrevious() && def.IsCancelled(ev.To) {
			return ev
		}
	}
	return nil
}

// stateTitle returns a state's title, or its id.
func stateTitle(def *workflows.Definition, state string) string {
	if st := def.State(state); st != nil && st.Title != "" {
		return st.Title
	}
	return state
}
