package orglife

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"
)

// hashTime formats an instant for hashing: UTC with microseconds, the precision both databases
// keep.
func hashTime(t time.Time) string {
	return t.UTC().Truncate(time.Microsecond).Format("2006-01-02T15:04:05.000000Z")
}

func sum(parts ...any) string {
	b, err := json.Marshal(parts) // maps marshal with sorted keys: the encoding is canonical
	if err != nil {
		panic("orglife: unhashable value: " + err.Error())
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// CreationHash is the anchor of an instance's hash chain: it covers the instance's id, workflow,
// org, creator, creation time and initial data.
func CreationHash(in *Instance) string {
	return sum("create", in.ID, in.Workflow, in.OrgID, in.CreatedBy, hashTime(in.CreatedAt), in.CreatedData)
}

// TransitionHash returns the hash of a transition chained to prev, the hash of the row before it.
func TransitionHash(prev string, t *Transition) string {
	return sum(prev, t.InstanceID, t.Seq, t.Event, t.From, t.To, t.Actor, t.ActorRole, hashTime(t.At), t.Data, t.Comment)
}
