package storage

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/orglife/orglife"
)

// transitionRow is a row of transitions, the hash-chained history of an instance.
type transitionRow struct {
	bun.BaseModel `bun:"table:transitions,alias:tr"`

	InstanceID string    `bun:"instance_id,pk"`
	Seq        int       `bun:"seq,pk"`
	Event      string    `bun:"event"`
	From       string    `bun:"from_state"`
	To         string    `bun:"to_state"`
	Actor      string    `bun:"actor"`
	ActorRole  string    `bun:"actor_role"`
	At         time.Time `bun:"at"`
	Data       string    `bun:"data"`
	Comment    string    `bun:"comment"`
	PrevHash   string    `bun:"prev_hash"`
	Hash       string    `bun:"hash"`
}

// transition converts a row to a Transition.
func (r *transitionRow) transition() (*orglife.Transition, error) {
	t := &orglife.Transition{
		InstanceID: r.InstanceID, Seq: r.Seq, Event: r.Event, From: r.From, To: r.To,
		Actor: r.Actor, ActorRole: r.ActorRole, At: r.At.UTC(), Comment: r.Comment,
		PrevHash: r.PrevHash, Hash: r.Hash,
	}
	if err := fromJSON(r.Data, &t.Data); err != nil {
		return nil, err
	}
	return t, nil
}

// InsertTransition appends one history row; conflict when (instance, seq) exists. Its instant is
// normalized in place.
func (d *DB) InsertTransition(ctx context.Context, t *orglife.Transition) error {
	d = d.bound(ctx)
	row, err := newTransitionRow(t)
	if err != nil {
		return err
	}
	_, err = d.db.NewInsert().Model(row).Returning("NULL").Exec(ctx)
	return dbErr(err)
}

// newTransitionRow normalizes t's instant and converts it to a row.
func newTransitionRow(t *orglife.Transition) (*transitionRow, error) {
	t.At = utc(t.At)
	data, err := toJSON(t.Data)
	if err != nil {
		return nil, err
	}
	return &transitionRow{
		InstanceID: t.InstanceID, Seq: t.Seq, Event: t.Event, From: t.From, To: t.To,
		Actor: t.Actor, ActorRole: t.ActorRole, At: t.At, Data: data, Comment: t.Comment,
		PrevHash: t.PrevHash, Hash: t.Hash,
	}, nil
}

// Transitions returns an instance's history ordered by seq (empty for an instance without
// history or an unknown id).
func (d *DB) Transitions(ctx context.Context, instanceID string) ([]*orglife.Transition, error) {
	d = d.bound(ctx)
	var rows []transitionRow
	err := d.db.NewSelect().Model(&rows).Where("instance_id = ?", instanceID).Order("seq").Scan(ctx)
	if err != nil {
		return nil, dbErr(err)
	}
	out := make([]*orglife.Transition, 0, len(rows))
	for i := range rows {
		t, err := rows[i].transition()
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// scanBatch is how many instances ScanChains reads per round trip.
const scanBatch = 500

// ScanChains calls fn for every instance, in id order, with its transitions ordered by seq. It
// reads in batches of instances (two queries per batch) and stops at fn's first error.
func (d *DB) ScanChains(ctx context.Context, fn func(in *orglife.Instance, ts []*orglife.Transition) error) error {
	d = d.bound(ctx)
	cursor := ""
	for {
		var rows []instanceRow
		q := d.db.NewSelect().Model(&rows).Order("id").Limit(scanBatch)
		if cursor != "" {
			q = q.Where("id > ?", cursor)
		}
		if err := q.Scan(ctx); err != nil {
			return dbErr(err)
		}
		if len(rows) == 0 {
			return nil
		}
		ids := make([]string, len(rows))
		for i := range rows {
			ids[i] = rows[i].ID
		}
		var trs []transitionRow
		err := d.db.NewSelect().Model(&trs).Where("instance_id IN (?)", bun.In(ids)).
			Order("instance_id", "seq").Scan(ctx)
		if err != nil {
			return dbErr(err)
		}
		byInstance := make(map[string][]*orglife.Transition, len(rows))
		for i := range trs {
			t, err := trs[i].transition()
			if err != nil {
				return err
			}
			byInstance[t.InstanceID] = append(byInstance[t.InstanceID], t)
		}
		for i := range rows {
			in, err := rows[i].instance()
			if err != nil {
				return err
			}
			ts := byInstance[in.ID]
			if ts == nil {
				ts = []*orglife.Transition{}
			}
			if err := fn(in, ts); err != nil {
				return err
			}
		}
		if len(rows) < scanBatch {
			return nil
		}
		cursor = rows[len(rows)-1].ID
	}
}
