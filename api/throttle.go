package api

import (
	"math"
	"net"
	"sync"
	"time"
)

// Defaults of the failed-authentication throttle.
const (
	// DefaultAuthFailureLimit is how many failed authentications one address may make per window
	// before further failures answer 429.
	DefaultAuthFailureLimit = 10
	// DefaultAuthFailureWindow is the window of DefaultAuthFailureLimit.
	DefaultAuthFailureWindow = time.Minute
	// DefaultAuthThrottleAddresses bounds the addresses the throttle remembers.
	DefaultAuthThrottleAddresses = 10000
)

// authThrottle counts failed authentications per client address in fixed windows. Past the limit,
// further failures of that address answer 429 with Retry-After until its window ends; a valid
// token is always served, so nobody is locked out by someone else's mistakes. Its memory is
// bounded: at most max addresses, expired windows are swept when the table is full, and past
// that an arbitrary address is forgotten.
type authThrottle struct {
	limit  int
	window time.Duration
	max    int
	now    func() time.Time

	mu        sync.Mutex
	addrs     map[string]*failWindow
	lastSweep time.Time
}

// failWindow is one address's count of failures since start.
type failWindow struct {
	start    time.Time
	failures int
}

func newAuthThrottle(limit int, window time.Duration, max int, now func() time.Time) *authThrottle {
	if limit <= 0 {
		limit = DefaultAuthFailureLimit
	}
	if window <= 0 {
		window = DefaultAuthFailureWindow
	}
	if max <= 0 {
		max = DefaultAuthThrottleAddresses
	}
	if now == nil {
		now = time.Now
	}
	return &authThrottle{limit: limit, window: window, max: max, now: now, addrs: make(map[string]*failWindow)}
}

// fail records a failed authentication of addr. It returns 0 while the address is within its
// limit, else how long it should wait (the rest of its window); first is true for the first
// failure past the limit in the window (to log it once).
func (t *authThrottle) fail(addr string) (wait time.Duration, first bool) {
	now := t.now()
	t.mu.Lock()
	defer t.mu.Unlock()
	w := t.addrs[addr]
	if w == nil || now.Sub(w.start) >= t.window {
		if w == nil && len(t.addrs) >= t.max {
			t.evict(now)
		}
		w = &failWindow{start: now}
		t.addrs[addr] = w
	}
	w.failures++
	if w.failures <= t.limit {
		return 0, false
	}
	return w.start.Add(t.window).Sub(now), w.failures == t.limit+1
}

// evict makes room for one address: it drops expired windows (at most once per window, so a
// flood of new addresses does not sweep at every request), else an arbitrary address.
func (t *authThrottle) evict(now time.Time) {
	if now.Sub(t.lastSweep) >= t.window {
		t.lastSweep = now
		for a, w := range t.addrs {
			if now.Sub(w.start) >= t.window {
				delete(t.addrs, a)
			}
		}
	}
	for a := range t.addrs {
		if len(t.addrs) < t.max {
			break
		}
		delete(t.addrs, a)
	}
}

// size returns how many addresses the throttle remembers (tests).
func (t *authThrottle) size() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.addrs)
}

// clientAddr is the address a request came from: the host of the TCP peer. Forwarded headers are
// ignored (they are the client's to forge); behind a reverse proxy every client shares its address.
func clientAddr(remoteAddr string) string {
	if host, _, err := net.SplitHostPort(remoteAddr); err == nil {
		return host
	}
	return remoteAddr
}

// retryAfter formats a wait as whole seconds for the Retry-After header, at least 1.
func retryAfter(wait time.Duration) int {
	return max(1, int(math.Ceil(wait.Seconds())))
}
