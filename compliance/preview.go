package compliance

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/orglife/orglife"
)

// PreviewParams describe a preview: candidate rule files evaluated over From–To (dates) as of
// AsOf (default now) for an org subtree (default the caller's scope).
type PreviewParams struct {
	Files    map[string][]byte
	From, To string
	OrgID    string
	AsOf     *time.Time
}

// StatusChange is one subject whose status would change.
type StatusChange struct {
	OrgID     string         `json:"org_id"`
	SubjectID string         `json:"subject_id"`
	From      orglife.Status `json:"from"` // "" when the row does not exist yet
	To        orglife.Status `json:"to"`
}

// PreviewRule lists the changes of one rule in one period ("" for rules without a period).
type PreviewRule struct {
	Rule    string         `json:"rule"`
	Period  string         `json:"period"`
	Changes []StatusChange `json:"changes"`
}

// ViolationRef identifies a violation that would open, clear or reopen.
type ViolationRef struct {
	Rule      string  `json:"rule"`
	OrgID     string  `json:"org_id"`
	SubjectID string  `json:"subject_id"`
	Period    *string `json:"period"`
	Kind      string  `json:"kind"`
	Check     string  `json:"check"`
	Severity  string  `json:"severity"`
}

// PreviewTotal counts the changes in one org's subtree.
type PreviewTotal struct {
	OrgID    string `json:"org_id"`
	Changed  int    `json:"changed"`
	Opened   int    `json:"opened"`
	Cleared  int    `json:"cleared"`
	Reopened int    `json:"reopened"`
}

// PreviewResult is what activating candidate rules would change, computed against the stored
// ledger and violations exactly as an evaluation after activation would persist it. Nothing is
// written.
type PreviewResult struct {
	ActiveVersion    string         `json:"active_version"`
	CandidateVersion string         `json:"candidate_version"`
	AsOf             time.Time      `json:"as_of"`
	From             string         `json:"from"`
	To               string         `json:"to"`
	Rules            []PreviewRule  `json:"rules"`
	Opened           []ViolationRef `json:"opened"`
	Cleared          []ViolationRef `json:"cleared"`
	Reopened         []ViolationRef `json:"reopened"`
	Totals           []PreviewTotal `json:"totals"`
	// AddedRules and RemovedRules are the rule ids the candidate adds to or drops from the
	// active set; activating a candidate that drops rules needs PUT ?allow_removal=true.
	AddedRules   []string `json:"added_rules"`
	RemovedRules []string `json:"removed_rules"`
	// DueChanges lists (at most MaxDueChanges) rows whose due instant would change;
	// DueChangesTotal counts them all.
	DueChanges      []DueChange `json:"due_changes"`
	DueChangesTotal int         `json:"due_changes_total"`
}

// MaxDueChanges caps the due changes a preview lists.
const MaxDueChanges = 1000

// DueChange is one ledger row whose due instant would change.
type DueChange struct {
	Rule      string     `json:"rule"`
	OrgID     string     `json:"org_id"`
	SubjectID string     `json:"subject_id"`
	Period    string     `json:"period"`
	From      *time.Time `json:"from"`
	To        *time.Time `json:"to"`
}

// Preview evaluates candidate rule files without writing anything (admin, or a supervisor within
// their subtree) and reports per rule and period which statuses would change, which violations
// would open, clear or reopen, and totals per org subtree.
func (s *Checker) Preview(ctx context.Context, actor orglife.Actor, p PreviewParams) (*PreviewResult, error) {
	if !actor.IsAdmin() && actor.Role != orglife.RoleSupervisor {
		return nil, orglife.Errorf(orglife.EFORBIDDEN, "only an admin or a supervisor may preview rules")
	}
	if err := orglife.InvalidInput(orglife.CheckDateRange(p.From, p.To)); err != nil {
		return nil, err
	}
	rs, err := s.CompileRules(p.Files)
	if err != nil {
		return nil, err
	}
	sp, err := s.resolve(EvaluateParams{AsOf: p.AsOf, From: p.From, To: p.To})
	if err != nil {
		return nil, err
	}
	sp.rules = rs
	if sp.orgIDs, err = s.scopeOrgs(ctx, actor, p.OrgID); err != nil {
		return nil, err
	}
	res := &PreviewResult{CandidateVersion: rs.Version, AsOf: sp.asOf, From: sp.from.Format(orglife.DateLayout), To: sp.to.Format(orglife.DateLayout),
		Rules: []PreviewRule{}, Opened: []ViolationRef{}, Cleared: []ViolationRef{}, Reopened: []ViolationRef{}, Totals: []PreviewTotal{}}
	res.AddedRules, res.RemovedRules, res.DueChanges = []string{}, []string{}, []DueChange{}
	if cur := s.RuleSet(); cur != nil {
		res.ActiveVersion = cur.Version
		for _, r := range removedRules(cur, rs) {
			res.RemovedRules = append(res.RemovedRules, r.ID)
		}
		for _, r := range removedRules(rs, cur) {
			res.AddedRules = append(res.AddedRules, r.ID)
		}
	}
	byRule := map[[2]string]*PreviewRule{}
	perOrg := map[string]*PreviewTotal{}
	total := func(org string) *PreviewTotal {
		if perOrg[org] == nil {
			perOrg[org] = &PreviewTotal{OrgID: org}
		}
		return perOrg[org]
	}
	var failed error
	sp.collect = func(batch []string, rows []orglife.LedgerRow) {
		if failed != nil {
			return
		}
		d, err := s.diffBatch(ctx, s.store, batch, rows, sp)
		if err != nil {
			failed = err
			return
		}
		res.DueChangesTotal += len(d.dues)
		res.DueChanges = append(res.DueChanges, d.dues[:min(len(d.dues), MaxDueChanges-len(res.DueChanges))]...)
		for _, c := range d.changes {
			k := [2]string{c.Rule, c.Period}
			if byRule[k] == nil {
				byRule[k] = &PreviewRule{Rule: c.Rule, Period: c.Period}
			}
			byRule[k].Changes = append(byRule[k].Changes, StatusChange{OrgID: c.OrgID, SubjectID: c.SubjectID, From: c.From, To: c.To})
			total(c.OrgID).Changed++
		}
		byID := map[string]*orglife.Violation{}
		for _, v := range d.violations {
			byID[v.ID] = v
		}
		for _, ch := range d.vchanges {
			v := byID[ch.ViolationID]
			ref := ViolationRef{Rule: v.Rule, OrgID: v.OrgID, SubjectID: v.SubjectID, Period: v.Period, Kind: v.Kind, Check: v.Check, Severity: v.Severity}
			switch {
			case ch.From == "":
				res.Opened = append(res.Opened, ref)
				total(v.OrgID).Opened++
			case ch.To == orglife.ViolationResolved:
				res.Cleared = append(res.Cleared, ref)
				total(v.OrgID).Cleared++
			default:
				res.Reopened = append(res.Reopened, ref)
				total(v.OrgID).Reopened++
			}
		}
	}
	if _, err := s.run(ctx, sp); err != nil {
		return nil, err
	}
	if failed != nil {
		return nil, failed
	}
	for _, r := range byRule {
		res.Rules = append(res.Rules, *r)
	}
	slices.SortFunc(res.Rules, func(a, b PreviewRule) int {
		return cmp.Or(cmp.Compare(a.Rule, b.Rule), cmp.Compare(a.Period, b.Period))
	})
	for _, l := range [][]ViolationRef{res.Opened, res.Cleared, res.Reopened} {
		slices.SortFunc(l, compareRefs)
	}
	res.Totals, err = s.subtreeTotals(ctx, sp.orgIDs, perOrg)
	return res, err
}

func compareRefs(a, b ViolationRef) int {
	pa, pb := "", ""
	if a.Period != nil {
		pa = *a.Period
	}
	if b.Period != nil {
		pb = *b.Period
	}
	return cmp.Or(cmp.Compare(a.OrgID, b.OrgID), cmp.Compare(a.Rule, b.Rule), cmp.Compare(a.SubjectID, b.SubjectID),
		cmp.Compare(pa, pb), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Check, b.Check))
}

// subtreeTotals adds each org's counts to every ancestor within the evaluated orgs and returns
// the orgs with a non-zero subtree total, sorted by id.
func (s *Checker) subtreeTotals(ctx context.Context, orgIDs []string, own map[string]*PreviewTotal) ([]PreviewTotal, error) {
	out := []PreviewTotal{}
	if len(own) == 0 {
		return out, nil
	}
	orgs, err := s.store.Orgs(ctx, orgIDs)
	if err != nil {
		return nil, err
	}
	parent := map[string]string{}
	for _, o := range orgs {
		if o.ParentID != nil {
			parent[o.ID] = *o.ParentID
		}
	}
	in := map[string]bool{}
	for _, id := range orgIDs {
		in[id] = true
	}
	sum := map[string]*PreviewTotal{}
	for id, t := range own {
		for cur := id; cur != "" && in[cur]; cur = parent[cur] {
			if sum[cur] == nil {
				sum[cur] = &PreviewTotal{OrgID: cur}
			}
			sum[cur].Changed += t.Changed
			sum[cur].Opened += t.Opened
			sum[cur].Cleared += t.Cleared
			sum[cur].Reopened += t.Reopened
		}
	}
	for _, t := range sum {
		out = append(out, *t)
	}
	slices.SortFunc(out, func(a, b PreviewTotal) int { return cmp.Compare(a.OrgID, b.OrgID) })
	return out, nil
}
