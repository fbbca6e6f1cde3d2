package ratelimit

import (
	"fmt"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

// clock is a hand-moved time source: no test sleeps.
type clock struct{ t time.Time }

func (c *clock) now() time.Time      { return c.t }
func (c *clock) add(d time.Duration) { c.t = c.t.Add(d) }
func newClock() *clock               { return &clock{t: time.Date(2026, 7, 14, 10, 0, 0, 0, time.UTC)} }
func allow(t *testing.T, l *Limiter, key string) {
	t.Helper()
	if ok, wait := l.Allow(key); !ok {
		t.Fatalf("%s refused (retry after %v), want allowed", key, wait)
	}
}

func refuse(t *testing.T, l *Limiter, key string, want time.Duration) {
	t.Helper()
	ok, wait := l.Allow(key)
	if ok {
		t.Fatalf("%s allowed, want refused", key)
	}
	if wait != want {
		t.Fatalf("%s retry after %v, want %v", key, wait, want)
	}
}

func TestBurstThenRefusalThenRefill(t *testing.T) {
	c := newClock()
	l := New(rate.Every(time.Minute), 3, WithClock(c.now))
	for range 3 {
		allow(t, l, "203.0.113.9")
	}
	refuse(t, l, "203.0.113.9", time.Minute)
	c.add(20 * time.Second)
	refuse(t, l, "203.0.113.9", 40*time.Second)
	// Refused attempts do not push the next one further away.
	refuse(t, l, "203.0.113.9", 40*time.Second)
	c.add(40 * time.Second)
	allow(t, l, "203.0.113.9")
	refuse(t, l, "203.0.113.9", time.Minute)
	// Long enough for the whole burst again.
	c.add(3 * time.Minute)
	for range 3 {
		allow(t, l, "203.0.113.9")
	}
	refuse(t, l, "203.0.113.9", time.Minute)
}

func TestRetryAfterIsFractionalUntilShown(t *testing.T) {
	c := newClock()
	l := New(rate.Every(1500*time.Millisecond), 1, WithClock(c.now))
	allow(t, l, "k")
	c.add(200 * time.Millisecond)
	refuse(t, l, "k", 1300*time.Millisecond)
	cases := map[time.Duration]int{
		0:                       1,
		time.Millisecond:        1,
		time.Second:             1,
		1300 * time.Millisecond: 2,
		59*time.Second + 1:      60,
		time.Hour:               3600,
	}
	for d, want := range cases {
		if got := RetryAfterSeconds(d); got != want {
			t.Errorf("RetryAfterSeconds(%v) = %d, want %d", d, got, want)
		}
	}
}

func TestKeysAreIndependent(t *testing.T) {
	c := newClock()
	l := New(rate.Every(time.Hour), 2, WithClock(c.now))
	allow(t, l, "account:1")
	allow(t, l, "account:1")
	refuse(t, l, "account:1", time.Hour)
	allow(t, l, "account:2")
	allow(t, l, "account:2")
	refuse(t, l, "account:2", time.Hour)
	l.Reset("account:1")
	allow(t, l, "account:1")
}

func TestMemoryIsBounded(t *testing.T) {
	c := newClock()
	l := New(rate.Every(time.Minute), 1, WithClock(c.now), WithMaxKeys(100))
	allow(t, l, "first")
	refuse(t, l, "first", time.Minute)
	for i := range 1000 {
		allow(t, l, fmt.Sprintf("flood-%d", i))
		if n := l.Len(); n > 100 {
			t.Fatalf("%d keys remembered, cap is 100", n)
		}
	}
	// The least recently used key was forgotten: it starts again full.
	allow(t, l, "first")
	// A recently used one is still counted.
	refuse(t, l, "flood-999", time.Minute)
}

func TestIdleKeysAreSweptOnAccess(t *testing.T) {
	c := newClock()
	l := New(rate.Every(10*time.Second), 3, WithClock(c.now)) // full again after 30 s
	for i := range 50 {
		allow(t, l, fmt.Sprintf("old-%d", i))
	}
	c.add(20 * time.Second)
	allow(t, l, "recent")
	if n := l.Len(); n != 51 {
		t.Fatalf("%d keys after 20 s, want 51 (not idle long enough)", n)
	}
	c.add(15 * time.Second) // old ones idle 35 s, recent one 15 s
	allow(t, l, "another")
	if n := l.Len(); n != 2 {
		t.Fatalf("%d keys after the sweep, want 2", n)
	}
}

func TestInfiniteRateStoresNothing(t *testing.T) {
	l := New(rate.Inf, 1)
	for range 100 {
		allow(t, l, "k")
	}
	if l.Len() != 0 {
		t.Fatal("an unlimited limiter remembered keys")
	}
}

func TestNetwork(t *testing.T) {
	cases := map[string]string{
		"203.0.113.77":             "203.0.113.0/24",
		"203.0.113.77:4431":        "203.0.113.0/24",
		" 10.1.2.3 ":               "10.1.2.0/24",
		"::ffff:192.0.2.44":        "192.0.2.0/24",
		"2001:db8:abcd:12:1::7":    "2001:db8:abcd::/48",
		"[2001:db8:abcd:12::1]:80": "2001:db8:abcd::/48",
		"fe80::1%eth0":             "fe80::/48",
		"::1":                      "::/48",
		"":                         "",
		"not an address":           "",
		"999.1.1.1":                "",
	}
	for in, want := range cases {
		if got := Network(in); got != want {
			t.Errorf("Network(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestClientIP(t *testing.T) {
	cases := []struct {
		name       string
		remote     string
		xff        []string
		trustProxy bool
		want       string
	}{
		{"peer v4", "198.51.100.7:51234", nil, false, "198.51.100.7"},
		{"peer v6", "[2001:db8::5]:443", nil, false, "2001:db8::5"},
		{"header ignored without a proxy", "198.51.100.7:1", []string{"203.0.113.1"}, false, "198.51.100.7"},
		{"proxy's hop", "127.0.0.1:9000", []string{"203.0.113.1"}, true, "203.0.113.1"},
		{"last hop only", "127.0.0.1:9000", []string{"6.6.6.6, 203.0.113.1"}, true, "203.0.113.1"},
		{"last header", "127.0.0.1:9000", []string{"6.6.6.6", "7.7.7.7,203.0.113.2"}, true, "203.0.113.2"},
		{"hop with port", "127.0.0.1:9000", []string{"[2001:db8::9]:5555"}, true, "2001:db8::9"},
		{"garbage hop", "127.0.0.1:9000", []string{"203.0.113.1, nonsense"}, true, "127.0.0.1"},
		{"no header behind proxy", "127.0.0.1:9000", nil, true, "127.0.0.1"},
		{"mapped v4", "[::ffff:198.51.100.7]:1", nil, false, "198.51.100.7"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = c.remote
			for _, v := range c.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := ClientIP(r, c.trustProxy); got != c.want {
				t.Fatalf("ClientIP = %q, want %q", got, c.want)
			}
		})
	}
}

// Concurrent callers share one count per key: exactly burst get through.
func TestConcurrentCallersShareTheCount(t *testing.T) {
	l := New(0, 50) // never refills
	var wg sync.WaitGroup
	var allowed atomic.Int32
	for range 8 {
		wg.Go(func() {
			for range 100 {
				if ok, _ := l.Allow("shared"); ok {
					allowed.Add(1)
				}
			}
		})
	}
	wg.Wait()
	if n := allowed.Load(); n != 50 {
		t.Fatalf("%d attempts allowed, want the burst of 50", n)
	}
}
