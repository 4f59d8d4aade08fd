package storage

import (
	"context"
	"time"

	"github.com/orglife/orglife"
	"github.com/uptrace/bun"
)

// idempotencyRow is a row of idempotency_keys: the first response to a request that carried an
// Idempotency-Key.
type idempotencyRow struct {
	bun.BaseModel `bun:"table:idempotency_keys,alias:ik"`

	Scope       string    `bun:"scope,pk"`
	Key         string    `bun:"key,pk"`
	RequestHash string    `bun:"request_hash"`
	Response    string    `bun:"response"`
	CreatedAt   time.Time `bun:"created_at"`
}

// Idempotency returns the stored response for (scope, key).
func (d *DB) Idempotency(ctx context.Context, scope, key string) (*orglife.IdempotencyRecord, error) {
	d = d.bound(ctx)
	var r idempotencyRow
	err := d.db.NewSelect().Model(&r).Where("scope = ?", scope).Where("? = ?", bun.Ident("key"), key).Scan(ctx)
	if err != nil {
		return nil, dbErr(err)
	}
	return &orglife.IdempotencyRecord{
		Scope: r.Scope, Key: r.Key, RequestHash: r.RequestHash, Response: []byte(r.Response),
		CreatedAt: r.CreatedAt.UTC(),
	}, nil
}

// SaveIdempotency stores a response; conflict when (scope, key) exists. Its instant is normalized
// in place.
func (d *DB) SaveIdempotency(ctx context.Context, r *orglife.IdempotencyRecord) error {
	d = d.bound(ctx)
	r.CreatedAt = utc(r.CreatedAt)
	row := &idempotencyRow{
		Scope: r.Scope, Key: r.Key, RequestHash: r.RequestHash, Response: string(r.Response),
		CreatedAt: r.CreatedAt,
	}
	_, err := d.db.NewInsert().Model(row).Returning("NULL").Exec(ctx)
	return dbErr(err)
}

// PruneIdempotency deletes at most limit stored responses created before before, oldest first, in
// one statement, and returns how many it deleted.
func (d *DB) PruneIdempotency(ctx context.Context, before time.Time, limit int) (int, error) {
	d = d.bound(ctx)
	old := d.db.NewSelect().Model((*idempotencyRow)(nil)).Column("scope", "key").
		Where("created_at < ?", utc(before)).Order("created_at").Limit(int64(limit))
	res, err := d.db.NewDelete().Model((*idempotencyRow)(nil)).
		Where("(scope, ?) IN (?)", bun.Ident("key"), old).Exec(ctx)
	if err != nil {
		return 0, dbErr(err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}
