package rules

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/orglife/orglife"
	"github.com/orglife/orglife/yamlfile"
)

// Calendar is the official working-day calendar of a rule set: for each year it covers, the
// public holidays (法定节假日, days off) and the weekend days worked instead (调休上班日), as the
// State Council's yearly notice sets them. It is declared in a rule file under `calendar:`
// (the example pack ships rules/calendar.yaml; an administrator replaces it like any rule file)
// and read by working_days. The years it covers are contiguous; a day outside them cannot be
// judged, and working_days fails on it instead of guessing Monday to Friday.
type Calendar struct {
	// File is the rule file that declares the calendar.
	File string
	// First and Last are the first and last year covered.
	First, Last int

	off, work []int64 // sorted day numbers (days since 1970-01-01)
}

// Covers reports whether the calendar has the year.
func (c *Calendar) Covers(year int) bool { return c != nil && year >= c.First && year <= c.Last }

// Warning is what an administrator should be told about the calendar on day (in the deployment
// zone): that the current year is not covered (working-day checks of this year's records fail
// until it is added), or, from November, that next year is not yet (the State Council publishes
// its notice around then). It is "" when there is nothing to do or no calendar.
func (c *Calendar) Warning(day time.Time) string {
	if c == nil {
		return ""
	}
	y := day.Year()
	switch {
	case !c.Covers(y):
		return fmt.Sprintf("节假日日历（%s）只包含%d—%d年，不含今年（%d年）：涉及%d年工作日的检查会出错。请按国务院办公厅关于%d年部分节假日安排的通知补充后重新启用规则。", c.File, c.First, c.Last, y, y, y)
	case day.Month() >= time.November && !c.Covers(y+1):
		return fmt.Sprintf("节假日日历（%s）尚不含%d年：国务院办公厅关于%d年部分节假日安排的通知发布后，请及时补充，否则明年1月起涉及工作日的检查会出错。", c.File, y+1, y+1)
	}
	return ""
}

// WorkingDays counts the working days from a, exclusive, to b, inclusive, comparing calendar
// dates in loc: Mondays to Fridays that are not public holidays, plus the weekend days worked
// instead. From a day to itself is 0; when b is before a the count is negative. A day in a year
// the calendar does not cover is an error naming the year.
func (c *Calendar) WorkingDays(a, b time.Time, loc *time.Location) (int, error) {
	a0, b0 := dayNumber(a, loc), dayNumber(b, loc)
	sign := 1
	if b0 < a0 {
		a0, b0, sign = b0, a0, -1
	}
	if a0 == b0 {
		return 0, nil
	}
	for _, d := range []int64{a0 + 1, b0} {
		if y := yearOfDay(d); !c.Covers(y) {
			return 0, fmt.Errorf("节假日日历（%s）未包含%d年，无法计算工作日：请按国务院办公厅当年的节假日安排通知补充该年", c.File, y)
		}
	}
	n := countWeekdays(a0, b0)
	n -= countIn(c.off, a0, b0)  // listed days off are weekdays (checked at load)
	n += countIn(c.work, a0, b0) // and days worked instead are weekend days
	return sign * n, nil
}

// countIn counts the elements of sorted s in (a, b].
func countIn(s []int64, a, b int64) int {
	lo, _ := slices.BinarySearch(s, a+1)
	hi, _ := slices.BinarySearch(s, b+1)
	return hi - lo
}

func yearOfDay(d int64) int { return time.Unix(d*86400, 0).UTC().Year() }

func weekendDay(d int64) bool {
	wd := time.Unix(d*86400, 0).UTC().Weekday()
	return wd == time.Saturday || wd == time.Sunday
}

// calendarRef is where the compiled programs of one rule set find its calendar: the decoder
// compiles rules before it has read every file, so working_days reads the calendar through this
// pointer, set once when loading is done and never changed afterwards.
type calendarRef struct {
	cal *Calendar
}

// options are the working_days functions of the rule set, overriding the Monday-to-Friday ones
// that guards use.
func (ref *calendarRef) options() []expr.Option {
	count := func(a, b time.Time, loc *time.Location) (any, error) {
		if ref.cal == nil {
			return nil, fmt.Errorf("规则集没有节假日日历（calendar:），无法计算工作日")
		}
		return ref.cal.WorkingDays(a, b, loc)
	}
	return []expr.Option{
		expr.Function("working_days",
			func(p ...any) (any, error) {
				a := p[0].(time.Time)
				return count(a, p[1].(time.Time), a.Location())
			},
			new(func(time.Time, time.Time) int)),
		expr.Function(zonedPrefix+"working_days",
			func(p ...any) (any, error) {
				return count(p[1].(time.Time), p[2].(time.Time), p[0].(time.Time).Location())
			},
			new(func(time.Time, time.Time, time.Time) int)),
	}
}

// usesWorkingDays reports whether a compiled expression calls working_days.
func usesWorkingDays(node ast.Node) bool {
	found := false
	ast.Walk(&node, visitFunc(func(n *ast.Node) {
		if call, ok := (*n).(*ast.CallNode); ok {
			if id, ok := call.Callee.(*ast.IdentifierNode); ok && (id.Value == "working_days" || id.Value == zonedPrefix+"working_days") {
				found = true
			}
		}
	}))
	return found
}

type visitFunc func(*ast.Node)

// Visit implements ast.Visitor.
func (f visitFunc) Visit(n *ast.Node) { f(n) }

var calendarYearKeys = []string{"source", "holidays"}

var calendarHolidayKeys = []string{"name", "off", "work"}

// calendar decodes the `calendar:` mapping of a rule file: year → {source, holidays: [{name, off,
// work}]}, where off is a date or a range FIRST..LAST and work a list of dates. Every problem is
// reported at its position; a second calendar in the rule set is a problem.
func (dec *decoder) calendar(n *yamlfile.Node) {
	if dec.calNode != nil {
		dec.Add(n, "calendar: 规则集只能有一个节假日日历（另一个在 %s:%d）", dec.calNode.File, dec.calNode.Line)
		return
	}
	dec.calNode = n
	if n.Kind != yamlfile.KindMap {
		dec.Add(n, "calendar: 应为“年份: 放假安排”的映射")
		return
	}
	cal := &Calendar{File: n.File}
	type yearAt struct {
		year int
		node *yamlfile.Node
	}
	var years []yearAt
	offSeen, workSeen := map[int64]bool{}, map[int64]bool{}
	for _, kv := range n.Entries {
		y, err := strconv.Atoi(kv.Key.Value)
		if err != nil || y < 1949 || y > 2200 {
			dec.Add(kv.Key, "calendar: 年份 %q 无效（应为如 2025 的四位年份）", kv.Key.Value)
			continue
		}
		years = append(years, yearAt{y, kv.Key})
		v := kv.Value
		if v.Kind != yamlfile.KindMap {
			dec.Add(v, "calendar %d: 应包含 source 和 holidays", y)
			continue
		}
		dec.Problems = append(dec.Problems, v.CheckKeys(fmt.Sprintf("calendar %d", y), calendarYearKeys)...)
		list := v.Get("holidays")
		if list.IsNull() || list.Kind != yamlfile.KindSeq {
			dec.Add(v, "calendar %d: holidays: 应为放假安排的列表", y)
			continue
		}
		for _, h := range list.Items {
			if h.Kind != yamlfile.KindMap {
				dec.Add(h, "calendar %d: 每项放假安排应为映射（name, off, work）", y)
				continue
			}
			dec.Problems = append(dec.Problems, h.CheckKeys(fmt.Sprintf("calendar %d", y), calendarHolidayKeys)...)
			if name, _ := dec.text(h, "name"); name == "" {
				dec.Add(h, "calendar %d: name: 必填（节日名称）", y)
			}
			offNode := h.Get("off")
			if offNode.IsNull() {
				dec.Add(h, "calendar %d: off: 必填（放假日期或日期范围，如 2025-10-01..2025-10-08）", y)
			} else if first, last, ok := dec.calendarRange(offNode, y); ok {
				for d := first; d <= last; d++ {
					if offSeen[d] {
						dec.Add(offNode, "calendar %d: %s 重复列为放假日", y, dayString(d))
					}
					offSeen[d] = true
					if !weekendDay(d) { // weekend days in a holiday are off anyway
						cal.off = append(cal.off, d)
					}
				}
			}
			if w := h.Get("work"); !w.IsNull() {
				items := []*yamlfile.Node{w}
				if w.Kind == yamlfile.KindSeq {
					items = w.Items
				}
				for _, it := range items {
					d, ok := dec.calendarDay(it, y)
					if !ok {
						continue
					}
					switch {
					case !weekendDay(d):
						dec.Add(it, "calendar %d: %s 不是周六或周日，不是调休上班日", y, dayString(d))
					case workSeen[d]:
						dec.Add(it, "calendar %d: %s 重复列为上班日", y, dayString(d))
					default:
						workSeen[d] = true
						cal.work = append(cal.work, d)
					}
				}
			}
		}
	}
	for d := range workSeen {
		if offSeen[d] {
			dec.Add(n, "calendar: %s 同时列为放假日和上班日", dayString(d))
		}
	}
	if len(years) == 0 {
		dec.Add(n, "calendar: 至少应有一年的放假安排")
		return
	}
	slices.SortFunc(years, func(a, b yearAt) int { return a.year - b.year })
	for i := 1; i < len(years); i++ {
		switch gap := years[i].year - years[i-1].year; {
		case gap == 0:
			dec.Add(years[i].node, "calendar: %d年重复", years[i].year)
		case gap > 1:
			dec.Add(years[i].node, "calendar: 缺少%d年的放假安排（日历的年份须连续）", years[i-1].year+1)
		}
	}
	cal.First, cal.Last = years[0].year, years[len(years)-1].year
	slices.Sort(cal.off)
	slices.Sort(cal.work)
	dec.cal.cal = cal
}

// calendarRange reads a date or FIRST..LAST within year y as day numbers.
func (dec *decoder) calendarRange(n *yamlfile.Node, y int) (int64, int64, bool) {
	s, ok := n.Text()
	if !ok {
		dec.Add(n, "calendar %d: off: 应为日期或日期范围（如 2025-10-01..2025-10-08）", y)
		return 0, 0, false
	}
	a, b, isRange := strings.Cut(s, "..")
	if !isRange {
		b = a
	}
	first, err1 := time.Parse(orglife.DateLayout, strings.TrimSpace(a))
	last, err2 := time.Parse(orglife.DateLayout, strings.TrimSpace(b))
	switch {
	case err1 != nil || err2 != nil:
		dec.Add(n, "calendar %d: off: 日期 %q 无效（应为 YYYY-MM-DD 或 YYYY-MM-DD..YYYY-MM-DD）", y, s)
		return 0, 0, false
	case first.Year() != y || last.Year() != y:
		dec.Add(n, "calendar %d: off: %s 不在%d年内", y, s, y)
		return 0, 0, false
	case last.Before(first):
		dec.Add(n, "calendar %d: off: 范围 %s 的结束日期早于开始日期", y, s)
		return 0, 0, false
	}
	return first.Unix() / 86400, last.Unix() / 86400, true
}

// calendarDay reads one date within year y as a day number.
func (dec *decoder) calendarDay(n *yamlfile.Node, y int) (int64, bool) {
	s, ok := n.Text()
	t, err := time.Parse(orglife.DateLayout, s)
	switch {
	case !ok || err != nil:
		dec.Add(n, "calendar %d: work: 日期 %q 无效（应为 YYYY-MM-DD）", y, s)
		return 0, false
	case t.Year() != y:
		dec.Add(n, "calendar %d: work: %s 不在%d年内", y, s, y)
		return 0, false
	}
	return t.Unix() / 86400, true
}

func dayString(d int64) string { return time.Unix(d*86400, 0).UTC().Format(orglife.DateLayout) }

// checkCalendarUses reports the expressions that call working_days when the rule set has no
// calendar: without one a working day cannot be told from a holiday.
func (dec *decoder) checkCalendarUses() {
	if dec.cal.cal != nil {
		return
	}
	for _, p := range dec.calUses {
		p.Message += "working_days 需要节假日日历：请在规则文件中加入 calendar:（见 docs/expressions.md#working_daysa-b）"
		dec.Problems = append(dec.Problems, p)
	}
}
