package orglife

import (
	"regexp"
	"time"
)

// Org kinds.
const (
	KindCommittee     = "committee"      // 党委
	KindGeneralBranch = "general_branch" // 党总支
	KindBranch        = "branch"         // 党支部
	KindGroup         = "group"          // 党小组
)

// OrgKinds lists the valid org kinds.
var OrgKinds = []string{KindCommittee, KindGeneralBranch, KindBranch, KindGroup}

// OrgIDPattern is the form of an org id, chosen by the caller.
var OrgIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

// Org is a node of the organization tree. Dates are YYYY-MM-DD strings; nil means unset.
type Org struct {
	ID            string            `json:"id"`
	Name          string            `json:"name"`
	Kind          string            `json:"kind"`
	ParentID      *string           `json:"parent_id"`
	Attributes    map[string]string `json:"attributes"`
	EstablishedOn *string           `json:"established_on"`
	// DissolvedOn is the day the org was dissolved (撤销); periods after it are not applicable.
	DissolvedOn   *string   `json:"dissolved_on"`
	TermStartedOn *string   `json:"term_started_on"`
	TermYears     int       `json:"term_years"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// TermEndsOn returns the derived end of the committee term (term start plus term years), or ""
// when either is unset.
func (o *Org) TermEndsOn() string {
	if o.TermStartedOn == nil || o.TermYears <= 0 {
		return ""
	}
	t, err := time.Parse(DateLayout, *o.TermStartedOn)
	if err != nil {
		return ""
	}
	return t.AddDate(o.TermYears, 0, 0).Format(DateLayout)
}

// Member statuses and roles.
const (
	MemberProbationary = "probationary"
	MemberFull         = "full"
)

// MemberRoles lists the valid member roles: 书记, 副书记, 委员, 党小组长, and the committee posts
// 组织委员, 宣传委员 and 纪检委员.
var MemberRoles = []string{"secretary", "deputy_secretary", "committee", "group_leader",
	"organization_member", "publicity_member", "discipline_member"}

// Member is a Party member of an org.
type Member struct {
	ID       string   `json:"id"`
	OrgID    string   `json:"org_id"`
	Name     string   `json:"name"`
	Status   string   `json:"status"`
	Roles    []string `json:"roles"`
	Leader   bool     `json:"leader"`
	JoinedOn *string  `json:"joined_on"`
	// Since is the day the member joined this org (组织关系转入); nil: from the beginning.
	Since *string `json:"since"`
	// ConfirmedOn is the day a probationary member became a full member (转正).
	ConfirmedOn *string `json:"confirmed_on"`
	// LeftOn is the day the member left (nil while a member); LeftReason says why.
	LeftOn     *string   `json:"left_on"`
	LeftReason string    `json:"left_reason,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
	// Posts are the roles whose start the member's history dates (set for evaluations from the
	// history, see Tenures; the API shows the history instead).
	Posts []Post `json:"-"`
}

// DateLayout is the layout of a calendar date.
const DateLayout = "2006-01-02"
