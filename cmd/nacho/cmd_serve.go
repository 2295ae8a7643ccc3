//go:build !js

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"
)

// serveEnv is what a serve extension gets: the mux to add its routes to and
// the node's settings. Extensions (the page, signaling, the chunk store, ...)
// live in serve_<name>.go files and append themselves to serveExtensions.
type serveEnv struct {
	Mux     *http.ServeMux
	DataDir string // absolute; created before extensions run
	Addr    string // the address actually listened on (host:port)
	Log     *slog.Logger
}

// serveExtension is one part of the node. flags is called before parsing so
// the extension can declare its own flags; start is called once the data
// directory exists and returns a function that releases what it holds.
type serveExtension struct {
	name  string
	flags func(fs *flag.FlagSet)
	start func(ctx context.Context, env *serveEnv) (stop func() error, err error)
}

var serveExtensions []*serveExtension

func init() {
	register(&command{name: "serve", summary: "serve the page and run the cloud node", run: runServe})
}

func runServe(args []string) int {
	fs := flag.NewFlagSet("nacho serve", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	data := fs.String("data", defaultDataDir(), "directory for the node's data")
	for _, ext := range serveExtensions {
		if ext.flags != nil {
			ext.flags(fs)
		}
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	dir, err := filepath.Abs(*data)
	if err != nil {
		return fatalf("serve", "%v", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fatalf("serve", "data directory: %v", err)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fatalf("serve", "%v", err)
	}
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()

	env := &serveEnv{Mux: http.NewServeMux(), DataDir: dir, Addr: ln.Addr().String(), Log: log}
	var stops []func() error
	defer func() {
		for i := len(stops) - 1; i >= 0; i-- {
			if err := stops[i](); err != nil {
				log.Warn("shutdown", "err", err)
			}
		}
	}()
	for _, ext := range serveExtensions {
		stop, err := ext.start(ctx, env)
		if err != nil {
			ln.Close()
			return fatalf("serve", "%s: %v", ext.name, err)
		}
		if stop != nil {
			stops = append(stops, stop)
		}
	}

	srv := &http.Server{Handler: env.Mux, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	fmt.Fprintf(os.Stderr, "nacho serve: listening on http://%s (data in %s)\n", env.Addr, dir)
	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return fatalf("serve", "%v", err)
		}
	case <-ctx.Done():
		sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer scancel()
		srv.Shutdown(sctx)
	}
	return 0
}

func defaultDataDir() string {
	if d, err := os.UserConfigDir(); err == nil {
		return filepath.Join(d, "nacho")
	}
	return ".nacho"
}
