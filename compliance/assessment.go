package compliance

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/orglife/orglife"
)

// AssessmentParams select the annual assessment (考核) of OrgID's subtree for Year.
type AssessmentParams struct {
	OrgID string
	Year  int
}

// MaxAssessmentViolations bounds the violations an assessment lists (问题清单).
const MaxAssessmentViolations = 2000

// Assessment is the data of the annual assessment workbook: the compliance matrix of the year
// (every org of the subtree, the periodic rules, the persisted ledger rows), the ledger counts of
// each branch's subtree over the year — the very counts GET /v1/compliance/summary adds up, so the
// workbook's 完成率 equal the summary's — and the subtree's violations of the year with their
// history.
type Assessment struct {
	Scope *orglife.Org
	Year  int
	*Matrix
	// Branches are the orgs of kind branch in the subtree, ordered by parent and id.
	Branches []*orglife.Org
	// Counts are, per branch id, its subtree's ledger rows of the year by status.
	Counts map[string]map[orglife.Status]int
	// BranchOf maps each org of the subtree to its branch: itself, or the nearest branch above
	// it (a 党小组's); orgs above the branches are absent.
	BranchOf map[string]string
	// Violations are the subtree's violations whose period falls in the year (or, without a
	// period, opened in it), ordered by id, each with its history; at most
	// MaxAssessmentViolations (Truncated tells).
	Violations []*orglife.Violation
	Truncated  bool
	// RuleSetVersion is the version of the active rule set.
	RuleSetVersion string
}

// ComplianceRate is compliant / decided (compliant, late, shallow, overdue, error) of counts;
// nil when none is decided. The summary and the assessment compute every 完成率 with it.
func ComplianceRate(c map[orglife.Status]int) *float64 {
	decided := c[orglife.StatusCompliant] + c[orglife.StatusLate] + c[orglife.StatusShallow] + c[orglife.StatusOverdue] + c[orglife.StatusError]
	if decided == 0 {
		return nil
	}
	rate := float64(c[orglife.StatusCompliant]) / float64(decided)
	return &rate
}

// Assessment reads the annual assessment of p.OrgID for supervisors and admins in scope.
func (s *Checker) Assessment(ctx context.Context, actor orglife.Actor, p AssessmentParams) (*Assessment, error) {
	if actor.Role != orglife.RoleAdmin && actor.Role != orglife.RoleSupervisor {
		return nil, orglife.Errorf(orglife.EFORBIDDEN, "only supervisors and admins export the assessment")
	}
	if p.OrgID == "" {
		return nil, orglife.InvalidInput(orglife.BadParam("org_id", "the id of an org in your scope", ""))
	}
	m, err := s.Matrix(ctx, actor, MatrixParams{OrgID: p.OrgID, Year: p.Year})
	if err != nil {
		return nil, err
	}
	a := &Assessment{Year: p.Year, Matrix: m, Counts: map[string]map[orglife.Status]int{}}
	if rs := s.RuleSet(); rs != nil {
		a.RuleSetVersion = rs.Version
	}
	byID := map[string]*orglife.Org{}
	ids := make([]string, 0, len(m.Orgs))
	for _, o := range m.Orgs {
		byID[o.ID] = o
		ids = append(ids, o.ID)
	}
	a.Scope = byID[p.OrgID]
	for _, o := range m.Orgs {
		if o.Kind == orglife.KindBranch {
			a.Branches = append(a.Branches, o)
			a.Counts[o.ID] = map[orglife.Status]int{}
		}
	}
	parentOf := func(o *orglife.Org) string {
		if o.ParentID == nil || o.ID == p.OrgID {
			return ""
		}
		return *o.ParentID
	}
	slices.SortStableFunc(a.Branches, func(x, y *orglife.Org) int {
		return strings.Compare(parentOf(x)+"\x00"+x.ID, parentOf(y)+"\x00"+y.ID)
	})
	// the branch each org belongs to: itself, or the nearest branch above it (a 党小组's)
	branchOf := func(id string) string {
		for o := byID[id]; o != nil; o = byID[parentOf(o)] {
			if o.Kind == orglife.KindBranch {
				return o.ID
			}
			if o.ID == p.OrgID {
				break
			}
		}
		return ""
	}
	a.BranchOf = map[string]string{}
	for _, id := range ids {
		if b := branchOf(id); b != "" {
			a.BranchOf[id] = b
		}
	}
	y := strconv.Itoa(p.Year)
	counts, err := s.store.LedgerCounts(ctx, ids, "", y+"-01-01", y+"-12-31")
	if err != nil {
		return nil, err
	}
	for _, c := range counts {
		if b := a.BranchOf[c.OrgID]; b != "" {
			a.Counts[b][c.Status] += c.N
		}
	}
	vs, err := s.store.Violations(ctx, orglife.ViolationFilter{OrgIDs: ids})
	if err != nil {
		return nil, err
	}
	for _, v := range vs {
		if !inYear(v, p.Year, s) {
			continue
		}
		if len(a.Violations) == MaxAssessmentViolations {
			a.Truncated = true
			break
		}
		full, err := s.store.Violation(ctx, v.ID)
		if err != nil {
			return nil, fmt.Errorf("violation %s: %w", v.ID, err)
		}
		a.Violations = append(a.Violations, full)
	}
	return a, nil
}

// inYear reports whether a violation belongs to the year: its period starts in it, or it has no
// period and was opened in it.
func inYear(v *orglife.Violation, year int, s *Checker) bool {
	if v.Period != nil {
		return strings.HasPrefix(*v.Period, strconv.Itoa(year))
	}
	return v.OpenedAt.In(s.loc).Year() == year
}
