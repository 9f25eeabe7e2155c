package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/newsarchive/newsarchive/archive"
	"github.com/newsarchive/newsarchive/crawler"
	"github.com/newsarchive/newsarchive/fixtures"
)

func runDemo(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "demo", "[--archive demo.db] [-o demo.jsonl]")
	dbPath := fs.String("archive", "demo.db", "archive file the demo writes (replaced)")
	out := fs.String("o", "demo.jsonl", "JSONL file the demo exports to (replaced)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("demo: unexpected argument %q", fs.Arg(0))
	}
	start := time.Now()

	// The demo site is served on a random loopback port, so every run
	// makes new URLs: start from an empty archive rather than mixing runs.
	// Only an earlier demo's archive is replaced, never a real one.
	if err := removeDemoArchive(ctx, *dbPath); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("demo: listen on 127.0.0.1: %w", err)
	}
	srv := &http.Server{Handler: fixtures.Handler(), ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	origin := "http://" + ln.Addr().String()
	fmt.Fprintf(e.stderr, "serving the demo site at %s\n", origin)

	af := archiveFlags{path: *dbPath, lockTimeout: 5 * time.Second}
	depth, noDelay := 3, time.Duration(0)
	job := &crawler.Job{
		Name:         "demo",
		Seeds:        []string{origin + "/", origin + "/sitemap.xml", origin + "/rss.xml"},
		Depth:        &depth,
		AllowPrivate: true, // the demo site is on loopback
		Parallelism:  4,    // our own local server: no need for real-site politeness
		Delay:        &noDelay,
	}
	store, err := af.open(false)
	if err != nil {
		return err
	}
	defer store.Close()
	sum, err := crawlInto(ctx, e, store, job, logFlags{format: "text"}, nil, nil)
	if ctx.Err() != nil {
		return fmt.Errorf("demo: stopped by signal (run it again to start over)")
	}
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	n, err := writeOutput(io.Discard, *out, func(w io.Writer) (int, error) {
		return store.Export(ctx, w, archive.ExportOptions{})
	})
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	merged := sum.sink.count(archive.Unchanged) + sum.sink.count(archive.Revisit)
	fmt.Fprintf(e.stdout, "demo: %d pages fetched, %d articles, %d duplicates merged, %.1f seconds\n",
		sum.stats.Pages, n, merged, time.Since(start).Seconds())
	fmt.Fprintf(e.stdout, "demo: archive %s (%d snapshots), records in %s\n", *dbPath, sum.archive.Snapshots, *out)
	fmt.Fprintln(e.stdout, "try: newsarchive stats --archive", *dbPath)
	return nil
}

// removeDemoArchive removes the archive at path if it is an earlier demo's:
// empty, or holding records of the demo site on loopback (one site) only.
// Anything else, a file of snapshots without records included, is left
// alone and reported.
func removeDemoArchive(ctx context.Context, path string) error {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	opts := archive.DefaultOptions()
	opts.ReadOnly = true
	s, err := archive.Open(path, opts)
	if errors.Is(err, archive.ErrLocked) {
		return fmt.Errorf("demo: %w", err)
	}
	if err != nil {
		return fmt.Errorf("demo: %s exists and is not an archive the demo made (%w); choose another --archive", path, err)
	}
	st, err := s.Stats(ctx)
	var newest archive.RecordList
	if err == nil {
		newest, err = s.ListRecords(ctx, archive.ListOptions{Limit: 1})
	}
	s.Close()
	if err != nil {
		return fmt.Errorf("demo: read %s: %w", path, err)
	}
	demo := st.Snapshots == 0 || (st.Sites <= 1 && len(newest.Records) > 0 && newest.Records[0].Site == "127.0.0.1")
	if !demo {
		return fmt.Errorf("demo: %s holds records of other sites than the demo's; not replacing it (choose another --archive)", path)
	}
	if err := os.Remove(path); err != nil {
		return fmt.Errorf("demo: remove the earlier demo's %s: %w", path, err)
	}
	return nil
}
