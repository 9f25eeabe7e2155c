package web_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/newsarchive/newsarchive"
	"github.com/newsarchive/newsarchive/web"
)

func TestAPIExport(t *testing.T) {
	f := newFake()
	ts := newServer(t, f)
	resp, body := get(t, ts, "/api/export?site="+f.records["abc123"][0].Site)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/x-ndjson") {
		t.Fatalf("status %d, type %q: %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	lines := strings.Split(strings.TrimSpace(body), "\n")
	if len(lines) != 1 {
		t.Fatalf("%d lines, want 1:\n%s", len(lines), body)
	}
	var a newsarchive.Article
	if err := json.Unmarshal([]byte(lines[0]), &a); err != nil || a.ID == "" {
		t.Errorf("line is not a record (%v): %s", err, lines[0])
	}
	if resp, _ := get(t, ts, "/api/export?site=nowhere.example"); resp.StatusCode != 200 {
		t.Errorf("an export that selects nothing: status %d", resp.StatusCode)
	}
	for _, bad := range []string{"since=yesterday", "as-of=2025-13-40"} {
		if resp, body := get(t, ts, "/api/export?"+bad); resp.StatusCode != 400 || !strings.Contains(body, strings.SplitN(bad, "=", 2)[0]) {
			t.Errorf("%s: status %d: %s", bad, resp.StatusCode, body)
		}
	}
	f.err = errors.Join(web.ErrUnavailable, errors.New("held by a crawl"))
	if resp, _ := get(t, ts, "/api/export"); resp.StatusCode != 503 {
		t.Errorf("archive unavailable: status %d, want 503", resp.StatusCode)
	}
}
