package orglife

import (
	"slices"
)

// Scope answers what an actor may see and do on one org, from the org's path (root first). engine
// and compliance both decide access with it, so the two sides cannot disagree on who sees what.
type Scope struct {
	Read   bool // may read the org and its records
	Branch bool // acts as the org's own branch (start, fire branch events)
	Above  bool // supervises it from strictly above (fire supervisor events, decide violations)
}

// ScopeOn returns the actor's scope on the org whose path (root first, the org last) is given: an
// admin may do everything; a supervisor reads its subtree and is above every org strictly below
// its own; a branch reads and acts on its own org only.
func (a Actor) ScopeOn(path []string) Scope {
	if a.IsAdmin() {
		return Scope{Read: true, Branch: true, Above: true}
	}
	if len(path) == 0 {
		return Scope{}
	}
	own := path[len(path)-1] == a.OrgID
	in := slices.Contains(path, a.OrgID)
	switch a.Role {
	case RoleSupervisor:
		return Scope{Read: in, Above: in && !own}
	case RoleBranch:
		return Scope{Read: own, Branch: own}
	}
	return Scope{}
}

// OutOfScope is the error for objects outside the caller's scope. orglife answers 403 (not 404)
// for them, consistently: ids are not secret inside one deployment, and a clear 403 helps users.
func OutOfScope(what string) error {
	return Errorf(EFORBIDDEN, "%s is outside your scope", what)
}

// SystemActor is the actor of work nobody asked for: the scheduled evaluation, serve --since.
var SystemActor = Actor{Role: RoleAdmin, Name: "system"}
