package rules

import (
	"time"
)

// lifetime is the span in which an org's duties count: from the later of the go-live date and
// the org's establishment to its dissolution (both inclusive; zero bounds are open).
type lifetime struct {
	from, until time.Time
	sinceWins   bool // from is the go-live date, not the establishment
}

func (ev *orgEval) life() lifetime {
	l := lifetime{from: ev.p.Since, sinceWins: !ev.p.Since.IsZero()}
	if !ev.org.EstablishedOn.IsZero() && ev.org.EstablishedOn.After(l.from) {
		l.from, l.sinceWins = ev.org.EstablishedOn, false
	}
	l.until = ev.org.DissolvedOn
	return l
}

// outsideLife returns why a period does not count for the org ("" when it does): it ends before
// the lifetime starts, starts after it ends, or (unless the rule counts partial periods) is cut
// by either end.
func (ev *orgEval) outsideLife(per *Period) string {
	l := ev.life()
	from, until := day(l.from), day(l.until)
	switch {
	case !l.until.IsZero() && per.Start.After(l.until):
		return "组织已于" + until + "撤销，本期不适用"
	case !l.from.IsZero() && per.End.Before(l.from) && l.sinceWins:
		return "系统启用日期（" + from + "）之前的周期不适用"
	case !l.from.IsZero() && per.End.Before(l.from):
		return "组织成立（" + from + "）之前的周期不适用"
	case ev.r.Partial == PartialCount:
		return ""
	case !l.from.IsZero() && per.Start.Before(l.from) && l.sinceWins:
		return "系统于本期内（" + from + "）启用，不完整的周期不计"
	case !l.from.IsZero() && per.Start.Before(l.from):
		return "组织于本期内（" + from + "）成立，不完整的周期不计"
	case !l.until.IsZero() && per.End.After(l.until):
		return "组织于本期内（" + until + "）撤销，不完整的周期不计"
	}
	return ""
}

// dueOutsideLife returns why a deadline or instance row whose due date is d does not count for
// the org ("" when it does).
func (ev *orgEval) dueOutsideLife(d time.Time) string {
	l := ev.life()
	switch {
	case !l.until.IsZero() && d.After(l.until):
		return "组织已于" + day(l.until) + "撤销，不适用"
	case !l.from.IsZero() && d.Before(l.from) && l.sinceWins:
		return "截止日期早于系统启用日期（" + day(l.from) + "），不适用"
	case !l.from.IsZero() && d.Before(l.from):
		return "截止日期早于组织成立日期（" + day(l.from) + "），不适用"
	}
	return ""
}

// day shows a lifetime bound as people read it: 2025年9月15日.
func day(t time.Time) string { return DateText(t, t.Location()) }
