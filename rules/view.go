package rules

import (
	"time"

	"github.com/orglife/orglife"
)

// InstanceView is what expressions see as `instance`.
type InstanceView struct {
	ID         string    `expr:"id"`
	Workflow   string    `expr:"workflow"`
	State      string    `expr:"state"`
	OrgID      string    `expr:"org_id"`
	Complete   bool      `expr:"complete"`
	CreatedAt  time.Time `expr:"created_at"`
	RecordedAt time.Time `expr:"recorded_at"` // zero when never recorded
}

// NewInstanceView returns the view of an instance. Times keep the instance's location; callers
// that need them in the deployment time zone convert the instance's times first.
func NewInstanceView(in *orglife.Instance) InstanceView {
	v := InstanceView{
		ID:        in.ID,
		Workflow:  in.Workflow,
		State:     in.State,
		OrgID:     in.OrgID,
		Complete:  in.Complete,
		CreatedAt: in.CreatedAt,
	}
	if in.RecordedAt != nil {
		v.RecordedAt = *in.RecordedAt
	}
	return v
}

// OrgView is what expressions see as `org`. Dates are midnight in the deployment time zone; an
// unset date is the zero time.
type OrgView struct {
	ID       string `expr:"id"`
	Name     string `expr:"name"`
	Kind     string `expr:"kind"`
	ParentID string `expr:"parent_id"` // "" for a root
	// ParentKind is the kind of the parent org ("" for a root or when the parent is not known):
	// "各党总支（党支部）" duties fall to a branch only when its parent is not a general branch.
	ParentKind    string            `expr:"parent_kind"`
	Attributes    map[string]string `expr:"attributes"`
	EstablishedOn time.Time         `expr:"established_on"`
	DissolvedOn   time.Time         `expr:"dissolved_on"`
	TermStartedOn time.Time         `expr:"term_started_on"`
	TermEndsOn    time.Time         `expr:"term_ends_on"` // term start plus term years
	TermYears     int               `expr:"term_years"`
	MemberCount   int               `expr:"member_count"`
}

// NewMemberViews returns the views of members (joined_on read in loc), each labelled by name,
// with the id added where two of them share a name (张伟（m-zhang2）).
func NewMemberViews(ms []*orglife.Member, loc *time.Location) []MemberView {
	out := make([]MemberView, len(ms))
	names := make(map[string]int, len(ms))
	for _, m := range ms {
		names[m.Name]++
	}
	for i, m := range ms {
		out[i] = MemberView{ID: m.ID, Name: m.Name, Status: m.Status, Roles: m.Roles, Leader: m.Leader,
			JoinedOn: parseDatePtr(m.JoinedOn, loc), Label: m.Name}
		if out[i].Roles == nil {
			out[i].Roles = []string{}
		}
		out[i].Posts = []PostView{}
		for _, p := range m.Posts {
			out[i].Posts = append(out[i].Posts, PostView{Role: p.Role, Since: parseDatePtr(&p.Since, loc)})
		}
		if names[m.Name] > 1 {
			out[i].Label = m.Name + "（" + m.ID + "）"
		}
	}
	return out
}

// NewOrgView returns the view of an org with its member count; dates are read in loc.
func NewOrgView(o *orglife.Org, memberCount int, loc *time.Location) OrgView {
	v := OrgView{
		ID:            o.ID,
		Name:          o.Name,
		Kind:          o.Kind,
		Attributes:    o.Attributes,
		EstablishedOn: parseDatePtr(o.EstablishedOn, loc),
		DissolvedOn:   parseDatePtr(o.DissolvedOn, loc),
		TermStartedOn: parseDatePtr(o.TermStartedOn, loc),
		TermYears:     o.TermYears,
		MemberCount:   memberCount,
	}
	if v.Attributes == nil {
		v.Attributes = map[string]string{}
	}
	if o.ParentID != nil {
		v.ParentID = *o.ParentID
	}
	if !v.TermStartedOn.IsZero() && o.TermYears > 0 {
		v.TermEndsOn = v.TermStartedOn.AddDate(o.TermYears, 0, 0)
	}
	return v
}

// ActorView is what expressions see as `actor`: who fires the event.
type ActorView struct {
	Role  string `expr:"role"`
	OrgID string `expr:"org_id"`
	Name  string `expr:"name"`
}

// NewActorView returns the view of an actor.
func NewActorView(a orglife.Actor) ActorView {
	return ActorView{Role: a.Role, OrgID: a.OrgID, Name: a.Name}
}

func parseDatePtr(s *string, loc *time.Location) time.Time {
	if s == nil {
		return time.Time{}
	}
	t, err := time.ParseInLocation(orglife.DateLayout, *s, loc)
	if err != nil {
		return time.Time{}
	}
	return t
}
