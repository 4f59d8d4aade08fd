package compliance

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"strconv"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/rules"
)

// Authors of rule-set versions that did not come through the API.
const (
	AuthorPack  = "pack"  // loaded from the pack at start
	AuthorWatch = "watch" // reloaded by `serve --watch`
)

// packActor activates the pack's rules at start.
var packActor = orglife.Actor{Role: orglife.RoleAdmin, Name: AuthorPack}

// CompileRules validates and compiles rule files (name → content) against the workflows'
// collections. Problems come back as an unprocessable error with one detail per problem (file,
// line, column, message).
func (s *Checker) CompileRules(files map[string][]byte) (*rules.RuleSet, error) {
	if len(files) == 0 {
		return nil, &orglife.Error{Code: orglife.EINVALID, Message: "no rule files given"}
	}
	rs, problems := rules.ParseRuleFiles(files, s.defs.Collections())
	if len(problems) > 0 {
		return nil, problems.AsError("the rule files have " + plural(len(problems), "problem"))
	}
	return rs, nil
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// ValidateRules checks rule files without changing anything (admin only).
func (s *Checker) ValidateRules(ctx context.Context, actor orglife.Actor, files map[string][]byte) (*rules.RuleSet, error) {
	if !actor.IsAdmin() {
		return nil, orglife.Errorf(orglife.EFORBIDDEN, "only an admin may validate rules")
	}
	return s.CompileRules(files)
}

// versionOf turns a compiled rule set into a storable version.
func versionOf(rs *rules.RuleSet, author, note string) *orglife.RuleSetVersion {
	h := sha256.New()
	files := map[string]string{}
	for _, name := range slices.Sorted(maps.Keys(rs.Files)) {
		files[name] = string(rs.Files[name])
		h.Write([]byte(name))
		h.Write([]byte{0})
		h.Write(rs.Files[name])
		h.Write([]byte{0})
	}
	return &orglife.RuleSetVersion{Version: rs.Version, Checksum: hex.EncodeToString(h.Sum(nil)), Files: files, Author: author, Note: note}
}

// activate stores rs (if new; author is the version's author), appends its activation by actor
// and an audit entry in one transaction, then
// makes it the rule set of this server. Other servers pick it up through SyncRules.
func (s *Checker) activate(ctx context.Context, actor orglife.Actor, rs *rules.RuleSet, author, note, action string) (*orglife.RuleSetVersion, error) {
	if err := s.trial(ctx, rs); err != nil {
		return nil, err
	}
	v := versionOf(rs, author, note)
	now := s.instant()
	v.CreatedAt = now
	prev := ""
	err := s.inTx(ctx, func(ctx context.Context, tx Store) error {
		// the version really active before, whichever server activated it
		switch cur, err := tx.ActiveRuleSet(ctx); {
		case err == nil:
			prev = cur.Version
		case orglife.ErrorCode(err) != orglife.ENOTFOUND:
			return err
		}
		if err := tx.SaveRuleSet(ctx, v); err != nil {
			return err
		}
		if err := tx.ActivateRuleSet(ctx, orglife.NewID(now), v.Version, actor.Name, note, now); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, action, "rules@"+v.Version, map[string]any{"from": prev, "to": v.Version, "note": note, "files": len(v.Files)})
	})
	if err != nil {
		return nil, err
	}
	s.SetRuleSet(rs)
	v.ActivatedAt, v.ActivatedBy, v.Active = &now, actor.Name, true
	s.log.Info("rule set activated", "version", v.Version, "previous", prev, "by", actor.Name, "note", note)
	return v, nil
}

// PutRulesParams are the parameters of PutRulesWith.
type PutRulesParams struct {
	Files map[string][]byte
	Note  string
	// AllowRemoval lets the candidate drop rules of the active set (PUT ?allow_removal=true).
	AllowRemoval bool
}

// PutRules is PutRulesWith without removals.
func (s *Checker) PutRules(ctx context.Context, actor orglife.Actor, files map[string][]byte, note string) (*orglife.RuleSetVersion, error) {
	return s.PutRulesWith(ctx, actor, PutRulesParams{Files: files, Note: note})
}

// PutRulesWith validates rule files and, when they are valid, stores and activates them
// atomically (admin only). On any problem nothing changes and the error lists every problem. A
// candidate without rules is refused, and so is one that drops rules of the active set unless
// p.AllowRemoval: a partial upload must not switch checking off unnoticed.
func (s *Checker) PutRulesWith(ctx context.Context, actor orglife.Actor, p PutRulesParams) (*orglife.RuleSetVersion, error) {
	if !actor.IsAdmin() {
		return nil, orglife.Errorf(orglife.EFORBIDDEN, "only an admin may change rules")
	}
	if err := orglife.InvalidInput(orglife.CheckText("note", p.Note, orglife.MaxTextLength)); err != nil {
		return nil, err
	}
	rs, err := s.CompileRules(p.Files)
	if err != nil {
		return nil, err
	}
	if err := requireRules(rs); err != nil {
		return nil, err
	}
	if removed := removedRules(s.RuleSet(), rs); len(removed) > 0 && !p.AllowRemoval {
		details := make([]orglife.Detail, len(removed))
		for i, r := range removed {
			details[i] = orglife.Detail{Field: "rules." + r.ID, Message: fmt.Sprintf("规则“%s”（%s）将被删除", r.Title, r.ID)}
		}
		return nil, &orglife.Error{Code: orglife.ECONFLICT, Details: details,
			Message: fmt.Sprintf("the candidate drops %s of the active set (upload every rule file, or add ?allow_removal=true to remove them on purpose); nothing changed",
				plural(len(removed), "rule"))}
	}
	return s.activate(ctx, actor, rs, actor.Name, p.Note, "rules.put")
}

// requireRules refuses an empty rule set: activating it would switch every check off.
func requireRules(rs *rules.RuleSet) error {
	if len(rs.Rules) == 0 {
		return orglife.Errorf(orglife.EUNPROCESSABLE, "the rule files define no rule; an empty rule set would switch all checking off")
	}
	return nil
}

// removedRules returns the rules of active that candidate does not have, in active's order.
func removedRules(active, candidate *rules.RuleSet) []*rules.Rule {
	if active == nil {
		return nil
	}
	var out []*rules.Rule
	for _, r := range active.Rules {
		if candidate.Rule(r.ID) == nil {
			out = append(out, r)
		}
	}
	return out
}

// RuleVersions lists the stored rule-set versions, newest first.
func (s *Checker) RuleVersions(ctx context.Context) ([]*orglife.RuleSetVersion, error) {
	return s.store.RuleSetVersions(ctx)
}

// ActivateVersion activates a stored version again: a rollback (admin only).
func (s *Checker) ActivateVersion(ctx context.Context, actor orglife.Actor, version, note string) (*orglife.RuleSetVersion, error) {
	if !actor.IsAdmin() {
		return nil, orglife.Errorf(orglife.EFORBIDDEN, "only an admin may change rules")
	}
	if err := orglife.InvalidInput(orglife.CheckID("version", version), orglife.CheckText("note", note, orglife.MaxTextLength)); err != nil {
		return nil, err
	}
	v, err := s.store.RuleSetVersion(ctx, version)
	if err != nil {
		return nil, err
	}
	rs, err := s.CompileRules(filesOf(v))
	if err != nil {
		return nil, orglife.Errorf(orglife.EUNPROCESSABLE, "version %s no longer compiles against the workflows: %s", version, orglife.ErrorMessage(err))
	}
	if err := requireRules(rs); err != nil {
		return nil, err
	}
	if note == "" {
		note = "rollback to " + version
	}
	return s.activate(ctx, actor, rs, actor.Name, note, "rules.activate")
}

func filesOf(v *orglife.RuleSetVersion) map[string][]byte {
	out := make(map[string][]byte, len(v.Files))
	for k, c := range v.Files {
		out[k] = []byte(c)
	}
	return out
}

// InitRules decides the rule set a starting server uses. With no active version in the database,
// or when the active version was activated from a pack and the pack's rules changed, the pack's
// rules are stored and activated (a version reloaded by --watch came from a pack directory too).
// A version activated by a person (PUT, rollback) stays active across restarts: the pack does not silently undo an administrator's change.
func (s *Checker) InitRules(ctx context.Context, pack *rules.RuleSet) error {
	active, err := s.store.ActiveRuleSet(ctx)
	switch {
	case orglife.ErrorCode(err) == orglife.ENOTFOUND:
		_, err = s.activate(ctx, packActor, pack, AuthorPack, "rules of the pack", "rules.init")
		return err
	case err != nil:
		return err
	case active.Version == pack.Version:
		s.SetRuleSet(pack)
		return nil
	case active.ActivatedBy == AuthorPack || active.ActivatedBy == AuthorWatch:
		_, err = s.activate(ctx, packActor, pack, AuthorPack, "the pack's rules changed", "rules.init")
		return err
	}
	rs, err := s.CompileRules(filesOf(active))
	if err != nil {
		s.log.Error("the active rule set no longer compiles; activating the pack's rules", "version", active.Version, "err", orglife.ErrorMessage(err))
		_, err = s.activate(ctx, packActor, pack, AuthorPack, "active version "+active.Version+" no longer compiles", "rules.init")
		return err
	}
	s.SetRuleSet(rs)
	s.log.Info("keeping the rule set activated by "+active.ActivatedBy+"; the pack's rules differ", "active", active.Version, "pack", pack.Version)
	return nil
}

// LoadRules makes the service use the rule set active in the database, compiled against its
// workflows, without activating or writing anything; with no active version (or one that no
// longer compiles) it uses fallback, the pack's rules, in memory only. Read-only commands use it
// where serve uses InitRules.
func (s *Checker) LoadRules(ctx context.Context, fallback *rules.RuleSet) error {
	active, err := s.store.ActiveRuleSet(ctx)
	switch {
	case orglife.ErrorCode(err) == orglife.ENOTFOUND:
		s.SetRuleSet(fallback)
		return nil
	case err != nil:
		return err
	case fallback != nil && active.Version == fallback.Version:
		s.SetRuleSet(fallback)
		return nil
	}
	rs, err := s.CompileRules(filesOf(active))
	if err != nil {
		s.log.Warn("the active rule set no longer compiles against these workflows; using the pack's rules", "version", active.Version, "err", orglife.ErrorMessage(err))
		s.SetRuleSet(fallback)
		return nil
	}
	s.SetRuleSet(rs)
	return nil
}

// SyncRules makes this server use the version active in the database, when another server
// activated a different one. It is called periodically by serve.
func (s *Checker) SyncRules(ctx context.Context) error {
	active, err := s.store.ActiveRuleSet(ctx)
	if orglife.ErrorCode(err) == orglife.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	if cur := s.RuleSet(); cur != nil && cur.Version == active.Version {
		return nil
	}
	rs, err := s.CompileRules(filesOf(active))
	if err != nil {
		return err
	}
	s.SetRuleSet(rs)
	s.log.Info("switched to the rule set activated elsewhere", "version", active.Version, "by", active.Author)
	return nil
}

// RuleVersion returns one stored rule-set version with its files.
func (s *Checker) RuleVersion(ctx context.Context, version string) (*orglife.RuleSetVersion, error) {
	if err := orglife.InvalidInput(orglife.CheckID("version", version)); err != nil {
		return nil, err
	}
	return s.store.RuleSetVersion(ctx, version)
}

// ReloadRules activates a rule set reloaded from the pack directory by `serve --watch`, unless
// it is the one already active.
func (s *Checker) ReloadRules(ctx context.Context, rs *rules.RuleSet) (*orglife.RuleSetVersion, error) {
	if cur := s.RuleSet(); cur != nil && cur.Version == rs.Version {
		return nil, nil
	}
	return s.activate(ctx, orglife.Actor{Role: orglife.RoleAdmin, Name: AuthorWatch}, rs, AuthorWatch, "the pack directory changed", "rules.reload")
}
