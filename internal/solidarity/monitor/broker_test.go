package monitor

import (
	"context"
	"log/slog"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// feedCount tells how many episodes are watched.
func (b *Broker) feedCount() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.feeds)
}

func TestAcquireBoundsStreamsPerAccountAndInTotal(t *testing.T) {
	b := newBroker(nil, time.Hour, 2, 3, slog.Default())
	r1, ok1 := b.Acquire(1)
	_, ok2 := b.Acquire(1)
	if !ok1 || !ok2 {
		t.Fatal("the first two streams of an account were refused")
	}
	if _, ok := b.Acquire(1); ok {
		t.Error("a third stream for account 1 was accepted")
	}
	r3, ok3 := b.Acquire(2)
	if !ok3 {
		t.Fatal("account 2 was refused")
	}
	if _, ok := b.Acquire(3); ok {
		t.Error("a fourth stream on the instance was accepted")
	}
	r1()
	r1() // releasing twice gives back one slot only
	if _, ok := b.Acquire(1); !ok {
		t.Error("a released slot was not given back")
	}
	if _, ok := b.Acquire(3); ok {
		t.Error("the instance limit no longer holds after a double release")
	}
	r3()
	if _, ok := b.Acquire(3); !ok {
		t.Error("account 3 refused after account 2 left")
	}
}

func TestFeedSharedAndSendsOnlyChanges(t *testing.T) {
	var version atomic.Int64
	var reads atomic.Int64
	load := func(ctx context.Context, id int64) ([]byte, error) {
		reads.Add(1)
		return []byte(strconv.FormatInt(id, 10) + ":" + strconv.FormatInt(version.Load(), 10)), nil
	}
	b := newBroker(load, time.Hour, 5, 10, slog.Default())
	s1 := b.Subscribe(7)
	s2 := b.Subscribe(7)
	other := b.Subscribe(8)
	if b.feedCount() != 2 {
		t.Fatalf("feeds: %d", b.feedCount())
	}
	if got := string(<-s1.C); got != "7:0" {
		t.Fatalf("first: %q", got)
	}
	if got := string(<-other.C); got != "8:0" {
		t.Fatalf("other episode: %q", got)
	}
	// An unchanged re-read sends nothing. The feed reads one episode at a
	// time: once the fourth read has begun, the third (unchanged) one has
	// been passed on or not.
	b.Publish(7)
	for reads.Load() < 3 { // 7:0, 8:0 and the re-read of 7
		time.Sleep(time.Millisecond)
	}
	b.Publish(7)
	for reads.Load() < 4 {
		time.Sleep(time.Millisecond)
	}
	select {
	case p := <-s1.C:
		t.Fatalf("an unchanged snapshot was sent again: %q", p)
	default:
	}
	version.Store(1)
	b.Publish(7)
	if got := string(<-s1.C); got != "7:1" {
		t.Fatalf("after the change: %q", got)
	}
	// s2 never read: it holds only the latest snapshot.
	if got := string(<-s2.C); got != "7:1" {
		t.Fatalf("slow subscriber: %q", got)
	}
	b.Publish(99) // nobody watches: nothing happens
	b.Unsubscribe(s1)
	b.Unsubscribe(s2)
	b.Unsubscribe(other)
	if b.feedCount() != 0 {
		t.Errorf("feeds left: %d", b.feedCount())
	}
}
