package compliance

import (
	"context"
	"slices"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/rules"
)

// inBatch returns the orgs of withParents whose ids are in batch, in withParents' order.
func inBatch(withParents []*orglife.Org, batch []string) []*orglife.Org {
	ids := make(map[string]bool, len(batch))
	for _, id := range batch {
		ids[id] = true
	}
	return slices.DeleteFunc(slices.Clone(withParents), func(o *orglife.Org) bool { return !ids[o.ID] })
}

// attachParents sets the Parent of each evaluation input (rules read its kind as
// org.parent_kind: a duty of "各党总支（党支部）" falls to a branch only when no general branch is
// above it). orgs are the batch's orgs as of the evaluation (their parent may have changed
// since); known holds orgs read already (Store.OrgsWithParents: the batch's current rows and
// their current parents). Parents inside the batch are taken from it, the others from known,
// and only parents in neither (an org moved since as of) are read, in one statement.
func attachParents(ctx context.Context, st Store, orgs, known []*orglife.Org, inputs map[string]*rules.OrgInput) error {
	byID := make(map[string]*orglife.Org, len(orgs)+len(known))
	for _, o := range known {
		byID[o.ID] = o
	}
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
