package rules

import "time"

// Env is a compile-time environment: variable name → a value of the variable's type (usually
// its zero value). The values given at run time must have the same types.
type Env map[string]any

// Variable names of the guard and action environment.
const (
	VarData     = "data"
	VarInstance = "instance"
	VarOrg      = "org"
	VarActor    = "actor"
	VarNow      = "now"
	VarItem     = "item"
	VarMembers  = "members"
)

// GuardEnv returns the environment of guards and action data (spec §2.1): `data` (typed by the
// schema), `instance` (InstanceView), `org` (OrgView), `actor` (ActorView), `now` (time.Time,
// in the deployment time zone) and `members` (the org's current members, []MemberView).
func GuardEnv(data *Schema) Env {
	return Env{
		VarData:     data.Zero(),
		VarInstance: InstanceView{},
		VarOrg:      OrgView{},
		VarActor:    ActorView{},
		VarNow:      time.Time{},
		VarMembers:  []MemberView{},
	}
}

// With returns a copy of the environment with one more variable (for example `item` in an
// action's data, typed by the for_each program's ElemZero).
func (e Env) With(name string, zero any) Env {
	out := make(Env, len(e)+1)
	for k, v := range e {
		out[k] = v
	}
	out[name] = zero
	return out
}
