package engine

import (
	"context"

	"github.com/orglife/orglife"
)

// persist writes one batch's ledger rows with their timeline and reconciles its violations, in
// one transaction: the stored rows and violations of the evaluated keys are read in bulk, changes
// are computed in Go, and written in bulk.
func (s *Service) persist(ctx context.Context, batch []string, rows []orglife.LedgerRow, sp evalSpec, res *EvaluateResult) error {
	evaluated := make(map[string]bool, len(rows))
	ruleIDs := map[string]bool{}
	for i := range rows {
		evaluated[ledgerKey(rows[i].Rule, rows[i].SubjectID, rows[i].PeriodKey())] = true
		ruleIDs[rows[i].Rule] = true
	}
	var ids []string
	for id := range ruleIDs {
		ids = append(ids, id)
	}
	return s.store.InTx(ctx, func(ctx context.Context, tx Store) error {
		old, err := tx.LedgerRows(ctx, LedgerFilter{OrgIDs: batch, Rules: ids})
		if err != nil {
			return err
		}
		prev := make(map[string]orglife.Status, len(old))
		for _, r := range old {
			prev[ledgerKey(r.Rule, r.SubjectID, r.PeriodKey())] = r.Status
		}
		var save []*orglife.LedgerRow
		var changes []LedgerChange
		for i := range rows {
			r := &rows[i]
			key := ledgerKey(r.Rule, r.SubjectID, r.PeriodKey())
			was, seen := prev[key]
			if !seen || was != r.Status {
				changes = append(changes, LedgerChange{Rule: r.Rule, SubjectID: r.SubjectID, Period: r.PeriodKey(), OrgID: r.OrgID,
					From: was, To: r.Status, RuleVersion: r.RuleVersion, At: r.EvaluatedAt})
			}
			save = append(save, r)
		}
		if err := tx.SaveLedger(ctx, save, changes); err != nil {
			return err
		}
		existing, err := tx.Violations(ctx, ViolationFilter{OrgIDs: batch})
		if err != nil {
			return err
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
		vs, vchanges, counts := reconcile(scoped, wanted(rows, sp.rules.Version), sp.asOf, s.instant(), func() string { return orglife.NewID(s.instant()) })
		res.Opened += counts.opened
		res.Cleared += counts.cleared
		res.Reopened += counts.reopened
		if len(vs) == 0 {
			return nil
		}
		return tx.SaveViolations(ctx, vs, vchanges)
	})
}
