package main

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/newsarchive/newsarchive/archive"
	"github.com/newsarchive/newsarchive/extract"
	"github.com/newsarchive/newsarchive/fixtures"
	"github.com/newsarchive/newsarchive/internal/procstat"
)

// BenchmarkReplay re-extracts the archive of a crawl of the 2,000-page
// generated site with the current extractor, as `newsarchive replay`
// does: read each record's latest snapshot, decompress, extract, compare.
// The extractor is the one that made the records, so nothing changes and
// nothing is written: what is measured is reading and extracting.
//
//	go test -run '^$' -bench Replay -benchtime 3x ./cmd/newsarchive
func BenchmarkReplay(b *testing.B) {
	srv := httptest.NewServer(&renderedSite{h: fixtures.Generated(pipelinePages)})
	b.Cleanup(srv.Close)
	path := filepath.Join(b.TempDir(), "replay.db")
	ex := extract.New(extract.DefaultOptions()).Extract
	runPipeline(b, srv.URL, path, ex)
	opts := archive.DefaultOptions()
	opts.Extract = ex
	s, err := archive.Open(path, opts)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	b.ReportAllocs()
	var n int64
	var d, cpu time.Duration
	for b.Loop() {
		start, cpu0 := time.Now(), procstat.CPUTime()
		rep, err := s.Replay(context.Background(), archive.ReplayOptions{}, ex)
		if err != nil {
			b.Fatal(err)
		}
		if rep.Changed != 0 || rep.Errors != 0 {
			b.Fatalf("replay with the same extractor changed %d records, %d errors", rep.Changed, rep.Errors)
		}
		d += time.Since(start)
		cpu += procstat.CPUTime() - cpu0
		n += int64(rep.Snapshots)
	}
	reportPipeline(b, n, d, cpu)
}
