package compliance

import (
	"context"
	"strconv"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/rules"
)

// MatrixParams select a compliance matrix: the orgs of OrgID's subtree (the caller's whole scope
// when empty) and the periodic rules Rules (every periodic rule when empty) over the periods of
// Year.
type MatrixParams struct {
	OrgID string
	Rules []string
	Year  int
	// Explain keeps the rows' explanation and evidence (a detail page of few orgs); the matrix of
	// many orgs needs only the statuses.
	Explain bool
}

// Matrix is the data of a branch × period table: every org in scope (silent ones included) and
// the persisted ledger rows of the selected rules in the year's periods.
type Matrix struct {
	// Orgs are the orgs in scope, ordered by id.
	Orgs []*orglife.Org
	// Rules are the selected periodic rules, in rule-set order.
	Rules []*rules.Rule
	// Periods are the period labels of the year for each period kind of Rules (month: 2025-01 …
	// 2025-12, quarter: 2025-Q1 …, half_year: 2025-H1, 2025-H2, year: 2025).
	Periods map[string][]string
	// Rows are the ledger rows of Orgs for Rules in Periods, ordered by org, rule, subject and
	// period.
	Rows []*orglife.LedgerRow
}

// MatrixRules are the rules a matrix can show: the periodic (every) rules of the active set.
func (s *Checker) MatrixRules() []*rules.Rule {
	var out []*rules.Rule
	if rs := s.RuleSet(); rs != nil {
		for _, r := range rs.Rules {
			if r.Timing() == rules.TimingPeriodic {
				out = append(out, r)
			}
		}
	}
	return out
}

// Matrix reads a compliance matrix in the caller's scope from a constant number of statements
// whatever the number of orgs: the scope (one or two), the orgs (one) and the ledger rows of
// every org, rule and period at once (one).
func (s *Checker) Matrix(ctx context.Context, actor orglife.Actor, p MatrixParams) (*Matrix, error) {
	if p.Year < 2000 || p.Year > 2100 {
		return nil, orglife.InvalidInput(orglife.BadParam("year", "a year from 2000 to 2100", strconv.Itoa(p.Year)))
	}
	m := &Matrix{Periods: map[string][]string{}}
	if len(p.Rules) == 0 {
		m.Rules = s.MatrixRules()
	} else {
		for _, id := range p.Rules {
			r := s.RuleSet().Rule(id)
			if r == nil || r.Timing() != rules.TimingPeriodic {
				return nil, orglife.InvalidInput(orglife.BadParam("rule", "a periodic rule", id))
			}
			m.Rules = append(m.Rules, r)
		}
	}
	first := time.Date(p.Year, 1, 1, 0, 0, 0, 0, s.loc)
	last := time.Date(p.Year, 12, 31, 0, 0, 0, 0, s.loc)
	var ruleIDs, labels []string
	for _, r := range m.Rules {
		ruleIDs = append(ruleIDs, r.ID)
		if _, ok := m.Periods[r.Every]; ok {
			continue
		}
		for _, per := range rules.PeriodsOverlapping(r.Every, first, last, s.loc) {
			m.Periods[r.Every] = append(m.Periods[r.Every], per.Label)
			labels = append(labels, per.Label)
		}
	}
	ids, err := s.scopeOrgs(ctx, actor, p.OrgID)
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		m.Orgs = []*orglife.Org{}
		return m, nil
	}
	if m.Orgs, err = s.store.Orgs(ctx, ids); err != nil {
		return nil, err
	}
	if len(ruleIDs) == 0 {
		return m, nil
	}
	// the orgs are the whole scope: no IN list of them when the caller sees every org
	f := orglife.LedgerFilter{Rules: ruleIDs, Periods: labels, Light: !p.Explain}
	if p.OrgID != "" || actor.Role != orglife.RoleAdmin {
		f.OrgIDs = ids
	}
	if m.Rows, err = s.store.LedgerRows(ctx, f); err != nil {
		return nil, err
	}
	return m, nil
}
