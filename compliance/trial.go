package compliance

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/rules"
)

// Budgets of the trial run that every activation makes (docs/operations.md, "Budgets").
const (
	// TrialOrgs is how many orgs, spread over the org tree, a candidate rule set is tried on.
	TrialOrgs = 20
	// TrialTimeout is how long the trial may take before the candidate is refused.
	TrialTimeout = 10 * time.Second
)

// trial evaluates a candidate rule set on a sample of real data (TrialOrgs orgs over the
// lookback, as of now, nothing written) and refuses it when a rule blows its budget (memory,
// string size, a panic) or the trial takes longer than TrialTimeout. Other run-time errors are
// left to the error rows they produce.
func (s *Checker) trial(ctx context.Context, rs *rules.RuleSet) error {
	orgs, err := s.store.Orgs(ctx, nil)
	if err != nil {
		return err
	}
	ids := make([]string, len(orgs))
	for i, o := range orgs {
		ids[i] = o.ID
	}
	slices.Sort(ids)
	sample := ids
	if len(ids) > TrialOrgs {
		sample = make([]string, TrialOrgs)
		for i := range sample {
			sample[i] = ids[i*len(ids)/TrialOrgs]
		}
	}
	if len(sample) == 0 || len(rs.Rules) == 0 {
		return nil
	}
	sp, err := s.resolve(EvaluateParams{})
	if err != nil {
		return err
	}
	sp.rules, sp.orgIDs = rs, sample
	blown := map[string]string{}
	sp.collect = func(_ []string, rows []orglife.LedgerRow) {
		for _, r := range rows {
			if r.Status == orglife.StatusError && blown[r.Rule] == "" && overBudget(r.Explanation.Text) {
				blown[r.Rule] = r.Explanation.Text
			}
		}
	}
	tctx, cancel := context.WithTimeout(ctx, TrialTimeout)
	defer cancel()
	done := make(chan error, 1)
	go func() { _, err := s.run(tctx, sp); done <- err }()
	var runErr error
	select {
	case runErr = <-done:
	case <-tctx.Done():
		runErr = tctx.Err()
	}
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case tctx.Err() != nil:
		return orglife.Errorf(orglife.EUNPROCESSABLE, "the candidate rules took longer than %v on a sample of %d orgs (trial budget); nothing changed",
			TrialTimeout, len(sample))
	case runErr != nil:
		return runErr
	}
	if len(blown) == 0 {
		return nil
	}
	details := make([]orglife.Detail, 0, len(blown))
	for _, id := range slices.Sorted(maps.Keys(blown)) {
		details = append(details, orglife.Detail{Field: "rules." + id, Message: blown[id]})
	}
	return &orglife.Error{Code: orglife.EUNPROCESSABLE, Details: details,
		Message: fmt.Sprintf("%s blew the evaluation budget on a sample of %d orgs; nothing changed", plural(len(details), "rule"), len(sample))}
}

// overBudget reports whether the explanation of an error row tells of a blown budget or a panic.
func overBudget(text string) bool {
	return strings.Contains(text, "budget") || strings.Contains(text, "规则运行失败")
}
