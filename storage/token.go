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

	ID        string    `bun:"id,pk"`
	Name      string    `bun:"name"`
	Role      string    `bun:"role"`
	OrgID     string    `bun:"org_id"`
	Hash      string    `bun:"hash"`
	CreatedAt time.Time `bun:"created_at"`
}

// CreateToken inserts a token (its hash only); conflict when the id or hash exists. Its instant is
// normalized in place.
func (d *DB) CreateToken(ctx context.Context, t *orglife.Token) error {
	t.CreatedAt = utc(t.CreatedAt)
	row := &tokenRow{ID: t.ID, Name: t.Name, Role: t.Role, OrgID: t.OrgID, Hash: t.Hash, CreatedAt: t.CreatedAt}
	_, err := d.db.NewInsert().Model(row).Returning("NULL").Exec(ctx)
	return dbErr(err)
}

// TokenByHash finds a token by the SHA-256 hex of its secret.
func (d *DB) TokenByHash(ctx context.Context, hash string) (*orglife.Token, error) {
	var r tokenRow
	if err := d.db.NewSelect().Model(&r).Where("hash = ?", hash).Scan(ctx); err != nil {
		return nil, dbErr(err)
	}
	return &orglife.Token{ID: r.ID, Name: r.Name, Role: r.Role, OrgID: r.OrgID, Hash: r.Hash, CreatedAt: r.CreatedAt.UTC()}, nil
}

// CountTokens counts all tokens.
func (d *DB) CountTokens(ctx context.Context) (int, error) {
	n, err := d.db.NewSelect().Model((*tokenRow)(nil)).Count(ctx)
	if err != nil {
		return 0, dbErr(err)
	}
	return int(n), nil
}
