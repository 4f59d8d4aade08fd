package orglife

import "time"

// The filters and paging parameters that the use-case packages (engine, compliance) hand to the
// store. They live here, with the domain types, so that storage implements both packages' store
// interfaces without importing either (docs/decisions.md, "The compliance side is its own package").

// Page is one page of a list: the items and the cursor of the next page (nil at the end).
type Page[T any] struct {
	Items      []T     `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

// ListParams are the paging parameters of a list: Limit defaults to 50 and is at most 500.
type ListParams struct {
	Limit  int
	Cursor string
}

// PageSize is the page size p asks for: Limit, 50 when not positive, at most 500.
func (p ListParams) PageSize() int {
	switch {
	case p.Limit <= 0:
		return 50
	case p.Limit > 500:
		return 500
	}
	return p.Limit
}

// InstanceFilter selects instances. Empty fields do not filter. From and To are dates
// (YYYY-MM-DD) compared with occurs_on.
type InstanceFilter struct {
	IDs      []string
	Workflow string
	OrgIDs   []string
	State    string
	ParentID string
	From     string
	To       string
	Cursor   string // return ids greater than this
	Limit    int    // 0: no limit
}

// LedgerFilter selects ledger rows. Empty fields do not filter; Period "-" selects rows without
// a period (deadline and instance rules).
type LedgerFilter struct {
	OrgIDs     []string
	Rules      []string
	SubjectIDs []string
	Period     string
	// Periods selects the rows of any of these period labels (a range of periods in one read:
	// the months of a year for the compliance matrix); "" in it selects rows without a period.
	Periods []string
	Status  string
	Cursor  string // opaque: rows after this key
	Limit   int
	// Light leaves out the explanation and evidence (comparisons need only keys, status and
	// digest).
	Light bool
	// Cites selects the rows whose evidence names this instance id.
	Cites string
	// CitesAny selects the rows whose evidence names any of these instance ids.
	CitesAny []string
}

// ViolationFilter selects violations. Empty fields do not filter.
type ViolationFilter struct {
	OrgIDs   []string
	Rule     string
	Status   string
	Kind     string
	Severity string
	Period   string
	// WaiverBefore selects waived violations whose waiver expires before it (zero: no filter).
	WaiverBefore time.Time
	Cursor       string // ids greater than this
	Limit        int
}
