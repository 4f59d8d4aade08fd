package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"strings"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/engine"
)

// demoOrg is one org of the demo tree and its members' names.
type demoOrg struct {
	org     orglife.Org
	members []string
}

func ptr(s string) *string { return &s }

// demoTree is the org tree that "serve --demo" creates: a committee, two general branches and
// four branches with committee terms, five members each.
func demoTree() []demoOrg {
	const committee, phd, master = "demo", "demo-phd", "demo-master"
	branch := func(id, name, parent, level, termStart string, years int, members ...string) demoOrg {
		return demoOrg{org: orglife.Org{ID: id, Name: name, Kind: orglife.KindBranch, ParentID: ptr(parent),
			Attributes:    map[string]string{"category": "student", "level": level},
			EstablishedOn: ptr("2015-09-01"), TermStartedOn: ptr(termStart), TermYears: years}, members: members}
	}
	return []demoOrg{
		{org: orglife.Org{ID: committee, Name: "研究生院党委", Kind: orglife.KindCommittee, EstablishedOn: ptr("2000-07-01")}},
		{org: orglife.Org{ID: phd, Name: "博士生党总支", Kind: orglife.KindGeneralBranch, ParentID: ptr(committee),
			EstablishedOn: ptr("2008-09-01"), TermStartedOn: ptr("2022-09-01"), TermYears: 3}},
		{org: orglife.Org{ID: master, Name: "硕士生党总支", Kind: orglife.KindGeneralBranch, ParentID: ptr(committee),
			EstablishedOn: ptr("2008-09-01"), TermStartedOn: ptr("2023-09-01"), TermYears: 3}},
		branch("demo-phd-1", "博士生第一党支部", phd, "phd", "2023-03-01", 3, "张伟", "王芳", "李娜", "刘洋", "陈静"),
		branch("demo-phd-2", "博士生第二党支部", phd, "phd", "2022-04-15", 3, "杨磊", "赵敏", "黄强", "周婷", "吴刚"),
		branch("demo-master-1", "硕士生第一党支部", master, "master", "2024-01-10", 3, "徐丽", "孙浩", "马超", "朱琳", "胡军"),
		branch("demo-master-2", "硕士生第二党支部", master, "master", "2024-06-20", 2, "郭鹏", "何雪", "高飞", "林芳", "罗明"),
	}
}

// demoRoles are the member roles and statuses given in order to the five members of a branch.
var demoRoles = []struct {
	roles  []string
	status string
}{
	{[]string{"secretary"}, orglife.MemberFull},
	{[]string{"deputy_secretary"}, orglife.MemberFull},
	{[]string{"committee"}, orglife.MemberFull},
	{nil, orglife.MemberFull},
	{nil, orglife.MemberProbationary},
}

// seedDemo creates the demo tree through the service; orgs and members that exist are kept, so it
// may run at every start. It then creates the three demo tokens (admin, supervisor of the
// committee, branch demo-phd-1) that do not exist yet, usable, and prints their secrets, labelled,
// on w; for those that exist it says so and how to list them, without minting new ones.
func seedDemo(ctx context.Context, svc *engine.Service, w io.Writer) error {
	admin := orglife.Actor{Role: orglife.RoleAdmin, Name: "demo"}
	for _, d := range demoTree() {
		o := d.org
		if _, err := svc.GetOrg(ctx, admin, o.ID); orglife.ErrorCode(err) == orglife.ENOTFOUND {
			if _, err := svc.CreateOrg(ctx, admin, &o); err != nil {
				return fmt.Errorf("org %s: %w", o.ID, err)
			}
		} else if err != nil {
			return fmt.Errorf("org %s: %w", o.ID, err)
		}
		for i, name := range d.members {
			r := demoRoles[i%len(demoRoles)]
			m := &orglife.Member{ID: fmt.Sprintf("%s-m%d", o.ID, i+1), Name: name, Status: r.status,
				Roles: r.roles, JoinedOn: ptr(fmt.Sprintf("20%02d-%02d-01", 15+i, 3+i)), Leader: i == 0}
			_, err := svc.CreateMember(ctx, admin, o.ID, m)
			if err != nil && orglife.ErrorCode(err) != orglife.ECONFLICT {
				return fmt.Errorf("member %s: %w", m.ID, err)
			}
		}
	}
	tokens := []struct{ label, name, role, org string }{
		{"demo admin token", "demo-admin", orglife.RoleAdmin, ""},
		{"demo supervisor token (研究生院党委, org demo)", "demo-supervisor", orglife.RoleSupervisor, "demo"},
		{"demo branch token (博士生第一党支部, org demo-phd-1)", "demo-branch", orglife.RoleBranch, "demo-phd-1"},
	}
	existing, err := allTokens(ctx, svc)
	if err != nil {
		return fmt.Errorf("tokens: %w", err)
	}
	usable := make(map[string]bool)
	for _, t := range existing {
		if t.RevokedAt == nil && !t.Expired(svc.Now()) {
			usable[t.Name] = true
		}
	}
	var kept []string
	for _, t := range tokens {
		if usable[t.name] {
			kept = append(kept, t.name)
			continue
		}
		_, secret, err := svc.CreateToken(ctx, admin, engine.CreateTokenParams{Name: t.name, Role: t.role, OrgID: t.org})
		if err != nil {
			return fmt.Errorf("token %s: %w", t.name, err)
		}
		fmt.Fprintf(w, "%s: %s\n", t.label, secret)
	}
	if len(kept) > 0 {
		fmt.Fprintf(w, "demo tokens exist already (%s): their secrets were printed when they were created. "+
			"List them with `orglife token list` (same --db); to get new ones, revoke them with `orglife token revoke ID` "+
			"and start with --demo again\n", strings.Join(kept, ", "))
	}
	return seedDemoUsers(ctx, svc, admin, w)
}

// seedDemoUsers creates the demo users of the web interface — an administrator, the
// committee's 组织员 and the secretary of 博士生第一党支部 — that do not exist yet, each with a new
// random password printed once on w; existing ones are kept and only named.
func seedDemoUsers(ctx context.Context, svc *engine.Service, admin orglife.Actor, w io.Writer) error {
	users := []engine.UserParams{
		{Username: "admin", Name: "系统管理员", Role: orglife.RoleAdmin},
		{Username: "zuzhiyuan", Name: "王组织员", Role: orglife.RoleSupervisor, OrgID: "demo"},
		{Username: "shuji", Name: "李书记", Role: orglife.RoleBranch, OrgID: "demo-phd-1"},
	}
	var kept []string
	for _, u := range users {
		u.Password = newPassword()
		_, err := svc.CreateUser(ctx, admin, u)
		switch {
		case orglife.ErrorCode(err) == orglife.ECONFLICT:
			if u.Username != "admin" { // the first start's admin user: its password was printed above it
				kept = append(kept, u.Username)
			}
		case err != nil:
			return fmt.Errorf("user %s: %w", u.Username, err)
		default:
			fmt.Fprintf(w, "demo user %s (%s): password %s\n", u.Username, u.Name, u.Password)
		}
	}
	if len(kept) > 0 {
		fmt.Fprintf(w, "demo users exist already (%s): their passwords were printed when they were created; "+
			"set a new one with `orglife user passwd USERNAME` (same --db)\n", strings.Join(kept, ", "))
	}
	return nil
}

// newPassword returns a random password of 12 letters and digits, easy to type.
func newPassword() string {
	const alphabet = "abcdefghijkmnpqrstuvwxyz23456789"
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		panic("demo: no randomness: " + err.Error())
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}
