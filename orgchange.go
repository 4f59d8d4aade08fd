package orglife

import (
	"slices"
	"time"
)

// OrgChange is one entry of an org's history: its parent and committee term from On on (nil: from
// the beginning), with who recorded it and when. The other fields of an org are read as they are
// now (established_on and dissolved_on are dates themselves).
type OrgChange struct {
	OrgID         string    `json:"org_id"`
	Seq           int       `json:"seq"`
	On            *string   `json:"on"`
	ParentID      *string   `json:"parent_id"`
	TermStartedOn *string   `json:"term_started_on"`
	TermYears     int       `json:"term_years"`
	Actor         string    `json:"actor"`
	At            time.Time `json:"at"`
}

// AsOf returns a copy of the org with the parent and term of its history (changes ordered by
// seq) as they were on the day (YYYY-MM-DD): those of the latest change effective on or before
// it, in the order of effective day then seq; the org itself when no change is effective yet
// and there is no history.
func (o *Org) AsOf(changes []*OrgChange, day string) *Org {
	cs := slices.Clone(changes)
	slices.SortStableFunc(cs, func(a, b *OrgChange) int {
		if c := compareDay(a.On, b.On); c != 0 {
			return c
		}
		return a.Seq - b.Seq
	})
	var pick *OrgChange
	for _, c := range cs {
		if c.On == nil || *c.On <= day {
			pick = c
		}
	}
	if pick == nil && len(cs) > 0 {
		pick = cs[0]
	}
	out := *o
	if pick != nil {
		out.ParentID, out.TermStartedOn, out.TermYears = pick.ParentID, pick.TermStartedOn, pick.TermYears
	}
	return &out
}

// compareDay orders optional dates, nil (the beginning) first.
func compareDay(a, b *string) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	case *a < *b:
		return -1
	case *a > *b:
		return 1
	}
	return 0
}
