package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/newsarchive/newsarchive"
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

// webArchive adapts the archive to web.Archive. bbolt lets one process
// hold the file, and a reader's shared lock keeps a writer out (and the
// other way round), so a serve that held the archive for its whole life
// would stop every crawl of it. webArchive opens the archive (read-only)
// when a request needs it and closes it once no request has used it for
// idle; a request that finds the file held by another process waits up to
// --lock-timeout and then answers 503 (web.ErrUnavailable).
type webArchive struct {
	open  func() (*archive.Store, error)
	idle  time.Duration
	retry time.Duration // lockedFor; shorter in tests

	mu          sync.Mutex
	store       *archive.Store
	users       int
	timer       *time.Timer
	closed      bool
	locked      error     // the last ErrLocked of open
	lockedUntil time.Time // until when requests get it without waiting again
}

// lockedFor is how long a failed open (the file held by another process)
// answers the following requests without waiting for the lock again: a page
// and its images would otherwise wait --lock-timeout each, in turn.
const lockedFor = 2 * time.Second

func newWebArchive(open func() (*archive.Store, error), idle time.Duration) *webArchive {
	return &webArchive{open: open, idle: idle, retry: lockedFor}
}

// acquire returns the open store, opening it when needed.
func (a *webArchive) acquire() (*archive.Store, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return nil, webError(archive.ErrClosed)
	}
	if a.timer != nil {
		a.timer.Stop()
		a.timer = nil
	}
	if a.store == nil {
		if a.locked != nil && time.Now().Before(a.lockedUntil) {
			return nil, webError(a.locked)
		}
		s, err := a.open()
		if err != nil {
			if errors.Is(err, archive.ErrLocked) {
				a.locked, a.lockedUntil = err, time.Now().Add(a.retry)
			}
			return nil, webError(err)
		}
		a.store, a.locked = s, nil
	}
	a.users++
	return a.store, nil
}

// release ends one use; the last one starts the idle timer.
func (a *webArchive) release() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.users--
	if a.users > 0 || a.idle == 0 || a.closed {
		return
	}
	a.timer = time.AfterFunc(a.idle, func() {
		a.mu.Lock()
		defer a.mu.Unlock()
		if a.users == 0 && a.store != nil {
			a.store.Close()
			a.store = nil
		}
	})
}

// check opens the archive once, to report a bad file at start.
func (a *webArchive) check() error {
	if _, err := a.acquire(); err != nil {
		return err
	}
	a.release()
	return nil
}

// Close closes the archive for good.
func (a *webArchive) Close() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.closed = true
	if a.timer != nil {
		a.timer.Stop()
	}
	if a.store == nil {
		return nil
	}
	err := a.store.Close()
	a.store = nil
	return err
}

// use runs fn with the open store.
func (a *webArchive) use(fn func(s *archive.Store) error) error {
	s, err := a.acquire()
	if err != nil {
		return err
	}
	defer a.release()
	return webError(fn(s))
}

// classified is an archive error that also matches a web sentinel, so the
// server picks the status while the message stays the archive's.
type classified struct{ err, kind error }

func (e *classified) Error() string   { return e.err.Error() }
func (e *classified) Unwrap() []error { return []error{e.err, e.kind} }

// webError tags archive errors with the web sentinel the server maps to a
// status: not found → 404, a bad cursor → 400, locked or closed → 503.
func webError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, archive.ErrNotFound):
		return &classified{err, web.ErrNotFound}
	case errors.Is(err, archive.ErrBadCursor):
		return &classified{err, web.ErrBadQuery}
	case errors.Is(err, archive.ErrLocked), errors.Is(err, archive.ErrClosed):
		return &classified{err, web.ErrUnavailable}
	}
	return err
}

func (a *webArchive) Records(ctx context.Context, q web.Query) (web.RecordList, error) {
	var out web.RecordList
	err := a.use(func(s *archive.Store) error {
		l, err := s.ListRecords(ctx, archive.ListOptions{
			Site: q.Site, Text: q.Text, From: q.From, To: q.To, Before: q.Before, Limit: q.Limit,
		})
		if err != nil {
			return err
		}
		out.Next = l.Next
		out.Records = make([]web.RecordSummary, 0, len(l.Records))
		for _, r := range l.Records {
			out.Records = append(out.Records, web.RecordSummary(r))
		}
		return nil
	})
	return out, err
}

func (a *webArchive) Record(ctx context.Context, id string, version int) (*newsarchive.Article, error) {
	var out *newsarchive.Article
	err := a.use(func(s *archive.Store) (err error) {
		out, err = s.RecordVersion(ctx, id, version)
		return err
	})
	return out, err
}

func (a *webArchive) Versions(ctx context.Context, id string) ([]web.Version, error) {
	var out []web.Version
	err := a.use(func(s *archive.Store) error {
		vs, err := s.Versions(ctx, id)
		for _, v := range vs {
			out = append(out, web.Version(v))
		}
		return err
	})
	return out, err
}

func (a *webArchive) Diff(ctx context.Context, id string, from, to int) (*web.Diff, error) {
	var out *web.Diff
	err := a.use(func(s *archive.Store) error {
		d, err := s.Diff(ctx, id, from, to)
		if err != nil {
			return err
		}
		out = &web.Diff{ID: d.ID, From: d.From, To: d.To, Fields: []web.FieldDiff{}}
		for _, f := range d.Fields {
			fd := web.FieldDiff{Field: f.Field}
			for _, op := range f.Ops {
				fd.Ops = append(fd.Ops, web.DiffOp{Kind: string(op.Kind), Text: op.Text})
			}
			out.Fields = append(out.Fields, fd)
		}
		return nil
	})
	return out, err
}

func (a *webArchive) Snapshot(ctx context.Context, id string) (*web.Snapshot, error) {
	var out *web.Snapshot
	err := a.use(func(s *archive.Store) error {
		snap, err := s.Snapshot(ctx, id)
		out = webSnapshot(snap)
		return err
	})
	return out, err
}

func (a *webArchive) Export(ctx context.Context, w io.Writer, q web.ExportQuery) (int, error) {
	var n int
	err := a.use(func(s *archive.Store) error {
		var err error
		n, err = s.Export(ctx, w, archive.ExportOptions{Since: q.Since, Site: q.Site, AsOf: q.AsOf})
		return err
	})
	return n, err
}

func (a *webArchive) NearestSnapshot(ctx context.Context, url string, at time.Time) (*web.Snapshot, error) {
	var out *web.Snapshot
	err := a.use(func(s *archive.Store) error {
		snap, err := s.NearestSnapshot(ctx, url, at)
		out = webSnapshot(snap)
		return err
	})
	return out, err
}

func webSnapshot(s *archive.Snapshot) *web.Snapshot {
	if s == nil {
		return nil
	}
	return &web.Snapshot{
		ID: s.ID, URL: s.URL, RequestedURL: s.RequestedURL, FetchedAt: s.FetchedAt, Status: s.Status,
		Header: s.Header, RevisitOf: s.RevisitOf, RecordID: s.RecordID, Version: s.Version,
		ContentHash: s.ContentHash, IsArticle: s.IsArticle, ExtractErr: s.ExtractErr, Body: s.Body,
	}
}
