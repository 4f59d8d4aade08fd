package storage

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/orglife/orglife"
)

// webhookRow is a row of org_webhooks.
type webhookRow struct {
	bun.BaseModel `bun:"table:org_webhooks,alias:wh"`

	OrgID     string    `bun:"org_id,pk"`
	URL       string    `bun:"url"`
	UpdatedAt time.Time `bun:"updated_at"`
	UpdatedBy string    `bun:"updated_by"`
}

// reminderRow is a row of reminders (see orglife.Reminder).
type reminderRow struct {
	bun.BaseModel `bun:"table:reminders,alias:rm"`

	ID        int64      `bun:"id,pk,autoincrement"`
	OrgID     string     `bun:"org_id"`
	Item      string     `bun:"item"`
	Threshold string     `bun:"threshold"`
	Due       time.Time  `bun:"due"`
	Content   string     `bun:"content"`
	URL       string     `bun:"url"`
	Status    string     `bun:"status"`
	Attempts  int        `bun:"attempts"`
	NextAt    time.Time  `bun:"next_at"`
	LastError string     `bun:"last_error"`
	CreatedAt time.Time  `bun:"created_at"`
	SentAt    *time.Time `bun:"sent_at"`
}

func (r *reminderRow) reminder() *orglife.Reminder {
	out := &orglife.Reminder{ID: r.ID, OrgID: r.OrgID, Item: r.Item, Threshold: r.Threshold, Due: r.Due.UTC(), Content: r.Content,
		URL: r.URL, Status: r.Status, Attempts: r.Attempts, NextAt: r.NextAt.UTC(), LastError: r.LastError, CreatedAt: r.CreatedAt.UTC()}
	if r.SentAt != nil {
		t := r.SentAt.UTC()
		out.SentAt = &t
	}
	return out
}

// SetWebhook stores the webhook of an org (replacing the old one).
func (d *DB) SetWebhook(ctx context.Context, w *orglife.Webhook) error {
	d = d.bound(ctx)
	r := &webhookRow{OrgID: w.OrgID, URL: w.URL, UpdatedAt: utc(w.UpdatedAt), UpdatedBy: w.UpdatedBy}
	_, err := d.db.NewInsert().Model(r).On("CONFLICT (org_id) DO UPDATE").
		Set("url = EXCLUDED.url, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by").Exec(ctx)
	return dbErr(err)
}

// DeleteWebhook removes the webhook of an org; not_found when it had none.
func (d *DB) DeleteWebhook(ctx context.Context, orgID string) error {
	d = d.bound(ctx)
	res, err := d.db.NewDelete().Model((*webhookRow)(nil)).Where("org_id = ?", orgID).Exec(ctx)
	if err != nil {
		return dbErr(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return orglife.ErrNotFound
	}
	return nil
}

// Webhooks returns the webhooks of the given orgs (all when ids is nil), ordered by org.
func (d *DB) Webhooks(ctx context.Context, ids []string) ([]*orglife.Webhook, error) {
	d = d.bound(ctx)
	var rows []webhookRow
	q := d.db.NewSelect().Model(&rows).Order("org_id")
	if ids != nil {
		if len(ids) == 0 {
			return []*orglife.Webhook{}, nil
		}
		q = q.Where("org_id IN (?)", bun.In(ids))
	}
	if err := q.Scan(ctx); err != nil {
		return nil, dbErr(err)
	}
	out := make([]*orglife.Webhook, len(rows))
	for i, r := range rows {
		out[i] = &orglife.Webhook{OrgID: r.OrgID, URL: r.URL, UpdatedAt: r.UpdatedAt.UTC(), UpdatedBy: r.UpdatedBy}
	}
	return out, nil
}

// ClaimReminder inserts r unless a reminder of the same item and threshold exists; claimed
// tells whether this call inserted it (and set r.ID). The unique key makes the claim hold across
// servers and restarts.
func (d *DB) ClaimReminder(ctx context.Context, r *orglife.Reminder) (claimed bool, err error) {
	d = d.bound(ctx)
	row := &reminderRow{OrgID: r.OrgID, Item: r.Item, Threshold: r.Threshold, Due: utc(r.Due), Content: r.Content, URL: r.URL,
		Status: r.Status, NextAt: utc(r.NextAt), CreatedAt: utc(r.CreatedAt)}
	res, err := d.db.NewInsert().Model(row).On("CONFLICT (item, threshold) DO NOTHING").Returning("id").Exec(ctx)
	if err != nil {
		return false, dbErr(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	r.ID = row.ID
	return true, nil
}

// Reminders returns the reminders matching f, newest first.
func (d *DB) Reminders(ctx context.Context, f orglife.ReminderFilter) ([]*orglife.Reminder, error) {
	d = d.bound(ctx)
	var rows []reminderRow
	q := d.db.NewSelect().Model(&rows).Order("id DESC")
	if f.OrgIDs != nil {
		if len(f.OrgIDs) == 0 {
			return []*orglife.Reminder{}, nil
		}
		q = q.Where("org_id IN (?)", bun.In(f.OrgIDs))
	}
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	if !f.DueBy.IsZero() {
		q = q.Where("status = ? AND next_at <= ?", orglife.ReminderPending, utc(f.DueBy))
	}
	if !f.SendingBefore.IsZero() {
		q = q.Where("status = ? AND next_at < ?", orglife.ReminderSending, utc(f.SendingBefore))
	}
	if f.Limit > 0 {
		q = q.Limit(int64(f.Limit))
	}
	if err := q.Scan(ctx); err != nil {
		return nil, dbErr(err)
	}
	out := make([]*orglife.Reminder, len(rows))
	for i := range rows {
		out[i] = rows[i].reminder()
	}
	return out, nil
}

// UpdateReminder writes a reminder's delivery state: status, attempts, next attempt, last error
// and when it was sent. With from set it changes the row only while its status is from, and
// reports whether it did (an attempt's start: pending → sending).
func (d *DB) UpdateReminder(ctx context.Context, r *orglife.Reminder, from string) (bool, error) {
	d = d.bound(ctx)
	q := d.db.NewUpdate().Model((*reminderRow)(nil)).
		Set("status = ?", r.Status).Set("attempts = ?", r.Attempts).Set("next_at = ?", utc(r.NextAt)).
		Set("last_error = ?", r.LastError).Set("sent_at = ?", utcPtr(r.SentAt)).Where("id = ?", r.ID)
	if from != "" {
		q = q.Where("status = ?", from)
	}
	res, err := q.Exec(ctx)
	if err != nil {
		return false, dbErr(err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}
