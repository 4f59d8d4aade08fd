package engine

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/orglife/orglife"
)

// Limits of accounts and sessions.
const (
	// MinPasswordLength and MaxPasswordLength bound a password, in characters.
	MinPasswordLength = 8
	MaxPasswordLength = 256
	// SessionTTL is how long a session lasts after login.
	SessionTTL = 12 * time.Hour
)

// UserParams are the fields of a new user (POST /v1/users, orglife user create).
type UserParams struct {
	Username string `json:"username"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	OrgID    string `json:"org_id"`
	Password string `json:"password"`
}

// UserPatch holds the user fields a PATCH may change; nil pointers are left alone. Disabling a
// user or changing the password ends the user's sessions.
type UserPatch struct {
	Name     *string `json:"name"`
	Role     *string `json:"role"`
	OrgID    *string `json:"org_id"`
	Disabled *bool   `json:"disabled"`
	Password *string `json:"password"`
}

// checkUser validates a user's fields; the org must exist for supervisor and branch users.
func (s *Service) checkUser(ctx context.Context, u *orglife.User, password *string) error {
	var d []orglife.Detail
	add := func(field, msg string) { d = append(d, orglife.Detail{Field: field, Message: msg}) }
	if !orglife.UsernamePattern.MatchString(u.Username) {
		add("username", "用户名只能包含小写字母、数字和 . _ -，以字母或数字开头，至多 64 个字符（username must match "+orglife.UsernamePattern.String()+"）")
	}
	if strings.TrimSpace(u.Name) == "" {
		add("name", "姓名不能为空（name is required）")
	}
	d = append(d, orglife.CheckText("name", u.Name, orglife.MaxNameLength)...)
	if !slices.Contains([]string{orglife.RoleAdmin, orglife.RoleSupervisor, orglife.RoleBranch}, u.Role) {
		add("role", "角色必须是 admin、supervisor 或 branch（role must be admin, supervisor or branch）")
	}
	d = append(d, orglife.CheckID("org_id", u.OrgID)...)
	if u.Role != orglife.RoleAdmin && u.OrgID == "" {
		add("org_id", "书记和组织员账号必须属于一个组织（org_id is required for supervisor and branch users）")
	}
	if password != nil {
		switch n := utf8.RuneCountInString(*password); {
		case n < MinPasswordLength:
			add("password", "密码至少 8 个字符（password must have at least 8 characters）")
		case n > MaxPasswordLength:
			add("password", "密码至多 256 个字符（password must have at most 256 characters）")
		}
		d = append(d, orglife.CheckText("password", *password, MaxPasswordLength*4)...)
	}
	if len(d) > 0 {
		return &orglife.Error{Code: orglife.EINVALID, Message: "invalid user: " + d[0].Message, Details: d}
	}
	if u.OrgID != "" {
		if _, err := s.store.Org(ctx, u.OrgID); orglife.ErrorCode(err) == orglife.ENOTFOUND {
			return &orglife.Error{Code: orglife.EUNPROCESSABLE, Message: "unknown org " + u.OrgID,
				Details: []orglife.Detail{{Field: "org_id", Message: "no such org"}}}
		} else if err != nil {
			return err
		}
	}
	return nil
}

// CreateUser creates a user (admin only); the password is stored as an argon2id hash.
func (s *Service) CreateUser(ctx context.Context, actor orglife.Actor, p UserParams) (*orglife.User, error) {
	if !actor.IsAdmin() {
		return nil, orglife.Errorf(orglife.EFORBIDDEN, "only an admin may create users")
	}
	now := s.instant()
	u := &orglife.User{Username: strings.TrimSpace(p.Username), Name: strings.TrimSpace(p.Name), Role: p.Role, OrgID: p.OrgID,
		CreatedAt: now, UpdatedAt: now}
	if err := s.checkUser(ctx, u, &p.Password); err != nil {
		return nil, err
	}
	u.PasswordHash = hashPassword(p.Password)
	err := s.inTx(ctx, func(ctx context.Context, tx Store) error {
		if err := tx.CreateUser(ctx, u); err != nil {
			if orglife.ErrorCode(err) == orglife.ECONFLICT {
				return &orglife.Error{Code: orglife.ECONFLICT, Message: "用户名 " + u.Username + " 已存在（the username exists）",
					Details: []orglife.Detail{{Field: "username", Message: "exists"}}}
			}
			return err
		}
		return s.audit(ctx, tx, actor, "user.create", "user "+u.Username, map[string]any{"name": u.Name, "role": u.Role, "org_id": u.OrgID})
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// Users lists the users (admin only), by username.
func (s *Service) Users(ctx context.Context, actor orglife.Actor, p orglife.ListParams) (orglife.Page[*orglife.User], error) {
	if !actor.IsAdmin() {
		return orglife.Page[*orglife.User]{}, orglife.Errorf(orglife.EFORBIDDEN, "only an admin may list users")
	}
	us, err := s.store.Users(ctx, p.Cursor, p.PageSize()+1)
	if err != nil {
		return orglife.Page[*orglife.User]{}, err
	}
	out := orglife.Page[*orglife.User]{Items: us}
	if n := p.PageSize(); len(us) > n {
		out.Items = us[:n]
		next := us[n-1].Username
		out.NextCursor = &next
	}
	if out.Items == nil {
		out.Items = []*orglife.User{}
	}
	return out, nil
}

// UpdateUser changes a user (admin only). Disabling a user or setting a new password ends the
// user's sessions on every server at once (they are rows).
func (s *Service) UpdateUser(ctx context.Context, actor orglife.Actor, username string, p UserPatch) (*orglife.User, error) {
	if !actor.IsAdmin() {
		return nil, orglife.Errorf(orglife.EFORBIDDEN, "only an admin may change users")
	}
	if err := orglife.InvalidInput(orglife.CheckText("username", username, orglife.MaxIDLength)); err != nil {
		return nil, err
	}
	u, err := s.store.User(ctx, username)
	if err != nil {
		return nil, err
	}
	if p.Name != nil {
		u.Name = strings.TrimSpace(*p.Name)
	}
	if p.Role != nil {
		u.Role = *p.Role
	}
	if p.OrgID != nil {
		u.OrgID = *p.OrgID
	}
	if p.Disabled != nil {
		u.Disabled = *p.Disabled
	}
	if err := s.checkUser(ctx, u, p.Password); err != nil {
		return nil, err
	}
	if p.Password != nil {
		u.PasswordHash = hashPassword(*p.Password)
	}
	u.UpdatedAt = s.instant()
	err = s.inTx(ctx, func(ctx context.Context, tx Store) error {
		if err := tx.UpdateUser(ctx, u); err != nil {
			return err
		}
		if u.Disabled || p.Password != nil {
			if err := tx.DeleteSessions(ctx, "", u.Username, u.UpdatedAt); err != nil {
				return err
			}
		}
		changed := map[string]any{"disabled": u.Disabled, "role": u.Role, "org_id": u.OrgID, "password_changed": p.Password != nil}
		return s.audit(ctx, tx, actor, "user.update", "user "+u.Username, changed)
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// errLogin is the one answer to every failed login: it does not tell which part was wrong.
var errLogin = orglife.Errorf(orglife.EUNAUTHORIZED, "用户名或密码错误（wrong username or password）")

// Login checks a username and password and opens a session; it returns the session's secret
// (for the cookie) and the session (with its CSRF token). A disabled user cannot log in.
func (s *Service) Login(ctx context.Context, username, password string) (string, *orglife.Session, error) {
	if len(username) > orglife.MaxIDLength || len(password) > MaxPasswordLength*4 {
		return "", nil, errLogin
	}
	u, err := s.store.User(ctx, strings.TrimSpace(username))
	switch {
	case orglife.ErrorCode(err) == orglife.ENOTFOUND:
		checkPassword(s.dummyHash(), password) // as slow as a wrong password: no telling who exists
		return "", nil, errLogin
	case err != nil:
		return "", nil, err
	}
	if !checkPassword(u.PasswordHash, password) || u.Disabled {
		return "", nil, errLogin
	}
	secret := randomToken()
	now := s.instant()
	sess := &orglife.Session{Hash: HashSecret(secret), Username: u.Username, CSRF: randomToken(), CreatedAt: now, ExpiresAt: now.Add(SessionTTL)}
	err = s.inTx(ctx, func(ctx context.Context, tx Store) error {
		if err := tx.CreateSession(ctx, sess); err != nil {
			return err
		}
		return s.audit(ctx, tx, orglife.Actor{Role: u.Role, OrgID: u.OrgID, Name: u.Name}, "user.login", "user "+u.Username, nil)
	})
	if err != nil {
		return "", nil, err
	}
	return secret, sess, nil
}

// SessionUser returns the user and session of a session secret; unauthorized when the secret is
// unknown or expired or the user is disabled.
func (s *Service) SessionUser(ctx context.Context, secret string) (*orglife.User, *orglife.Session, error) {
	if secret == "" || len(secret) > 128 {
		return nil, nil, orglife.Errorf(orglife.EUNAUTHORIZED, "not logged in")
	}
	sess, err := s.store.Session(ctx, HashSecret(secret))
	if orglife.ErrorCode(err) == orglife.ENOTFOUND {
		return nil, nil, orglife.Errorf(orglife.EUNAUTHORIZED, "the session has ended")
	} else if err != nil {
		return nil, nil, err
	}
	if !s.instant().Before(sess.ExpiresAt) {
		return nil, nil, orglife.Errorf(orglife.EUNAUTHORIZED, "the session has expired")
	}
	u, err := s.store.User(ctx, sess.Username)
	if err != nil || u.Disabled {
		return nil, nil, orglife.Errorf(orglife.EUNAUTHORIZED, "the user is disabled")
	}
	return u, sess, nil
}

// Logout ends the session of a secret (and sweeps expired ones).
func (s *Service) Logout(ctx context.Context, secret string) error {
	return s.store.DeleteSessions(ctx, HashSecret(secret), "", s.instant())
}

// UserActor is the actor of a logged-in user: the user's role and org, and the person's name, so
// the audit log and the history show who acted.
func UserActor(u *orglife.User) orglife.Actor {
	return orglife.Actor{Role: u.Role, OrgID: u.OrgID, Name: u.Name}
}

// dummyHash is a hash to check against when the user does not exist, made once per service.
func (s *Service) dummyHash() string {
	s.dummy.once.Do(func() { s.dummy.hash = hashPassword(randomToken()) })
	return s.dummy.hash
}

func randomToken() string {
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("engine: no randomness: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// BootstrapUser creates the administrator's account "admin" (系统管理员) with a random password
// when the database has no user, and returns the password (shown once); "" when users exist.
func (s *Service) BootstrapUser(ctx context.Context) (string, error) {
	us, err := s.store.Users(ctx, "", 1)
	if err != nil || len(us) > 0 {
		return "", err
	}
	password := randomToken()[:16]
	_, err = s.CreateUser(ctx, orglife.SystemActor, UserParams{Username: "admin", Name: "系统管理员", Role: orglife.RoleAdmin, Password: password})
	if err != nil {
		return "", err
	}
	return password, nil
}
