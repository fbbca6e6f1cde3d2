// Command cvload measures the platform's home page under a local load, next
// to a hello-world net/http handler measured the same way in the same run, so
// the figure says how much the platform costs over the bare HTTP server.
//
//	go run ./cmd/cvload -duration 10s -concurrency 32
//
// Both servers listen on 127.0.0.1 inside this process; the load goes to
// loopback only, is bounded in time, and stops by itself.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"sync"
	"time"

	"climatevolunteers/internal/app"
	"climatevolunteers/internal/config"
)

func main() {
	duration := flag.Duration("duration", 10*time.Second, "how long to load each target (at most 2m)")
	concurrency := flag.Int("concurrency", 32, "concurrent clients")
	warmup := flag.Duration("warmup", 2*time.Second, "unmeasured load before each run")
	path := flag.String("path", "/", "platform path to load")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	flag.Parse()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "cvload:", err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	if *duration <= 0 || *duration > 2*time.Minute || *concurrency < 1 || *concurrency > 1024 {
		fmt.Fprintln(os.Stderr, "cvload: duration must be in (0, 2m] and concurrency in [1, 1024]")
		os.Exit(2)
	}
	if err := run(*duration, *warmup, *concurrency, *path); err != nil {
		fmt.Fprintln(os.Stderr, "cvload:", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

func run(duration, warmup time.Duration, concurrency int, path string) error {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "cvload-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	cfg := config.Config{Addr: "127.0.0.1:0", DataDir: dir, Demo: true, LogFormat: "text", LogLevel: "error",
		MaxBodyBytes: 1 << 20, CityName: "Paris", ShutdownTimeout: 5 * time.Second}
	// Access logs are discarded: the measure is of the handler, not of a
	// terminal scrolling.
	a, err := app.New(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	defer a.Close()

	hello := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "Hello, world!\n")
	})
	platformURL, stopPlatform, err := listen(a.Handler)
	if err != nil {
		return err
	}
	defer stopPlatform()
	helloURL, stopHello, err := listen(hello)
	if err != nil {
		return err
	}
	defer stopHello()

	fmt.Printf("cvload: %d clients, %s per target after %s warm-up, GOMAXPROCS=%d, %s\n",
		concurrency, duration, warmup, runtime.GOMAXPROCS(0), time.Now().UTC().Format(time.RFC3339))
	hw := measure("hello-world net/http", helloURL+"/", warmup, duration, concurrency)
	pf := measure("platform GET "+path, platformURL+path, warmup, duration, concurrency)
	fmt.Println()
	fmt.Println("| target | requests | errors | req/s | p50 ms | p99 ms |")
	fmt.Println("|---|---:|---:|---:|---:|---:|")
	for _, r := range []result{hw, pf} {
		fmt.Printf("| %s | %d | %d | %.0f | %.2f | %.2f |\n", r.name, r.count, r.errors, r.rps(), ms(r.p50), ms(r.p99))
	}
	fmt.Printf("\nplatform / hello-world: throughput %.2f, p99 latency %.2f\n", pf.rps()/hw.rps(), ms(pf.p99)/ms(hw.p99))
	if pf.errors > 0 || hw.errors > 0 {
		return errors.New("some requests failed")
	}
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func listen(h http.Handler) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := app.NewServer(h, slog.New(slog.DiscardHandler))
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), func() { srv.Close() }, nil
}

type result struct {
	name     string
	count    int
	errors   int
	elapsed  time.Duration
	p50, p99 time.Duration
}

func (r result) rps() float64 { return float64(r.count) / r.elapsed.Seconds() }

// measure runs concurrency clients in a closed loop (each sends its next
// request when the previous answer is read) for warmup, then for duration
// while recording every latency.
func measure(name, url string, warmup, duration time.Duration, concurrency int) result {
	tr := &http.Transport{MaxIdleConnsPerHost: concurrency, MaxConnsPerHost: concurrency}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	load(client, url, warmup, concurrency, false)
	lat, errs, elapsed := load(client, url, duration, concurrency, true)
	slices.Sort(lat)
	r := result{name: name, count: len(lat), errors: errs, elapsed: elapsed}
	if len(lat) > 0 {
		r.p50 = lat[len(lat)*50/100]
		r.p99 = lat[min(len(lat)-1, len(lat)*99/100)]
	}
	return r
}

func load(client *http.Client, url string, d time.Duration, concurrency int, record bool) ([]time.Duration, int, time.Duration) {
	var (
		mu   sync.Mutex
		all  []time.Duration
		errs int
		wg   sync.WaitGroup
	)
	start := time.Now()
	deadline := start.Add(d)
	for range concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			bad := 0
			for time.Now().Before(deadline) {
				t0 := time.Now()
				resp, err := client.Get(url)
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK {
						err = fmt.Errorf("status %d", resp.StatusCode)
					}
				}
				if err != nil {
					bad++
					continue
				}
				if record {
					mine = append(mine, time.Since(t0))
				}
			}
			mu.Lock()
			all = append(all, mine...)
			errs += bad
			mu.Unlock()
		}()
	}
	wg.Wait()
	return all, errs, time.Since(start)
}
