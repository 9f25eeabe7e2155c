package main

import (
	"context"
	"errors"
	"io"
	"sync"
	"time"

	"github.com/newsarchive/newsarchive"
	"github.com/newsarchive/newsarchive/archive"
	"github.com/newsarchive/newsarchive/web"
)

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

// Records lists records for the web UI.
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

// Record returns one record, version 0 being the latest.
func (a *webArchive) Record(ctx context.Context, id string, version int) (*newsarchive.Article, error) {
	var out *newsarchive.Article
	err := a.use(func(s *archive.Store) (err error) {
		out, err = s.RecordVersion(ctx, id, version)
		return err
	})
	return out, err
}

// Versions lists a record's versions, oldest first.
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

// Diff compares two versions of a record word by word.
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

// Snapshot returns one stored fetch with its body.
func (a *webArchive) Snapshot(ctx context.Context, id string) (*web.Snapshot, error) {
	var out *web.Snapshot
	err := a.use(func(s *archive.Store) error {
		snap, err := s.Snapshot(ctx, id)
		out = webSnapshot(snap)
		return err
	})
	return out, err
}

// Export streams the records as JSONL, as the export command does.
func (a *webArchive) Export(ctx context.Context, w io.Writer, q web.ExportQuery) (int, error) {
	var n int
	err := a.use(func(s *archive.Store) error {
		var err error
		n, err = s.Export(ctx, w, archive.ExportOptions{Since: q.Since, Site: q.Site, AsOf: q.AsOf})
		return err
	})
	return n, err
}

// NearestSnapshot returns the stored fetch of url nearest to at.
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
