package web

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/orglife/orglife"
)

// statusLabel is the Chinese label of a ledger status (docs/ui.md): text, never colour alone.
func statusLabel(s orglife.Status) string {
	switch s {
	case orglife.StatusCompliant:
		return "按期完成"
	case orglife.StatusLate:
		return "逾期补办"
	case orglife.StatusPending:
		return "未到期"
	case orglife.StatusAtRisk:
		return "临期预警"
	case orglife.StatusOverdue:
		return "逾期未办"
	case orglife.StatusShallow:
		return "疑似形式化"
	case orglife.StatusNotApplicable:
		return "不适用"
	case orglife.StatusError:
		return "计算出错"
	}
	return string(s)
}

// periodLabel renders a period label in Chinese: 2025-03 → 2025年3月, 2025-Q1 → 2025年第一季度,
// 2025-H1 → 2025年上半年, 2025 → 2025年; anything else as it is.
func periodLabel(p string) string {
	year, rest, _ := strings.Cut(p, "-")
	if _, err := strconv.Atoi(year); err != nil || len(year) != 4 {
		return p
	}
	switch {
	case rest == "":
		return year + "年"
	case rest == "H1":
		return year + "年上半年"
	case rest == "H2":
		return year + "年下半年"
	case len(rest) == 2 && rest[0] == 'Q' && rest[1] >= '1' && rest[1] <= '4':
		return year + "年第" + string([]rune("一二三四")[rest[1]-'1']) + "季度"
	}
	if m, err := strconv.Atoi(rest); err == nil && m >= 1 && m <= 12 {
		return fmt.Sprintf("%s年%d月", year, m)
	}
	return p
}

// dueLabel shows the last day that counts for a due instant, in loc: a midnight means the day
// before (the whole day counted), any other instant that day and time.
func dueLabel(due *time.Time, loc *time.Location) string {
	if due == nil {
		return ""
	}
	d := due.In(loc)
	if d.Hour() == 0 && d.Minute() == 0 && d.Second() == 0 {
		d = d.AddDate(0, 0, -1)
		return fmt.Sprintf("%d年%d月%d日", d.Year(), d.Month(), d.Day())
	}
	return fmt.Sprintf("%d年%d月%d日 %02d:%02d", d.Year(), d.Month(), d.Day(), d.Hour(), d.Minute())
}
