package rules

import (
	"strings"
	"time"

	"github.com/orglife/orglife"
)

// texts are the parts of a row's sentence that come from the rule's templates, rendered on the
// row's as_of view.
type texts struct {
	period  string // Chinese period name ("" for deadline and instance rules)
	subject string // who or what the row is about ("" when the org itself)
	message string // the rule's message
	late    string // the rule's late_message ("" when it has none)
	// lateRecords are the occurs_on and recorded_at of the records recorded after the due
	// instant (late rows), for the default late text.
	lateRecords []lateRecord
	instance    bool // an instance-scope row: late means 逾期完成, not 补记
}

// lateRecord is a record that was recorded after the due instant.
type lateRecord struct{ occurs, recorded time.Time }

// sentence builds the Chinese text of a row (spec §3): the period, the subject, what was found,
// and the due date as people read them (2025年2月, 截止2025年3月10日). Failing rows read the rule's
// message; a late row reads its late_message or says when the record came in against the due
// date; shallow findings follow as one more clause.
func sentence(r *Rule, tx texts, status orglife.Status, due *time.Time, loc *time.Location, n int, checks []orglife.Finding, reason string) string {
	var b strings.Builder
	if tx.period != "" {
		b.WriteString(tx.period)
		b.WriteString(" ")
	}
	title := r.Title
	if title == "" {
		title = tx.message
	}
	if tx.subject != "" {
		title += "（" + tx.subject + "）"
	}
	msg := tx.message
	if tx.subject != "" && !strings.Contains(msg, tx.subject) {
		msg = tx.subject + "：" + msg
	}
	dueStr := ""
	if due != nil {
		dueStr = DueText(*due, loc)
	}
	switch status {
	case orglife.StatusCompliant, orglife.StatusShallow:
		b.WriteString(title + "：已满足")
		if n > 0 {
			b.WriteString("（" + itoa(n) + " 条记录）")
		}
	case orglife.StatusLate:
		b.WriteString(lateText(title, tx, due, loc))
	case orglife.StatusPending:
		b.WriteString(title + "：尚未完成，截止" + dueStr)
	case orglife.StatusAtRisk:
		b.WriteString(title + "：即将到期，尚未完成，截止" + dueStr)
	case orglife.StatusOverdue:
		b.WriteString(msg + "（截止" + dueStr + "）")
	case orglife.StatusNotApplicable:
		b.WriteString(title + "：不适用（" + reason + "）")
	case orglife.StatusError:
		b.WriteString(title + "：规则计算出错：" + reason)
	}
	if len(checks) > 0 {
		msgs := make([]string, len(checks))
		for i, c := range checks {
			msgs[i] = c.Message
		}
		if status == orglife.StatusLate {
			b.WriteString("；另外，" + strings.Join(msgs, "；"))
		} else {
			b.WriteString("；但" + strings.Join(msgs, "；"))
		}
	}
	return b.String()
}

// lateText says what a late row found: the rule's late_message, else when the records came in
// against the due date — "3月20日的记录4月15日才录入，晚于截止日期4月10日（补记）", or for an
// instance "2025年6月20日才完成，晚于截止日期2025年6月10日（逾期完成）".
func lateText(title string, tx texts, due *time.Time, loc *time.Location) string {
	if tx.late != "" {
		msg := tx.late
		if tx.subject != "" && !strings.Contains(msg, tx.subject) {
			msg = tx.subject + "：" + msg
		}
		return msg
	}
	dueStr := ""
	if due != nil {
		dueStr = DueText(*due, loc)
	}
	if tx.instance {
		done := ""
		if len(tx.lateRecords) > 0 {
			done = DateText(tx.lateRecords[0].recorded, loc)
		}
		return title + "：" + done + "才完成，晚于截止日期" + dueStr + "（逾期完成）"
	}
	year := 0
	if due != nil {
		year = DueDate(*due, loc).Year()
	}
	day := func(t time.Time) string { // the month and day, with the year when it is not the due's
		if t.In(loc).Year() == year {
			return MonthDayText(t, loc)
		}
		return DateText(t, loc)
	}
	var parts []string
	for i, lr := range tx.lateRecords {
		if i == 3 {
			parts = append(parts, "等")
			break
		}
		p := day(lr.recorded) + "才录入"
		if !lr.occurs.IsZero() && DateText(lr.occurs, loc) != DateText(lr.recorded, loc) {
			p = day(lr.occurs) + "的记录" + p
		}
		parts = append(parts, p)
	}
	found := strings.Join(parts, "，")
	if found == "" {
		found = "记录在截止后才录入"
	}
	return title + "：" + found + "，晚于截止日期" + dueStr + "（补记）"
}
