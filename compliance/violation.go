package compliance

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/orglife/orglife"
)

// ListViolationsParams filter and page violation lists; OrgID selects its subtree.
type ListViolationsParams struct {
	OrgID, Rule, Status, Kind, Severity, Period string
	// ExpiringDays selects waived violations whose waiver ends within that many days (0: all).
	ExpiringDays int
	orglife.ListParams
}

// ListViolations lists violations in the caller's scope, ordered by id.
func (s *Checker) ListViolations(ctx context.Context, actor orglife.Actor, p ListViolationsParams) (orglife.Page[*orglife.Violation], error) {
	var empty orglife.Page[*orglife.Violation]
	if err := orglife.CheckFilters(orglife.Filter{"rule", p.Rule}, orglife.Filter{"status", p.Status}, orglife.Filter{"kind", p.Kind},
		orglife.Filter{"severity", p.Severity}, orglife.Filter{"period", p.Period}, orglife.Filter{"cursor", p.Cursor}); err != nil {
		return empty, err
	}
	if err := orglife.InvalidInput(s.checkRuleParam("rule", p.Rule), orglife.CheckOneOf("status", p.Status, ViolationStatuses),
		orglife.CheckOneOf("kind", p.Kind, ViolationKinds), orglife.CheckOneOf("severity", p.Severity, orglife.Severities),
		s.checkPeriodParam("period", p.Period, true)); err != nil {
		return empty, err
	}
	orgs, err := s.scopeOrgs(ctx, actor, p.OrgID)
	if err != nil {
		return empty, err
	}
	if len(orgs) == 0 {
		return orglife.Page[*orglife.Violation]{Items: []*orglife.Violation{}}, nil
	}
	vs, err := s.store.Violations(ctx, orglife.ViolationFilter{OrgIDs: orgs, Rule: p.Rule, Status: p.Status, Kind: p.Kind,
		Severity: p.Severity, Period: p.Period, Cursor: p.Cursor, Limit: p.PageSize() + 1, WaiverBefore: waiverBefore(s.instant(), p.ExpiringDays)})
	if err != nil {
		return empty, err
	}
	out := orglife.Page[*orglife.Violation]{Items: vs}
	if n := p.PageSize(); len(vs) > n {
		out.Items = vs[:n]
		next := vs[n-1].ID
		out.NextCursor = &next
	}
	if out.Items == nil {
		out.Items = []*orglife.Violation{}
	}
	return out, nil
}

// GetViolation returns a violation in the caller's scope, with its explanation, evidence and
// history.
func (s *Checker) GetViolation(ctx context.Context, actor orglife.Actor, id string) (*orglife.Violation, error) {
	if err := orglife.InvalidInput(orglife.CheckID("id", id)); err != nil {
		return nil, err
	}
	v, err := s.store.Violation(ctx, id)
	if err != nil {
		return nil, err
	}
	sc, err := s.orgScope(ctx, s.store, actor, v.OrgID)
	if err != nil {
		return nil, err
	}
	if !sc.Read {
		return nil, orglife.OutOfScope("violation " + id)
	}
	return v, nil
}

// DecideParams are a supervisor's decision on a violation. Waive needs Reason and ExpiresAt: a
// date YYYY-MM-DD (the waiver runs through that day, in the deployment time zone) or an RFC 3339
// instant, in the future and at most Config.MaxWaiverDays ahead.
type DecideParams struct {
	Note      string `json:"note"`
	Reason    string `json:"reason"`
	ExpiresAt string `json:"expires_at"`
}

// Decision names.
const (
	DecideAcknowledge = "acknowledge"
	DecideWaive       = "waive"
	DecideResolve     = "resolve"
)

// Decide acknowledges, waives or resolves a violation. Only an admin or a supervisor of an org
// strictly above the violation's org may decide. acknowledge: open → acknowledged; waive: open or
// acknowledged → waived (reason and a future expires_at); resolve: any unresolved → resolved
// (manual, final for that identity; a note is required).
func (s *Checker) Decide(ctx context.Context, actor orglife.Actor, id, decision string, p DecideParams) (*orglife.Violation, error) {
	var out *orglife.Violation
	if err := orglife.InvalidInput(orglife.CheckID("id", id), orglife.CheckText("note", p.Note, orglife.MaxTextLength),
		orglife.CheckText("reason", p.Reason, orglife.MaxTextLength), orglife.CheckText("expires_at", p.ExpiresAt, orglife.MaxFilterLength)); err != nil {
		return nil, err
	}
	err := s.inTx(ctx, func(ctx context.Context, tx Store) error {
		v, err := tx.Violation(ctx, id)
		if err != nil {
			return err
		}
		// An evaluation of the org reconciles its violations from what it read: take the org's
		// evaluation lock, so that none is between its read and its write, and read again.
		if err := tx.LockEvaluation(ctx, []string{v.OrgID}); err != nil {
			return err
		}
		if v, err = tx.Violation(ctx, id); err != nil {
			return err
		}
		sc, err := s.orgScope(ctx, tx, actor, v.OrgID)
		if err != nil {
			return err
		}
		if !sc.Above {
			if !sc.Read {
				return orglife.OutOfScope("violation " + id)
			}
			return orglife.Errorf(orglife.EFORBIDDEN, "only a supervisor above org %s or an admin may decide on its violations", v.OrgID)
		}
		now := s.instant()
		note := strings.TrimSpace(p.Note)
		var to string
		switch decision {
		case DecideAcknowledge:
			if v.Status != orglife.ViolationOpen {
				return orglife.Errorf(orglife.ECONFLICT, "only an open violation can be acknowledged (it is %s)", v.Status)
			}
			to = orglife.ViolationAcknowledged
		case DecideWaive:
			var d []orglife.Detail
			if strings.TrimSpace(p.Reason) == "" {
				d = append(d, orglife.Detail{Field: "reason", Message: "a waiver needs a reason"})
			}
			var expires time.Time
			if p.ExpiresAt == "" {
				d = append(d, orglife.Detail{Field: "expires_at", Message: "a waiver needs an expiry: " + expiresAtHelp})
			} else if expires, err = s.waiverExpiry(p.ExpiresAt, now); orglife.ErrorCode(err) == orglife.EUNPROCESSABLE {
				d = append(d, orglife.ErrorDetails(err)...)
			} else if err != nil {
				return err
			}
			if len(d) > 0 {
				return &orglife.Error{Code: orglife.EUNPROCESSABLE, Message: "invalid waiver: " + d[0].Message, Details: d}
			}
			if !slices.Contains([]string{orglife.ViolationOpen, orglife.ViolationAcknowledged}, v.Status) {
				return orglife.Errorf(orglife.ECONFLICT, "only an open or acknowledged violation can be waived (it is %s)", v.Status)
			}
			v.Waiver = &orglife.Waiver{Reason: strings.TrimSpace(p.Reason), ExpiresAt: expires, By: actor.Name}
			if note == "" {
				note = v.Waiver.Reason
			}
			to = orglife.ViolationWaived
		case DecideResolve:
			if note == "" {
				return &orglife.Error{Code: orglife.EUNPROCESSABLE, Message: "resolving needs a note",
					Details: []orglife.Detail{{Field: "note", Message: "required"}}}
			}
			if v.Status == orglife.ViolationResolved {
				return orglife.Errorf(orglife.ECONFLICT, "the violation is already resolved")
			}
			manual := orglife.ResolutionManual
			v.Resolution = &manual
			to = orglife.ViolationResolved
		default:
			return orglife.Errorf(orglife.ENOTFOUND, "unknown decision %s", decision)
		}
		ch := orglife.ViolationChange{At: now, Actor: actor.Name, From: v.Status, To: to, Note: note}
		v.Status, v.UpdatedAt = to, now
		v.History = append(v.History, ch)
		if err := tx.SaveViolations(ctx, []*orglife.Violation{v}, []orglife.ViolationChangeRecord{{ViolationID: v.ID, ViolationChange: ch}}); err != nil {
			return err
		}
		detail := map[string]any{"from": ch.From, "to": ch.To, "note": note, "rule": v.Rule, "org_id": v.OrgID}
		if v.Waiver != nil && to == orglife.ViolationWaived {
			detail["reason"], detail["expires_at"] = v.Waiver.Reason, v.Waiver.ExpiresAt
		}
		if err := s.audit(ctx, tx, actor, "violation."+decision, "violation "+v.ID, detail); err != nil {
			return err
		}
		out = v
		return nil
	})
	return out, err
}

// waiverBefore is the bound of an "expiring within days" filter (zero when days is not positive).
func waiverBefore(now time.Time, days int) time.Time {
	if days <= 0 {
		return time.Time{}
	}
	return now.AddDate(0, 0, days)
}
