package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"strings"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/rules"
	"github.com/orglife/orglife/workflows"
)

// Fire fires an event on an instance. Checks, in order: the instance exists (404) and is in the
// caller's scope (403); the event exists (400); the caller's role and scope allow it (403); the
// instance is in a state the event leaves from and at the expected version (409); the data
// validates (400 unknown field, 422 a field the event may not set, 422 bad value); the required fields are set, the comment is given
// and the guard holds (422). Then, in the same transaction: the new state, data and version, a
// hash-chained history row, the children started by actions, and the idempotency record.
func (s *Service) Fire(ctx context.Context, actor orglife.Actor, p FireParams) (*orglife.Instance, error) {
	if err := orglife.InvalidInput(orglife.CheckID("id", p.InstanceID), orglife.CheckText("event", p.Event, orglife.MaxFilterLength),
		orglife.CheckData("data", p.Data), orglife.CheckText("comment", p.Comment, orglife.MaxTextLength),
		checkIdempotencyKey(p.IdempotencyKey)); err != nil {
		return nil, err
	}
	defer s.begin()()
	idem := idempotencyOf(actor, p.IdempotencyKey, p.RequestHash)
	return s.withIdempotency(ctx, idem, func() (*orglife.Instance, error) {
		var out *orglife.Instance
		err := s.inTx(ctx, func(ctx context.Context, tx Store) error {
			in, err := s.fireTx(ctx, tx, actor, p)
			if err != nil {
				return err
			}
			if err := s.remember(ctx, tx, idem, in); err != nil {
				return err
			}
			out = in
			return nil
		})
		if err == nil {
			s.committed(out)
		}
		return out, err
	})
}

// fireTx fires the event in tx and returns the instance after it. It reads the instance (locked)
// with its org's lineage and the go-live date in one store call, and writes the instance, its
// history row and its outbox entry in another (one statement each on PostgreSQL); the history is
// read and children are written only when the event calls for them.
func (s *Service) fireTx(ctx context.Context, tx Store, actor orglife.Actor, p FireParams) (*orglife.Instance, error) {
	in, oc, err := tx.LockInstance(ctx, p.InstanceID)
	if err != nil {
		return nil, err
	}
	org, sc, err := s.orgAndScope(oc, actor, in.OrgID)
	if err != nil {
		return nil, err
	}
	if !sc.Read {
		return nil, orglife.OutOfScope("instance " + in.ID)
	}
	def, err := s.definition(in.Workflow)
	if err != nil {
		return nil, err
	}
	ev := def.Event(p.Event)
	if ev == nil {
		return nil, &orglife.Error{Code: orglife.EINVALID, Message: fmt.Sprintf("workflow %s has no event %q", def.ID, p.Event),
			Details: []orglife.Detail{{Field: "event", Message: "unknown event"}}}
	}
	if !mayFire(actor, ev, sc) {
		return nil, orglife.Errorf(orglife.EFORBIDDEN, "a %s token of org %s may not fire %s on this instance (allowed: %s)",
			actor.Role, actor.OrgID, ev.Name, strings.Join(ev.By, ", "))
	}
	to, ok := def.Transition(in.State, ev.Name)
	if !ok {
		return nil, orglife.Errorf(orglife.ECONFLICT, "event %s is not allowed in state %s", ev.Name, in.State)
	}
	if p.ExpectedVersion != nil && *p.ExpectedVersion != in.Version {
		return nil, orglife.Errorf(orglife.ECONFLICT, "stale expected_version %d: the instance is at version %d", *p.ExpectedVersion, in.Version)
	}
	comment := strings.TrimSpace(p.Comment)
	// The history is read only when the event needs it: to find the state an event to "@previous"
	// returns to, or the reason a cancellation without a comment inherits. Appending the new row
	// needs only the chain head kept on the instance.
	var hist []*orglife.Transition
	if ev.ToPrevious() || (comment == "" && def.IsCancelled(to)) {
		if hist, err = tx.Transitions(ctx, in.ID); err != nil {
			return nil, err
		}
	}
	var restored *time.Time // recorded_at given back by an event to "@previous"
	if ev.ToPrevious() {
		if to, restored, err = previousState(def, in, hist); err != nil {
			return nil, err
		}
		back := *ev
		back.To = to
		ev = &back
	}
	patch, err := s.checkEventData(def, ev, p.Data)
	if err != nil {
		return nil, err
	}
	merged := maps.Clone(in.Data)
	if merged == nil {
		merged = map[string]any{}
	}
	maps.Copy(merged, patch)
	if missing := def.MissingRequired(merged, ev.Require); len(missing) > 0 {
		return nil, &orglife.Error{Code: orglife.EUNPROCESSABLE, Message: "required fields are missing for " + ev.Name, Details: missing}
	}
	if ev.CommentRequired && comment == "" {
		return nil, &orglife.Error{Code: orglife.EUNPROCESSABLE, Message: "a comment is required for " + ev.Name,
			Details: []orglife.Detail{{Field: "comment", Message: "required"}}}
	}
	since, err := s.parseSince(oc.Since)
	if err != nil {
		return nil, err
	}
	if err := s.checkDates(def, org, since, merged, patch, def.IsComplete(to)); err != nil {
		return nil, err
	}
	if err := s.checkMembers(ctx, tx, def, org, patch); err != nil {
		return nil, err
	}
	now := s.instant()
	next := *in
	next.Data = merged
	var roster []*orglife.Member
	if s.readsRoster(def, ev) {
		if roster, err = tx.Members(ctx, []string{org.ID}); err != nil {
			return nil, err
		}
	}
	vars := s.vars(def, &next, org, roster, actor, now)
	if ev.Guard != nil {
		okGuard, err := ev.Guard.Bool(vars)
		if err != nil {
			msg := "无法核对本步骤的填报条件，请联系管理员"
			if actor.IsAdmin() {
				msg += fmt.Sprintf("（事件 %s 的 guard 运行出错：%v）", ev.Name, err)
			}
			return nil, &orglife.Error{Code: orglife.EUNPROCESSABLE, Message: msg}
		}
		if !okGuard {
			return nil, guardFailure(ev, actor)
		}
	}
	lastSeq, prevHash := in.ChainHead()
	wasComplete := in.Complete
	next.State = to
	next.Version = in.Version + 1
	next.UpdatedAt = now
	s.derive(def, &next, wasComplete, now)
	if restored != nil && next.Complete {
		next.RecordedAt = restored
		s.derive(def, &next, true, now) // occurs_on may follow recorded_at
	}
	t := &orglife.Transition{InstanceID: in.ID, Seq: lastSeq + 1, Event: ev.Name, From: in.State, To: to,
		Actor: actor.Name, ActorRole: actor.Role, At: now, Data: patch, Comment: comment, PrevHash: prevHash}
	t.Hash = orglife.TransitionHash(prevHash, t)
	next.LastSeq, next.LastHash = t.Seq, t.Hash
	outbox, err := s.instanceEntries(ctx, &next, in.OccursOn)
	if err != nil {
		return nil, err
	}
	if err := tx.AdvanceInstance(ctx, orglife.TransitionWrite{Instance: &next, PrevVersion: in.Version, Transition: t, Outbox: outbox}); err != nil {
		return nil, uniqueClash(err, def)
	}
	vars["instance"] = rules.NewInstanceView(&next)
	if err := s.runActions(ctx, tx, def, &next, vars, actor, now); err != nil {
		return nil, err
	}
	if def.IsCancelled(next.State) {
		if err := s.cancelUntouchedChildren(ctx, tx, &next, actor, reasonOf(comment, hist), now, 0); err != nil {
			return nil, err
		}
	}
	return &next, nil
}

// vars is the runtime environment of guards and action data.
func (s *Service) vars(def *workflows.Definition, in *orglife.Instance, org *orglife.Org, roster []*orglife.Member, actor orglife.Actor, now time.Time) map[string]any {
	return map[string]any{
		"data":     def.Schema.Value(in.Data, s.loc),
		"instance": rules.NewInstanceView(in),
		"org":      rules.NewOrgView(org, len(roster), s.loc),
		"actor":    rules.NewActorView(actor),
		"now":      now.In(s.loc),
		"members":  rules.NewMemberViews(roster, s.loc),
	}
}

var dataRef = regexp.MustCompile(`\bdata\.([a-z_][a-z0-9_]*)`)

// guardFailure is the error of a false guard: the event's message (the pack writes it in
// Chinese) or a Chinese sentence, with a detail for each data field the guard reads. The guard's
// expression is shown to administrators only: a secretary reads what to fix, not the code.
func guardFailure(ev *workflows.Event, actor orglife.Actor) *orglife.Error {
	src := ev.Guard.Source
	msg := ev.Message
	if msg == "" {
		msg = "填写的内容不满足本步骤的要求，请检查标出的栏目"
	}
	detail := "请检查此项"
	if actor.IsAdmin() {
		detail += "（条件：" + src + "）"
		if ev.Message == "" {
			msg += "（条件：" + src + "）"
		}
	}
	return &orglife.Error{Code: orglife.EUNPROCESSABLE, Message: msg, Details: guardFields(src, detail)}
}

// guardFields lists the data fields a guard reads, as the details of a false guard.
func guardFields(src, message string) []orglife.Detail {
	var out []orglife.Detail
	seen := map[string]bool{}
	for _, m := range dataRef.FindAllStringSubmatch(src, -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			out = append(out, orglife.Detail{Field: m[1], Message: message})
		}
	}
	return out
}

// childKey identifies the list element that a child was started for.
func childKey(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
