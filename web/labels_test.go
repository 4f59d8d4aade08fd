package web

import (
	"testing"
	"time"

	"github.com/orglife/orglife"
)

func TestLabels(t *testing.T) {
	for in, want := range map[string]string{"2025-03": "2025年3月", "2025-12": "2025年12月", "2025-Q1": "2025年第一季度",
		"2025-Q4": "2025年第四季度", "2025-H1": "2025年上半年", "2025-H2": "2025年下半年", "2025": "2025年", "": "", "x-13": "x-13"} {
		if got := periodLabel(in); got != want {
			t.Errorf("periodLabel(%q) = %q, want %q", in, got, want)
		}
	}
	for _, s := range orglife.Statuses {
		if statusLabel(s) == string(s) {
			t.Errorf("status %s has no Chinese label", s)
		}
	}
	loc, _ := time.LoadLocation("Asia/Shanghai")
	due := time.Date(2025, 2, 11, 0, 0, 0, 0, loc)
	if got := dueLabel(&due, loc); got != "2025年2月10日" {
		t.Errorf("dueLabel = %q", got)
	}
}
