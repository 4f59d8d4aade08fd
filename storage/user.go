package storage

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/orglife/orglife"
)

// userRow is a row of users.
type userRow struct {
	bun.BaseModel `bun:"table:users,alias:u"`

	Username     string    `bun:"username,pk"`
	Name         string    `bun:"name"`
	Role         string    `bun:"role"`
	OrgID        string    `bun:"org_id"`
	PasswordHash string    `bun:"password_hash"`
	Disabled     bool      `bun:"disabled"`
	CreatedAt    time.Time `bun:"created_at"`
	UpdatedAt    time.Time `bun:"updated_at"`
}

func (r *userRow) user() *orglife.User {
	return &orglife.User{Username: r.Username, Name: r.Name, Role: r.Role, OrgID: r.OrgID, Disabled: r.Disabled,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(), PasswordHash: r.PasswordHash}
}

func newUserRow(u *orglife.User) *userRow {
	u.CreatedAt, u.UpdatedAt = utc(u.CreatedAt), utc(u.UpdatedAt)
	return &userRow{Username: u.Username, Name: u.Name, Role: u.Role, OrgID: u.OrgID, PasswordHash: u.PasswordHash,
		Disabled: u.Disabled, CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt}
}

// CreateUser inserts a user; conflict when the username exists.
func (d *DB) CreateUser(ctx context.Context, u *orglife.User) error {
	d = d.bound(ctx)
	_, err := d.db.NewInsert().Model(newUserRow(u)).Returning("NULL").Exec(ctx)
	return dbErr(err)
}

// UpdateUser replaces the mutable columns of a user.
func (d *DB) UpdateUser(ctx context.Context, u *orglife.User) error {
	d = d.bound(ctx)
	res, err := d.db.NewUpdate().Model(newUserRow(u)).Column("name", "role", "org_id", "password_hash", "disabled", "updated_at").
		WherePK().Exec(ctx)
	if err != nil {
		return dbErr(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return orglife.Errorf(orglife.ENOTFOUND, "user %s not found", u.Username)
	}
	return nil
}

// User returns one user; not_found when there is none.
func (d *DB) User(ctx context.Context, username string) (*orglife.User, error) {
	d = d.bound(ctx)
	var r userRow
	if err := d.db.NewSelect().Model(&r).Where("username = ?", username).Scan(ctx); err != nil {
		return nil, dbErr(err)
	}
	return r.user(), nil
}

// Users returns at most limit users after the cursor (a username), ordered by username.
func (d *DB) Users(ctx context.Context, cursor string, limit int) ([]*orglife.User, error) {
	d = d.bound(ctx)
	var rows []userRow
	q := d.db.NewSelect().Model(&rows).Order("username").Limit(int64(limit))
	if cursor != "" {
		q = q.Where("username > ?", cursor)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, dbErr(err)
	}
	out := make([]*orglife.User, len(rows))
	for i := range rows {
		out[i] = rows[i].user()
	}
	return out, nil
}

// sessionRow is a row of sessions.
type sessionRow struct {
	bun.BaseModel `bun:"table:sessions,alias:se"`

	Hash      string    `bun:"hash,pk"`
	Username  string    `bun:"username"`
	CSRF      string    `bun:"csrf"`
	CreatedAt time.Time `bun:"created_at"`
	ExpiresAt time.Time `bun:"expires_at"`
}

// CreateSession inserts a session.
func (d *DB) CreateSession(ctx context.Context, s *orglife.Session) error {
	d = d.bound(ctx)
	r := &sessionRow{Hash: s.Hash, Username: s.Username, CSRF: s.CSRF, CreatedAt: utc(s.CreatedAt), ExpiresAt: utc(s.ExpiresAt)}
	_, err := d.db.NewInsert().Model(r).Returning("NULL").Exec(ctx)
	return dbErr(err)
}

// Session returns the session with the hash; not_found when there is none.
func (d *DB) Session(ctx context.Context, hash string) (*orglife.Session, error) {
	d = d.bound(ctx)
	var r sessionRow
	if err := d.db.NewSelect().Model(&r).Where("hash = ?", hash).Scan(ctx); err != nil {
		return nil, dbErr(err)
	}
	return &orglife.Session{Hash: r.Hash, Username: r.Username, CSRF: r.CSRF, CreatedAt: r.CreatedAt.UTC(), ExpiresAt: r.ExpiresAt.UTC()}, nil
}

// DeleteSessions deletes the session with the hash, or every session of the username when hash
// is empty, and the sessions that expired before now.
func (d *DB) DeleteSessions(ctx context.Context, hash, username string, now time.Time) error {
	d = d.bound(ctx)
	q := d.db.NewDelete().Model((*sessionRow)(nil))
	switch {
	case hash != "":
		q = q.Where("hash = ? OR expires_at < ?", hash, utc(now))
	default:
		q = q.Where("username = ? OR expires_at < ?", username, utc(now))
	}
	_, err := q.Exec(ctx)
	return dbErr(err)
}
