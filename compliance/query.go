package compliance

import (
	"github.com/orglife/orglife"
	"github.com/orglife/orglife/rules"
)

// PeriodFilterHelp is how a filter message describes a period label.
const PeriodFilterHelp = "a period label such as 2025-03, 2025-Q1, 2025-H1 or 2025"

// ViolationStatuses lists the statuses of a violation.
var ViolationStatuses = []string{orglife.ViolationOpen, orglife.ViolationAcknowledged, orglife.ViolationWaived, orglife.ViolationResolved}

// ViolationKinds lists the kinds of a violation.
var ViolationKinds = []string{orglife.KindOverdue, orglife.KindLate, orglife.KindShallow}

// checkPeriodParam accepts "" (no filter), a period label or, when dash is true, "-" (rows
// without a period).
func (s *Checker) checkPeriodParam(name, value string, dash bool) []orglife.Detail {
	if value == "" || (dash && value == "-") {
		return nil
	}
	if _, err := rules.ParsePeriod(value, s.loc); err == nil {
		return nil
	}
	want := PeriodFilterHelp
	if dash {
		want += " (or - for rows without a period)"
	}
	return orglife.BadParam(name, want, value)
}

// ledgerStatuses lists the statuses of a ledger row as strings.
func ledgerStatuses() []string {
	out := make([]string, len(orglife.Statuses))
	for i, st := range orglife.Statuses {
		out[i] = string(st)
	}
	return out
}

// checkRuleParam accepts "" or the id of a rule of the active rule set.
func (s *Checker) checkRuleParam(name, value string) []orglife.Detail {
	rs := s.RuleSet()
	if value == "" || rs.Rule(value) != nil {
		return nil
	}
	want := "the id of a rule of the active rule set (GET /v1/rules)"
	if rs != nil && len(rs.Rules) > 0 {
		want += " such as " + rs.Rules[0].ID
	}
	return orglife.BadParam(name, want, value)
}
