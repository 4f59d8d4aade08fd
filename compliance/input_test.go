package compliance_test

import (
	"testing"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/compliance"
)

// TestHostileComplianceInput checks that the checker itself (not only the API) refuses NUL bytes
// and invalid UTF-8 in filters with invalid naming the filter, before any database sees them.
func TestHostileComplianceInput(t *testing.T) {
	packWorld(t, func(t *testing.T, w *world) {
		tests := []struct {
			name, field string
			call        func() error
		}{
			{"violation filter bad UTF-8", "rule", func() error {
				_, err := w.chk.ListViolations(w.ctx, admin, compliance.ListViolationsParams{Rule: "\xfe"})
				return err
			}},
			{"ledger filter NUL", "period", func() error {
				_, err := w.chk.Compliance(w.ctx, admin, compliance.ComplianceParams{Period: "2025\x00"})
				return err
			}},
			{"summary filter bad UTF-8", "period", func() error {
				_, err := w.chk.Summary(w.ctx, admin, compliance.SummaryParams{OrgID: "c", Period: "\xff"})
				return err
			}},
		}
		for _, tt := range tests {
			err := tt.call()
			if code(err) != orglife.EINVALID || !hasDetail(orglife.ErrorDetails(err), tt.field) {
				t.Errorf("%s: %v %v, want invalid naming %s", tt.name, err, orglife.ErrorDetails(err), tt.field)
			}
		}
	})
}

func hasDetail(ds []orglife.Detail, field string) bool {
	for _, d := range ds {
		if d.Field == field {
			return true
		}
	}
	return false
}
