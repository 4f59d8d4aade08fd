package rules

import "testing"

// A period typed the way people write it reads as its label, and round-trips through
// PeriodTitle; labels and other text are returned as they are.
func TestPeriodLabelOfText(t *testing.T) {
	for in, want := range map[string]string{
		"2025年3月": "2025-03", "2025年12月份": "2025-12", " 2025 年 3 月 ": "2025-03",
		"2025年第三季度": "2025-Q3", "2025年三季度": "2025-Q3", "2025年第1季度": "2025-Q1",
		"2025年上半年": "2025-H1", "2025年下半年": "2025-H2", "2025年度": "2025", "2025年": "2025",
		"2025-Q3": "2025-Q3", "2025-03": "2025-03", "2025年13月": "2025年13月", "三月": "三月", "": "",
	} {
		if got := PeriodLabelOfText(in); got != want {
			t.Errorf("PeriodLabelOfText(%q) = %q, want %q", in, got, want)
		}
	}
	for _, label := range []string{"2025-02", "2025-Q4", "2025-H2", "2025"} {
		if got := PeriodLabelOfText(PeriodTitle(label)); got != label {
			t.Errorf("%s → %s → %s", label, PeriodTitle(label), got)
		}
	}
}
