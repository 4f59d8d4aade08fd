package compliance

import (
	"context"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/rules"
)

// attachParents sets the Parent of each evaluation input (rules read its kind as
// org.parent_kind: a duty of "各党总支（党支部）" falls to a branch only when no general branch is
// above it). Parents inside the batch are taken from it; the others are read in one statement,
// and none when every parent is in the batch or there is no parent.
func attachParents(ctx context.Context, st Store, orgs []*orglife.Org, inputs map[string]*rules.OrgInput) error {
	byID := make(map[string]*orglife.Org, len(orgs))
	for _, o := range orgs {
		byID[o.ID] = o
	}
	var missing []string
	for _, o := range orgs {
		if o.ParentID != nil && byID[*o.ParentID] == nil {
			missing = append(missing, *o.ParentID)
		}
	}
	if len(missing) > 0 {
		parents, err := st.Orgs(ctx, missing)
		if err != nil {
			return err
		}
		for _, p := range parents {
			byID[p.ID] = p
		}
	}
	for _, o := range orgs {
		if in := inputs[o.ID]; in != nil && o.ParentID != nil {
			in.Parent = byID[*o.ParentID]
		}
	}
	return nil
}
