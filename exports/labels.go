package exports

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/orglife/orglife"
)

// mark is the one-character mark of a status in an assessment cell (ui.md, "Status labels").
func mark(s orglife.Status) string {
	switch s {
	case orglife.StatusCompliant:
		return "✓"
	case orglife.StatusLate:
		return "迟"
	case orglife.StatusPending:
		return "·"
	case orglife.StatusAtRisk:
		return "!"
	case orglife.StatusOverdue:
		return "✗"
	case orglife.StatusShallow:
		return "浅"
	case orglife.StatusNotApplicable:
		return "—"
	case orglife.StatusError:
		return "?"
	}
	return string(s)
}

// shortPeriod is a period's column heading inside its year: 3月, 第一季度, 上半年, 全年.
func shortPeriod(p string) string {
	_, rest, _ := strings.Cut(p, "-")
	switch {
	case rest == "":
		return "全年"
	case rest == "H1":
		return "上半年"
	case rest == "H2":
		return "下半年"
	case len(rest) == 2 && rest[0] == 'Q':
		return "第" + []string{"一", "二", "三", "四"}[rest[1]-'1'] + "季度"
	}
	m, _ := strconv.Atoi(rest)
	return fmt.Sprintf("%d月", m)
}

// instantLabel writes an instant in loc.
func instantLabel(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format("2006-01-02 15:04:05 (-07:00)")
}
