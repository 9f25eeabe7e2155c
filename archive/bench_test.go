package archive_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/newsarchive/newsarchive"
	"github.com/newsarchive/newsarchive/archive"
	"github.com/newsarchive/newsarchive/fixtures"
)

// Size benchmarks (dict=false: every body compressed on its own;
// dict=true: per-host dictionaries and deltas against the URL's first
// fetch): stored bytes per snapshot against a gzip-per-record
// WARC of the same responses (each response record gzipped on its own at
// level 6, as .warc.gz files are written).
//
//	go test ./archive -run '^$' -bench 'Size' -benchtime 1x

// gzipWARCRecordSize is the size of a page as one gzipped WARC response
// record: WARC header, HTTP head and body.
func gzipWARCRecordSize(p *newsarchive.Page) int {
	var raw bytes.Buffer
	fmt.Fprintf(&raw, "WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:3c9d4a1e-5f7b-4c2d-8e9f-0a1b2c3d4e5f>\r\n"+
		"WARC-Date: %s\r\nWARC-Target-URI: %s\r\nContent-Type: application/http;msgtype=response\r\n"+
		"WARC-Payload-Digest: sha1:UZY6ND6CCHXETFVJD2MSS7ZENMWF7KQ2\r\nWARC-Block-Digest: sha1:CCHXETFVJD2MSS7ZENMWF7KQ2UZY6ND6\r\n"+
		"Content-Length: %d\r\n\r\n", p.FetchedAt.Format(time.RFC3339), p.URL, len(p.Body)+200)
	raw.WriteString("HTTP/1.1 200 OK\r\n")
	p.Header.Write(&raw)
	raw.WriteString("\r\n")
	raw.Write(p.Body)
	raw.WriteString("\r\n\r\n")
	var out bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&out, 6)
	zw.Write(raw.Bytes())
	zw.Close()
	return out.Len()
}

// generatedPages renders n articles of the fixtures' generated site (real
// sized: 100 to 170 KB) as fetched on one day; on a later day the header
// date differs.
func generatedPages(n int, at time.Time, today string) []*newsarchive.Page {
	h := fixtures.Generated(n)
	pages := make([]*newsarchive.Page, 0, n)
	for i := range n {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "http://news.example"+fixtures.GeneratedPath(i), nil))
		body := rec.Body.Bytes()
		if today != "" {
			body = bytes.ReplaceAll(body, []byte(fixtures.Today), []byte(today))
		}
		pages = append(pages, &newsarchive.Page{
			URL: "https://news.example" + fixtures.GeneratedPath(i), FetchedAt: at.Add(time.Duration(i) * time.Second),
			Status: 200, Header: http.Header{"Content-Type": {"text/html; charset=utf-8"}}, Body: body,
		})
	}
	return pages
}

// benchPages reads /work/shared/bench/extraction: pages from many sites,
// each under its own host. Skips when the directory is absent.
func benchPages(b *testing.B, limit int) []*newsarchive.Page {
	files, _ := filepath.Glob("/work/shared/bench/extraction/*.html.gz")
	if len(files) == 0 {
		b.Skip("no /work/shared/bench/extraction pages here")
	}
	if len(files) > limit {
		files = files[:limit]
	}
	var pages []*newsarchive.Page
	for i, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			b.Fatal(err)
		}
		zr, err := gzip.NewReader(fh)
		if err != nil {
			b.Fatal(err)
		}
		body, err := io.ReadAll(zr)
		fh.Close()
		if err != nil {
			b.Fatal(err)
		}
		host := strings.TrimSuffix(filepath.Base(f), ".html.gz")
		pages = append(pages, &newsarchive.Page{
			URL: "https://" + host + ".example/article", FetchedAt: day.Add(time.Duration(i) * time.Second),
			Status: 200, Header: http.Header{"Content-Type": {"text/html"}}, Body: body,
		})
	}
	return pages
}

// measureSize stores pages in a new archive, batch pages per commit (a
// page cannot be a delta of another page of its own batch: none is stored
// yet), and reports bytes per snapshot against gzip WARC.
func measureSize(b *testing.B, pages []*newsarchive.Page, opts archive.Options, batch int) {
	ctx := context.Background()
	gz, raw := 0, 0
	for _, p := range pages {
		gz += gzipWARCRecordSize(p)
		raw += len(p.Body)
	}
	for b.Loop() {
		opts.NoSync = true
		s, err := archive.Open(filepath.Join(b.TempDir(), "size.db"), opts)
		if err != nil {
			b.Fatal(err)
		}
		for i := 0; i < len(pages); i += batch {
			if _, err := s.PutBatch(ctx, pages[i:min(i+batch, len(pages))]); err != nil {
				b.Fatal(err)
			}
		}
		st, err := s.Stats(ctx)
		if err != nil {
			b.Fatal(err)
		}
		u, err := s.Usage(ctx)
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
		b.ReportMetric(float64(u.FileBytes)/float64(u.DataBytes), "file/data")
		n := float64(len(pages))
		b.ReportMetric(float64(raw)/n, "raw-B/snap")
		b.ReportMetric(float64(gz)/n, "gzwarc-B/snap")
		b.ReportMetric(float64(st.StoredBytes)/n, "body-B/snap")
		b.ReportMetric(float64(st.FileBytes)/n, "file-B/snap")
		b.ReportMetric(float64(st.StoredBytes)/float64(gz), "body/gzwarc")
		b.ReportMetric(float64(st.FileBytes)/float64(gz), "file/gzwarc")
	}
}

func sizeOptions(dict bool) archive.Options {
	o := archive.DefaultOptions()
	o.NoDictionary = !dict
	o.NoDelta = !dict
	return o
}

// Same site: 100 real-sized articles fetched on three days, the header
// date differing each day.
func BenchmarkSizeSameSite(b *testing.B) {
	var pages []*newsarchive.Page
	pages = append(pages, generatedPages(100, day, "")...)
	pages = append(pages, generatedPages(100, day.Add(24*time.Hour), "Sunday, January 19, 2025")...)
	pages = append(pages, generatedPages(100, day.Add(48*time.Hour), "Monday, January 20, 2025")...)
	for _, dict := range []bool{false, true} {
		b.Run(fmt.Sprint("dict=", dict), func(b *testing.B) { measureSize(b, pages, sizeOptions(dict), 100) })
	}
	b.Run("dict=true/nodelta", func(b *testing.B) {
		o := sizeOptions(true)
		o.NoDelta = true
		measureSize(b, pages, o, 100)
	})
}

// Same site, each page fetched once.
func BenchmarkSizeSameSiteOnce(b *testing.B) {
	pages := generatedPages(300, day, "")
	for _, dict := range []bool{false, true} {
		b.Run(fmt.Sprint("dict=", dict), func(b *testing.B) { measureSize(b, pages, sizeOptions(dict), 100) })
	}
}

// Unrelated pages from many sites.
func BenchmarkSizeUnrelated(b *testing.B) {
	pages := benchPages(b, 300)
	for _, dict := range []bool{false, true} {
		b.Run(fmt.Sprint("dict=", dict), func(b *testing.B) { measureSize(b, pages, sizeOptions(dict), 100) })
	}
}

// demoSitePages are the bundled demo site's HTML pages (as served by
// fixtures.Handler) followed by the four captures of one article.
func demoSitePages(b *testing.B) []*newsarchive.Page {
	b.Helper()
	h := fixtures.Handler()
	var pages []*newsarchive.Page
	err := fs.WalkDir(fixtures.Site, "site", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".html") {
			return err
		}
		u := "/" + strings.TrimPrefix(path, "site/")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "http://www.harborledger.example"+u, nil))
		if rec.Code != 200 {
			return nil
		}
		pages = append(pages, &newsarchive.Page{
			URL: "https://www.harborledger.example" + u, FetchedAt: day.Add(time.Duration(len(pages)) * time.Second),
			Status: 200, Header: rec.Header(), Body: rec.Body.Bytes(),
		})
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range fixtures.Captures() {
		pages = append(pages, &newsarchive.Page{URL: c.URL, FetchedAt: c.FetchedAt, Status: 200,
			Header: http.Header{"Content-Type": {"text/html; charset=utf-8"}}, Body: c.Body})
	}
	return pages
}

// The hand-written demo site: 30-odd pages of one site and four captures
// of one article on other days.
func BenchmarkSizeDemoSite(b *testing.B) {
	pages := demoSitePages(b)
	for _, dict := range []bool{false, true} {
		b.Run(fmt.Sprint("dict=", dict), func(b *testing.B) { measureSize(b, pages, sizeOptions(dict), 1) })
	}
	b.Run("dict=true/nodelta", func(b *testing.B) {
		o := sizeOptions(true)
		o.NoDelta = true
		measureSize(b, pages, o, 1)
	})
}
