package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/newsarchive/newsarchive/archive"
	"github.com/newsarchive/newsarchive/web"
)

// The archive is what the web UI reads, through webArchive.
var _ web.Archive = (*webArchive)(nil)

func runServe(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "serve", "[--archive F] [--addr 127.0.0.1:8080]")
	var af archiveFlags
	af.register(fs)
	// Every request may wait for the lock: a second is plenty for a page
	// (a crawl holds the file for minutes, not for a moment).
	if f := fs.Lookup("lock-timeout"); f != nil {
		_ = f.Value.Set("1s")
		f.DefValue = "1s"
	}
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on (the UI has no authentication: keep it on loopback)")
	idle := fs.Duration("idle", 2*time.Second, "close the archive file after this long without requests, so a crawl in another process can open it (0: keep it open)")
	var lf logFlags
	lf.register(fs, "log every request")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("serve: unexpected argument %q", fs.Arg(0))
	}
	if *idle < 0 {
		return usagef("serve: --idle %s: want 0 or more", *idle)
	}
	log := newLogger(e.stderr, string(lf.format), lf.verbose)

	arch := newWebArchive(func() (*archive.Store, error) { return af.open(true) }, *idle)
	defer arch.Close()
	// Open once now, so a missing or corrupt file is reported at once. A
	// file another process holds is not fatal: pages answer 503 until the
	// process lets go.
	if err := arch.check(); err != nil {
		if !errors.Is(err, archive.ErrLocked) {
			return err
		}
		fmt.Fprintf(e.stderr, "newsarchive serve: %v\n  (serving anyway: pages answer 503 until the other process releases %s)\n", err, af.path)
	}

	ws, err := startWeb(e, *addr, arch, log, lf.verbose)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "newsarchive serve: %s on %s (Ctrl-C stops)\n", af.path, ws.url)
	select {
	case err := <-ws.done:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	return ws.stop(ctx)
}

// webServer is the web UI listening on an address.
type webServer struct {
	srv  *http.Server
	url  string     // http://host:port/
	done chan error // Serve's result
}

// startWeb serves the web UI over arch on addr until stop.
func startWeb(e *env, addr string, arch web.Archive, log *slog.Logger, verbose bool) (*webServer, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on --addr %s: %w", addr, err)
	}
	opts := web.DefaultOptions()
	opts.Archive = arch
	opts.Logger = log
	host, port, _ := net.SplitHostPort(ln.Addr().String())
	if net.ParseIP(host).IsLoopback() {
		// Only the loopback names answer, so no other site's page can
		// reach the archive through a name pointed at 127.0.0.1.
		for _, name := range []string{"127.0.0.1", "localhost", "::1", host} {
			opts.Hosts = append(opts.Hosts, net.JoinHostPort(name, port))
		}
	} else {
		fmt.Fprintf(e.stderr, "newsarchive: warning: serving on %s, beyond this machine; the UI has no authentication\n", ln.Addr())
	}
	h, err := web.New(opts)
	if err != nil {
		ln.Close()
		return nil, err
	}
	var handler http.Handler = h
	if verbose {
		handler = logRequests(h, log)
	}
	ws := &webServer{
		srv: &http.Server{
			Handler:           handler,
			ReadHeaderTimeout: 10 * time.Second,
			IdleTimeout:       2 * time.Minute,
		},
		url:  "http://" + ln.Addr().String() + "/",
		done: make(chan error, 1),
	}
	go func() { ws.done <- ws.srv.Serve(ln) }()
	return ws, nil
}

// stop shuts the server down gracefully: requests in flight finish, for a
// few seconds at most.
func (ws *webServer) stop(ctx context.Context) error {
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := ws.srv.Shutdown(sctx); err != nil {
		ws.srv.Close()
	}
	if err := <-ws.done; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// logRequests logs one line per request.
func logRequests(h http.Handler, log interface {
	Info(msg string, args ...any)
}) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(sw, r)
		log.Info("request", "method", r.Method, "url", r.URL.String(), "status", sw.status, "dur", time.Since(start))
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}
