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
	// refreshMax is how many changed instances an entry re-reads by id at least before the full
	// read is preferred (when more than half of the org's instances changed).
	refreshMax = 32
)

// recordCache keeps, per org, the decoded instances the outbox worker last evaluated it with, so
// that the evaluation after a change re-reads only the instances the change names instead of
// every instance of the org. An org's entry is used only by the holder of that org's evaluation
// lock, and only after checking it against the database (see Checker.cachedRecords): every
// instance of the org, at the version read in the evaluating transaction after taking the lock,
// re-read by id where the cached version differs. Least recently used orgs
// are dropped beyond cacheMaxOrgs orgs or cacheMaxRecords instances.
type recordCache struct {
	mu      sync.Mutex
	orgs    map[string]*list.Element // of *orgRecords
	lru     *list.List               // front: most recently used
	records int
}

// orgRecords is the cached instances of one org.
type orgRecords struct {
	org   string
	insts map[string]*orglife.Instance
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

// prefetched is what a batch's evaluation reads as its records when they were read before it
// (the outbox worker's cache path, see cachedRecords).
type prefetched struct {
	insts []*orglife.Instance
	hist  map[string][]*orglife.Transition
}

// evalRecords returns the instances (and the histories of those updated after sp.asOf) of batch
// to evaluate, like Store.EvalRecords, or what cachedRecords read before the evaluation.
func (s *Checker) evalRecords(ctx context.Context, st Store, batch []string, sp evalSpec) ([]*orglife.Instance, map[string][]*orglife.Transition, error) {
	if sp.records != nil {
		return sp.records.insts, sp.records.hist, nil
	}
	return st.EvalRecords(ctx, batch, sp.asOf)
}

// cachedRecords returns the instances of org to evaluate for the outbox worker, which holds the
// org's evaluation lock in st's transaction, through the record cache. It reads the version of
// every instance of the org (ids and versions only, one statement) and moves sp.asOf to the
// instant after that read, so that every instance it saw was updated before as_of (concurrent
// transitions keep committing while the worker evaluates: with as_of taken earlier, those would
// count as changes after as_of and defeat the cache). It then re-reads by id only the instances
// whose version differs from the cached one (any server's change, claimed by this batch or not)
// and accepts the entry only when every instance of the org is present at exactly the version
// read. Too many changed instances, an instance updated after as_of (clocks apart) or no cached
// entry fall back to the full read, which refills the cache. docs/decisions.md ("The outbox
// worker's record cache") argues why no row computed from it can be older than the stored row.
func (s *Checker) cachedRecords(ctx context.Context, st Store, org string, sp *evalSpec) (*prefetched, error) {
	versions, latest, err := st.InstanceVersions(ctx, org)
	if err != nil {
		return nil, err
	}
	if now := s.instant(); now.After(sp.asOf) && !latest.After(now) {
		sp.asOf = now
	}
	if e := s.cache.take(org); e != nil && !latest.After(sp.asOf) {
		ok, err := e.refresh(ctx, st, org, versions, sp.asOf)
		if err != nil {
			return nil, err
		}
		if ok {
			s.cache.put(e)
			s.obs.RecordCache(true)
			return &prefetched{insts: e.sorted(), hist: map[string][]*orglife.Transition{}}, nil
		}
	}
	s.obs.RecordCache(false)
	insts, hist, err := st.EvalRecords(ctx, []string{org}, sp.asOf)
	if err != nil {
		return nil, err
	}
	if len(hist) == 0 {
		e := &orgRecords{org: org, insts: make(map[string]*orglife.Instance, len(insts))}
		for _, in := range insts {
			e.insts[in.ID] = in
		}
		s.cache.put(e)
	}
	return &prefetched{insts: insts, hist: hist}, nil
}

// refresh brings e to the versions read from the database (versions: every instance of org by
// id): it re-reads, in one statement, the instances whose cached version differs or which are not
// cached, and reports whether e now holds exactly those instances at exactly those versions, all
// updated at or before asOf. False (e unusable) also when more than refreshMax and more than half
// of them changed (the full read costs about as much).
func (e *orgRecords) refresh(ctx context.Context, st Store, org string, versions map[string]int, asOf time.Time) (bool, error) {
	for id := range e.insts {
		if _, ok := versions[id]; !ok {
			return false, nil // moved to another org
		}
	}
	var stale []string
	for id, v := range versions {
		if c := e.insts[id]; c == nil || c.Version != v {
			stale = append(stale, id)
		}
	}
	if len(stale) == 0 {
		return true, nil
	}
	if len(stale) > refreshMax && 2*len(stale) > len(versions) {
		return false, nil
	}
	fresh, err := st.InstancesWithChildren(ctx, stale)
	if err != nil {
		return false, err
	}
	for _, in := range fresh {
		v, listed := versions[in.ID]
		if !listed {
			continue // created since the versions were read, or a child in another org
		}
		if in.Version != v || in.OrgID != org || in.UpdatedAt.After(asOf) {
			return false, nil // changed since the versions were read
		}
		e.insts[in.ID] = in
	}
	for _, id := range stale {
		if c := e.insts[id]; c == nil || c.Version != versions[id] {
			return false, nil
		}
	}
	return true, nil
}
