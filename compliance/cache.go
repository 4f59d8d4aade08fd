package compliance

import (
	"container/list"
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/orglife/orglife"
)

// Bounds of the record cache (see recordCache).
const (
	cacheMaxOrgs    = 64
	cacheMaxRecords = 200_000
)

// recordCache keeps, per org, the decoded instances the outbox worker last evaluated it with, so
// that the evaluation after a change re-reads only the instances the change names instead of
// every instance of the org. An org's entry is used only by the holder of that org's evaluation
// lock, and only after checking it against the database (see Checker.evalRecords): its
// fingerprint — the number of instances and the sum of their versions — must equal the
// database's, read in the evaluating transaction after taking the lock. Least recently used orgs
// are dropped beyond cacheMaxOrgs orgs or cacheMaxRecords instances.
type recordCache struct {
	mu      sync.Mutex
	orgs    map[string]*list.Element // of *orgRecords
	lru     *list.List               // front: most recently used
	records int
}

// orgRecords is the cached instances of one org and their fingerprint.
type orgRecords struct {
	org      string
	insts    map[string]*orglife.Instance
	versions int64
}

func newRecordCache() *recordCache {
	return &recordCache{orgs: map[string]*list.Element{}, lru: list.New()}
}

// take removes and returns org's entry (nil when none): the caller holds the org's evaluation
// lock and puts it back when done.
func (c *recordCache) take(org string) *orgRecords {
	c.mu.Lock()
	defer c.mu.Unlock()
	el := c.orgs[org]
	if el == nil {
		return nil
	}
	e := el.Value.(*orgRecords)
	c.lru.Remove(el)
	delete(c.orgs, org)
	c.records -= len(e.insts)
	return e
}

// put stores an org's entry as the most recently used and drops the least recently used ones
// beyond the bounds.
func (c *recordCache) put(e *orgRecords) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el := c.orgs[e.org]; el != nil {
		c.records -= len(el.Value.(*orgRecords).insts)
		c.lru.Remove(el)
	}
	c.orgs[e.org] = c.lru.PushFront(e)
	c.records += len(e.insts)
	for c.lru.Len() > 1 && (c.lru.Len() > cacheMaxOrgs || c.records > cacheMaxRecords) {
		old := c.lru.Back()
		c.lru.Remove(old)
		oe := old.Value.(*orgRecords)
		delete(c.orgs, oe.org)
		c.records -= len(oe.insts)
	}
}

// sorted returns the entry's instances ordered by id, as EvalRecords returns them.
func (e *orgRecords) sorted() []*orglife.Instance {
	out := make([]*orglife.Instance, 0, len(e.insts))
	for _, in := range e.insts {
		out = append(out, in)
	}
	slices.SortFunc(out, func(a, b *orglife.Instance) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// evalRecords returns the instances (and the histories of those updated after sp.asOf) of batch
// to evaluate, like Store.EvalRecords. For a single org whose changed instances sp.changed names
// (the outbox worker, holding the org's evaluation lock in st's transaction) it uses the record
// cache: it reads the org's fingerprint in one aggregate, re-reads by id only the named instances
// and their children, patches the cached entry and compares the patched entry's fingerprint with
// the database's. Any mismatch, an instance updated after as_of, or no cached entry falls back to
// the full read, which refills the cache. docs/decisions.md ("The outbox worker's record cache")
// argues why no row computed from it can be older than the stored row.
func (s *Checker) evalRecords(ctx context.Context, st Store, batch []string, sp evalSpec) ([]*orglife.Instance, map[string][]*orglife.Transition, error) {
	if sp.changed == nil || len(batch) != 1 {
		return st.EvalRecords(ctx, batch, sp.asOf)
	}
	org := batch[0]
	n, versions, after, err := st.InstanceFingerprint(ctx, org, sp.asOf)
	if err != nil {
		return nil, nil, err
	}
	if e := s.cache.take(org); e != nil && after == 0 {
		ok, err := e.patch(ctx, st, org, sp.changed, sp.asOf)
		if err != nil {
			return nil, nil, err
		}
		if ok && len(e.insts) == n && e.versions == versions {
			s.cache.put(e)
			s.obs.RecordCache(true)
			return e.sorted(), map[string][]*orglife.Transition{}, nil
		}
	}
	s.obs.RecordCache(false)
	insts, hist, err := st.EvalRecords(ctx, batch, sp.asOf)
	if err != nil || len(hist) > 0 {
		return insts, hist, err
	}
	e := &orgRecords{org: org, insts: make(map[string]*orglife.Instance, len(insts))}
	for _, in := range insts {
		e.insts[in.ID] = in
		e.versions += int64(in.Version)
	}
	s.cache.put(e)
	return insts, hist, nil
}

// patch re-reads the instances ids and their children into e; ok is false when one of them now
// belongs to another org or was updated after asOf (the entry is then unusable).
func (e *orgRecords) patch(ctx context.Context, st Store, org string, ids []string, asOf time.Time) (ok bool, err error) {
	fresh, err := st.InstancesWithChildren(ctx, ids)
	if err != nil {
		return false, err
	}
	for _, in := range fresh {
		if in.OrgID != org || in.UpdatedAt.After(asOf) {
			return false, nil
		}
		if old := e.insts[in.ID]; old != nil {
			e.versions -= int64(old.Version)
		}
		e.insts[in.ID] = in
		e.versions += int64(in.Version)
	}
	return true, nil
}
