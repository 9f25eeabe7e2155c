package crawler

import (
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

func TestJobFromYAML(t *testing.T) {
	const file = `
- name: example-news
  schedule: "*/30 * * * *"
  seeds:
    - https://news.example.com/
    - https://news.example.com/news-sitemap.xml
  allowed_hosts: [news.example.com, "*.cdn.example.com"]
  url_patterns: ['/20[0-9]{2}/']
  depth: 0
  max_pages: 500
  parallelism: 3
  delay: 2500ms
  user_agent: "test-agent"
  timeout: 1m
  max_body_bytes: 1048576
  max_crawl_delay: 5m
- name: minimal
  seeds: [https://other.example/feed.xml]
`
	var jobs []Job
	dec := yaml.NewDecoder(strings.NewReader(file))
	dec.KnownFields(true)
	if err := dec.Decode(&jobs); err != nil {
		t.Fatal(err)
	}
	if len(jobs) != 2 {
		t.Fatalf("%d jobs", len(jobs))
	}
	for _, j := range jobs {
		if err := j.Validate(); err != nil {
			t.Errorf("Validate: %v", err)
		}
	}
	o := jobs[0].Options()
	def := DefaultOptions()
	if o.Depth != 0 || o.MaxPages != 500 || o.Parallelism != 3 || o.Delay != 2500*time.Millisecond ||
		o.UserAgent != "test-agent" || o.Timeout != time.Minute || o.MaxBodyBytes != 1<<20 ||
		!slices.Equal(o.AllowedHosts, []string{"news.example.com", "*.cdn.example.com"}) ||
		len(o.Seeds) != 2 || len(o.URLPatterns) != 1 || o.MaxRedirects != def.MaxRedirects || o.MaxCrawlDelay != 5*time.Minute {
		t.Errorf("Options %+v", o)
	}
	o = jobs[1].Options()
	if o.Depth != def.Depth || o.Delay != def.Delay || o.MaxCrawlDelay != def.MaxCrawlDelay || o.Parallelism != def.Parallelism || o.UserAgent != DefaultUserAgent {
		t.Errorf("defaults not kept: %+v", o)
	}
	o.Sink = &memSink{}
	if _, err := New(o); err != nil {
		t.Errorf("New(job.Options()): %v", err)
	}
}

func TestJobValidate(t *testing.T) {
	neg := -1
	negDelay := -time.Second
	for _, tc := range []struct {
		job  Job
		want []string // substrings of the error
	}{
		{Job{}, []string{"job (unnamed): name: missing", "seeds: missing"}},
		{Job{Name: "j", Seeds: []string{"news.example.com"}}, []string{`job j: seeds: "news.example.com" is not an absolute`}},
		{Job{Name: "j", Seeds: []string{"https://a.example/"}, URLPatterns: []string{"(["}}, []string{"url_patterns"}},
		{Job{Name: "j", Seeds: []string{"https://a.example/"}, AllowedHosts: []string{"a/b"}}, []string{"allowed_hosts"}},
		{Job{Name: "j", Seeds: []string{"https://a.example/"}, Depth: &neg, Delay: &negDelay, MaxPages: -2}, []string{"depth: negative", "delay: negative", "max_pages: negative"}},
	} {
		err := tc.job.Validate()
		if err == nil {
			t.Errorf("%+v: no error", tc.job)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%+v: error %q does not say %q", tc.job, err, w)
			}
		}
	}
}
