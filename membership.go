package orglife

import (
	"slices"
	"time"
)

// Kinds of member change (the history of a member, GET /v1/orgs/{org}/members/{id}/history).
const (
	ChangeJoin     = "join"     // the member joined the org (created, or re-joined after leaving)
	ChangeUpdate   = "update"   // name, status, leader or the Party dates corrected
	ChangeTransfer = "transfer" // the member moved to another org (组织关系转接)
	ChangeLeave    = "leave"    // the member left (graduation, transfer out of the school)
	ChangeConfirm  = "confirm"  // 预备党员转正: status probationary → full
	ChangeRoles    = "roles"    // the member's posts changed (an election, an appointment)
)

// MemberChange is one entry of a member's history: the member as they are from On on, after the
// change, with who recorded it and when. On is the effective date (nil: from the beginning, the
// entry of a member recorded before the history existed).
type MemberChange struct {
	MemberID    string    `json:"member_id"`
	Seq         int       `json:"seq"`
	Kind        string    `json:"kind"`
	On          *string   `json:"on"`
	OrgID       string    `json:"org_id"`
	FromOrgID   *string   `json:"from_org_id,omitempty"`
	Name        string    `json:"name"`
	Status      string    `json:"status"`
	Roles       []string  `json:"roles"`
	Leader      bool      `json:"leader"`
	JoinedOn    *string   `json:"joined_on"`
	ConfirmedOn *string   `json:"confirmed_on"`
	Left        bool      `json:"left"`
	Reason      string    `json:"reason,omitempty"`
	Actor       string    `json:"actor"`
	At          time.Time `json:"at"`
}

// Snapshot returns the member as the change leaves them (LeftOn set when the change is a leave).
func (c *MemberChange) Snapshot() *Member {
	m := &Member{ID: c.MemberID, OrgID: c.OrgID, Name: c.Name, Status: c.Status, Roles: slices.Clone(c.Roles),
		Leader: c.Leader, JoinedOn: c.JoinedOn, ConfirmedOn: c.ConfirmedOn}
	if m.Roles == nil {
		m.Roles = []string{}
	}
	if c.Left {
		m.LeftOn, m.LeftReason = c.On, c.Reason
		if m.LeftOn == nil {
			empty := ""
			m.LeftOn = &empty
		}
	}
	return m
}

// Post is a role a member holds and the day they took it, as their history says: the day of the
// roles change (an election or appointment) that gave it. A role held since the member joined
// the org has no Post: the day it was taken is not known.
type Post struct {
	Role, Since string
}

// Tenure is one stretch in which a member belonged to an org: From and Until are dates
// (YYYY-MM-DD, both inclusive; "" is open), Member is the member as they were at its end.
type Tenure struct {
	OrgID string
	From  string
	Until string
	// Next is the org the member moved to when the tenure ended by a transfer ("" otherwise).
	Next   string
	Member *Member
}

// Tenures turns a member's history (ordered by seq) into the stretches in which they belonged to
// an org, in time order, considering only changes effective on or before asOf (a date; "" for
// all). Changes are applied in the order of their effective date, then seq: a change effective
// on day D holds from D on, so the stretch that it ends lasts until the day before D.
func Tenures(changes []*MemberChange, asOf string) []Tenure {
	cs := make([]*MemberChange, 0, len(changes))
	for _, c := range changes {
		if asOf == "" || c.On == nil || *c.On <= asOf {
			cs = append(cs, c)
		}
	}
	slices.SortStableFunc(cs, func(a, b *MemberChange) int {
		ao, bo := "", ""
		if a.On != nil {
			ao = *a.On
		}
		if b.On != nil {
			bo = *b.On
		}
		if ao != bo {
			if ao < bo {
				return -1
			}
			return 1
		}
		return a.Seq - b.Seq
	})
	var out []Tenure
	var cur *Tenure
	for _, c := range cs {
		on := ""
		if c.On != nil {
			on = *c.On
		}
		if cur != nil && (c.Left || c.OrgID != cur.OrgID) {
			cur.Until = dayBefore(on)
			if !c.Left {
				cur.Next = c.OrgID
			}
			if cur.Until != "" && cur.From != "" && cur.Until < cur.From {
				cur = nil
				out = out[:len(out)-1]
			} else {
				cur = nil
			}
		}
		if c.Left {
			continue
		}
		if cur == nil {
			out = append(out, Tenure{OrgID: c.OrgID, From: on})
			cur = &out[len(out)-1]
		}
		var before *Member
		if cur.Member != nil {
			before = cur.Member
		}
		cur.Member = c.Snapshot()
		cur.Member.Posts = posts(before, c, on)
	}
	return out
}

// posts returns the dated posts after change c (effective on), before being the member as the
// previous change of the same tenure left them (nil at its start): the dated posts still held,
// and, when c is a roles change, each role it adds, taken on that day.
func posts(before *Member, c *MemberChange, on string) []Post {
	var out []Post
	var roles []string
	if before != nil {
		roles = before.Roles
		for _, p := range before.Posts {
			if slices.Contains(c.Roles, p.Role) {
				out = append(out, p)
			}
		}
	}
	if c.Kind != ChangeRoles || on == "" {
		return out
	}
	for _, r := range c.Roles {
		if !slices.Contains(roles, r) {
			out = append(out, Post{Role: r, Since: on})
		}
	}
	return out
}

// Contains reports whether the day (YYYY-MM-DD) falls within the tenure.
func (t Tenure) Contains(day string) bool {
	return (t.From == "" || t.From <= day) && (t.Until == "" || day <= t.Until)
}

func dayBefore(d string) string {
	t, err := time.Parse(DateLayout, d)
	if err != nil {
		return ""
	}
	return t.AddDate(0, 0, -1).Format(DateLayout)
}
