package storage

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/orglife/orglife"
)

// tokenRow is a row of tokens. Only the hash of the secret is stored.
type tokenRow struct {
	bun.BaseModel `bun:"table:tokens,alias:t"`

	ID         string     `bun:"id,pk"`
	Name       string     `bun:"name"`
	Role       string     `bun:"role"`
	OrgID      string     `bun:"org_id"`
	Hash       string     `bun:"hash"`
	CreatedAt  time.Time  `bun:"created_at"`
	ExpiresAt  *time.Time `bun:"expires_at"`
	LastUsedAt *time.Time `bun:"last_used_at"`
	RevokedAt  *time.Time `bun:"revoked_at"`
}

func (r *tokenRow) token() *orglife.Token {
	return &orglife.Token{ID: r.ID, Name: r.Name, Role: r.Role, OrgID: r.OrgID, Hash: r.Hash, CreatedAt: r.CreatedAt.UTC(),
		ExpiresAt: utcPtr(r.ExpiresAt), LastUsedAt: utcPtr(r.LastUsedAt), RevokedAt: utcPtr(r.RevokedAt)}
}

// CreateToken inserts a token (its hash only); conflict when the id or hash exists. Its instants
// are normalized in place.
func (d *DB) CreateToken(ctx context.Context, t *orglife.Token) error {
	d = d.bound(ctx)
	t.CreatedAt = utc(t.CreatedAt)
	t.ExpiresAt, t.LastUsedAt, t.RevokedAt = utcPtr(t.ExpiresAt), utcPtr(t.LastUsedAt), utcPtr(t.RevokedAt)
	row := &tokenRow{ID: t.ID, Name: t.Name, Role: t.Role, OrgID: t.OrgID, Hash: t.Hash, CreatedAt: t.CreatedAt,
		ExpiresAt: t.ExpiresAt, LastUsedAt: t.LastUsedAt, RevokedAt: t.RevokedAt}
	_, err := d.db.NewInsert().Model(row).Returning("NULL").Exec(ctx)
	return dbErr(err)
}

// TokenByHash finds a token by the SHA-256 hex of its secret, revoked or expired ones included.
func (d *DB) TokenByHash(ctx context.Context, hash string) (*orglife.Token, error) {
	d = d.bound(ctx)
	var r tokenRow
	if err := d.db.NewSelect().Model(&r).Where("hash = ?", hash).Scan(ctx); err != nil {
		return nil, dbErr(err)
	}
	return r.token(), nil
}

// Tokens lists tokens by id, after cursor, at most limit (0: all), revoked ones included.
func (d *DB) Tokens(ctx context.Context, cursor string, limit int) ([]*orglife.Token, error) {
	d = d.bound(ctx)
	var rows []tokenRow
	q := d.db.NewSelect().Model(&rows).Order("id ASC")
	if cursor != "" {
		q = q.Where("id > ?", cursor)
	}
	if limit > 0 {
		q = q.Limit(int64(limit))
	}
	if err := q.Scan(ctx); err != nil {
		return nil, dbErr(err)
	}
	out := make([]*orglife.Token, 0, len(rows))
	for i := range rows {
		out = append(out, rows[i].token())
	}
	return out, nil
}

// RevokeToken marks a token revoked at the given instant and reports whether it changed: false
// when it was revoked already. Not found when no token has the id.
func (d *DB) RevokeToken(ctx context.Context, id string, at time.Time) (bool, error) {
	d = d.bound(ctx)
	at = utc(at)
	res, err := d.db.NewUpdate().Model((*tokenRow)(nil)).Set("revoked_at = ?", at).
		Where("id = ?", id).Where("revoked_at IS NULL").Exec(ctx)
	if err != nil {
		return false, dbErr(err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return false, dbErr(err)
	} else if n > 0 {
		return true, nil
	}
	exists, err := d.db.NewSelect().Model((*tokenRow)(nil)).Where("id = ?", id).Exists(ctx)
	if err != nil {
		return false, dbErr(err)
	}
	if !exists {
		return false, orglife.ErrNotFound
	}
	return false, nil
}

// TouchToken records that a token was used at the given instant, unless its recorded last use is
// after notBefore already: servers sharing the database then write it at most once per interval.
func (d *DB) TouchToken(ctx context.Context, id string, at, notBefore time.Time) error {
	d = d.bound(ctx)
	_, err := d.db.NewUpdate().Model((*tokenRow)(nil)).Set("last_used_at = ?", utc(at)).
		Where("id = ?", id).Where("(last_used_at IS NULL OR last_used_at <= ?)", utc(notBefore)).Exec(ctx)
	return dbErr(err)
}

// CountTokens counts all tokens, revoked ones included.
func (d *DB) CountTokens(ctx context.Context) (int, error) {
	d = d.bound(ctx)
	n, err := d.db.NewSelect().Model((*tokenRow)(nil)).Count(ctx)
	if err != nil {
		return 0, dbErr(err)
	}
	return int(n), nil
}
