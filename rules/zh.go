package rules

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The texts people read name periods and days the way a 支部书记 writes them: 2025年2月,
// 2025年第三季度, 2025年上半年, 2025年度, 2025年3月10日. Labels such as 2025-Q3 stay the
// identifiers of the API and the ledger; these are only for reading.

var quarterNames = [...]string{"第一季度", "第二季度", "第三季度", "第四季度"}

// PeriodTitle returns the Chinese name of a period label: "2025-03" → "2025年3月",
// "2025-Q3" → "2025年第三季度", "2025-H1" → "2025年上半年", "2025" → "2025年度". A label that does
// not parse is returned as it is.
func PeriodTitle(label string) string {
	p, err := ParsePeriod(label, time.UTC)
	if err != nil {
		return label
	}
	return p.Title()
}

// Title returns the Chinese name of the period (see PeriodTitle).
func (p Period) Title() string {
	y := strconv.Itoa(p.Start.Year()) + "年"
	m := int(p.Start.Month())
	switch p.Kind {
	case PeriodMonth:
		return y + strconv.Itoa(m) + "月"
	case PeriodQuarter:
		return y + quarterNames[(m-1)/3]
	case PeriodHalfYear:
		if m <= 6 {
			return y + "上半年"
		}
		return y + "下半年"
	case PeriodYear:
		return y + "度"
	}
	return p.Label
}

// periodTextRE reads the Chinese name of a period: 2025年3月, 2025年第三季度 (or 三季度, 3季度),
// 2025年上半年 / 下半年, 2025年度 or 2025年.
var periodTextRE = regexp.MustCompile(`^(\d{4})\s*年\s*(?:(\d{1,2})\s*月(?:份)?|第?([一二三四1-4])\s*季度|([上下])半年|度)?$`)

// PeriodLabelOfText returns the label (2025-03, 2025-Q3, 2025-H1, 2025) of a period named the way
// people write it (PeriodTitle's names, with or without 第 and 度), so a filter may be typed in
// Chinese; any other text, a label included, is returned as it is.
func PeriodLabelOfText(s string) string {
	m := periodTextRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return s
	}
	switch {
	case m[2] != "":
		if n, _ := strconv.Atoi(m[2]); n >= 1 && n <= 12 {
			return fmt.Sprintf("%s-%02d", m[1], n)
		}
		return s
	case m[3] != "":
		q := strings.Index("一二三四", m[3])/len("一") + 1
		if n, err := strconv.Atoi(m[3]); err == nil {
			q = n
		}
		return m[1] + "-Q" + strconv.Itoa(q)
	case m[4] == "上":
		return m[1] + "-H1"
	case m[4] == "下":
		return m[1] + "-H2"
	}
	return m[1]
}

// DateText returns the calendar date of t in loc as people write it: 2025年3月10日. The zero time
// is "".
func DateText(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	y, m, d := t.In(loc).Date()
	return strconv.Itoa(y) + "年" + strconv.Itoa(int(m)) + "月" + strconv.Itoa(d) + "日"
}

// DayText is DateText of a date written YYYY-MM-DD: 2026-03-01 → 2026年3月1日 (the text itself
// when it is not a date).
func DayText(s string) string {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return s
	}
	return DateText(t, time.UTC)
}

// MonthDayText returns the month and day of t in loc: 3月20日 (for dates within a sentence whose
// year is plain). The zero time is "".
func MonthDayText(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	_, m, d := t.In(loc).Date()
	return strconv.Itoa(int(m)) + "月" + strconv.Itoa(d) + "日"
}

// InstantText returns an instant in loc as people read it: the date, and the time of day unless
// it is midnight (2025年3月10日 14:30).
func InstantText(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	l := t.In(loc)
	s := DateText(l, loc)
	if l.Hour() != 0 || l.Minute() != 0 || l.Second() != 0 {
		s += " " + l.Format("15:04")
	}
	return s
}

// DueDate returns the last day that counts of a due instant, at midnight in loc: a due at the
// start of a day (a date whose whole day counted) is the day before; any other instant is its
// own day.
func DueDate(due time.Time, loc *time.Location) time.Time {
	d := due.In(loc)
	y, m, day := d.Date()
	if d.Hour() == 0 && d.Minute() == 0 && d.Second() == 0 && d.Nanosecond() == 0 {
		return time.Date(y, m, day-1, 0, 0, 0, 0, loc)
	}
	return time.Date(y, m, day, 0, 0, 0, 0, loc)
}

// DueText shows a due instant as people read it: the last day that counts (截止2025年3月10日
// reads "2025年3月10日") when the due is a midnight, else the date and time.
func DueText(due time.Time, loc *time.Location) string {
	d := due.In(loc)
	if d.Hour() == 0 && d.Minute() == 0 && d.Second() == 0 && d.Nanosecond() == 0 {
		return DateText(DueDate(due, loc), loc)
	}
	return InstantText(d, loc)
}
