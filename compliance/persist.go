package compliance

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/rules"
)

// batchDiff is what persisting one batch of evaluated rows changes: the ledger rows to upsert,
// the status changes to append to the timeline, and the violations to open, clear or reopen.
type batchDiff struct {
	rows       []*orglife.LedgerRow
	changes    []orglife.LedgerChange
	violations []*orglife.Violation
	vchanges   []orglife.ViolationChangeRecord
	counts     reconcileCounts
	// dues lists the rows whose due instant changes (for previews).
	dues []DueChange
}

// diffBatch compares evaluated rows with what st holds for the same keys: the stored ledger rows
// of the batch's orgs and rules, and the stored violations of the evaluated (rule, subject,
// period) keys. Evaluation persists the diff; a preview reports it. Two bulk reads.
func (s *Checker) diffBatch(ctx context.Context, st Store, batch []string, rows []orglife.LedgerRow, sp evalSpec) (*batchDiff, error) {
	evaluated := make(map[string]bool, len(rows))
	for i := range rows {
		evaluated[ledgerKey(rows[i].Rule, rows[i].SubjectID, rows[i].PeriodKey())] = true
	}
	d := &batchDiff{}
	// only the rows of the rules evaluated: a partial evaluation must not retire the others
	old, err := st.LedgerRows(ctx, orglife.LedgerFilter{OrgIDs: batch, Light: true, Rules: sp.ruleIDs})
	if err != nil {
		return nil, err
	}
	rows = append(rows, s.retired(old, evaluated, sp)...)
	prev := make(map[string]*orglife.LedgerRow, len(old))
	for _, r := range old {
		prev[ledgerKey(r.Rule, r.SubjectID, r.PeriodKey())] = r
	}
	for i := range rows {
		r := &rows[i]
		r.Digest = digest(r)
		was := prev[ledgerKey(r.Rule, r.SubjectID, r.PeriodKey())]
		if was != nil && !sameInstant(was.Due, r.Due) {
			d.dues = append(d.dues, DueChange{Rule: r.Rule, OrgID: r.OrgID, SubjectID: r.SubjectID, Period: r.PeriodKey(), From: utcPtr(was.Due), To: utcPtr(r.Due)})
		}
		switch {
		case was == nil || was.Status != r.Status:
			var from orglife.Status
			if was != nil {
				from = was.Status
			}
			d.changes = append(d.changes, orglife.LedgerChange{Rule: r.Rule, SubjectID: r.SubjectID, Period: r.PeriodKey(), OrgID: r.OrgID,
				From: from, To: r.Status, RuleVersion: r.RuleVersion, At: r.EvaluatedAt})
		case was.Digest == r.Digest && sameInstant(was.NextChange, r.NextChange):
			continue // unchanged: not rewritten (a new next instant alone is written: the schedule reads it)
		}
		d.rows = append(d.rows, r)
	}
	existing, err := st.Violations(ctx, orglife.ViolationFilter{OrgIDs: batch})
	if err != nil {
		return nil, err
	}
	var scoped []*orglife.Violation
	for _, v := range existing {
		p := ""
		if v.Period != nil {
			p = *v.Period
		}
		if evaluated[ledgerKey(v.Rule, v.SubjectID, p)] {
			scoped = append(scoped, v)
		}
	}
	d.violations, d.vchanges, d.counts = reconcile(scoped, wanted(rows, sp.rules.Version), sp.asOf, s.instant(), s.loc,
		func() string { return orglife.NewID(s.instant()) })
	return d, nil
}

// utcPtr returns a copy of an optional instant in UTC.
func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// sameInstant reports whether two optional instants are equal.
func sameInstant(a, b *time.Time) bool {
	return (a == nil) == (b == nil) && (a == nil || a.Equal(*b))
}

// persist writes one batch's diff in tx (which holds the batch's evaluation lock, see
// persistBatch): ledger rows with their timeline, and the violation changes. diffBatch orders
// the rows by key, so concurrent writers take row locks in one order. It reports the batch to
// the observer (a write that fails is reported as changing nothing: the transaction rolls back).
func (s *Checker) persist(ctx context.Context, tx Store, batch []string, rows []orglife.LedgerRow, sp evalSpec, res *EvaluateResult) (err error) {
	began := time.Now()
	var ob BatchPersist
	defer func() {
		ob.Duration, ob.Err = time.Since(began), err
		if err != nil {
			ob.Changed, ob.StatusChanges = 0, 0
		}
		s.obs.BatchPersisted(ob)
	}()
	d, err := s.diffBatch(ctx, tx, batch, rows, sp)
	if err != nil {
		return err
	}
	ob.Changed, ob.StatusChanges = len(d.rows), len(d.changes)
	res.Opened += d.counts.opened
	res.Cleared += d.counts.cleared
	res.Reopened += d.counts.reopened
	if err := tx.SaveLedger(ctx, d.rows, d.changes); err != nil {
		return err
	}
	if len(d.violations) == 0 {
		return nil
	}
	return tx.SaveViolations(ctx, d.violations, d.vchanges)
}

// retired returns, as not_applicable rows, the stored rows of the batch that the active rules no
// longer produce although the evaluation covered them: rows of removed rules, rows of a rule whose
// timing changed (a quarterly rule made monthly leaves quarter rows behind), rows of instances
// that were cancelled or deleted and of members that left. Marking them keeps the ledger honest
// and lets their violations clear; their keys are added to evaluated.
func (s *Checker) retired(old []*orglife.LedgerRow, evaluated map[string]bool, sp evalSpec) []orglife.LedgerRow {
	from, to := sp.from.Format(orglife.DateLayout), sp.to.Format(orglife.DateLayout)
	var out []orglife.LedgerRow
	for _, r := range old {
		key := ledgerKey(r.Rule, r.SubjectID, r.PeriodKey())
		if evaluated[key] || r.Status == orglife.StatusNotApplicable {
			continue
		}
		if !covered(r, sp.rules.Rule(r.Rule), from, to, sp.from) {
			continue
		}
		row := *r
		row.Status = orglife.StatusNotApplicable
		row.RuleVersion = sp.rules.Version
		row.EvaluatedAt = sp.asOf
		row.Explanation = orglife.Explanation{Text: "规则、记录或党员已变更（版本 " + sp.rules.Version + "），本行不再适用", Clauses: []orglife.Clause{}}
		row.Evidence = []string{}
		row.NextChange = nil
		evaluated[key] = true
		out = append(out, row)
	}
	return out
}

// covered reports whether an evaluation over [from, to] would have produced the stored row r if
// its rule (nil when removed), subject and period still existed as they were.
func covered(r *orglife.LedgerRow, rule *rules.Rule, from, to string, fromDay time.Time) bool {
	overlaps := r.PeriodStart == nil || r.PeriodEnd == nil || (*r.PeriodEnd >= from && *r.PeriodStart <= to)
	switch {
	case rule == nil:
		return overlaps // a removed rule
	case rule.Every != "" && periodKind(r.PeriodKey()) == rule.Every:
		return false // the rule still produces this key; the subject just is not evaluated now
	case rule.Timing() == rules.TimingInstance && r.Period == nil:
		return r.Due == nil || !r.Due.Before(fromDay) // instance rows are evaluated when due ≥ from
	}
	return overlaps // the timing changed, or a deadline subject is gone
}

// periodKind tells the kind of a period label: 2025-03 month, 2025-Q1 quarter, 2025-H1
// half_year, 2025 year; "" for rows without a period.
func periodKind(label string) string {
	switch {
	case label == "":
		return ""
	case strings.Contains(label, "-Q"):
		return rules.PeriodQuarter
	case strings.Contains(label, "-H"):
		return rules.PeriodHalfYear
	case strings.Contains(label, "-"):
		return rules.PeriodMonth
	}
	return rules.PeriodYear
}

// digest fingerprints what a ledger row says, leaving out when it was evaluated.
func digest(r *orglife.LedgerRow) string {
	c := *r
	c.EvaluatedAt, c.Digest = time.Time{}, ""
	b, err := json.Marshal(&c)
	if err != nil {
		return ""
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:16])
}
