package archive_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newsarchive/newsarchive"
	"github.com/newsarchive/newsarchive/archive"
	"github.com/newsarchive/newsarchive/internal/procstat"
	"github.com/newsarchive/newsarchive/internal/urlnorm"
)

// Throughput benchmarks, fsync on unless the name says otherwise:
//
//	go test ./archive -run '^$' -bench 'Ingest|RecordWrites|Export|Revisit' -benchtime 1x

// BenchmarkIngest100KB stores real-sized pages (100-170 KB) of one site,
// compression bound, no extractor, in batches of 100 from one goroutine.
func BenchmarkIngest100KB(b *testing.B) {
	pages := generatedPages(1000, day, "")
	ctx := context.Background()
	raw := 0
	for _, p := range pages {
		raw += len(p.Body)
	}
	for _, batch := range []int{1, 100} {
		b.Run(fmt.Sprint("batch=", batch), func(b *testing.B) {
			runtime.GOMAXPROCS(1)
			defer runtime.GOMAXPROCS(runtime.NumCPU())
			n := len(pages)
			if batch == 1 {
				n = 200
			}
			for b.Loop() {
				s, err := archive.Open(filepath.Join(b.TempDir(), "ingest.db"), archive.DefaultOptions())
				if err != nil {
					b.Fatal(err)
				}
				start := time.Now()
				for i := 0; i < n; i += batch {
					if _, err := s.PutBatch(ctx, pages[i:min(i+batch, n)]); err != nil {
						b.Fatal(err)
					}
				}
				el := time.Since(start).Seconds()
				s.Close()
				b.ReportMetric(float64(n)/el, "snapshots/s")
				b.ReportMetric(float64(raw)*float64(n)/float64(len(pages))/el/1e6, "rawMB/s")
			}
		})
	}
}

// tinyExtract makes a record of every page without parsing it, so the
// benchmark measures the archive's record writes.
func tinyExtract(p *newsarchive.Page) (*newsarchive.Article, error) {
	u, _ := urlnorm.Normalize(p.URL)
	return &newsarchive.Article{
		ID: urlnorm.ID(u), URL: u, URLs: []string{u}, Site: urlnorm.Host(u), IsArticle: true,
		Headline: "Headline of " + u, Paragraphs: []string{string(p.Body)}, Body: string(p.Body),
		ContentHash: fmt.Sprintf("%x", len(p.Body)) + u, Extractor: "tiny/1",
	}, nil
}

// smallPages are n small distinct pages (about 1 KB) on one site.
func smallPages(n int) []*newsarchive.Page {
	pages := make([]*newsarchive.Page, n)
	for i := range pages {
		pages[i] = &newsarchive.Page{
			URL: fmt.Sprintf("https://news.example/%d/story-%d.html", i/1000, i), FetchedAt: day.Add(time.Duration(i) * time.Millisecond),
			Status: 200, Header: http.Header{"Content-Type": {"text/html"}},
			Body: fmt.Appendf(nil, "<p>Story %d. %0900d</p>", i, i),
		}
	}
	return pages
}

// BenchmarkRecordWrites measures new records per second (snapshot, record,
// version, aliases and refs per page) in batches of 1,000 from one
// goroutine, and the CPU time (all threads) per record, which a busy
// machine does not blur.
func BenchmarkRecordWrites(b *testing.B) {
	pages := smallPages(20000)
	ctx := context.Background()
	for _, nosync := range []bool{false, true} {
		b.Run(fmt.Sprint("nosync=", nosync), func(b *testing.B) {
			for b.Loop() {
				opts := archive.DefaultOptions()
				opts.Extract = tinyExtract
				opts.NoSync = nosync
				s, err := archive.Open(filepath.Join(b.TempDir(), "records.db"), opts)
				if err != nil {
					b.Fatal(err)
				}
				start, cpu := time.Now(), procstat.CPUTime()
				for i := 0; i < len(pages); i += 1000 {
					if _, err := s.PutBatch(ctx, pages[i:i+1000]); err != nil {
						b.Fatal(err)
					}
				}
				el := time.Since(start).Seconds()
				cpu = procstat.CPUTime() - cpu
				st, _ := s.Stats(ctx)
				u, err := s.Usage(ctx)
				if err != nil {
					b.Fatal(err)
				}
				s.Close()
				if st.Records != len(pages) {
					b.Fatalf("%d records", st.Records)
				}
				b.ReportMetric(float64(len(pages))/el, "records/s")
				b.ReportMetric(float64(cpu.Microseconds())/float64(len(pages)), "cpu-µs/record")
				b.ReportMetric(float64(u.FileBytes)/float64(u.DataBytes), "file/data")
			}
		})
	}
}

// BenchmarkImportJSONL measures record writes alone: records (with their
// version, aliases and snapshot refs) imported from JSONL, 1,000 per
// transaction.
func BenchmarkImportJSONL(b *testing.B) {
	ctx := context.Background()
	opts := archive.DefaultOptions()
	opts.Extract = tinyExtract
	opts.NoSync = true
	src, err := archive.Open(filepath.Join(b.TempDir(), "src.db"), opts)
	if err != nil {
		b.Fatal(err)
	}
	pages := smallPages(20000)
	for i := 0; i < len(pages); i += 5000 {
		if _, err := src.PutBatch(ctx, pages[i:i+5000]); err != nil {
			b.Fatal(err)
		}
	}
	var jsonl bytes.Buffer
	if _, err := src.Export(ctx, &jsonl, archive.ExportOptions{}); err != nil {
		b.Fatal(err)
	}
	src.Close()
	for b.Loop() {
		s, err := archive.Open(filepath.Join(b.TempDir(), "import.db"), archive.DefaultOptions())
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		rep, err := s.ImportJSONL(ctx, bytes.NewReader(jsonl.Bytes()))
		el := time.Since(start).Seconds()
		if err != nil || rep.Records != len(pages) {
			b.Fatalf("%+v %v", rep, err)
		}
		u, _ := s.Usage(ctx)
		s.Close()
		b.ReportMetric(float64(rep.Records)/el, "records/s")
		b.ReportMetric(float64(u.FileBytes)/float64(u.DataBytes), "file/data")
	}
}

// BenchmarkExport exports 20,000 and 100,000 records and reports records
// per second and the Go heap during the export: flat means the peak does
// not grow with the number of records. (The process's RSS also counts the
// pages of the memory-mapped file that were read, which the kernel can drop
// at any time.)
func BenchmarkExport(b *testing.B) {
	for _, n := range []int{20000, 100000} {
		b.Run(fmt.Sprint("records=", n), func(b *testing.B) { benchExport(b, n) })
	}
}

func benchExport(b *testing.B, n int) {
	ctx := context.Background()
	opts := archive.DefaultOptions()
	opts.Extract = tinyExtract
	opts.NoSync = true
	s, err := archive.Open(filepath.Join(b.TempDir(), "export.db"), opts)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	pages := smallPages(n)
	for i := 0; i < n; i += 5000 {
		if _, err := s.PutBatch(ctx, pages[i:i+5000]); err != nil {
			b.Fatal(err)
		}
	}
	pages = nil
	// A tight GC target makes the heap peak follow the live memory rather
	// than the garbage collector's pacing.
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	runtime.GC()
	for b.Loop() {
		var peak, peakRSS atomic.Uint64
		rss0 := procstat.StatusKiB("VmRSS")
		done := make(chan struct{})
		go func() {
			var ms runtime.MemStats
			for {
				select {
				case <-done:
					return
				case <-time.After(10 * time.Millisecond):
				}
				runtime.ReadMemStats(&ms)
				if ms.HeapInuse > peak.Load() {
					peak.Store(ms.HeapInuse)
				}
				if r := uint64(procstat.StatusKiB("VmRSS")); r > peakRSS.Load() {
					peakRSS.Store(r)
				}
			}
		}()
		start := time.Now()
		got, err := s.Export(ctx, io.Discard, archive.ExportOptions{})
		el := time.Since(start).Seconds()
		close(done)
		if err != nil || got != n {
			b.Fatalf("exported %d, %v", got, err)
		}
		b.ReportMetric(float64(n)/el, "records/s")
		b.ReportMetric(float64(peak.Load())/1e6, "heapPeak-MB")
		if rss0 > 0 {
			// RSS counts the archive's memory map too: pages read stay
			// resident until the archive releases them.
			b.ReportMetric(float64(rss0)/1024, "rssStart-MiB")
			b.ReportMetric(float64(peakRSS.Load())/1024, "rssPeak-MiB")
		}
	}
}

// BenchmarkRevisit measures what a byte-identical re-fetch costs in the
// file: no body bytes, only the snapshot, its ref and the record update.
func BenchmarkRevisit(b *testing.B) {
	pages := generatedPages(200, day, "")
	again := make([]*newsarchive.Page, len(pages))
	for i, p := range pages {
		c := *p
		c.FetchedAt = p.FetchedAt.Add(24 * time.Hour)
		again[i] = &c
	}
	ctx := context.Background()
	for b.Loop() {
		opts := archive.DefaultOptions()
		opts.Extract = tinyExtract
		opts.NoSync = true
		s, err := archive.Open(filepath.Join(b.TempDir(), "revisit.db"), opts)
		if err != nil {
			b.Fatal(err)
		}
		s.PutBatch(ctx, pages)
		before, _ := s.Stats(ctx)
		ub, _ := s.Usage(ctx)
		res, err := s.PutBatch(ctx, again)
		if err != nil {
			b.Fatal(err)
		}
		after, _ := s.Stats(ctx)
		ua, _ := s.Usage(ctx)
		s.Close()
		for _, r := range res {
			if r.Outcome != archive.Revisit || r.BodyBytes != 0 {
				b.Fatalf("%+v", r)
			}
		}
		b.ReportMetric(float64(after.StoredBytes-before.StoredBytes)/float64(len(again)), "bodyB/revisit")
		b.ReportMetric(float64(after.FileBytes-before.FileBytes)/float64(len(again)), "fileB/revisit")
		b.ReportMetric(float64(ua.DataBytes-ub.DataBytes)/float64(len(again)), "dataB/revisit")
	}
}

// BenchmarkFrontier measures frontier writes (Visited, AddRequest,
// GetRequest: each durable when it returns) from 16 goroutines, as a
// crawler with many workers makes them; concurrent writes share commits.
func BenchmarkFrontier(b *testing.B) {
	s, err := archive.Open(filepath.Join(b.TempDir(), "frontier.db"), archive.DefaultOptions())
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	f := s.Frontier("bench")
	if err := f.Init(); err != nil {
		b.Fatal(err)
	}
	var id atomic.Uint64
	b.SetParallelism(8) // 16 goroutines on 2 CPUs
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		req := make([]byte, 200)
		for pb.Next() {
			n := id.Add(1)
			if err := f.AddRequest(req); err != nil {
				b.Error(err)
			}
			if _, err := f.GetRequest(); err != nil {
				b.Error(err)
			}
			if err := f.Visited(n); err != nil {
				b.Error(err)
			}
		}
	})
	b.ReportMetric(float64(id.Load())/time.Since(start).Seconds(), "pages/s")
}

// BenchmarkWARC exports 300 real-sized snapshots (one site, fetched on
// three days) as WARC and imports them into a new archive.
func BenchmarkWARC(b *testing.B) {
	ctx := context.Background()
	var pages []*newsarchive.Page
	pages = append(pages, generatedPages(100, day, "")...)
	pages = append(pages, generatedPages(100, day.Add(24*time.Hour), "Sunday, January 19, 2025")...)
	pages = append(pages, generatedPages(100, day.Add(48*time.Hour), "Monday, January 20, 2025")...)
	opts := archive.DefaultOptions()
	opts.NoSync = true
	src, err := archive.Open(filepath.Join(b.TempDir(), "src.db"), opts)
	if err != nil {
		b.Fatal(err)
	}
	defer src.Close()
	for i := 0; i < len(pages); i += 100 {
		if _, err := src.PutBatch(ctx, pages[i:i+100]); err != nil {
			b.Fatal(err)
		}
	}
	for _, gz := range []bool{false, true} {
		b.Run(fmt.Sprint("export/gzip=", gz), func(b *testing.B) {
			for b.Loop() {
				var w bytes.Buffer
				start := time.Now()
				n, err := src.ExportWARC(ctx, &w, archive.WARCOptions{Gzip: gz})
				if err != nil || n != len(pages) {
					b.Fatalf("%d %v", n, err)
				}
				b.ReportMetric(float64(n)/time.Since(start).Seconds(), "snapshots/s")
				b.ReportMetric(float64(w.Len())/float64(n), "B/snapshot")
			}
		})
	}
	var w bytes.Buffer
	if _, err := src.ExportWARC(ctx, &w, archive.WARCOptions{Gzip: true}); err != nil {
		b.Fatal(err)
	}
	b.Run("import", func(b *testing.B) {
		for b.Loop() {
			dst, err := archive.Open(filepath.Join(b.TempDir(), "dst.db"), archive.DefaultOptions())
			if err != nil {
				b.Fatal(err)
			}
			start := time.Now()
			rep, err := dst.ImportWARC(ctx, bytes.NewReader(w.Bytes()))
			if err != nil || rep.Snapshots != len(pages) {
				b.Fatalf("%+v %v", rep, err)
			}
			b.ReportMetric(float64(rep.Snapshots)/time.Since(start).Seconds(), "snapshots/s")
			dst.Close()
		}
	})
}
