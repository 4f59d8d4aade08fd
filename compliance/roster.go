package compliance

import (
	"context"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/rules"
)

// rosters reads, in one query, the histories of everyone who ever belonged to the orgs and turns
// them into each org's members with the stretches in which they belonged to it, as the roster
// was on the day of asOf (changes effective later are not seen). A member counts for an org's
// evaluation when one of their stretches there reaches into the year before from or later.
// A member without a history (not possible after migration 0013) is not seen.
func rosters(ctx context.Context, st Store, orgIDs []string, asOf, from time.Time, loc *time.Location) (map[string][]*orglife.Member, map[string]map[string][]orglife.Tenure, error) {
	changes, err := st.OrgMemberChanges(ctx, orgIDs)
	if err != nil {
		return nil, nil, err
	}
	day := asOf.In(loc).Format(orglife.DateLayout)
	horizon := from.In(loc).AddDate(-1, 0, 0).Format(orglife.DateLayout)
	members := map[string][]*orglife.Member{}
	tenures := map[string]map[string][]orglife.Tenure{}
	for i := 0; i < len(changes); {
		j := i
		for j < len(changes) && changes[j].MemberID == changes[i].MemberID {
			j++
		}
		last := map[string]*orglife.Member{}
		for _, t := range orglife.Tenures(changes[i:j], day) {
			if t.Until != "" && t.Until < horizon {
				continue
			}
			if tenures[t.OrgID] == nil {
				tenures[t.OrgID] = map[string][]orglife.Tenure{}
			}
			tenures[t.OrgID][t.Member.ID] = append(tenures[t.OrgID][t.Member.ID], t)
			last[t.OrgID] = t.Member
		}
		for org, m := range last {
			members[org] = append(members[org], m)
		}
		i = j
	}
	return members, tenures, nil
}

// applyRosters sets each input's members and their tenures.
func applyRosters(inputs map[string]*rules.OrgInput, members map[string][]*orglife.Member, tenures map[string]map[string][]orglife.Tenure) {
	for id, in := range inputs {
		in.Members = members[id]
		in.Tenures = tenures[id]
		if in.Tenures == nil {
			in.Tenures = map[string][]orglife.Tenure{}
		}
	}
}

// orgsAsOf returns the orgs with the parent and term they had on the day of asOf (their
// histories read in one query).
func orgsAsOf(ctx context.Context, st Store, orgs []*orglife.Org, asOf time.Time, loc *time.Location) ([]*orglife.Org, error) {
	ids := make([]string, len(orgs))
	for i, o := range orgs {
		ids[i] = o.ID
	}
	changes, err := st.OrgChanges(ctx, ids)
	if err != nil {
		return nil, err
	}
	byOrg := map[string][]*orglife.OrgChange{}
	for _, c := range changes {
		byOrg[c.OrgID] = append(byOrg[c.OrgID], c)
	}
	day := asOf.In(loc).Format(orglife.DateLayout)
	out := make([]*orglife.Org, len(orgs))
	for i, o := range orgs {
		out[i] = o.AsOf(byOrg[o.ID], day)
	}
	return out, nil
}
