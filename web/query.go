package web

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Timestamps in replay URLs are 14 digits, UTC: 20250118090000.
const tsLayout = "20060102150405"

// Timestamp returns t as a replay URL timestamp.
func Timestamp(t time.Time) string { return t.UTC().Format(tsLayout) }

// parseTimestamp reads a replay timestamp: 4 to 14 digits, the missing
// tail taken from January 1st, 00:00:00 (so "2025" is the start of 2025).
func parseTimestamp(s string) (time.Time, error) {
	if len(s) < 4 || len(s) > 14 {
		return time.Time{}, fmt.Errorf("timestamp %q: want 4 to 14 digits (YYYYMMDDhhmmss)", s)
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return time.Time{}, fmt.Errorf("timestamp %q: want digits only (YYYYMMDDhhmmss)", s)
		}
	}
	full := s + "00000101000000"[len(s):]
	t, err := time.Parse(tsLayout, full)
	if err != nil {
		return time.Time{}, fmt.Errorf("timestamp %q: %v", s, err)
	}
	return t, nil
}

// parseQuery reads the list filters of a request: site, q, from, to
// (YYYY-MM-DD), before and limit.
func parseQuery(v url.Values, pageSize int) (Query, error) {
	q := Query{
		Site:   strings.TrimSpace(v.Get("site")),
		Text:   strings.TrimSpace(v.Get("q")),
		Before: strings.TrimSpace(v.Get("before")),
		Limit:  pageSize,
	}
	var err error
	if q.From, err = parseDay("from", v.Get("from")); err != nil {
		return q, err
	}
	if q.To, err = parseDay("to", v.Get("to")); err != nil {
		return q, err
	}
	if l := v.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 500 {
			return q, fmt.Errorf("limit %q: want a number from 1 to 500", l)
		}
		q.Limit = n
	}
	return q, nil
}

func parseDay(name, s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s %q: want a date YYYY-MM-DD", name, s)
	}
	return t, nil
}

// intParam reads a non-negative integer parameter; empty is 0.
func intParam(v url.Values, name string) (int, error) {
	s := strings.TrimSpace(v.Get(name))
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%s %q: want a version number", name, s)
	}
	return n, nil
}

// isWebURL reports whether u is an absolute http or https URL: the only
// URLs the UI turns into links.
func isWebURL(u string) bool {
	p, err := url.Parse(strings.TrimSpace(u))
	return err == nil && (p.Scheme == "http" || p.Scheme == "https") && p.Host != ""
}
