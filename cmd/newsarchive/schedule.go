package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/robfig/cron/v3"

	"github.com/newsarchive/newsarchive/archive"
	"github.com/newsarchive/newsarchive/crawler"
)

func runSchedule(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "schedule", "[flags] jobs.yaml")
	lockTimeout := new(5 * time.Second)
	fs.Var((*lockWait)(lockTimeout), "lock-timeout", "how long to wait for another process holding the archive (0: fail at once)")
	archivePath := fs.String("archive", "", "archive file (overrides the file's archive:)")
	metricsAddr := fs.String("metrics", "", "serve Prometheus metrics at ADDR/metrics (overrides the file's metrics:)")
	runNow := fs.Bool("run-now", false, "run every job once at start, then on its schedule")
	serveAddr := fs.String("serve", "", "also serve the web UI and its API (/api/export streams JSONL) at ADDR, such as 127.0.0.1:8080, from this process: the archive can be browsed and exported while the jobs write to it")
	var lf logFlags
	lf.register(fs, "log every fetch of every job")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return usagef("schedule: want one jobs file, got %d arguments", fs.NArg())
	}
	cfg, err := loadSchedule(fs.Arg(0))
	if errors.Is(err, os.ErrNotExist) || errors.Is(err, os.ErrPermission) {
		return fmt.Errorf("schedule: %w", err)
	}
	if err != nil {
		return usagef("schedule: %v", err)
	}
	if *archivePath != "" {
		cfg.Archive = *archivePath
	}
	if cfg.Archive == "" {
		cfg.Archive = "newsarchive.db"
	}
	if *metricsAddr != "" {
		cfg.Metrics = *metricsAddr
	}
	log := newLogger(e.stderr, string(lf.format), true)

	af := archiveFlags{path: cfg.Archive, lockTimeout: *lockTimeout}
	store, err := af.open(false)
	if err != nil {
		return err
	}
	defer store.Close()

	metrics, jobs := crawler.NewMetrics(), newJobMetrics()
	for _, j := range cfg.Jobs {
		jobs.add(j.Name)
	}
	if cfg.Metrics != "" {
		stop, err := serveMetrics(cfg.Metrics, metrics, jobs, log.Info)
		if err != nil {
			return err
		}
		defer stop()
	}

	if *serveAddr != "" {
		// The jobs hold the archive file for as long as this process
		// runs; serving from the same open store is how it can be read
		// meanwhile (bbolt gives a file to one process at a time).
		arch := newWebArchive(func() (*archive.Store, error) { return store, nil }, 0)
		ws, err := startWeb(e, *serveAddr, arch, log, false)
		if err != nil {
			return fmt.Errorf("schedule: --serve: %w", err)
		}
		defer ws.stop(ctx)
		log.Info("serving the web UI", "url", ws.url, "export", ws.url+"api/export")
	}

	s := &scheduler{e: e, store: store, lf: lf, metrics: metrics, jobs: jobs, log: log.Info}
	c := cron.New(cron.WithParser(cronParser()), cron.WithChain(cron.Recover(cronLogger{log.Error})))
	names := map[cron.EntryID]string{}
	var started sync.WaitGroup
	for i := range cfg.Jobs {
		j := &cfg.Jobs[i]
		// SkipIfStillRunning: a job whose last run is still going is not
		// started again; jobs do not wait for each other.
		wrapped := cron.NewChain(cron.SkipIfStillRunning(cronLogger{log.Info})).Then(cron.FuncJob(func() { s.runJob(ctx, j) }))
		id, err := c.AddJob(j.Schedule, wrapped)
		if err != nil {
			return usagef("schedule: job %q: %v", j.Name, err)
		}
		names[id] = j.Name
		if *runNow {
			started.Add(1)
			go func() {
				defer started.Done()
				wrapped.Run()
			}()
		}
	}
	c.Start()
	log.Info("scheduler started", "jobs", len(cfg.Jobs), "archive", cfg.Archive)
	for _, en := range c.Entries() {
		log.Info("next run", "job", names[en.ID], "at", en.Next.Format(time.RFC3339))
	}
	<-ctx.Done()
	log.Info("stopping: waiting for running jobs to finish their pages")
	<-c.Stop().Done()
	started.Wait()
	return nil
}

// scheduler runs jobs against one archive and logs a status line per run.
type scheduler struct {
	e       *env
	store   *archive.Store
	lf      logFlags
	metrics *crawler.Metrics
	jobs    *jobMetrics
	log     func(msg string, args ...any)
	// hosts makes jobs that run at once polite to a host they share
	// together, not each on its own.
	hosts crawler.Hosts
}

// runJob runs one job once. A failing job logs its error and leaves the
// others alone.
func (s *scheduler) runJob(ctx context.Context, j *crawler.Job) {
	if ctx.Err() != nil {
		return
	}
	sum, err := crawlInto(ctx, s.e, s.store, j, s.lf, s.metrics, &s.hosts)
	status := "ok"
	if err != nil {
		status = "failed: " + err.Error()
	}
	s.jobs.finished(j.Name, err, ctx.Err() != nil, time.Now())
	if sum == nil {
		s.log("job finished", "job", j.Name, "status", status)
		return
	}
	s.log("job finished", "job", j.Name, "status", status,
		"pages", sum.stats.Pages, "notModified", sum.stats.NotModified, "errors", sum.stats.Errors,
		"newArticles", sum.sink.count(archive.NewRecord), "newVersions", sum.sink.count(archive.NewVersion),
		"dur", sum.duration.Round(time.Millisecond))
}

// jobMetrics count the runs of the scheduled jobs, so that an alert can
// say a job stopped succeeding: the crawler's counters add up all jobs.
type jobMetrics struct {
	runs        *prometheus.CounterVec // by job and result: ok, failed, stopped
	lastSuccess *prometheus.GaugeVec   // by job
}

func newJobMetrics() *jobMetrics {
	return &jobMetrics{
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "newsarchive", Subsystem: "job",
			Name: "runs_total", Help: "Finished runs of a scheduled job, by result: ok, failed, or stopped (by a signal)."},
			[]string{"job", "result"}),
		lastSuccess: prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: "newsarchive", Subsystem: "job",
			Name: "last_success_timestamp_seconds", Help: "When a scheduled job last finished a run without error (Unix time; 0: never)."},
			[]string{"job"}),
	}
}

// add makes a job's series exist from the start, at zero.
func (m *jobMetrics) add(job string) {
	for _, r := range []string{"ok", "failed", "stopped"} {
		m.runs.WithLabelValues(job, r)
	}
	m.lastSuccess.WithLabelValues(job)
}

// finished counts a run of job that ended at t with err.
func (m *jobMetrics) finished(job string, err error, stopped bool, t time.Time) {
	switch {
	case err == nil:
		m.runs.WithLabelValues(job, "ok").Inc()
		m.lastSuccess.WithLabelValues(job).Set(float64(t.UnixNano()) / 1e9)
	case stopped:
		m.runs.WithLabelValues(job, "stopped").Inc()
	default:
		m.runs.WithLabelValues(job, "failed").Inc()
	}
}

// serveMetrics serves Prometheus metrics on addr until stop is called.
func serveMetrics(addr string, m *crawler.Metrics, jobs *jobMetrics, log func(string, ...any)) (stop func(), err error) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		jobs.runs, jobs.lastSuccess)
	if err := m.Register(reg); err != nil {
		return nil, fmt.Errorf("schedule: metrics: %w", err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("schedule: --metrics %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log("metrics server stopped", "err", err)
		}
	}()
	log("serving metrics", "addr", "http://"+ln.Addr().String()+"/metrics")
	return func() { srv.Close() }, nil
}

// cronLogger adapts a slog method to cron.Logger.
type cronLogger struct{ log func(msg string, args ...any) }

func (l cronLogger) Info(msg string, kv ...any) { l.log("cron: "+msg, kv...) }
func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log("cron: "+msg, append(kv, "err", err)...)
}
