package engine

import (
	"context"
	"time"

	"github.com/orglife/orglife"
)

// Store is the persistence the engine needs (the compliance package declares its own). storage.DB implements it on SQLite and PostgreSQL.
// Methods return orglife.ErrNotFound (code not_found) for a missing row, *orglife.Error with code
// conflict for a unique-key clash or a stale version, and never nil, nil.
type Store interface {
	// InTx runs fn in one transaction; fn's error rolls it back. The context fn receives carries
	// the transaction: the Store's methods called with it run in it. On SQLite the transaction
	// takes the write lock at BEGIN, so writers are serialized. Called with a context that carries a
	// transaction already, it runs fn in that one.
	InTx(ctx context.Context, fn func(ctx context.Context) error) error
	// Ping checks that the database answers.
	Ping(ctx context.Context) error

	// CreateOrg inserts an org; conflict when the id exists.
	CreateOrg(ctx context.Context, o *orglife.Org) error
	// UpdateOrg replaces the mutable columns of an org.
	UpdateOrg(ctx context.Context, o *orglife.Org) error
	// Org returns one org.
	Org(ctx context.Context, id string) (*orglife.Org, error)
	// Orgs returns the orgs whose ids are given (all orgs when ids is nil), ordered by id.
	Orgs(ctx context.Context, ids []string) ([]*orglife.Org, error)
	// OrgPath returns the ids from the root down to and including id, in one query.
	OrgPath(ctx context.Context, id string) ([]string, error)
	// OrgLineage returns the orgs from the root down to and including id, in one query: the
	// last is the org itself, the ids are its OrgPath.
	OrgLineage(ctx context.Context, id string) ([]*orglife.Org, error)
	// Subtree returns id and the ids of all orgs below it, in one query.
	Subtree(ctx context.Context, id string) ([]string, error)
	// AppendOrgChange appends one entry to an org's history (parent and term), setting its seq.
	AppendOrgChange(ctx context.Context, c *orglife.OrgChange) error
	// OrgChanges returns the histories of the given orgs, ordered by org and seq.
	OrgChanges(ctx context.Context, orgIDs []string) ([]*orglife.OrgChange, error)

	// Setting returns a deployment-wide setting; not_found when it is unset.
	Setting(ctx context.Context, key string) (string, error)
	// SetSetting stores a deployment-wide setting.
	SetSetting(ctx context.Context, key, value string, at time.Time) error

	// CreateUser inserts a user; conflict when the username exists.
	CreateUser(ctx context.Context, u *orglife.User) error
	// UpdateUser replaces the mutable columns of a user.
	UpdateUser(ctx context.Context, u *orglife.User) error
	// User returns one user.
	User(ctx context.Context, username string) (*orglife.User, error)
	// Users returns at most limit users after the cursor (a username), by username.
	Users(ctx context.Context, cursor string, limit int) ([]*orglife.User, error)
	// CreateSession inserts a session.
	CreateSession(ctx context.Context, s *orglife.Session) error
	// Session returns the session with the hash.
	Session(ctx context.Context, hash string) (*orglife.Session, error)
	// DeleteSessions deletes one session (hash) or all of a user's (hash empty), and expired ones.
	DeleteSessions(ctx context.Context, hash, username string, now time.Time) error

	// CreateMember inserts a member; conflict when the id exists.
	CreateMember(ctx context.Context, m *orglife.Member) error
	// Members returns the current members of the given orgs (left ones excluded), ordered by org
	// and id.
	Members(ctx context.Context, orgIDs []string) ([]*orglife.Member, error)
	// Member returns one member, left or not; forUpdate locks its row until the transaction ends.
	Member(ctx context.Context, id string, forUpdate bool) (*orglife.Member, error)
	// UpdateMember replaces the mutable columns of a member.
	UpdateMember(ctx context.Context, m *orglife.Member) error
	// AppendMemberChange appends one entry to a member's history, setting its seq.
	AppendMemberChange(ctx context.Context, c *orglife.MemberChange) error
	// MemberChanges returns the histories of the given members, ordered by member and seq.
	MemberChanges(ctx context.Context, memberIDs []string) ([]*orglife.MemberChange, error)
	// MembersByID returns the members with the given ids (in any org, left ones included).
	MembersByID(ctx context.Context, ids []string) ([]*orglife.Member, error)
	// OrgMemberChanges returns the whole histories of every member who ever belonged to one of
	// the orgs, ordered by member and seq.
	OrgMemberChanges(ctx context.Context, orgIDs []string) ([]*orglife.MemberChange, error)

	// CreateToken inserts a token (its hash only).
	CreateToken(ctx context.Context, t *orglife.Token) error
	// TokenByHash finds a token by the SHA-256 hex of its secret.
	TokenByHash(ctx context.Context, hash string) (*orglife.Token, error)
	// CountTokens counts all tokens, revoked ones included.
	CountTokens(ctx context.Context) (int, error)
	// Tokens lists tokens by id, after cursor, at most limit (0: all), revoked ones included.
	Tokens(ctx context.Context, cursor string, limit int) ([]*orglife.Token, error)
	// RevokeToken marks a token revoked at the instant and reports whether it changed (false when
	// it was revoked already); not found when no token has the id.
	RevokeToken(ctx context.Context, id string, at time.Time) (bool, error)
	// TouchToken sets a token's last use to at unless its recorded last use is after notBefore.
	TouchToken(ctx context.Context, id string, at, notBefore time.Time) error

	// InsertInstances inserts instances in one statement; conflict when a UniqueKey clashes.
	InsertInstances(ctx context.Context, ins []*orglife.Instance) error
	// Instance returns one instance; forUpdate locks its row until the transaction ends (PostgreSQL).
	Instance(ctx context.Context, id string, forUpdate bool) (*orglife.Instance, error)
	// UpdateInstance writes the instance's state, data, version, derived columns and chain head
	// (LastSeq, LastHash) where the stored version is prevVersion; conflict when it is not.
	UpdateInstance(ctx context.Context, in *orglife.Instance, prevVersion int) error
	// Instances lists instances matching f, ordered by id, after f.Cursor, at most f.Limit.
	Instances(ctx context.Context, f orglife.InstanceFilter) ([]*orglife.Instance, error)
	// ChildKeys returns the ParentAction+"\x00"+ParentKey of every child of parentID.
	ChildKeys(ctx context.Context, parentID string) (map[string]bool, error)

	// LockInstance returns an instance, locked until the transaction ends (as Instance with
	// forUpdate), with the lineage of its org and the go-live setting: one statement on
	// PostgreSQL.
	LockInstance(ctx context.Context, id string) (*orglife.Instance, *orglife.OrgContext, error)
	// OrgContext returns an org's lineage (root first, the org last) and the go-live setting:
	// one statement on PostgreSQL; not found when the org does not exist.
	OrgContext(ctx context.Context, orgID string) (*orglife.OrgContext, error)
	// AdvanceInstance writes a transition: the instance where the stored version is
	// w.PrevVersion (conflict, nothing written, when it is not), its history row and its outbox
	// entries (ids set): one statement on PostgreSQL.
	AdvanceInstance(ctx context.Context, w orglife.TransitionWrite) error
	// CreateInstance inserts one instance and its outbox entries (ids set): one statement on
	// PostgreSQL; conflict when its id or unique key clashes.
	CreateInstance(ctx context.Context, in *orglife.Instance, outbox []*orglife.OutboxEntry) error

	// InsertTransition appends one history row; conflict when (instance, seq) exists.
	InsertTransition(ctx context.Context, t *orglife.Transition) error
	// Transitions returns an instance's history ordered by seq.
	Transitions(ctx context.Context, instanceID string) ([]*orglife.Transition, error)
	// ScanChains calls fn for every instance, in id order, with its transitions ordered by seq.
	ScanChains(ctx context.Context, fn func(in *orglife.Instance, ts []*orglife.Transition) error) error

	// Idempotency returns the stored response for (scope, key).
	Idempotency(ctx context.Context, scope, key string) (*orglife.IdempotencyRecord, error)
	// SaveIdempotency stores a response; conflict when (scope, key) exists.
	SaveIdempotency(ctx context.Context, r *orglife.IdempotencyRecord) error
	// PruneIdempotency deletes at most limit responses created before before, oldest first, and
	// returns how many it deleted.
	PruneIdempotency(ctx context.Context, before time.Time, limit int) (int, error)

	// EnqueueEvaluation appends entries to the evaluation outbox (in the caller's transaction);
	// their ids are set.
	EnqueueEvaluation(ctx context.Context, es []*orglife.OutboxEntry) error

	// AppendAudit appends an entry to the audit log.
	AppendAudit(ctx context.Context, e *orglife.AuditEntry) error
	// Audit lists entries in time order after cursor (an id), at most limit (0: all), optionally
	// of one action.
	Audit(ctx context.Context, action, cursor string, limit int) ([]*orglife.AuditEntry, error)
}
