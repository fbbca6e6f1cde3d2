package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"

	"climatevolunteers/internal/app"
	"climatevolunteers/internal/config"
)

func serve(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	cfg, err := config.Parse(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return err
	}
	if err != nil {
		return usageError{err}
	}
	log := app.NewLogger(cfg, os.Stderr)
	a, err := app.New(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w", cfg.Addr, err)
	}
	log.Info("serving", "addr", "http://"+ln.Addr().String(), "engine", a.DB.Engine, "demo", cfg.Demo)
	// The outbox worker stops after the server: a request finishing during
	// shutdown may still queue a mail, which a later start then delivers.
	workerCtx, stopWorker := context.WithCancel(context.WithoutCancel(ctx))
	workerDone := make(chan error, 1)
	go func() { workerDone <- a.RunWorkers(workerCtx) }()
	srv := app.NewServer(a.Handler, log)
	srv.RegisterOnShutdown(a.CloseStreams) // live dashboards end at once, not at the grace period's end
	err = app.Serve(ctx, srv, ln, cfg.ShutdownTimeout)
	stopWorker()
	if werr := <-workerDone; werr != nil && !errors.Is(werr, context.Canceled) {
		log.Error("outbox worker", "err", werr)
	}
	log.Info("stopped")
	return err
}
