package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/newsarchive/newsarchive/archive"
	"github.com/newsarchive/newsarchive/crawler"
)

// crawlFlags are the flags of crawl (and the demo's crawl).
type crawlFlags struct {
	archiveFlags
	maxPages     int
	depth        int
	allowPrivate bool
	parallelism  int
	delay        time.Duration
	logFormat    string
	verbose      bool
}

func runCrawl(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "crawl", "[flags] SEED...   (SEED: page URL, sitemap or feed URL)")
	var f crawlFlags
	f.archiveFlags.register(fs)
	def := crawler.DefaultOptions()
	fs.IntVar(&f.maxPages, "max-pages", 0, "stop after this many pages (0: no limit)")
	fs.IntVar(&f.depth, "depth", 2, "link hops followed from the seeds (0: the seeds only)")
	fs.BoolVar(&f.allowPrivate, "allow-private", false, "allow fetching private, loopback and link-local addresses")
	fs.IntVar(&f.parallelism, "parallelism", def.Parallelism, "requests in flight per host")
	fs.DurationVar(&f.delay, "delay", def.Delay, "time between two requests to one host")
	fs.StringVar(&f.logFormat, "log-format", "text", "log line format: text or json")
	fs.BoolVar(&f.verbose, "v", false, "log every fetch")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return usagef("crawl: no SEED given")
	}
	if f.maxPages < 0 || f.depth < 0 || f.parallelism < 1 || f.delay < 0 {
		return usagef("crawl: --max-pages and --depth must be >= 0, --parallelism >= 1, --delay >= 0")
	}
	store, err := f.open(false)
	if err != nil {
		return err
	}
	sum, err := crawlInto(ctx, e, store, &f, fs.Args())
	if cerr := store.Close(); cerr != nil && err == nil {
		err = cerr
	}
	if sum != nil {
		fmt.Fprintln(e.stderr, sum.String())
	}
	return err
}

// crawlSummary is what one crawl did.
type crawlSummary struct {
	stats    crawler.Stats
	sink     *archiveSink
	archive  archive.Stats
	duration time.Duration
}

func (s *crawlSummary) String() string {
	return fmt.Sprintf("crawled %d pages (%d not modified, %d errors) in %.1fs: %d new articles, %d new versions, %d unchanged, %d revisits, %d not articles; archive holds %d records, %d snapshots",
		s.stats.Pages, s.stats.NotModified, s.stats.Errors, s.duration.Seconds(),
		s.sink.count(archive.NewRecord), s.sink.count(archive.NewVersion), s.sink.count(archive.Unchanged),
		s.sink.count(archive.Revisit), s.sink.count(archive.NotArticle),
		s.archive.Records, s.archive.Snapshots)
}

// crawlInto runs one crawl of seeds into store.
func crawlInto(ctx context.Context, e *env, store *archive.Store, f *crawlFlags, seeds []string) (*crawlSummary, error) {
	start := time.Now()
	sink := newArchiveSink(store)
	opts := crawler.DefaultOptions()
	opts.Seeds = seeds
	opts.Depth = f.depth
	opts.MaxPages = f.maxPages
	opts.AllowPrivate = f.allowPrivate
	opts.Parallelism = f.parallelism
	opts.Delay = f.delay
	opts.Sink = sink
	opts.Validators = store.Validators
	opts.Logger = newLogger(e.stderr, f.logFormat, f.verbose)
	if isTerminal(e.stderr) && !f.verbose {
		opts.Progress = e.stderr
	}
	c, err := crawler.New(opts)
	if err != nil {
		return nil, usagef("crawl: %v", err)
	}
	st, err := c.Run(ctx)
	if errors.Is(err, context.Canceled) {
		err = fmt.Errorf("crawl: stopped by signal; the archive is consistent, run the same command again to continue")
	}
	sum := &crawlSummary{stats: st, sink: sink, duration: time.Since(start)}
	as, serr := store.Stats(context.WithoutCancel(ctx))
	if serr != nil && err == nil {
		err = serr
	}
	sum.archive = as
	return sum, err
}
