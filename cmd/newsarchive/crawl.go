package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/newsarchive/newsarchive/archive"
	"github.com/newsarchive/newsarchive/crawler"
)

// logFlags choose how a long-running command logs.
type logFlags struct {
	format  logFormat
	verbose bool
}

func (f *logFlags) register(fs *flag.FlagSet, verboseHelp string) {
	f.format = "text"
	fs.Var(&f.format, "log-format", "log line format: text or json")
	fs.BoolVar(&f.verbose, "v", false, verboseHelp)
}

// logFormat is the value of --log-format: "text" or "json", nothing else.
type logFormat string

func (l *logFormat) String() string { return string(*l) }

func (l *logFormat) Set(v string) error {
	switch strings.ToLower(v) {
	case "text", "json":
		*l = logFormat(strings.ToLower(v))
		return nil
	}
	return fmt.Errorf("%q: want text or json", v)
}

func runCrawl(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "crawl", "[flags] [--config job.yaml] SEED...   (SEED: page URL, sitemap or feed URL)")
	var af archiveFlags
	af.register(fs)
	var lf logFlags
	lf.register(fs, "log every fetch")
	def := crawler.DefaultOptions()
	config := fs.String("config", "", "job file (YAML) with seeds, hosts, patterns, depth, limits; flags given too override it")
	maxPages := fs.Int("max-pages", 0, "stop after this many pages (0: no limit)")
	depth := fs.Int("depth", 2, "link hops followed from the seeds (0: the seeds only)")
	allowPrivate := fs.Bool("allow-private", false, "allow fetching private, loopback and link-local addresses")
	parallelism := fs.Int("parallelism", def.Parallelism, "requests in flight per host")
	delay := fs.Duration("delay", def.Delay, "time between two requests to one host")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	job := &crawler.Job{Name: "crawl"}
	if *config != "" {
		var err error
		if job, err = loadJob(*config); errors.Is(err, os.ErrNotExist) || errors.Is(err, os.ErrPermission) {
			return fmt.Errorf("crawl --config: %w", err)
		} else if err != nil {
			return usagef("crawl --config: %v", err)
		}
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if *config == "" || set["depth"] {
		job.Depth = depth
	}
	if *config == "" || set["max-pages"] {
		job.MaxPages = *maxPages
	}
	if *config == "" || set["allow-private"] {
		job.AllowPrivate = *allowPrivate
	}
	if *config == "" || set["parallelism"] {
		job.Parallelism = *parallelism
	}
	if *config == "" || set["delay"] {
		job.Delay = delay
	}
	for _, s := range fs.Args() {
		if strings.HasPrefix(s, "-") {
			return usagef("crawl: %q looks like a flag: flags go before the SEEDs", s)
		}
	}
	job.Seeds = append(job.Seeds, fs.Args()...)
	if len(job.Seeds) == 0 {
		fs.Usage()
		return usagef("crawl: no SEED given")
	}
	for _, bad := range []struct {
		is   bool
		flag string
		want string
	}{
		{*maxPages < 0, "max-pages", "0 or more"},
		{*depth < 0, "depth", "0 or more"},
		{*parallelism < 1, "parallelism", "1 or more"},
		{*delay < 0, "delay", "0 or more"},
	} {
		if bad.is {
			return usagef("crawl: --%s %s: want %s", bad.flag, fs.Lookup(bad.flag).Value, bad.want)
		}
	}
	if err := job.Validate(); err != nil {
		return usagef("crawl: %v", err)
	}
	store, err := af.open(false)
	if err != nil {
		return err
	}
	sum, err := crawlInto(ctx, e, store, job, lf, nil, nil)
	if cerr := store.Close(); cerr != nil && err == nil {
		err = cerr
	}
	if sum != nil {
		if lf.format == "json" {
			// Every line of a JSON log parses, the summary's too.
			newLogger(e.stderr, "json", true).Info("crawl finished", sum.attrs()...)
		} else {
			fmt.Fprintln(e.stderr, sum.String())
		}
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

// attrs are the summary's numbers as log attributes.
func (s *crawlSummary) attrs() []any {
	return []any{"pages", s.stats.Pages, "notModified", s.stats.NotModified, "errors", s.stats.Errors,
		"dur", s.duration.Round(time.Millisecond),
		"newArticles", s.sink.count(archive.NewRecord), "newVersions", s.sink.count(archive.NewVersion),
		"unchanged", s.sink.count(archive.Unchanged), "revisits", s.sink.count(archive.Revisit),
		"notArticles", s.sink.count(archive.NotArticle),
		"records", s.archive.Records, "snapshots", s.archive.Snapshots}
}

// crawlInto runs one crawl job into store. metrics may be nil; hosts,
// when not nil, is the per-host politeness the job shares with the other
// jobs of the process.
func crawlInto(ctx context.Context, e *env, store *archive.Store, job *crawler.Job, lf logFlags, metrics *crawler.Metrics, hosts *crawler.Hosts) (*crawlSummary, error) {
	start := time.Now()
	sink := newArchiveSink(store)
	opts := job.Options()
	opts.Sink = sink
	opts.Validators = store.Validators
	opts.History = store.History
	opts.StoredBody = store.StoredBody
	// The frontier lives in the archive, per job: a crawl stopped by a
	// signal or a kill resumes where it stopped on the next run.
	opts.Frontier = store.Frontier(job.Name)
	opts.Metrics = metrics
	opts.Hosts = hosts
	opts.Logger = newLogger(e.stderr, string(lf.format), lf.verbose).With("job", job.Name)
	if isTerminal(e.stderr) && !lf.verbose && metrics == nil {
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
	if err == nil && st.Pages == 0 && st.Errors > 0 {
		hint := ""
		if !opts.AllowPrivate {
			hint = "; seeds on a private or loopback address need --allow-private (allow_private: true in a job file)"
		}
		err = fmt.Errorf("crawl: no page could be fetched (%d errors, logged above%s)", st.Errors, hint)
	}
	sum := &crawlSummary{stats: st, sink: sink, duration: time.Since(start)}
	as, serr := store.Stats(context.WithoutCancel(ctx))
	if serr != nil && err == nil {
		err = serr
	}
	sum.archive = as
	return sum, err
}
