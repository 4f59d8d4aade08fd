package orglife

import (
	"fmt"
	"time"
)

// The Chinese names of the domain's codes, for every text a person reads (pages, exports,
// reminders): one place, so a page and a workbook never call one status by two names.

// StatusLabel is the Chinese label of a ledger status (text, never colour alone).
func StatusLabel(s Status) string {
	switch s {
	case StatusCompliant:
		return "按期完成"
	case StatusLate:
		return "逾期补办"
	case StatusPending:
		return "未到期"
	case StatusAtRisk:
		return "临期预警"
	case StatusOverdue:
		return "逾期未办"
	case StatusShallow:
		return "疑似形式化"
	case StatusNotApplicable:
		return "不适用"
	case StatusError:
		return "计算出错"
	}
	return string(s)
}

// ViolationStatusLabel is the Chinese label of a violation status.
func ViolationStatusLabel(s string) string {
	switch s {
	case ViolationOpen:
		return "待处理"
	case ViolationAcknowledged:
		return "已确认"
	case ViolationWaived:
		return "已豁免"
	case ViolationResolved:
		return "已解决"
	}
	return s
}

// ViolationKindLabel is the Chinese label of a violation kind.
func ViolationKindLabel(k string) string {
	switch k {
	case KindOverdue:
		return "逾期未办"
	case KindLate:
		return "逾期补办"
	case KindShallow:
		return "疑似形式化"
	}
	return k
}

// SeverityLabel is the Chinese label of a severity.
func SeverityLabel(s string) string {
	switch s {
	case "info":
		return "提示"
	case "minor":
		return "一般"
	case "major":
		return "较重"
	case "critical":
		return "严重"
	}
	return s
}

// OrgKindLabel is the Chinese name of an org kind.
func OrgKindLabel(k string) string {
	switch k {
	case KindCommittee:
		return "党委"
	case KindGeneralBranch:
		return "党总支"
	case KindBranch:
		return "党支部"
	case KindGroup:
		return "党小组"
	}
	return k
}

// DueLabel shows the last day that counts for a due instant, in loc: a midnight means the day
// before (the whole day counted), any other instant that day and time. nil is "".
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
