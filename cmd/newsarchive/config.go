package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
	"go.yaml.in/yaml/v3"

	"github.com/newsarchive/newsarchive/crawler"
)

// jobConfig is one crawl job as a job file writes it. Zero fields take the
// crawler's defaults (crawler.DefaultOptions): polite for real sites.
type jobConfig struct {
	// Name identifies the job in logs, status lines and metrics.
	Name string `yaml:"name"`
	// Schedule is a cron spec ("*/30 * * * *", "@hourly", "@every 45m")
	// for newsarchive schedule; crawl --config ignores it.
	Schedule string `yaml:"schedule"`
	// Seeds are page URLs, sitemaps and feeds.
	Seeds []string `yaml:"seeds"`
	// AllowedHosts may be fetched besides the seeds' hosts.
	AllowedHosts []string `yaml:"allowedHosts"`
	// URLPatterns are regular expressions a followed link must match.
	URLPatterns []string `yaml:"urlPatterns"`
	// Depth is how many link hops are followed from a seed (0: seeds only).
	Depth *int `yaml:"depth"`
	// MaxPages caps the pages of one run (0: no limit).
	MaxPages int `yaml:"maxPages"`
	// Parallelism is the number of requests in flight per host.
	Parallelism int `yaml:"parallelism"`
	// Delay is the time between two requests to one host ("2s").
	Delay *duration `yaml:"delay"`
	// UserAgent replaces the crawler's user agent.
	UserAgent string `yaml:"userAgent"`
	// AllowPrivate allows private, loopback and link-local addresses.
	AllowPrivate bool `yaml:"allowPrivate"`
	// IgnoreRobots skips robots.txt: only for sites you own.
	IgnoreRobots bool `yaml:"ignoreRobots"`
}

// scheduleConfig is the file newsarchive schedule runs.
type scheduleConfig struct {
	// Archive is the archive file every job writes to.
	Archive string `yaml:"archive"`
	// Metrics is the address Prometheus metrics are served on
	// (/metrics); empty: none.
	Metrics string `yaml:"metrics"`
	// Jobs are the crawl jobs.
	Jobs []jobConfig `yaml:"jobs"`
}

// duration reads "90s", "2m" and the like from YAML.
type duration time.Duration

func (d *duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %q is not a duration (like 2s or 1m30s)", n.Line, n.Value)
	}
	*d = duration(v)
	return nil
}

// cronParser reads the five-field cron specs and the @descriptors.
func cronParser() cron.Parser {
	return cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)
}

// loadYAML decodes a file strictly: an unknown key is an error naming it.
func loadYAML(path string, v any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("%s is empty", path)
		}
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// loadJob reads one job file.
func loadJob(path string) (*jobConfig, error) {
	var j jobConfig
	if err := loadYAML(path, &j); err != nil {
		return nil, err
	}
	if err := j.validate(false); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &j, nil
}

// loadSchedule reads a schedule file.
func loadSchedule(path string) (*scheduleConfig, error) {
	var s scheduleConfig
	if err := loadYAML(path, &s); err != nil {
		return nil, err
	}
	if len(s.Jobs) == 0 {
		return nil, fmt.Errorf("%s: no jobs", path)
	}
	names := map[string]bool{}
	for i := range s.Jobs {
		j := &s.Jobs[i]
		if j.Name == "" {
			return nil, fmt.Errorf("%s: job %d has no name", path, i+1)
		}
		if names[j.Name] {
			return nil, fmt.Errorf("%s: two jobs are named %q", path, j.Name)
		}
		names[j.Name] = true
		if err := j.validate(true); err != nil {
			return nil, fmt.Errorf("%s: job %q: %w", path, j.Name, err)
		}
	}
	return &s, nil
}

// validate checks what the crawler would only find at run time.
func (j *jobConfig) validate(needSchedule bool) error {
	if len(j.Seeds) == 0 {
		return errors.New("no seeds")
	}
	if j.Depth != nil && *j.Depth < 0 {
		return fmt.Errorf("depth %d: must be 0 or more", *j.Depth)
	}
	if j.MaxPages < 0 || j.Parallelism < 0 || (j.Delay != nil && *j.Delay < 0) {
		return errors.New("maxPages, parallelism and delay must not be negative")
	}
	if needSchedule && strings.TrimSpace(j.Schedule) == "" {
		return errors.New("no schedule (a cron spec like \"*/30 * * * *\" or \"@hourly\")")
	}
	if j.Schedule != "" {
		if _, err := cronParser().Parse(j.Schedule); err != nil {
			return fmt.Errorf("schedule %q: %v", j.Schedule, err)
		}
	}
	if _, err := crawler.New(j.options(crawler.SinkFunc(nil))); err != nil {
		return err
	}
	return nil
}

// options turns the job into crawler options on top of the defaults.
func (j *jobConfig) options(sink crawler.Sink) crawler.Options {
	o := crawler.DefaultOptions()
	o.Seeds = j.Seeds
	o.AllowedHosts = j.AllowedHosts
	o.URLPatterns = j.URLPatterns
	if j.Depth != nil {
		o.Depth = *j.Depth
	}
	o.MaxPages = j.MaxPages
	if j.Parallelism > 0 {
		o.Parallelism = j.Parallelism
	}
	if j.Delay != nil {
		o.Delay = time.Duration(*j.Delay)
	}
	if j.UserAgent != "" {
		o.UserAgent = j.UserAgent
	}
	o.AllowPrivate = j.AllowPrivate
	o.IgnoreRobots = j.IgnoreRobots
	o.Sink = sink
	return o
}
