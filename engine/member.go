package engine

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/orglife/orglife"
)

// validateMember checks a member's fields; it returns invalid with one detail per problem.
func validateMember(m *orglife.Member) error {
	var d []orglife.Detail
	if !orglife.OrgIDPattern.MatchString(m.ID) {
		d = append(d, orglife.Detail{Field: "id", Message: "id must match " + orglife.OrgIDPattern.String()})
	}
	d = append(d, orglife.CheckID("id", m.ID)...)
	if strings.TrimSpace(m.Name) == "" {
		d = append(d, orglife.Detail{Field: "name", Message: "name is required"})
	}
	d = append(d, orglife.CheckText("name", m.Name, orglife.MaxNameLength)...)
	if m.Status != orglife.MemberFull && m.Status != orglife.MemberProbationary {
		d = append(d, orglife.Detail{Field: "status", Message: "status must be probationary or full"})
	}
	for _, r := range m.Roles {
		if !slices.Contains(orglife.MemberRoles, r) {
			d = append(d, orglife.Detail{Field: "roles", Message: "unknown role " + strconv.QuoteToASCII(r)})
		}
	}
	for field, p := range map[string]*string{"joined_on": m.JoinedOn, "since": m.Since, "confirmed_on": m.ConfirmedOn} {
		if !validDate(p) {
			d = append(d, orglife.Detail{Field: field, Message: field + " must be a date YYYY-MM-DD"})
		}
	}
	if len(d) > 0 {
		slices.SortStableFunc(d, func(a, b orglife.Detail) int { return strings.Compare(a.Field, b.Field) })
		return &orglife.Error{Code: orglife.EINVALID, Message: "invalid member: " + d[0].Message, Details: d}
	}
	return nil
}

// CreateMember adds a member to an org (admin only) and opens their history with a join
// effective on m.Since (nil: from the beginning).
func (s *Service) CreateMember(ctx context.Context, actor orglife.Actor, orgID string, m *orglife.Member) (*orglife.Member, error) {
	if !actor.IsAdmin() {
		return nil, orglife.Errorf(orglife.EFORBIDDEN, "only an admin may add members")
	}
	if err := orglife.InvalidInput(orglife.CheckID("org_id", orgID)); err != nil {
		return nil, err
	}
	if _, err := s.store.Org(ctx, orgID); err != nil {
		return nil, err
	}
	m.OrgID = orgID
	if m.ID == "" {
		m.ID = orglife.NewID(s.instant())
	}
	if m.Status == "" {
		m.Status = orglife.MemberFull
	}
	if m.Roles == nil {
		m.Roles = []string{}
	}
	m.LeftOn, m.LeftReason = nil, ""
	if err := validateMember(m); err != nil {
		return nil, err
	}
	m.CreatedAt = s.instant()
	err := s.inTx(ctx, func(ctx context.Context, tx Store) error {
		if err := tx.CreateMember(ctx, m); err != nil {
			return err
		}
		return s.recordChange(ctx, tx, actor, m, orglife.ChangeJoin, m.Since, nil, "")
	})
	if err != nil {
		return nil, err
	}
	s.committed(nil)
	return m, nil
}

// recordChange appends the history entry of a change to m (as m now is), the audit entry, and the
// outbox entries of the member's org (and of from, the org a transfer left), in tx.
func (s *Service) recordChange(ctx context.Context, tx Store, actor orglife.Actor, m *orglife.Member, kind string, on, from *string, reason string) error {
	c := &orglife.MemberChange{MemberID: m.ID, Kind: kind, On: on, OrgID: m.OrgID, FromOrgID: from,
		Name: m.Name, Status: m.Status, Roles: slices.Clone(m.Roles), Leader: m.Leader, JoinedOn: m.JoinedOn,
		ConfirmedOn: m.ConfirmedOn, Left: kind == orglife.ChangeLeave, Reason: reason, Actor: actor.Name, At: s.instant()}
	if err := tx.AppendMemberChange(ctx, c); err != nil {
		return err
	}
	detail := map[string]any{"org_id": m.OrgID, "kind": kind, "seq": c.Seq}
	if on != nil {
		detail["on"] = *on
	}
	if from != nil {
		detail["from_org_id"] = *from
	}
	if reason != "" {
		detail["reason"] = reason
	}
	if err := s.audit(ctx, tx, actor, "member."+kind, m.ID, detail); err != nil {
		return err
	}
	if from != nil {
		if err := s.enqueueOrg(ctx, tx, *from); err != nil {
			return err
		}
	}
	return s.enqueueOrg(ctx, tx, m.OrgID)
}

// mayChangeMembers checks that the actor may change the members of the org: an admin, or a
// supervisor strictly above it.
func (s *Service) mayChangeMembers(ctx context.Context, tx Store, actor orglife.Actor, orgID string) error {
	sc, err := s.orgScopeTx(ctx, tx, actor, orgID)
	if err != nil {
		return err
	}
	if !sc.Above {
		return orglife.Errorf(orglife.EFORBIDDEN, "only an admin or a supervisor above org %s may change its members", orgID)
	}
	return nil
}

// changeMember runs one change of a member of orgID in a transaction: it locks the member, checks
// scope, lets fn change it (fn returns the change's kind, effective date, the org a transfer
// left and the reason), validates, writes the member and records the change.
func (s *Service) changeMember(ctx context.Context, actor orglife.Actor, orgID, id string,
	fn func(ctx context.Context, tx Store, m *orglife.Member) (kind string, on, from *string, reason string, err error)) (*orglife.Member, error) {
	if err := orglife.InvalidInput(orglife.CheckID("org_id", orgID), orglife.CheckID("id", id)); err != nil {
		return nil, err
	}
	var out *orglife.Member
	err := s.inTx(ctx, func(ctx context.Context, tx Store) error {
		if err := s.mayChangeMembers(ctx, tx, actor, orgID); err != nil {
			return err
		}
		m, err := tx.Member(ctx, id, true)
		if err != nil {
			return err
		}
		if m.OrgID != orgID {
			return orglife.Errorf(orglife.ENOTFOUND, "member %s is not a member of org %s", id, orgID)
		}
		if m.LeftOn != nil {
			return orglife.Errorf(orglife.EUNPROCESSABLE, "member %s left on %s; their record is closed", id, *m.LeftOn)
		}
		kind, on, from, reason, err := fn(ctx, tx, m)
		if err != nil {
			return err
		}
		if on == nil {
			today := s.instant().In(s.loc).Format(orglife.DateLayout)
			on = &today
		} else if !validDate(on) {
			return &orglife.Error{Code: orglife.EINVALID, Message: "invalid member change: on must be a date YYYY-MM-DD",
				Details: []orglife.Detail{{Field: "on", Message: "on must be a date YYYY-MM-DD"}}}
		}
		if err := orglife.InvalidInput(orglife.CheckText("reason", reason, orglife.MaxTextLength)); err != nil {
			return err
		}
		if kind == orglife.ChangeTransfer || kind == orglife.ChangeLeave {
			if last, err := lastMove(ctx, tx, id); err != nil {
				return err
			} else if last != "" && *on < last {
				return &orglife.Error{Code: orglife.EUNPROCESSABLE, Message: "the " + kind + " would take effect on " + *on + ", before the member joined their org (" + last + ")",
					Details: []orglife.Detail{{Field: "on", Message: "must not be before " + last}}}
			}
		}
		if kind == orglife.ChangeLeave {
			m.LeftOn, m.LeftReason = on, reason
		}
		if kind == orglife.ChangeTransfer {
			m.Since = on
		}
		if err := validateMember(m); err != nil {
			return err
		}
		if err := tx.UpdateMember(ctx, m); err != nil {
			return err
		}
		out = m
		return s.recordChange(ctx, tx, actor, m, kind, on, from, reason)
	})
	if err != nil {
		return nil, err
	}
	s.committed(nil)
	return out, nil
}

// lastMove returns the latest effective day of a join or transfer in a member's history (""
// when none has one): a transfer or a leave may not take effect before the member came to their
// org. Other changes (转正, posts, corrections) may be dated back freely.
func lastMove(ctx context.Context, tx Store, id string) (string, error) {
	h, err := tx.MemberChanges(ctx, []string{id})
	if err != nil {
		return "", err
	}
	last := ""
	for _, c := range h {
		if (c.Kind == orglife.ChangeJoin || c.Kind == orglife.ChangeTransfer) && c.On != nil && *c.On > last {
			last = *c.On
		}
	}
	return last, nil
}

// MemberPatch changes a member's own data; nil fields stay. An empty date clears it.
type MemberPatch struct {
	Name     *string `json:"name"`
	Status   *string `json:"status"`
	Leader   *bool   `json:"leader"`
	JoinedOn *string `json:"joined_on"`
	// ConfirmedOn corrects the day of 转正 (use ConfirmMember to make a member full).
	ConfirmedOn *string `json:"confirmed_on"`
	// On is the day the change takes effect (default today).
	On *string `json:"on"`
}

// UpdateMember corrects a member's name, status, leader flag or Party dates (入党, 转正) (an
// admin, or a supervisor above the org).
func (s *Service) UpdateMember(ctx context.Context, actor orglife.Actor, orgID, id string, p MemberPatch) (*orglife.Member, error) {
	return s.changeMember(ctx, actor, orgID, id, func(_ context.Context, _ Store, m *orglife.Member) (string, *string, *string, string, error) {
		if p.Name != nil {
			m.Name = *p.Name
		}
		if p.Status != nil {
			m.Status = *p.Status
		}
		if p.Leader != nil {
			m.Leader = *p.Leader
		}
		if p.JoinedOn != nil {
			m.JoinedOn = nilIfEmpty(*p.JoinedOn)
		}
		if p.ConfirmedOn != nil {
			m.ConfirmedOn = nilIfEmpty(*p.ConfirmedOn)
		}
		return orglife.ChangeUpdate, p.On, nil, "", nil
	})
}

// TransferParams move a member to another org on a day (default today).
type TransferParams struct {
	ToOrgID string  `json:"to_org_id"`
	On      *string `json:"on"`
	Reason  string  `json:"reason"`
}

// TransferMember moves a member to another org (组织关系转接); the actor must be allowed to change
// the members of both orgs. The member's roles end with the transfer.
func (s *Service) TransferMember(ctx context.Context, actor orglife.Actor, orgID, id string, p TransferParams) (*orglife.Member, error) {
	return s.changeMember(ctx, actor, orgID, id, func(ctx context.Context, tx Store, m *orglife.Member) (string, *string, *string, string, error) {
		if err := orglife.InvalidInput(orglife.CheckID("to_org_id", p.ToOrgID)); err != nil {
			return "", nil, nil, "", err
		}
		if p.ToOrgID == "" || p.ToOrgID == orgID {
			return "", nil, nil, "", &orglife.Error{Code: orglife.EINVALID, Message: "invalid transfer: to_org_id must name another org",
				Details: []orglife.Detail{{Field: "to_org_id", Message: "must name another org"}}}
		}
		if err := s.mayChangeMembers(ctx, tx, actor, p.ToOrgID); err != nil {
			return "", nil, nil, "", err
		}
		from := m.OrgID
		m.OrgID, m.Roles = p.ToOrgID, []string{}
		return orglife.ChangeTransfer, p.On, &from, p.Reason, nil
	})
}

// LeaveParams end a member's membership on a day (default today), with a reason (毕业, 转出).
type LeaveParams struct {
	On     *string `json:"on"`
	Reason string  `json:"reason"`
}

// LeaveMember ends a member's membership (graduation, transfer out of the school). The member
// stays in the history; they are no longer in the roster from the day on.
func (s *Service) LeaveMember(ctx context.Context, actor orglife.Actor, orgID, id string, p LeaveParams) (*orglife.Member, error) {
	return s.changeMember(ctx, actor, orgID, id, func(context.Context, Store, *orglife.Member) (string, *string, *string, string, error) {
		if strings.TrimSpace(p.Reason) == "" {
			return "", nil, nil, "", &orglife.Error{Code: orglife.EINVALID, Message: "invalid leave: reason is required",
				Details: []orglife.Detail{{Field: "reason", Message: "reason is required"}}}
		}
		return orglife.ChangeLeave, p.On, nil, p.Reason, nil
	})
}

// ConfirmMember makes a probationary member a full member (转正) on a day (default today).
func (s *Service) ConfirmMember(ctx context.Context, actor orglife.Actor, orgID, id string, on *string) (*orglife.Member, error) {
	return s.changeMember(ctx, actor, orgID, id, func(_ context.Context, _ Store, m *orglife.Member) (string, *string, *string, string, error) {
		if m.Status != orglife.MemberProbationary {
			return "", nil, nil, "", orglife.Errorf(orglife.EUNPROCESSABLE, "member %s is not a probationary member", m.ID)
		}
		if on != nil && !validDate(on) {
			return "", nil, nil, "", &orglife.Error{Code: orglife.EINVALID, Message: "invalid confirmation: on must be a date YYYY-MM-DD",
				Details: []orglife.Detail{{Field: "on", Message: "on must be a date YYYY-MM-DD"}}}
		}
		m.Status = orglife.MemberFull
		if on != nil {
			m.ConfirmedOn = on
		} else {
			today := s.instant().In(s.loc).Format(orglife.DateLayout)
			m.ConfirmedOn = &today
		}
		return orglife.ChangeConfirm, m.ConfirmedOn, nil, "", nil
	})
}

// RolesParams set a member's posts from a day on (default today); the list replaces the old one.
type RolesParams struct {
	Roles []string `json:"roles"`
	On    *string  `json:"on"`
}

// SetMemberRoles replaces a member's posts (书记, 委员, 组织委员 …) from a day on.
func (s *Service) SetMemberRoles(ctx context.Context, actor orglife.Actor, orgID, id string, p RolesParams) (*orglife.Member, error) {
	return s.changeMember(ctx, actor, orgID, id, func(_ context.Context, _ Store, m *orglife.Member) (string, *string, *string, string, error) {
		m.Roles = uniqueRoles(p.Roles)
		return orglife.ChangeRoles, p.On, nil, "", nil
	})
}

func uniqueRoles(rs []string) []string {
	out := []string{}
	for _, r := range rs {
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

// UpsertMember creates the member in orgID or, when a member with the id exists in that org,
// applies the differences of name, status, leader and roles as changes (for importers: a
// re-import of the same roster changes nothing). It reports whether anything was written.
func (s *Service) UpsertMember(ctx context.Context, actor orglife.Actor, orgID string, m *orglife.Member) (*orglife.Member, bool, error) {
	if err := orglife.InvalidInput(orglife.CheckID("id", m.ID)); err != nil {
		return nil, false, err
	}
	old, err := s.store.Member(ctx, m.ID, false)
	if orglife.ErrorCode(err) == orglife.ENOTFOUND {
		out, err := s.CreateMember(ctx, actor, orgID, m)
		return out, err == nil, err
	}
	if err != nil {
		return nil, false, err
	}
	if old.OrgID != orgID {
		return nil, false, orglife.Errorf(orglife.ECONFLICT, "member %s belongs to org %s; transfer them instead", m.ID, old.OrgID)
	}
	changed := false
	if m.Status == "" {
		m.Status = old.Status
	}
	if m.Name != old.Name || m.Status != old.Status || m.Leader != old.Leader || !sameDate(m.JoinedOn, old.JoinedOn) {
		p := MemberPatch{Name: &m.Name, Status: &m.Status, Leader: &m.Leader}
		if m.JoinedOn != nil {
			p.JoinedOn = m.JoinedOn
		}
		if old, err = s.UpdateMember(ctx, actor, orgID, m.ID, p); err != nil {
			return nil, false, err
		}
		changed = true
	}
	if m.Roles != nil && !slices.Equal(uniqueRoles(m.Roles), old.Roles) {
		if old, err = s.SetMemberRoles(ctx, actor, orgID, m.ID, RolesParams{Roles: m.Roles}); err != nil {
			return nil, false, err
		}
		changed = true
	}
	return old, changed, nil
}

func sameDate(a, b *string) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// GetMember returns a member of an org in the caller's scope (left members included).
func (s *Service) GetMember(ctx context.Context, actor orglife.Actor, orgID, id string) (*orglife.Member, error) {
	if err := s.mayReadOrg(ctx, actor, orgID); err != nil {
		return nil, err
	}
	m, err := s.store.Member(ctx, id, false)
	if err != nil {
		return nil, err
	}
	if m.OrgID != orgID {
		return nil, orglife.Errorf(orglife.ENOTFOUND, "member %s is not a member of org %s", id, orgID)
	}
	return m, nil
}

// MemberHistory returns a member's history, oldest first (read in the scope of the member's
// current org).
func (s *Service) MemberHistory(ctx context.Context, actor orglife.Actor, orgID, id string) ([]*orglife.MemberChange, error) {
	if _, err := s.GetMember(ctx, actor, orgID, id); err != nil {
		return nil, err
	}
	return s.store.MemberChanges(ctx, []string{id})
}

func (s *Service) mayReadOrg(ctx context.Context, actor orglife.Actor, orgID string) error {
	if err := orglife.InvalidInput(orglife.CheckID("id", orgID)); err != nil {
		return err
	}
	sc, err := s.orgScope(ctx, actor, orgID)
	if err != nil {
		return err
	}
	if !sc.Read {
		return orglife.OutOfScope("org " + orgID)
	}
	return nil
}

// ListMembers lists an org's current members (in orglife.Scope), ordered by id.
func (s *Service) ListMembers(ctx context.Context, actor orglife.Actor, orgID string, p orglife.ListParams) (orglife.Page[*orglife.Member], error) {
	if err := s.mayReadOrg(ctx, actor, orgID); err != nil {
		return orglife.Page[*orglife.Member]{}, err
	}
	ms, err := s.store.Members(ctx, []string{orgID})
	if err != nil {
		return orglife.Page[*orglife.Member]{}, err
	}
	slices.SortFunc(ms, func(a, b *orglife.Member) int { return strings.Compare(a.ID, b.ID) })
	return pageOf(ms, p, func(m *orglife.Member) string { return m.ID }), nil
}
