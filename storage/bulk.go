package storage

import (
	"context"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/orglife/orglife"
)

// Bulk is a set of rows to load as they are: orgs and members (each with the first entry of its
// history), instances (with their derived
// columns and creation hash already set) and transitions (hash-chained already). BulkLoad sets
// each instance's chain head (LastSeq, LastHash) from its transitions.
type Bulk struct {
	Orgs        []*orglife.Org
	Members     []*orglife.Member
	Instances   []*orglife.Instance
	Transitions []*orglife.Transition
}

// Len is the number of rows of b.
func (b *Bulk) Len() int {
	return len(b.Orgs) + len(b.Members) + len(b.Instances) + len(b.Transitions)
}

// BulkLoad inserts the rows of b in one transaction, in the order orgs, members, instances,
// transitions, without any check beyond the schema's: COPY on PostgreSQL (when d is not bound to
// a transaction), multi-row INSERTs of saveBatch rows on SQLite. It is meant for generated data
// (benchmarks, demos); the engine's write paths never use it. Instants are normalized in place.
func (d *DB) BulkLoad(ctx context.Context, b *Bulk) error {
	d = d.bound(ctx)
	orgs := make([][]any, len(b.Orgs))
	orgChanges := make([][]any, len(b.Orgs)) // each org's history starts "from the beginning"
	for i, o := range b.Orgs {
		r, err := newOrgRow(o)
		if err != nil {
			return err
		}
		orgs[i] = []any{r.ID, r.Name, r.Kind, r.ParentID, r.Attributes, r.EstablishedOn, r.DissolvedOn, r.TermStartedOn, r.TermYears, r.CreatedAt, r.UpdatedAt}
		orgChanges[i] = []any{r.ID, 1, nil, r.ParentID, r.TermStartedOn, r.TermYears, "bulk", r.CreatedAt}
	}
	members := make([][]any, len(b.Members))
	memberChanges := make([][]any, len(b.Members)) // so does each member's: a join
	for i, m := range b.Members {
		m.CreatedAt = utc(m.CreatedAt)
		roles, err := toJSON(m.Roles)
		if err != nil {
			return err
		}
		members[i] = []any{m.ID, m.OrgID, m.Name, m.Status, roles, m.Leader, m.JoinedOn, m.Since, m.CreatedAt}
		memberChanges[i] = []any{m.ID, 1, orglife.ChangeJoin, m.Since, m.OrgID, m.Name, m.Status, roles, m.Leader, m.JoinedOn, "bulk", m.CreatedAt}
	}
	heads := make(map[string]*orglife.Transition, len(b.Instances)) // the chain head of each instance
	for _, t := range b.Transitions {
		if h := heads[t.InstanceID]; h == nil || t.Seq > h.Seq {
			heads[t.InstanceID] = t
		}
	}
	insts := make([][]any, len(b.Instances))
	for i, in := range b.Instances {
		if h := heads[in.ID]; h != nil {
			in.LastSeq, in.LastHash = h.Seq, h.Hash
		}
		r, err := newInstanceRow(in)
		if err != nil {
			return err
		}
		insts[i] = []any{r.ID, r.Workflow, r.WorkflowVersion, r.OrgID, r.State, r.Complete, r.Version, r.Data, r.CreatedData,
			r.OccursOn, r.CreatedAt, r.UpdatedAt, r.RecordedAt, r.CreatedBy, r.ParentID, r.ParentAction, r.ParentKey, r.UniqueKey, r.CreationHash,
			r.LastSeq, r.LastHash}
	}
	trs := make([][]any, len(b.Transitions))
	for i, t := range b.Transitions {
		t.At = utc(t.At)
		data, err := toJSON(t.Data)
		if err != nil {
			return err
		}
		trs[i] = []any{t.InstanceID, t.Seq, t.Event, t.From, t.To, t.Actor, t.ActorRole, t.At, data, t.Comment, t.PrevHash, t.Hash}
	}
	tables := []struct {
		name string
		cols []string
		rows [][]any
	}{
		{"orgs", []string{"id", "name", "kind", "parent_id", "attributes", "established_on", "dissolved_on", "term_started_on", "term_years", "created_at", "updated_at"}, orgs},
		{"org_changes", []string{"org_id", "seq", "on_date", "parent_id", "term_started_on", "term_years", "actor", "at"}, orgChanges},
		{"members", []string{"id", "org_id", "name", "status", "roles", "leader", "joined_on", "since", "created_at"}, members},
		{"member_changes", []string{"member_id", "seq", "kind", "on_date", "org_id", "name", "status", "roles", "leader", "joined_on", "actor", "at"}, memberChanges},
		{"instances", []string{"id", "workflow", "workflow_version", "org_id", "state", "complete", "version", "data", "created_data",
			"occurs_on", "created_at", "updated_at", "recorded_at", "created_by", "parent_id", "parent_action", "parent_key", "unique_key", "creation_hash",
			"last_seq", "last_hash"}, insts},
		{"transitions", []string{"instance_id", "seq", "event", "from_state", "to_state", "actor", "actor_role", "at", "data", "comment", "prev_hash", "hash"}, trs},
	}
	if d.dialect == Postgres && !d.inTx {
		conn, err := d.root.DB.Conn(ctx)
		if err != nil {
			return dbErr(err)
		}
		defer conn.Close()
		return dbErr(conn.Raw(func(dc any) error {
			pc := dc.(*stdlib.Conn).Conn()
			tx, err := pc.Begin(ctx)
			if err != nil {
				return err
			}
			defer tx.Rollback(ctx) //nolint:errcheck // a no-op after Commit
			for _, t := range tables {
				if len(t.rows) == 0 {
					continue
				}
				if _, err := tx.CopyFrom(ctx, pgx.Identifier{t.name}, t.cols, pgx.CopyFromRows(t.rows)); err != nil {
					return fmt.Errorf("copy %s: %w", t.name, err)
				}
			}
			return tx.Commit(ctx)
		}))
	}
	return d.runInTx(ctx, func(ctx context.Context, tx *DB) error {
		for _, t := range tables {
			for chunk := range slices.Chunk(t.rows, saveBatch) {
				q := "INSERT INTO " + t.name + " (" + joinCols(t.cols) + ") VALUES "
				args := make([]any, 0, len(chunk)*len(t.cols))
				for i, r := range chunk {
					if i > 0 {
						q += ", "
					}
					q += "(" + placeholders(len(t.cols)) + ")"
					args = append(args, r...)
				}
				if _, err := tx.db.ExecContext(ctx, q, args...); err != nil {
					return fmt.Errorf("insert %s: %w", t.name, dbErr(err))
				}
			}
		}
		return nil
	})
}

func joinCols(cols []string) string {
	s := ""
	for i, c := range cols {
		if i > 0 {
			s += ", "
		}
		s += c
	}
	return s
}

func placeholders(n int) string {
	s := ""
	for i := range n {
		if i > 0 {
			s += ", "
		}
		s += "?"
	}
	return s
}
