package rules

import (
	"time"

	"github.com/orglife/orglife"
)

// Members over time (OrgInput.Tenures). The rule for a partial period follows the one for an org's
// lifetime (lifetime.go): a member rule judges a member for a period that lies within one of the
// member's stretches in the org; a period the member did not belong to the org at all is
// not_applicable; a period cut by the member's joining or leaving (transfer in or out) is
// not_applicable unless the rule says `partial: count`, then it is judged like any period. A
// deadline judges a member whose stretch contains the deadline's day. Org rules see, per period,
// the roster on the period's last day or on the as_of day, whichever is earlier.

// owns reports whether the org's evaluation judges the member for the period (per nil: a
// deadline), so that a member's row of one rule and period belongs to one org (the ledger's key
// has no org): the org the member belongs to on the period's last day (or the as_of day, if
// earlier), or, when the member left the Party organization of the school within the period,
// the org they left.
func (ev *orgEval) owns(subject string, per *Period) bool {
	if ev.in.Tenures == nil {
		return true
	}
	day := ev.now.Format(orglife.DateLayout)
	start := ""
	if per != nil {
		start = per.Start.Format(orglife.DateLayout)
		if end := per.End.Format(orglife.DateLayout); end < day {
			day = end
		}
	}
	for _, t := range ev.in.Tenures[subject] {
		if t.Contains(day) {
			return true
		}
		if t.Next == "" && t.Until != "" && t.Until < day && (start == "" || t.Until >= start) {
			return true
		}
	}
	return false
}

// rosterOn returns the views of the members who belonged to the org on the day (YYYY-MM-DD).
func (ev *orgEval) rosterOn(day string) []MemberView {
	if ev.in.Tenures == nil {
		return ev.subjectViews
	}
	if r, ok := ev.rosters[day]; ok {
		return r
	}
	out := []MemberView{}
	for _, v := range ev.subjectViews {
		for _, t := range ev.in.Tenures[v.ID] {
			if t.Contains(day) {
				out = append(out, v)
				break
			}
		}
	}
	ev.rosters[day] = out
	return out
}

// setRoster sets the roster an org rule sees in a period: on the period's last day, or on the
// as_of day when that is earlier.
func (ev *orgEval) setRoster(v *scopeVars, per *Period) {
	if ev.in.Tenures == nil {
		return
	}
	day := per.End.Format(orglife.DateLayout)
	if now := ev.now.Format(orglife.DateLayout); now < day {
		day = now
	}
	v.Members = ev.rosterOn(day)
	v.Org.MemberCount = len(v.Members)
}

// outsideTenure returns why a member rule does not judge the member for the period ("" when it
// does, and for org rules).
func (ev *orgEval) outsideTenure(subject string, per *Period) string {
	if ev.r.Scope != ScopeMember || ev.in.Tenures == nil {
		return ""
	}
	start, end := per.Start.Format(orglife.DateLayout), per.End.Format(orglife.DateLayout)
	partial := ""
	for _, t := range ev.in.Tenures[subject] {
		if (t.Until != "" && t.Until < start) || (t.From != "" && t.From > end) {
			continue
		}
		if (t.From == "" || t.From <= start) && (t.Until == "" || t.Until >= end) {
			return ""
		}
		switch {
		case ev.r.Partial == PartialCount:
			return ""
		case t.From != "" && t.From > start:
			partial = "该党员于本期内（" + DayText(t.From) + "）转入本组织，不完整的周期不计"
		default:
			partial = "该党员于本期内离开本组织（在本组织的最后一天为" + DayText(t.Until) + "），不完整的周期不计"
		}
	}
	if partial != "" {
		return partial
	}
	return "该党员本期不在本组织，不适用"
}

// dueOutsideTenure returns why a member deadline does not judge the member whose due day is d
// ("" when it does).
func (ev *orgEval) dueOutsideTenure(subject string, d time.Time) string {
	if ev.r.Scope != ScopeMember || ev.in.Tenures == nil {
		return ""
	}
	day := d.Format(orglife.DateLayout)
	for _, t := range ev.in.Tenures[subject] {
		if t.Contains(day) {
			return ""
		}
	}
	return "截止日期时该党员不在本组织，不适用"
}
