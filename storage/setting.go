package storage

import (
	"context"
	"time"

	"github.com/uptrace/bun"
)

// settingRow is a row of settings: one deployment-wide value.
type settingRow struct {
	bun.BaseModel `bun:"table:settings,alias:st"`

	Key       string    `bun:"key,pk"`
	Value     string    `bun:"value"`
	UpdatedAt time.Time `bun:"updated_at"`
}

// Setting returns the value of a deployment-wide setting; not_found when it is unset.
func (d *DB) Setting(ctx context.Context, key string) (string, error) {
	d = d.bound(ctx)
	var r settingRow
	if err := d.db.NewSelect().Model(&r).Where("key = ?", key).Scan(ctx); err != nil {
		return "", dbErr(err)
	}
	return r.Value, nil
}

// SetSetting stores the value of a deployment-wide setting.
func (d *DB) SetSetting(ctx context.Context, key, value string, at time.Time) error {
	d = d.bound(ctx)
	r := &settingRow{Key: key, Value: value, UpdatedAt: utc(at)}
	_, err := d.db.NewInsert().Model(r).On("CONFLICT (key) DO UPDATE").Set("value = EXCLUDED.value, updated_at = EXCLUDED.updated_at").Exec(ctx)
	return dbErr(err)
}
