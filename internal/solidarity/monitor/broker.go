package monitor

import (
	"bytes"
	"context"
	"log/slog"
	"sync"
	"time"
)

// Broker fans an episode's snapshots out to the streams watching it. Each
// watched episode has one feed, whatever the number of streams: the feed
// re-reads the episode when told of a change (Publish) and every poll
// interval (changes made on other app instances), and passes the snapshot
// on only when it differs from the last one.
type Broker struct {
	load       func(ctx context.Context, episodeID int64) ([]byte, error)
	poll       time.Duration
	perAccount int
	maxStreams int
	log        *slog.Logger

	mu      sync.Mutex
	feeds   map[int64]*feed
	streams map[int64]int // open streams per account
	total   int
	done    chan struct{}
	closed  bool
}

type feed struct {
	subs map[*Subscription]struct{}
	wake chan struct{}
	stop context.CancelFunc
}

// Subscription receives an episode's snapshots (JSON) as they change; a
// slow reader only ever gets the latest one.
type Subscription struct {
	C         <-chan []byte
	c         chan []byte
	episodeID int64
}

func newBroker(load func(context.Context, int64) ([]byte, error), poll time.Duration, perAccount, maxStreams int, log *slog.Logger) *Broker {
	return &Broker{load: load, poll: poll, perAccount: perAccount, maxStreams: maxStreams, log: log,
		feeds: map[int64]*feed{}, streams: map[int64]int{}, done: make(chan struct{})}
}

// Publish says that an episode changed: its streams get the new figures
// at once rather than at the next poll. It never blocks.
func (b *Broker) Publish(episodeID int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if f := b.feeds[episodeID]; f != nil {
		select {
		case f.wake <- struct{}{}:
		default: // a re-read is already due
		}
	}
}

// Close ends every stream (server shutdown: streams would otherwise hold
// http.Server.Shutdown until its grace period runs out).
func (b *Broker) Close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.closed {
		b.closed = true
		close(b.done)
	}
}

// Done is closed when the broker is.
func (b *Broker) Done() <-chan struct{} { return b.done }

// Acquire takes one of the account's stream slots; false when the account
// or the instance has too many streams open. release gives it back.
func (b *Broker) Acquire(userID int64) (release func(), ok bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed || b.total >= b.maxStreams || b.streams[userID] >= b.perAccount {
		return nil, false
	}
	b.total++
	b.streams[userID]++
	var once sync.Once
	return func() {
		once.Do(func() {
			b.mu.Lock()
			defer b.mu.Unlock()
			b.total--
			if b.streams[userID]--; b.streams[userID] <= 0 {
				delete(b.streams, userID)
			}
		})
	}, true
}

// Subscribe starts receiving an episode's snapshots. The first one comes
// from the feed's first read; call Unsubscribe when done.
func (b *Broker) Subscribe(episodeID int64) *Subscription {
	c := make(chan []byte, 1)
	sub := &Subscription{C: c, c: c, episodeID: episodeID}
	b.mu.Lock()
	defer b.mu.Unlock()
	f := b.feeds[episodeID]
	if f == nil {
		ctx, cancel := context.WithCancel(context.Background())
		f = &feed{subs: map[*Subscription]struct{}{}, wake: make(chan struct{}, 1), stop: cancel}
		b.feeds[episodeID] = f
		go b.run(ctx, episodeID, f)
	}
	f.subs[sub] = struct{}{}
	return sub
}

// Unsubscribe stops a subscription; the feed stops with its last one.
func (b *Broker) Unsubscribe(sub *Subscription) {
	b.mu.Lock()
	defer b.mu.Unlock()
	f := b.feeds[sub.episodeID]
	if f == nil {
		return
	}
	delete(f.subs, sub)
	if len(f.subs) == 0 {
		f.stop()
		delete(b.feeds, sub.episodeID)
	}
}

// run is an episode's feed: read, pass on if changed, wait.
func (b *Broker) run(ctx context.Context, episodeID int64, f *feed) {
	tick := time.NewTicker(b.poll)
	defer tick.Stop()
	var last []byte
	for {
		rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		p, err := b.load(rctx, episodeID)
		cancel()
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			b.log.Warn("live figures not read", "episode", episodeID, "err", err)
		case !bytes.Equal(p, last):
			last = p
			b.broadcast(f, p)
		}
		select {
		case <-ctx.Done():
			return
		case <-b.done:
			return
		case <-f.wake:
		case <-tick.C:
		}
	}
}

// broadcast hands p to each subscriber, replacing a snapshot not yet read.
func (b *Broker) broadcast(f *feed, p []byte) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for sub := range f.subs {
		select {
		case <-sub.c: // stale: drop it
		default:
		}
		sub.c <- p // only this feed sends, under b.mu: there is room now
	}
}
