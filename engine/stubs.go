package engine

import (
	"context"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/workflows"
)

// TEMPORARY stubs: replaced file by file by the real implementations.

func notYet() error { return orglife.Errorf(orglife.EINTERNAL, "not implemented yet") }

// Authenticate returns the actor of a bearer secret; unauthorized when unknown.
func (s *Service) Authenticate(ctx context.Context, secret string) (orglife.Actor, error) {
	return orglife.Actor{}, notYet()
}

// Bootstrap creates an admin token when the database has none and returns its secret ("" when
// tokens exist).
func (s *Service) Bootstrap(ctx context.Context) (string, error) { return "", notYet() }

// CreateToken creates a token (admin only) and returns it with its secret, shown once.
func (s *Service) CreateToken(ctx context.Context, actor orglife.Actor, p CreateTokenParams) (*orglife.Token, string, error) {
	return nil, "", notYet()
}

// CreateOrg creates an org (admin only).
func (s *Service) CreateOrg(ctx context.Context, actor orglife.Actor, o *orglife.Org) (*orglife.Org, error) {
	return nil, notYet()
}

// UpdateOrg changes an org (admin only).
func (s *Service) UpdateOrg(ctx context.Context, actor orglife.Actor, id string, p OrgPatch) (*orglife.Org, error) {
	return nil, notYet()
}

// GetOrg returns an org in the caller's scope.
func (s *Service) GetOrg(ctx context.Context, actor orglife.Actor, id string) (*orglife.Org, error) {
	return nil, notYet()
}

// ListOrgs lists the orgs in the caller's scope.
func (s *Service) ListOrgs(ctx context.Context, actor orglife.Actor, p ListParams) (Page[*orglife.Org], error) {
	return Page[*orglife.Org]{}, notYet()
}

// CreateMember adds a member to an org (admin only).
func (s *Service) CreateMember(ctx context.Context, actor orglife.Actor, orgID string, m *orglife.Member) (*orglife.Member, error) {
	return nil, notYet()
}

// ListMembers lists an org's members (in scope).
func (s *Service) ListMembers(ctx context.Context, actor orglife.Actor, orgID string, p ListParams) (Page[*orglife.Member], error) {
	return Page[*orglife.Member]{}, notYet()
}

// Workflows returns the loaded workflow definitions, sorted by id.
func (s *Service) Workflows() []*workflows.Definition { return nil }

// Workflow returns one definition; not_found when unknown.
func (s *Service) Workflow(id string) (*workflows.Definition, error) { return nil, notYet() }

// Start starts an instance.
func (s *Service) Start(ctx context.Context, actor orglife.Actor, p StartParams) (*orglife.Instance, error) {
	return nil, notYet()
}

// Fire fires an event on an instance.
func (s *Service) Fire(ctx context.Context, actor orglife.Actor, p FireParams) (*orglife.Instance, error) {
	return nil, notYet()
}

// GetInstance returns an instance in the caller's scope.
func (s *Service) GetInstance(ctx context.Context, actor orglife.Actor, id string) (*orglife.Instance, error) {
	return nil, notYet()
}

// AvailableEvents lists the events the actor may fire on the instance now.
func (s *Service) AvailableEvents(actor orglife.Actor, in *orglife.Instance) []EventRef { return nil }

// ListInstances lists instances in the caller's scope.
func (s *Service) ListInstances(ctx context.Context, actor orglife.Actor, p ListInstancesParams) (Page[*orglife.Instance], error) {
	return Page[*orglife.Instance]{}, notYet()
}

// History returns an instance's transitions.
func (s *Service) History(ctx context.Context, actor orglife.Actor, id string) ([]*orglife.Transition, error) {
	return nil, notYet()
}

// Verify checks every instance's hash chain.
func (s *Service) Verify(ctx context.Context) (*VerifyReport, error) { return nil, notYet() }

// Ping checks the database.
func (s *Service) Ping(ctx context.Context) error { return s.store.Ping(ctx) }
