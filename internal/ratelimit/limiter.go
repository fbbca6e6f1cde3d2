// Package ratelimit counts attempts per key (an address, an account) with
// token buckets from golang.org/x/time/rate, in bounded memory.
//
// State is per process: with several app instances behind a load balancer
// each one counts alone, so limits are per instance.
package ratelimit

import (
	"container/list"
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// DefaultMaxKeys bounds the keys a limiter remembers. Each costs about 200
// bytes, so the default holds a few MiB at most, even under a flood of
// addresses.
const DefaultMaxKeys = 10000

// Limiter allows each key burst attempts at once, refilled at r per second.
type Limiter struct {
	limit   rate.Limit
	burst   int
	idle    time.Duration // after this long unused, a bucket is full again
	maxKeys int
	now     func() time.Time

	mu      sync.Mutex
	buckets map[string]*list.Element
	lru     *list.List // of *bucket, most recently used at the front
}

type bucket struct {
	key  string
	lim  *rate.Limiter
	seen time.Time
}

// Option changes a limiter's defaults.
type Option func(*Limiter)

// WithClock replaces time.Now, so tests move time by hand instead of sleeping.
func WithClock(now func() time.Time) Option { return func(l *Limiter) { l.now = now } }

// WithMaxKeys bounds the keys remembered; the least recently used is
// forgotten first (it then starts again with a full bucket).
func WithMaxKeys(n int) Option {
	return func(l *Limiter) {
		if n > 0 {
			l.maxKeys = n
		}
	}
}

// New returns a limiter of burst attempts refilled at r per second, such as
// New(rate.Every(time.Minute), 5): five at once, then one a minute. A burst
// below one is a wiring mistake and panics.
func New(r rate.Limit, burst int, opts ...Option) *Limiter {
	if burst < 1 {
		panic("ratelimit: burst must be at least 1")
	}
	l := &Limiter{
		limit: r, burst: burst, maxKeys: DefaultMaxKeys, now: time.Now,
		buckets: map[string]*list.Element{}, lru: list.New(),
	}
	for _, o := range opts {
		o(l)
	}
	l.idle = refillTime(r, burst)
	return l
}

// refillTime is how long an empty bucket takes to fill: a bucket unused for
// that long is full, the same as no bucket, and can be forgotten.
func refillTime(r rate.Limit, burst int) time.Duration {
	if r <= 0 {
		return time.Duration(math.MaxInt64) // never refills: keep until evicted
	}
	secs := float64(burst) / float64(r)
	if secs*float64(time.Second) >= math.MaxInt64 {
		return time.Duration(math.MaxInt64)
	}
	return time.Duration(math.Ceil(secs * float64(time.Second)))
}

// Allow takes one attempt for key. When none is left it returns false and
// how long until one is: the real wait, which RetryAfterSeconds rounds up.
func (l *Limiter) Allow(key string) (ok bool, retryAfter time.Duration) {
	if l.limit == rate.Inf {
		return true, 0
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(now)
	b := l.bucket(key, now)
	res := b.lim.ReserveN(now, 1)
	if !res.OK() { // r == 0 and the burst spent: never again
		return false, time.Duration(math.MaxInt64)
	}
	if wait := res.DelayFrom(now); wait > 0 {
		// Refused attempts cost nothing: give the token back, so that
		// hammering does not push the next allowed time further away.
		res.CancelAt(now)
		return false, wait
	}
	return true, 0
}

// Reset forgets key, e.g. an account's failed sign-ins once it signed in.
func (l *Limiter) Reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if el, ok := l.buckets[key]; ok {
		l.lru.Remove(el)
		delete(l.buckets, key)
	}
}

// Len is the number of keys remembered.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lru.Len()
}

// bucket finds or makes key's bucket and marks it most recently used.
func (l *Limiter) bucket(key string, now time.Time) *bucket {
	if el, ok := l.buckets[key]; ok {
		b := el.Value.(*bucket)
		b.seen = now
		l.lru.MoveToFront(el)
		return b
	}
	for l.lru.Len() >= l.maxKeys {
		l.remove(l.lru.Back())
	}
	b := &bucket{key: key, lim: rate.NewLimiter(l.limit, l.burst), seen: now} // starts full
	l.buckets[key] = l.lru.PushFront(b)
	return b
}

// sweep forgets buckets unused for longer than it takes to refill them. The
// list is in order of use, so it stops at the first recent one: the work is
// proportional to what is removed, and no goroutine or timer is needed.
func (l *Limiter) sweep(now time.Time) {
	for el := l.lru.Back(); el != nil; el = l.lru.Back() {
		if now.Sub(el.Value.(*bucket).seen) < l.idle {
			return
		}
		l.remove(el)
	}
}

func (l *Limiter) remove(el *list.Element) {
	delete(l.buckets, el.Value.(*bucket).key)
	l.lru.Remove(el)
}

// RetryAfterSeconds is the Retry-After header value for a wait: whole
// seconds, rounded up, at least one (zero would invite an immediate retry).
func RetryAfterSeconds(d time.Duration) int {
	if d >= time.Duration(math.MaxInt64) {
		return math.MaxInt32
	}
	s := int((d + time.Second - 1) / time.Second)
	return max(s, 1)
}
