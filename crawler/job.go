package crawler

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/newsarchive/newsarchive/internal/urlnorm"
)

// Job is one crawl job as written in a job file (YAML; cmd reads the file
// and checks Schedule with its cron parser). Fields left out take the
// value of DefaultOptions. Example:
//
//	name: example-news
//	schedule: "*/30 * * * *"
//	seeds:
//	  - https://news.example.com/
//	  - https://news.example.com/news-sitemap.xml
//	  - https://news.example.com/rss
//	allowed_hosts: [news.example.com, "*.cdn.example.com"]
//	url_patterns: ['/20[0-9]{2}/']
//	depth: 1
//	max_pages: 500
//	parallelism: 2
//	delay: 2s
//	user_agent: "newsarchive/0.1 (+https://example.org/contact)"
type Job struct {
	// Name identifies the job in logs, metrics and status lines. Required.
	Name string `yaml:"name"`
	// Schedule is a cron spec (five fields, or @hourly and friends) for
	// `newsarchive schedule`; empty for a job run once with `crawl
	// --config`. Checked by cmd, not by Validate.
	Schedule string `yaml:"schedule"`
	// Seeds are page, sitemap and feed URLs. Required.
	Seeds []string `yaml:"seeds"`
	// AllowedHosts are hosts to follow besides the seeds' hosts.
	AllowedHosts []string `yaml:"allowed_hosts"`
	// URLPatterns are regular expressions one of which a followed URL
	// must match.
	URLPatterns []string `yaml:"url_patterns"`
	// Depth is how many link hops to follow; absent: DefaultOptions'.
	Depth *int `yaml:"depth"`
	// MaxPages caps the pages of one run; absent or 0: no cap.
	MaxPages int `yaml:"max_pages"`
	// Parallelism is the requests in flight per host; absent: 2.
	Parallelism int `yaml:"parallelism"`
	// Delay is the time between request starts on a host ("2s");
	// absent: 1s.
	Delay *time.Duration `yaml:"delay"`
	// UserAgent replaces DefaultUserAgent.
	UserAgent string `yaml:"user_agent"`
	// Timeout caps one request ("30s"); absent: 30s.
	Timeout time.Duration `yaml:"timeout"`
	// MaxBodyBytes caps a body; absent: 10 MiB.
	MaxBodyBytes int64 `yaml:"max_body_bytes"`
	// IgnoreRobots skips robots.txt. Think twice.
	IgnoreRobots bool `yaml:"ignore_robots"`
	// MaxCrawlDelay is the longest robots.txt Crawl-delay obeyed ("5m");
	// a host asking for more is skipped. Absent: one minute; 0: no limit.
	MaxCrawlDelay *time.Duration `yaml:"max_crawl_delay"`
	// AllowPrivate allows private and loopback addresses (intranets).
	AllowPrivate bool `yaml:"allow_private"`
}

// Validate checks a job without network access and returns every problem
// found, each naming the job and the field.
func (j *Job) Validate() error {
	var errs []error
	bad := func(field, format string, args ...any) {
		name := j.Name
		if name == "" {
			name = "(unnamed)"
		}
		errs = append(errs, fmt.Errorf("job %s: %s: %s", name, field, fmt.Sprintf(format, args...)))
	}
	if strings.TrimSpace(j.Name) == "" {
		bad("name", "missing")
	}
	if len(j.Seeds) == 0 {
		bad("seeds", "missing: give at least one page, sitemap or feed URL")
	}
	for _, s := range j.Seeds {
		if _, err := urlnorm.Normalize(s); err != nil {
			bad("seeds", "%q is not an absolute http(s) URL", s)
		}
	}
	for _, h := range j.AllowedHosts {
		if _, err := parseHostPattern(h); err != nil {
			bad("allowed_hosts", "%q is not a host name", h)
		}
	}
	for _, p := range j.URLPatterns {
		if _, err := regexp.Compile(p); err != nil {
			bad("url_patterns", "%q: %v", p, err)
		}
	}
	if j.Depth != nil && *j.Depth < 0 {
		bad("depth", "negative")
	}
	if j.MaxPages < 0 {
		bad("max_pages", "negative")
	}
	if j.Parallelism < 0 {
		bad("parallelism", "negative")
	}
	if j.Delay != nil && *j.Delay < 0 {
		bad("delay", "negative")
	}
	if j.MaxCrawlDelay != nil && *j.MaxCrawlDelay < 0 {
		bad("max_crawl_delay", "negative")
	}
	if j.Timeout < 0 {
		bad("timeout", "negative")
	}
	if j.MaxBodyBytes < 0 {
		bad("max_body_bytes", "negative")
	}
	return errors.Join(errs...)
}

// Options turns the job into crawler Options: DefaultOptions with the
// job's fields laid over. The caller still sets Sink, Frontier,
// Validators, History, Logger, Progress and Metrics. Call Validate first.
func (j *Job) Options() Options {
	o := DefaultOptions()
	o.Seeds = append([]string(nil), j.Seeds...)
	o.AllowedHosts = append([]string(nil), j.AllowedHosts...)
	o.URLPatterns = append([]string(nil), j.URLPatterns...)
	if j.Depth != nil {
		o.Depth = *j.Depth
	}
	o.MaxPages = j.MaxPages
	if j.Parallelism > 0 {
		o.Parallelism = j.Parallelism
	}
	if j.Delay != nil {
		o.Delay = *j.Delay
	}
	if j.UserAgent != "" {
		o.UserAgent = j.UserAgent
	}
	if j.Timeout > 0 {
		o.Timeout = j.Timeout
	}
	if j.MaxBodyBytes > 0 {
		o.MaxBodyBytes = j.MaxBodyBytes
	}
	o.IgnoreRobots = j.IgnoreRobots
	if j.MaxCrawlDelay != nil {
		o.MaxCrawlDelay = *j.MaxCrawlDelay
	}
	o.AllowPrivate = j.AllowPrivate
	return o
}
