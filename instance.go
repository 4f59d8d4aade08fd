package orglife

import "time"

// Instance is one running or finished workflow instance (a record: a plan, a meeting, an item).
type Instance struct {
	ID              string         `json:"id"`
	Workflow        string         `json:"workflow"`
	WorkflowVersion string         `json:"workflow_version"`
	OrgID           string         `json:"org_id"`
	State           string         `json:"state"`
	Complete        bool           `json:"complete"`
	Version         int            `json:"version"`
	Data            map[string]any `json:"data"`
	OccursOn        *string        `json:"occurs_on"`
	CreatedAt       time.Time      `json:"created_at"`
	UpdatedAt       time.Time      `json:"updated_at"`
	RecordedAt      *time.Time     `json:"recorded_at"`
	// CreatedBy is the actor name that started the instance.
	CreatedBy string `json:"created_by"`
	// CreatedData is the data the instance was started with (the base of its history).
	CreatedData map[string]any `json:"-"`
	// ParentID, ParentAction and ParentKey link a child to the action of the parent that
	// started it; ParentKey is the list element's value.
	ParentID     *string `json:"parent_id,omitempty"`
	ParentAction string  `json:"-"`
	ParentKey    string  `json:"-"`
	// UniqueKey holds the values of the workflow's unique fields while the instance is not
	// cancelled; nil otherwise.
	UniqueKey *string `json:"-"`
	// CreationHash anchors the hash chain of the instance's transitions.
	CreationHash string `json:"-"`
	// LastSeq and LastHash are the head of the hash chain: the seq and hash of the latest
	// transition (0 and "" without history). The next transition gets seq LastSeq+1 and chains
	// to LastHash (to CreationHash when LastSeq is 0), so appending one reads no history.
	LastSeq  int    `json:"-"`
	LastHash string `json:"-"`
}

// ChainHead returns the seq and hash that the instance's next transition follows: LastSeq and
// LastHash, or 0 and CreationHash for an instance without history.
func (in *Instance) ChainHead() (int, string) {
	if in.LastSeq == 0 {
		return 0, in.CreationHash
	}
	return in.LastSeq, in.LastHash
}

// Transition is one row of an instance's history. Hash covers the row and PrevHash, the hash of
// the previous row (or the instance's creation hash for the first row).
type Transition struct {
	InstanceID string         `json:"instance_id"`
	Seq        int            `json:"seq"`
	Event      string         `json:"event"`
	From       string         `json:"from"`
	To         string         `json:"to"`
	Actor      string         `json:"actor"`
	ActorRole  string         `json:"actor_role"`
	At         time.Time      `json:"at"`
	Data       map[string]any `json:"data"`
	Comment    string         `json:"comment"`
	PrevHash   string         `json:"-"`
	Hash       string         `json:"hash"`
}
