package compliance

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/rules"
)

// ComplianceParams filter the ledger. OrgID selects its subtree. With AsOf the rows are computed
// for that instant (nothing is persisted) over Period, or From–To, or the lookback before AsOf.
type ComplianceParams struct {
	OrgID, Rule, Period, Status string
	AsOf                        *time.Time
	From, To                    string
	orglife.ListParams
}

// Compliance returns ledger rows in the caller's scope: the persisted ledger, or rows computed
// as of an instant.
func (s *Checker) Compliance(ctx context.Context, actor orglife.Actor, p ComplianceParams) (orglife.Page[*orglife.LedgerRow], error) {
	var empty orglife.Page[*orglife.LedgerRow]
	if err := orglife.CheckFilters(orglife.Filter{"rule", p.Rule}, orglife.Filter{"period", p.Period}, orglife.Filter{"status", p.Status},
		orglife.Filter{"cursor", p.Cursor}); err != nil {
		return empty, err
	}
	if err := orglife.InvalidInput(s.checkRuleParam("rule", p.Rule), s.checkPeriodParam("period", p.Period, true),
		orglife.CheckOneOf("status", p.Status, ledgerStatuses()), orglife.CheckDateRange(p.From, p.To)); err != nil {
		return empty, err
	}
	orgs, err := s.scopeOrgs(ctx, actor, p.OrgID)
	if err != nil {
		return empty, err
	}
	if len(orgs) == 0 {
		return orglife.Page[*orglife.LedgerRow]{Items: []*orglife.LedgerRow{}}, nil
	}
	if p.AsOf == nil {
		f := orglife.LedgerFilter{OrgIDs: orgs, Period: p.Period, Status: p.Status, Cursor: p.Cursor, Limit: p.PageSize() + 1}
		if p.Rule != "" {
			f.Rules = []string{p.Rule}
		}
		rows, err := s.store.LedgerRows(ctx, f)
		if err != nil {
			return empty, err
		}
		return ledgerPage(rows, p.PageSize()), nil
	}
	ep := EvaluateParams{AsOf: p.AsOf, From: p.From, To: p.To}
	if p.Period != "" && p.Period != "-" {
		per, err := rules.ParsePeriod(p.Period, s.loc)
		if err != nil {
			return empty, orglife.Errorf(orglife.EINVALID, "unknown period %s", p.Period)
		}
		ep.From, ep.To = per.Start.Format(orglife.DateLayout), per.End.Format(orglife.DateLayout)
	}
	sp, err := s.resolve(ep)
	if err != nil {
		return empty, err
	}
	return s.computedPage(ctx, sp, orgs, p)
}

// pageOrgs is how many orgs a computed page evaluates at a time.
const pageOrgs = 20

// computedPage evaluates as of sp.asOf only as many orgs, in id order, as the page needs: rows
// come out ordered by org, rule, subject and period, so the cursor is the key of the last row
// returned and the next page starts at its org.
func (s *Checker) computedPage(ctx context.Context, sp evalSpec, orgs []string, p ComplianceParams) (orglife.Page[*orglife.LedgerRow], error) {
	orgs = slices.Sorted(slices.Values(orgs))
	if p.Cursor != "" {
		if strings.Count(p.Cursor, "\x1f") != 3 {
			return orglife.Page[*orglife.LedgerRow]{}, orglife.Errorf(orglife.EINVALID, "invalid cursor")
		}
		org, _, _ := strings.Cut(p.Cursor, "\x1f")
		i, _ := slices.BinarySearch(orgs, org)
		orgs = orgs[i:]
	}
	limit := p.PageSize()
	var out []*orglife.LedgerRow
	sp.collect = func(_ []string, rows []orglife.LedgerRow) {
		for i := range rows {
			r := &rows[i]
			if (p.Rule == "" || r.Rule == p.Rule) && (p.Status == "" || string(r.Status) == p.Status) &&
				(p.Period == "" || r.PeriodKey() == p.Period || (p.Period == "-" && r.Period == nil)) &&
				(p.Cursor == "" || LedgerCursor(r) > p.Cursor) {
				out = append(out, r)
			}
		}
	}
	for start := 0; start < len(orgs) && len(out) <= limit; start += pageOrgs {
		sp.orgIDs = orgs[start:min(start+pageOrgs, len(orgs))]
		if _, err := s.run(ctx, sp); err != nil {
			return orglife.Page[*orglife.LedgerRow]{}, err
		}
	}
	return ledgerPage(out, limit), nil
}

// ledgerPage cuts a page of at most limit rows from rows read (or computed) after the cursor;
// the next cursor is the last row's key.
func ledgerPage(rows []*orglife.LedgerRow, limit int) orglife.Page[*orglife.LedgerRow] {
	out := orglife.Page[*orglife.LedgerRow]{Items: rows}
	if len(rows) > limit {
		out.Items = rows[:limit]
		last := rows[limit-1]
		next := LedgerCursor(last)
		out.NextCursor = &next
	}
	if out.Items == nil {
		out.Items = []*orglife.LedgerRow{}
	}
	return out
}

// LedgerCursor is the cursor after a persisted ledger row: its sort key.
func LedgerCursor(r *orglife.LedgerRow) string {
	return fmt.Sprintf("%s\x1f%s\x1f%s\x1f%s", r.OrgID, r.Rule, r.SubjectID, r.PeriodKey())
}

// SummaryParams select a summary: per child org of OrgID, over Period or From–To (on the rows'
// period start; rows without a period count by their due date).
type SummaryParams struct {
	OrgID    string
	Period   string
	From, To string
}

// SummaryRow counts one child org's subtree ledger rows by status.
type SummaryRow struct {
	OrgID  string                 `json:"org_id"`
	Name   string                 `json:"name"`
	Kind   string                 `json:"kind"`
	Counts map[orglife.Status]int `json:"counts"`
	Total  int                    `json:"total"`
	// Rate is compliant / decided, where decided rows are compliant, late, shallow, overdue or
	// error (pending, at_risk and not_applicable are not decided yet); null when none is.
	Rate *float64 `json:"compliance_rate"`
}

// Summary counts the persisted ledger per child org of p.OrgID (its whole subtree each).
func (s *Checker) Summary(ctx context.Context, actor orglife.Actor, p SummaryParams) ([]SummaryRow, error) {
	if p.OrgID == "" {
		return nil, orglife.Errorf(orglife.EINVALID, "org_id is required")
	}
	if err := orglife.CheckFilters(orglife.Filter{"period", p.Period}); err != nil {
		return nil, err
	}
	if err := orglife.InvalidInput(s.checkPeriodParam("period", p.Period, true), orglife.CheckDateRange(p.From, p.To)); err != nil {
		return nil, err
	}
	all, err := s.scopeOrgs(ctx, actor, p.OrgID)
	if err != nil {
		return nil, err
	}
	orgs, err := s.store.Orgs(ctx, all)
	if err != nil {
		return nil, err
	}
	parent := map[string]string{}
	byID := map[string]*orglife.Org{}
	for _, o := range orgs {
		byID[o.ID] = o
		if o.ParentID != nil {
			parent[o.ID] = *o.ParentID
		}
	}
	// child of p.OrgID that each org falls under
	under := func(id string) string {
		for id != "" && parent[id] != p.OrgID {
			if id == p.OrgID {
				return ""
			}
			id = parent[id]
		}
		return id
	}
	counts, err := s.store.LedgerCounts(ctx, all, p.Period, p.From, p.To)
	if err != nil {
		return nil, err
	}
	out := []SummaryRow{}
	index := map[string]int{}
	for _, o := range orgs {
		if o.ParentID != nil && *o.ParentID == p.OrgID {
			index[o.ID] = len(out)
			out = append(out, SummaryRow{OrgID: o.ID, Name: o.Name, Kind: o.Kind, Counts: map[orglife.Status]int{}})
		}
	}
	for _, c := range counts {
		i, ok := index[under(c.OrgID)]
		if !ok {
			continue
		}
		out[i].Counts[c.Status] += c.N
		out[i].Total += c.N
	}
	for i := range out {
		out[i].Rate = ComplianceRate(out[i].Counts)
	}
	return out, nil
}

// Updating returns which orgs of the rows have changes waiting in the outbox: their rows are
// being brought up to date (within a second under normal load).
func (s *Checker) Updating(ctx context.Context, rows []*orglife.LedgerRow) (map[string]bool, error) {
	seen := map[string]bool{}
	var ids []string
	for _, r := range rows {
		if !seen[r.OrgID] {
			seen[r.OrgID] = true
			ids = append(ids, r.OrgID)
		}
	}
	pending, err := s.store.PendingOrgs(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(pending))
	for _, id := range pending {
		out[id] = true
	}
	return out, nil
}
