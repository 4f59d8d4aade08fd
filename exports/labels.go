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

// StatusLabel is the Chinese label of a ledger status.
func StatusLabel(s orglife.Status) string {
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

// violationStatusLabel is the Chinese label of a violation status.
func violationStatusLabel(s string) string {
	switch s {
	case orglife.ViolationOpen:
		return "待处理"
	case orglife.ViolationAcknowledged:
		return "已知悉"
	case orglife.ViolationWaived:
		return "已豁免"
	case orglife.ViolationResolved:
		return "已办结"
	}
	return s
}

// kindLabel is the Chinese label of a violation kind.
func kindLabel(k string) string {
	switch k {
	case orglife.KindOverdue:
		return "逾期未办"
	case orglife.KindLate:
		return "逾期补办"
	case orglife.KindShallow:
		return "疑似形式化"
	}
	return k
}

// orgKindLabel is the Chinese name of an org kind.
func orgKindLabel(k string) string {
	switch k {
	case orglife.KindCommittee:
		return "党委"
	case orglife.KindGeneralBranch:
		return "党总支"
	case orglife.KindBranch:
		return "党支部"
	case orglife.KindGroup:
		return "党小组"
	}
	return k
}

// PeriodLabel is the Chinese label of a period: 2025年3月, 2025年第一季度, 2025年上半年, 2025年度.
func PeriodLabel(p string) string {
	year, rest, _ := strings.Cut(p, "-")
	if _, err := strconv.Atoi(year); err != nil || len(year) != 4 {
		return p
	}
	switch {
	case rest == "":
		return year + "年度"
	case rest == "H1":
		return year + "年上半年"
	case rest == "H2":
		return year + "年下半年"
	case len(rest) == 2 && rest[0] == 'Q' && rest[1] >= '1' && rest[1] <= '4':
		return year + "年第" + []string{"一", "二", "三", "四"}[rest[1]-'1'] + "季度"
	}
	if m, err := strconv.Atoi(rest); err == nil && m >= 1 && m <= 12 {
		return fmt.Sprintf("%s年%d月", year, m)
	}
	return p
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

// DueLabel is the last day (or instant) of a due date in loc, in Chinese.
func DueLabel(due *time.Time, loc *time.Location) string {
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

// instantLabel writes an instant in loc.
func instantLabel(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format("2006-01-02 15:04:05 (-07:00)")
}
