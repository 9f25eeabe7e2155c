package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"sync"
	"time"

	"github.com/newsarchive/newsarchive"
	"github.com/newsarchive/newsarchive/archive"
	"github.com/newsarchive/newsarchive/crawler"
	"github.com/newsarchive/newsarchive/extract"
)

// The archive is the crawler's sink, through archiveSink, and its frontier,
// one that commits in steps and forgets finished generations.
var (
	_ crawler.Sink      = (*archiveSink)(nil)
	_ crawler.Leaser    = (*archive.Frontier)(nil)
	_ crawler.Forgetter = (*archive.Frontier)(nil)
)

// archiveFlags are the flags every command that opens the archive shares.
type archiveFlags struct {
	path        string
	lockTimeout time.Duration
}

func (f *archiveFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.path, "archive", "newsarchive.db", "archive file")
	f.lockTimeout = 5 * time.Second
	fs.Var((*lockWait)(&f.lockTimeout), "lock-timeout", "how long to wait for another process holding the archive (0: fail at once)")
}

// lockWait is the value of --lock-timeout: a duration of 0 or more. The
// archive takes a negative one to mean "wait for ever", which a command
// must not do on a typo.
type lockWait time.Duration

func (l *lockWait) String() string { return time.Duration(*l).String() }

func (l *lockWait) Set(v string) error {
	d, err := time.ParseDuration(v)
	if err != nil {
		return errors.New("parse error")
	}
	if d < 0 {
		return fmt.Errorf("%s: want 0 or more", v)
	}
	*l = lockWait(d)
	return nil
}

// open opens the archive with the current extractor wired in.
func (f *archiveFlags) open(readOnly bool) (*archive.Store, error) {
	opts := archive.DefaultOptions()
	opts.Timeout = f.lockTimeout
	opts.ReadOnly = readOnly
	opts.Extract = extract.New(extract.DefaultOptions()).Extract
	return archive.Open(f.path, opts)
}

// archiveSink adapts the archive to crawler.Sink and counts what each page
// did to the records, for the summary line.
type archiveSink struct {
	store *archive.Store

	mu       sync.Mutex
	outcomes map[archive.Outcome]int
}

func newArchiveSink(s *archive.Store) *archiveSink {
	return &archiveSink{store: s, outcomes: map[archive.Outcome]int{}}
}

// Put stores one page. An archive error stops the crawl: nothing is
// fetched that could not be kept.
func (a *archiveSink) Put(ctx context.Context, p *newsarchive.Page) error {
	r, err := a.store.Put(ctx, p)
	if err != nil {
		return fmt.Errorf("archive %s: %w", a.store.Path(), err)
	}
	a.mu.Lock()
	a.outcomes[r.Outcome]++
	a.mu.Unlock()
	return nil
}

// count returns how many pages had outcome o.
func (a *archiveSink) count(o archive.Outcome) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.outcomes[o]
}
