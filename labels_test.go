package orglife

import (
	"testing"
	"time"
)

func TestLabels(t *testing.T) {
	for _, s := range Statuses {
		if StatusLabel(s) == string(s) {
			t.Errorf("status %s has no Chinese label", s)
		}
	}
	for _, s := range []string{ViolationOpen, ViolationAcknowledged, ViolationWaived, ViolationResolved} {
		if ViolationStatusLabel(s) == s {
			t.Errorf("violation status %s has no Chinese label", s)
		}
	}
	for _, k := range []string{KindCommittee, KindGeneralBranch, KindBranch, KindGroup} {
		if OrgKindLabel(k) == k {
			t.Errorf("org kind %s has no Chinese name", k)
		}
	}
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	due := time.Date(2025, 2, 11, 0, 0, 0, 0, loc)
	if got := DueLabel(&due, loc); got != "2025年2月10日" {
		t.Errorf("DueLabel(midnight) = %q", got)
	}
	due = time.Date(2025, 2, 11, 18, 0, 0, 0, loc)
	if got := DueLabel(&due, loc); got != "2025年2月11日 18:00" {
		t.Errorf("DueLabel(18:00) = %q", got)
	}
}
