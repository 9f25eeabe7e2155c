package archive_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsarchive/newsarchive"
	"github.com/newsarchive/newsarchive/archive"
)

// exportAll exports with opts and decodes the lines.
func exportAll(t *testing.T, s *archive.Store, opts archive.ExportOptions) []newsarchive.Article {
	t.Helper()
	var buf bytes.Buffer
	n, err := s.Export(context.Background(), &buf, opts)
	if err != nil {
		t.Fatal(err)
	}
	var out []newsarchive.Article
	for _, line := range bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		var a newsarchive.Article
		if err := json.Unmarshal(line, &a); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		out = append(out, a)
	}
	if n != len(out) {
		t.Fatalf("Export returned %d, wrote %d lines", n, len(out))
	}
	return out
}

func TestPutOutcomes(t *testing.T) {
	const u = "https://news.example/2024/12/story"
	paras := []string{"First paragraph.", "Second paragraph."}
	edited := []string{"First paragraph, corrected.", "Second paragraph."}
	steps := []struct {
		name    string
		page    *newsarchive.Page
		want    archive.Outcome
		version int
	}{
		{"first fetch", page(u, day, "Saturday, January 18, 2025", "", "Story", paras...), archive.NewRecord, 1},
		{"other day, other header", page(u, day.Add(24*time.Hour), "Sunday, January 19, 2025", "", "Story", paras...), archive.Unchanged, 1},
		{"other URL, same bytes as day 2", page(u+"?from=home&utm_source=x", day.Add(25*time.Hour), "Sunday, January 19, 2025", "", "Story", paras...), archive.Revisit, 1},
		{"edited", page(u, day.Add(48*time.Hour), "Monday, January 20, 2025", "", "Story", edited...), archive.NewVersion, 2},
		{"not modified", &newsarchive.Page{URL: u, FetchedAt: day.Add(72 * time.Hour), Status: 304}, archive.Revisit, 2},
	}
	f := &fakeExtractor{}
	s, _ := MustOpen(t, f)
	var id string
	for _, st := range steps {
		r := MustPut(t, s, st.page)
		if r.Outcome != st.want || r.Version != st.version {
			t.Errorf("%s: got %v version %d, want %v version %d", st.name, r.Outcome, r.Version, st.want, st.version)
		}
		if id == "" {
			id = r.RecordID
		}
		if r.RecordID != id {
			t.Errorf("%s: record %q, want %q", st.name, r.RecordID, id)
		}
		if r.Outcome == archive.Revisit && r.BodyBytes != 0 {
			t.Errorf("%s: revisit cost %d body bytes", st.name, r.BodyBytes)
		}
	}
	if f.calls != 3 {
		t.Errorf("extractor ran %d times, want 3 (revisits are not extracted)", f.calls)
	}
	recs := exportAll(t, s, archive.ExportOptions{})
	if len(recs) != 1 {
		t.Fatalf("exported %d records, want 1", len(recs))
	}
	a := recs[0]
	if a.Version != 2 || len(a.Snapshots) != 5 || a.Paragraphs[0] != edited[0] {
		t.Errorf("record: version %d, %d snapshots, first paragraph %q", a.Version, len(a.Snapshots), a.Paragraphs[0])
	}
	if !a.FirstSeen.Equal(day) || !a.LastSeen.Equal(day.Add(72*time.Hour)) {
		t.Errorf("firstSeen %v lastSeen %v", a.FirstSeen, a.LastSeen)
	}
	if len(a.URLs) != 2 || a.URLs[0] != u {
		t.Errorf("urls %q, want the canonical URL and the tracking one", a.URLs)
	}
	st, err := s.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := archive.Stats{Snapshots: 5, Revisits: 2, Records: 1, Versions: 2, Aliases: 2, Bodies: 3}
	if st.Snapshots != want.Snapshots || st.Revisits != want.Revisits || st.Records != want.Records ||
		st.Versions != want.Versions || st.Aliases != want.Aliases || st.Bodies != want.Bodies {
		t.Errorf("stats %+v, want %+v", st, want)
	}
	if err := s.Check(context.Background()); err != nil {
		t.Error(err)
	}
	if st.StoredBytes <= 0 || st.StoredBytes >= st.BodyBytes {
		t.Errorf("stored %d bytes for %d raw", st.StoredBytes, st.BodyBytes)
	}
}

func TestCanonicalAndAliases(t *testing.T) {
	f := &fakeExtractor{}
	s, _ := MustOpen(t, f)
	const canon = "https://news.example/a/story"
	r1 := MustPut(t, s, page(canon, day, "d1", canon, "Story", "Text."))
	r2 := MustPut(t, s, page("https://news.example/story?id=7&ref=home", day.Add(time.Hour), "d2", canon, "Story", "Text."))
	if r1.Outcome != archive.NewRecord || r2.Outcome != archive.Unchanged || r1.RecordID != r2.RecordID {
		t.Fatalf("got %+v then %+v", r1, r2)
	}
	// A tracking URL normalises to the canonical one: it leads to the same
	// record and is listed as fetched.
	const tracked = canon + "?utm_source=newsletter&fbclid=xyz"
	r3 := MustPut(t, s, page(tracked, day.Add(2*time.Hour), "d3", canon, "Story", "Text."))
	if r3.RecordID != r1.RecordID {
		t.Fatalf("tracking URL made record %s", r3.RecordID)
	}
	recs := exportAll(t, s, archive.ExportOptions{})
	want := []string{canon, "https://news.example/story?id=7&ref=home", tracked}
	if len(recs) != 1 || strings.Join(recs[0].URLs, " ") != strings.Join(want, " ") {
		t.Fatalf("urls %q, want %q", recs[0].URLs, want)
	}
	// As of before the second fetch, the record had one URL.
	old := exportAll(t, s, archive.ExportOptions{AsOf: day.Add(30 * time.Minute)})
	if len(old) != 1 || strings.Join(old[0].URLs, " ") != canon {
		t.Errorf("urls as of the first fetch: %q", old[0].URLs)
	}
	if err := s.Check(context.Background()); err != nil {
		t.Error(err)
	}
}

func TestNotArticlesMakeNoRecord(t *testing.T) {
	f := &fakeExtractor{}
	s, _ := MustOpen(t, f)
	r := MustPut(t, s, page("https://news.example/section/world", day, "d1", "", ""))
	if r.Outcome != archive.NotArticle || r.RecordID != "" {
		t.Errorf("index page: %+v", r)
	}
	nf := page("https://news.example/missing", day, "d1", "", "Not found")
	nf.Status = 404
	if r := MustPut(t, s, nf); r.Outcome != archive.NotArticle {
		t.Errorf("404: %+v", r)
	}
	failing := func(*newsarchive.Page) (*newsarchive.Article, error) { return nil, fmt.Errorf("boom") }
	opts := archive.DefaultOptions()
	opts.Extract = failing
	s2, err := archive.Open(t.TempDir()+"/b.db", opts)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if r := MustPut(t, s2, page("https://news.example/x", day, "d", "", "X", "p")); r.Outcome != archive.NotArticle || r.ExtractErr == nil {
		t.Errorf("failing extractor: %+v", r)
	}
	if recs := exportAll(t, s, archive.ExportOptions{}); len(recs) != 0 {
		t.Errorf("exported %d records, want none", len(recs))
	}
	if st, _ := s.Stats(context.Background()); st.Snapshots != 2 || st.NotArticles != 1 {
		t.Errorf("stats %+v", st)
	}
}

func TestValidators(t *testing.T) {
	s, _ := MustOpen(t, &fakeExtractor{})
	const u = "https://news.example/v"
	if e, l := s.Validators(u); e != "" || l != "" {
		t.Errorf("unknown URL: %q %q", e, l)
	}
	p := page(u, day, "d1", "", "V", "p")
	p.Header.Set("Last-Modified", "Sat, 18 Jan 2025 08:00:00 GMT")
	MustPut(t, s, p)
	e, l := s.Validators(u + "#frag")
	if e != `"d1"` || l != "Sat, 18 Jan 2025 08:00:00 GMT" {
		t.Errorf("validators %q %q", e, l)
	}
}

func TestExportFilters(t *testing.T) {
	s, _ := MustOpen(t, &fakeExtractor{})
	MustPut(t, s, page("https://a.example/1", day, "d1", "", "A1", "one"))
	MustPut(t, s, page("https://www.b.example/1", day.Add(time.Hour), "d1", "", "B1", "one"))
	MustPut(t, s, page("https://a.example/2", day.Add(48*time.Hour), "d3", "", "A2", "two"))
	MustPut(t, s, page("https://a.example/1", day.Add(72*time.Hour), "d4", "", "A1 new", "one"))
	tests := []struct {
		name string
		opts archive.ExportOptions
		want []string // headlines
	}{
		{"all", archive.ExportOptions{}, []string{"A1 new", "B1", "A2"}},
		{"site", archive.ExportOptions{Site: "a.example"}, []string{"A1 new", "A2"}},
		{"site www", archive.ExportOptions{Site: "b.example"}, []string{"B1"}},
		{"since", archive.ExportOptions{Since: day.Add(24 * time.Hour)}, []string{"A1 new", "A2"}},
		{"as of before all", archive.ExportOptions{AsOf: day.Add(-time.Hour)}, nil},
		{"as of day 2", archive.ExportOptions{AsOf: day.Add(24 * time.Hour)}, []string{"A1", "B1"}},
		{"as of day 3", archive.ExportOptions{AsOf: day.Add(50 * time.Hour)}, []string{"A1", "B1", "A2"}},
		{"as of + since", archive.ExportOptions{AsOf: day.Add(50 * time.Hour), Since: day.Add(30 * time.Hour)}, []string{"A2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, a := range exportAll(t, s, tt.opts) {
				got = append(got, a.Headline)
				if !tt.opts.AsOf.IsZero() {
					for _, sn := range a.Snapshots {
						if sn.FetchedAt.After(tt.opts.AsOf) {
							t.Errorf("%s: snapshot from %v after as-of", a.Headline, sn.FetchedAt)
						}
					}
					if a.LastSeen.After(tt.opts.AsOf) {
						t.Errorf("%s: lastSeen %v after as-of", a.Headline, a.LastSeen)
					}
				}
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSiteKnowledge(t *testing.T) {
	f := &fakeExtractor{}
	s, path := MustOpen(t, f)
	for i := range 3 {
		MustPut(t, s, page(fmt.Sprintf("https://news.example/%d", i), day, "d", "", fmt.Sprint("H", i), fmt.Sprint("para", i)))
	}
	// Fetching an article again does not count its blocks again.
	MustPut(t, s, page("https://news.example/0", day.Add(time.Hour), "other", "", "H0", "para0"))
	last := f.seen[len(f.seen)-1]
	if f.pages[len(f.pages)-1] != 3 || last[fingerprint("Hot this week: teaser one")] != 3 {
		t.Errorf("site pages %d, teaser count %d; want 3, 3", f.pages[len(f.pages)-1], last[fingerprint("Hot this week: teaser one")])
	}
	if _, ok := last[fingerprint("para0")]; ok {
		t.Errorf("a paragraph seen on one page is in SiteBlocks")
	}
	// Knowledge survives a reopen.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	f2 := &fakeExtractor{}
	s2 := MustOpenPath(t, path, f2)
	MustPut(t, s2, page("https://news.example/9", day, "d", "", "H9", "para9"))
	if f2.pages[0] != 3 || f2.seen[0][fingerprint("Hot this week: teaser one")] != 3 {
		t.Errorf("after reopen: pages %d, blocks %v", f2.pages[0], f2.seen[0])
	}
}

func TestReopenKeepsEverything(t *testing.T) {
	f := &fakeExtractor{}
	s, path := MustOpen(t, f)
	for i := range 20 {
		MustPut(t, s, page(fmt.Sprintf("https://news.example/%d", i), day.Add(time.Duration(i)*time.Minute), "d", "", fmt.Sprint("H", i), strings.Repeat("word ", 300+i)))
	}
	var before bytes.Buffer
	if _, err := s.Export(context.Background(), &before, archive.ExportOptions{}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s2 := MustOpenPath(t, path, f)
	var after bytes.Buffer
	if _, err := s2.Export(context.Background(), &after, archive.ExportOptions{}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before.Bytes(), after.Bytes()) {
		t.Error("export differs after reopen")
	}
	st, _ := s2.Stats(context.Background())
	if st.Dicts != 1 {
		t.Errorf("%d dictionaries, want 1 for one host", st.Dicts)
	}
}

func TestConcurrentPut(t *testing.T) {
	f := &fakeExtractor{}
	s, _ := MustOpen(t, f)
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 25 {
				// Every worker fetches the same 25 articles.
				p := page(fmt.Sprintf("https://news.example/%d", i), day.Add(time.Duration(w)*time.Hour), fmt.Sprint("w", w), "", fmt.Sprint("H", i), "text")
				if _, err := s.Put(context.Background(), p); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	var exported int
	wg.Add(1)
	go func() { // export while the writers write
		defer wg.Done()
		n, err := s.Export(context.Background(), new(bytes.Buffer), archive.ExportOptions{})
		if err != nil {
			t.Error(err)
		}
		exported = n
	}()
	wg.Wait()
	if exported > 25 {
		t.Errorf("export during writes saw %d records", exported)
	}
	st, _ := s.Stats(context.Background())
	if err := s.Check(context.Background()); err != nil {
		t.Error(err)
	}
	if st.Snapshots != 100 || st.Records != 25 || st.Versions != 25 {
		t.Errorf("stats %+v, want 100 snapshots, 25 records, 25 versions", st)
	}
}

// However many goroutines call Put, only as many pages as there are CPUs
// are extracted (and compressed) at once: the crawler keeps dozens of
// pages waiting for commits, and each extraction holds megabytes.
func TestPutExtractsAtMostOnePagePerCPU(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	f := &fakeExtractor{}
	opts := archive.DefaultOptions()
	opts.NoSync = true
	var most func() int32
	opts.Extract, most = slowCounted(f.Extract)
	s, err := archive.Open(filepath.Join(t.TempDir(), "cpu.db"), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			p := page(fmt.Sprintf("https://news.example/%d", i), day, "", "", fmt.Sprint("H", i), "text")
			if _, err := s.Put(context.Background(), p); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if m := most(); m != 2 {
		t.Errorf("%d pages extracted at once by 16 Puts, want 2 (GOMAXPROCS)", m)
	}
}

func TestPutRejects(t *testing.T) {
	s, _ := MustOpen(t, &fakeExtractor{})
	if _, err := s.Put(context.Background(), &newsarchive.Page{}); err == nil {
		t.Error("page without URL stored")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Put(ctx, &newsarchive.Page{URL: "https://x.example/", Header: http.Header{}}); err == nil {
		t.Error("put with a cancelled context")
	}
}

// PutBatch files pages as Put one by one does.
func TestPutBatchMatchesPut(t *testing.T) {
	ctx := context.Background()
	var pages []*newsarchive.Page
	for i := range 30 {
		u := fmt.Sprintf("https://%s.example/story/%d", []string{"a", "b"}[i%2], i%10)
		paras := []string{fmt.Sprint("Paragraph ", i%10, " ", strings.Repeat("text ", 600))}
		if i >= 20 && i%3 == 0 {
			paras[0] += " corrected"
		}
		pages = append(pages, page(u, day.Add(time.Duration(i)*time.Hour), fmt.Sprint("day ", i/10), "", fmt.Sprint("Story ", i%10), paras...))
	}
	pages = append(pages, &newsarchive.Page{URL: "https://a.example/story/0", FetchedAt: day.Add(99 * time.Hour), Status: 304})
	pages = append(pages, pages[3]) // identical bytes, same batch

	one, _ := MustOpen(t, &fakeExtractor{})
	var want []archive.Outcome
	for _, p := range pages {
		want = append(want, MustPut(t, one, p).Outcome)
	}
	batch, _ := MustOpen(t, &fakeExtractor{})
	res, err := batch.PutBatch(ctx, pages)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if r.Outcome != want[i] {
			t.Errorf("page %d: batch %v, one by one %v", i, r.Outcome, want[i])
		}
	}
	a := exportAll(t, one, archive.ExportOptions{})
	b := exportAll(t, batch, archive.ExportOptions{})
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Error("exports differ")
	}
	sa, _ := one.Stats(ctx)
	sb, _ := batch.Stats(ctx)
	// Compression may differ: pages of one batch cannot use what the batch
	// stores (a delta of a page stored in it, the first dictionary).
	sa.FileBytes, sb.FileBytes, sa.StoredBytes, sb.StoredBytes = 0, 0, 0, 0
	if sa != sb {
		t.Errorf("stats one by one %+v, batch %+v", sa, sb)
	}
	if err := batch.Check(ctx); err != nil {
		t.Error(err)
	}
}

// Close waits for running Puts; later ones fail with ErrClosed.
func TestCloseDuringPut(t *testing.T) {
	s, _ := MustOpen(t, &fakeExtractor{})
	var wg sync.WaitGroup
	for w := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				_, err := s.Put(context.Background(), page(fmt.Sprintf("https://news.example/%d/%d", w, i), day, "d", "", "H", strings.Repeat("text ", 500)))
				if err != nil && !errors.Is(err, archive.ErrClosed) {
					t.Error(err)
				}
			}
		}()
	}
	time.Sleep(time.Millisecond)
	if err := s.Close(); err != nil {
		t.Error(err)
	}
	wg.Wait()
}

// Export runs while a writer writes: each export is a consistent stream
// of whole records, and later exports see at least as many.
func TestExportWhileWriting(t *testing.T) {
	ctx := context.Background()
	s, _ := MustOpen(t, &fakeExtractor{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 120 {
			p := page(fmt.Sprintf("https://news.example/%d", i), day.Add(time.Duration(i)*time.Second), "d", "", fmt.Sprint("H", i), strings.Repeat("text ", 200))
			if _, err := s.Put(ctx, p); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	last := 0
	for running := true; running; {
		select {
		case <-done:
			running = false
		default:
		}
		recs := exportAll(t, s, archive.ExportOptions{})
		if len(recs) < last {
			t.Fatalf("export saw %d records after %d", len(recs), last)
		}
		last = len(recs)
		for _, a := range recs {
			if a.Headline == "" || a.Version != 1 || len(a.Snapshots) != 1 {
				t.Fatalf("partial record %+v", a)
			}
		}
	}
	if recs := exportAll(t, s, archive.ExportOptions{}); len(recs) != 120 {
		t.Errorf("final export %d records", len(recs))
	}
}

// URLs a hostile or broken site may produce are stored, never an error
// that would stop a crawl.
func TestOddURLs(t *testing.T) {
	s, _ := MustOpen(t, &fakeExtractor{})
	long := "https://news.example/" + strings.Repeat("a", 40000)
	for _, u := range []string{"not a url", "ftp://files.example/x", long, "https://news.example/%zz", "https://[::1]:99999/"} {
		r, err := s.Put(context.Background(), page(u, day, "d", "", "Odd", "text"))
		if err != nil {
			t.Errorf("%.60s: %v", u, err)
			continue
		}
		if r.SnapshotID == "" {
			t.Errorf("%.60s: no snapshot", u)
		}
		s.Validators(u)
	}
	// A URL too long to be a key as it is still finds its record.
	r1 := MustPut(t, s, page(long, day.Add(time.Hour), "other day", "", "Odd", "text"))
	if r1.Outcome != archive.Unchanged {
		t.Errorf("long URL fetched again: %v", r1.Outcome)
	}
	if e, _ := s.Validators(long); e != `"other day"` {
		t.Errorf("validators of the long URL: %q", e)
	}
	if err := s.Check(context.Background()); err != nil {
		t.Error(err)
	}
	exportAll(t, s, archive.ExportOptions{})
}

// A page fetched again is stored as a small delta of its first fetch and
// reads back byte for byte, also after a reopen.
func TestRefetchIsADelta(t *testing.T) {
	ctx := context.Background()
	s, path := MustOpen(t, &fakeExtractor{})
	const u = "https://news.example/delta"
	text := strings.Repeat("A long article paragraph that stays the same. ", 400)
	var ids []string
	var bodies [][]byte
	for i, date := range []string{"Saturday, January 18, 2025", "Sunday, January 19, 2025", "Monday, January 20, 2025"} {
		p := page(u, day.Add(time.Duration(i)*24*time.Hour), date, "", "Title", text)
		r := MustPut(t, s, p)
		if i > 0 && r.BodyBytes > 200 {
			t.Errorf("day %d cost %d body bytes, want a small delta", i+1, r.BodyBytes)
		}
		ids = append(ids, r.SnapshotID)
		bodies = append(bodies, p.Body)
	}
	s.Close()
	s2 := MustOpenPath(t, path, &fakeExtractor{})
	for i, id := range ids {
		sn, err := s2.Snapshot(ctx, id)
		if err != nil || !bytes.Equal(sn.Body, bodies[i]) {
			t.Errorf("snapshot %s: body differs (%v)", id, err)
		}
	}
	if err := s2.Check(ctx); err != nil {
		t.Error(err)
	}
}

// With more sites than the codec caches dictionaries and encoders for,
// every body still compresses against its site's dictionary and reads back.
func TestManySitesDictionaries(t *testing.T) {
	ctx := context.Background()
	s, _ := MustOpen(t, nil)
	const sites = 300
	var pages []*newsarchive.Page
	for i := range sites {
		for j := range 2 {
			pages = append(pages, page(fmt.Sprintf("https://site%d.example/%d", i, j), day, "d", "", fmt.Sprint("H", i, j),
				strings.Repeat(fmt.Sprint("site ", i, " text "), 200)))
		}
	}
	var ids []string
	for i := 0; i < len(pages); i += 60 {
		res, err := s.PutBatch(ctx, pages[i:i+60])
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res {
			ids = append(ids, r.SnapshotID)
		}
	}
	// Read them in an order that defeats the caches.
	for k := range ids {
		i := (k * 7919) % len(ids)
		sn, err := s.Snapshot(ctx, ids[i])
		if err != nil || !bytes.Equal(sn.Body, pages[i].Body) {
			t.Fatalf("snapshot %s: %v", ids[i], err)
		}
	}
	st, _ := s.Stats(ctx)
	if st.Dicts != sites {
		t.Errorf("%d dictionaries for %d sites", st.Dicts, sites)
	}
}

// After its first thousand pages a site's new blocks are not counted any
// more (they are articles' own); its known blocks still are.
func TestSiteKnowledgeIsBounded(t *testing.T) {
	ctx := context.Background()
	f := &fakeExtractor{}
	s, _ := MustOpen(t, f)
	var pages []*newsarchive.Page
	for i := range 1100 {
		pages = append(pages, page(fmt.Sprintf("https://big.example/%d", i), day, "d", "", fmt.Sprint("H", i), fmt.Sprint("unique paragraph ", i)))
	}
	for i := 0; i < len(pages); i += 275 {
		if _, err := s.PutBatch(ctx, pages[i:i+275]); err != nil {
			t.Fatal(err)
		}
	}
	u, err := s.Usage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Counts are written every flushPages pages, and the bound applies
	// from the first flush after learnPages pages.
	for _, b := range u.Buckets {
		if b.Name == "siteblocks" && (b.Keys < 2+archive.LearnPages || b.Keys > 2+archive.LearnPages+archive.FlushPages) {
			t.Errorf("%d block counts kept, want 2 teasers and %d to %d paragraphs", b.Keys, archive.LearnPages, archive.LearnPages+archive.FlushPages)
		}
	}
	MustPut(t, s, page("https://big.example/last", day, "d", "", "Last", "last"))
	last := f.seen[len(f.seen)-1]
	if f.pages[len(f.pages)-1] != 1100 || last[fingerprint("Hot this week: teaser one")] != 1100 {
		t.Errorf("site pages %d, teaser count %d; want 1100 and 1100", f.pages[len(f.pages)-1], last[fingerprint("Hot this week: teaser one")])
	}
}

// TestSiteKnowledgeSurvivesClose checks that the site counts gathered in
// memory reach the file when the Store closes, before and after a flush,
// and that counts not yet written are in the profile the extractor gets.
func TestSiteKnowledgeSurvivesClose(t *testing.T) {
	teaser := fingerprint("Hot this week: teaser one")
	for _, n := range []int{3, archive.FlushPages + 3} {
		t.Run(fmt.Sprint(n, " pages"), func(t *testing.T) {
			f := &fakeExtractor{}
			s, path := MustOpen(t, f)
			for i := range n {
				MustPut(t, s, page(fmt.Sprintf("https://site.example/%d", i), day, "d", "", fmt.Sprint("H", i), fmt.Sprint("paragraph ", i)))
			}
			// The last Put saw the n-1 pages before it, written or not.
			if got, want := f.pages[len(f.pages)-1], n-1; got != want {
				t.Errorf("before close: profile of %d pages, want %d", got, want)
			}
			if got, want := f.seen[len(f.seen)-1][teaser], n-1; got != want {
				t.Errorf("before close: teaser on %d pages, want %d", got, want)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			s = MustOpenPath(t, path, f)
			defer s.Close()
			MustPut(t, s, page("https://site.example/after", day, "d", "", "After", "after"))
			if got := f.pages[len(f.pages)-1]; got != n {
				t.Errorf("after reopening: profile of %d pages, want %d", got, n)
			}
			if got := f.seen[len(f.seen)-1][teaser]; got != n {
				t.Errorf("after reopening: teaser on %d pages, want %d", got, n)
			}
		})
	}
}

// A host with many recurring blocks gets a profile that may lag a few
// pages (its map is copied only every len/256 pages), but is always one
// consistent view: a block on every page is counted on all the pages the
// view counts. A small host's profile never lags.
func TestSiteProfileLagIsBounded(t *testing.T) {
	for _, tt := range []struct {
		name    string
		asides  int // blocks on every page
		maxLag  int
		nPages  int
		checkAt int // from this page on
	}{
		{"small site", 3, 0, 40, 1},
		{"many blocks", 1000, 1000 / 256, 40, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeExtractor{}
			s, _ := MustOpen(t, f)
			var shared strings.Builder
			for i := range tt.asides {
				fmt.Fprintf(&shared, "<aside>recurring block %d</aside>", i)
			}
			for i := range tt.nPages {
				p := page(fmt.Sprintf("https://many.example/%d", i), day, "d", "", fmt.Sprint("H", i), fmt.Sprint("paragraph ", i))
				p.Body = []byte(strings.Replace(string(p.Body), "<h1>", shared.String()+"<h1>", 1))
				MustPut(t, s, p)
			}
			every := fingerprint("recurring block 0")
			for i := tt.checkAt; i < len(f.pages); i++ {
				pages, seen := f.pages[i], f.seen[i][every]
				if pages < i-tt.maxLag || pages > i {
					t.Errorf("page %d: profile of %d pages, want %d to %d", i, pages, i-tt.maxLag, i)
				}
				if pages >= 2 && seen != pages {
					t.Errorf("page %d: a block on every page counted %d times in a profile of %d pages", i, seen, pages)
				}
			}
		})
	}
}
