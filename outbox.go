package orglife

import "time"

// OutboxEntry asks for a re-evaluation of one org from a date through today; it is written in
// the transaction of the change that calls for it and deleted by the one that evaluates it.
type OutboxEntry struct {
	ID int64
	// OrgID is the org to re-evaluate.
	OrgID string
	// From is the first day (YYYY-MM-DD) whose periods are re-evaluated; "" means the lookback.
	From string
	// Days, when set, narrow the periodic rules that read only the period collections of the
	// changed workflows to the periods containing one of these days (YYYY-MM-DD: the record's
	// occurs_on before and after the change, its creation day); the other rules still cover From
	// through today. Empty: every rule covers From through today.
	Days []string
	// InstanceID names the instance whose change called for it, if any (for logs).
	InstanceID string
	// Workflow is the workflow of that instance: only the rules that read it (or the workflows
	// its actions start) are evaluated. "" (org and member changes): every rule.
	Workflow  string
	CreatedAt time.Time
	// AvailableAt is the instant before which no claim returns the entry (a retry's backoff).
	AvailableAt time.Time
	Attempts    int
	LastError   string
}

// OrgContext is what a change of one of an org's records reads besides the record itself: the
// org's lineage (root first, the org itself last: their ids are the org's path) and the stored
// go-live date (the SettingSince setting, "" when unset). Storage reads it in one statement on
// PostgreSQL, together with the locked instance for a transition.
type OrgContext struct {
	Lineage []*Org
	Since   string
}

// Org returns the org itself (the last of the lineage), nil when the lineage is empty.
func (c *OrgContext) Org() *Org {
	if len(c.Lineage) == 0 {
		return nil
	}
	return c.Lineage[len(c.Lineage)-1]
}

// TransitionWrite is everything one transition writes besides the children its actions start:
// the instance's new state, version and chain head (written where the stored version is
// PrevVersion), its history row, and the outbox entries the change calls for (none when no rule
// set is active). Storage writes it in one statement on PostgreSQL.
type TransitionWrite struct {
	Instance    *Instance
	PrevVersion int
	Transition  *Transition
	Outbox      []*OutboxEntry
}
