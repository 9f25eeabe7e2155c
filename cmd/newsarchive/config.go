package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/robfig/cron/v3"
	"go.yaml.in/yaml/v3"

	"github.com/newsarchive/newsarchive/crawler"
)

// scheduleConfig is the file newsarchive schedule runs: crawler.Jobs with
// cron specs, the archive they write to and where metrics are served.
type scheduleConfig struct {
	// Archive is the archive file every job writes to.
	Archive string `yaml:"archive"`
	// Metrics is the address Prometheus metrics are served on
	// (/metrics); empty: none.
	Metrics string `yaml:"metrics"`
	// Jobs are the crawl jobs.
	Jobs []crawler.Job `yaml:"jobs"`
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

// loadJob reads one job file for crawl --config. Its name may be left out.
// crawl runs it once and does not use its schedule, but checks it: the
// same file may be given to schedule later, or meant for cron.
func loadJob(path string) (*crawler.Job, error) {
	var j crawler.Job
	if err := loadYAML(path, &j); err != nil {
		return nil, err
	}
	if j.Name == "" {
		j.Name = "crawl"
	}
	err := j.Validate()
	if strings.TrimSpace(j.Schedule) != "" {
		if _, cerr := cronParser().Parse(j.Schedule); cerr != nil {
			err = errors.Join(err, fmt.Errorf("job %s: schedule %q: %v", j.Name, j.Schedule, cerr))
		}
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &j, nil
}

// loadSchedule reads a schedule file: every job needs a name of its own and
// a cron spec.
func loadSchedule(path string) (*scheduleConfig, error) {
	var s scheduleConfig
	if err := loadYAML(path, &s); err != nil {
		return nil, err
	}
	if len(s.Jobs) == 0 {
		return nil, fmt.Errorf("%s: no jobs", path)
	}
	names := map[string]bool{}
	var errs []error
	for i := range s.Jobs {
		j := &s.Jobs[i]
		if err := j.Validate(); err != nil {
			errs = append(errs, err)
		}
		if names[j.Name] {
			errs = append(errs, fmt.Errorf("two jobs are named %q", j.Name))
		}
		names[j.Name] = true
		if strings.TrimSpace(j.Schedule) == "" {
			errs = append(errs, fmt.Errorf("job %s: schedule: missing (a cron spec like \"*/30 * * * *\" or \"@hourly\")", j.Name))
		} else if _, err := cronParser().Parse(j.Schedule); err != nil {
			errs = append(errs, fmt.Errorf("job %s: schedule %q: %v", j.Name, j.Schedule, err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &s, nil
}
