package compliance

import (
	"context"
	"sync"
	"time"
)

// A full scan gives way to the changes in flight in its process: a start or a transition
// (engine.Service tells the Checker through Begin) costs a few milliseconds and a person waits
// for it, while a scan of every org runs for minutes and nobody waits for its next batch. While
// changes are in flight, or were within scanBusyWindow, a scan evaluates its orgs in small
// batches (yieldBatch instead of evalBatch: shorter reads, shorter writes, a smaller heap for the
// garbage collector) with one evaluation goroutine instead of two, and before each batch it waits
// for the changes in flight to end, at most yieldWait. A scan therefore always progresses, at
// least one small batch per yieldWait plus its own work, and runs at full speed when no change
// arrives. Only the process's own changes count: other servers' requests are not seen.

const (
	// yieldBatch is the batch size of a scan while changes are in flight.
	yieldBatch = 25
	// yieldWait is how long a scan waits at most, before a batch, for the changes in flight.
	yieldWait = 50 * time.Millisecond
	// scanBusyWindow is how long after the last change began a scan still counts as busy.
	scanBusyWindow = time.Second
)

// activity counts the changes in flight in this process.
type activity struct {
	mu    sync.Mutex
	n     int
	idle  chan struct{} // closed when n drops to 0; replaced when it rises from 0
	since time.Time     // when the last change began
}

// begin marks a change in flight; the returned func ends it (once).
func (a *activity) begin() func() {
	a.mu.Lock()
	if a.n == 0 {
		a.idle = make(chan struct{})
	}
	a.n++
	a.since = time.Now()
	a.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			a.mu.Lock()
			defer a.mu.Unlock()
			a.n--
			if a.n == 0 {
				close(a.idle)
			}
		})
	}
}

// busy reports whether a change is in flight or began within scanBusyWindow.
func (a *activity) busy() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.n > 0 || time.Since(a.since) < scanBusyWindow
}

// waitIdle waits until no change is in flight, at most max (or until ctx ends).
func (a *activity) waitIdle(ctx context.Context, max time.Duration) {
	a.mu.Lock()
	if a.n == 0 {
		a.mu.Unlock()
		return
	}
	idle := a.idle
	a.mu.Unlock()
	t := time.NewTimer(max)
	defer t.Stop()
	select {
	case <-idle:
	case <-t.C:
	case <-ctx.Done():
	}
}

// Begin is told that a start or a transition of this process begins; the returned func, that it
// ended (committed or not). Full scans give way while changes are in flight (see yieldBatch).
func (s *Checker) Begin() (end func()) { return s.active.begin() }
