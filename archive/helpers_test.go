package archive_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"hash/fnv"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newsarchive/newsarchive"
	"github.com/newsarchive/newsarchive/archive"
	"github.com/newsarchive/newsarchive/internal/urlnorm"
)

// fakeExtractor reads the tiny page format of page(): a canonical link, an
// <h1> headline, <p> paragraphs and <aside> teasers. It records the site
// knowledge it was given.
type fakeExtractor struct {
	mu    sync.Mutex
	calls int
	seen  []map[uint64]int
	pages []int
}

var (
	reCanon = regexp.MustCompile(`<link rel=canonical href="([^"]+)">`)
	reH1    = regexp.MustCompile(`<h1>([^<]*)</h1>`)
	reP     = regexp.MustCompile(`<p>([^<]*)</p>`)
	reAside = regexp.MustCompile(`<aside>([^<]*)</aside>`)
)

func fingerprint(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

func (f *fakeExtractor) Extract(p *newsarchive.Page) (*newsarchive.Article, error) {
	f.mu.Lock()
	f.calls++
	f.seen = append(f.seen, p.SiteBlocks)
	f.pages = append(f.pages, p.SitePages)
	f.mu.Unlock()
	body := string(p.Body)
	canon, _ := urlnorm.Normalize(p.URL)
	if m := reCanon.FindStringSubmatch(body); m != nil {
		canon, _ = urlnorm.Normalize(m[1])
	}
	fetched, _ := urlnorm.Normalize(p.URL)
	a := &newsarchive.Article{
		ID: urlnorm.ID(canon), URL: canon, URLs: []string{fetched}, Site: urlnorm.Host(canon),
		Extractor: "fake/1",
	}
	for _, m := range reAside.FindAllStringSubmatch(body, -1) {
		a.Blocks = append(a.Blocks, fingerprint(m[1]))
	}
	m := reH1.FindStringSubmatch(body)
	if m == nil {
		return a, nil
	}
	a.IsArticle = true
	a.Headline = m[1]
	for _, m := range reP.FindAllStringSubmatch(body, -1) {
		a.Paragraphs = append(a.Paragraphs, m[1])
		a.Blocks = append(a.Blocks, fingerprint(m[1]))
	}
	a.Body = strings.Join(a.Paragraphs, "\n\n")
	sum := sha256.Sum256([]byte(a.Headline + "\n" + a.Body))
	a.ContentHash = hex.EncodeToString(sum[:])
	return a, nil
}

// page builds a fetch of a tiny article page.
func page(u string, at time.Time, headerDate, canonical, headline string, paras ...string) *newsarchive.Page {
	var b strings.Builder
	b.WriteString("<html><header>" + headerDate + "</header>")
	if canonical != "" {
		b.WriteString(`<link rel=canonical href="` + canonical + `">`)
	}
	b.WriteString("<aside>Hot this week: teaser one</aside><aside>Topics: teaser two " + headerDate + "</aside>")
	if headline != "" {
		b.WriteString("<h1>" + headline + "</h1>")
	}
	for _, p := range paras {
		b.WriteString("<p>" + p + "</p>")
	}
	b.WriteString("<footer>" + strings.Repeat("site footer links ", 50) + "</footer></html>")
	return &newsarchive.Page{
		URL: u, FetchedAt: at, Status: 200,
		Header: http.Header{"Content-Type": {"text/html; charset=utf-8"}, "Etag": {`"` + headerDate + `"`}},
		Body:   []byte(b.String()),
	}
}

var day = time.Date(2025, 1, 18, 9, 0, 0, 0, time.UTC)

// MustOpen opens a new archive in a temporary directory with the fake
// extractor and closes it when the test ends.
func MustOpen(t testing.TB, f *fakeExtractor) (*archive.Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.db")
	return MustOpenPath(t, path, f), path
}

// MustOpenPath opens the archive at path.
func MustOpenPath(t testing.TB, path string, f *fakeExtractor) *archive.Store {
	t.Helper()
	opts := archive.DefaultOptions()
	// No fsync: a test process that ends loses nothing, and tests stay
	// fast on a busy disk. The process tests keep fsync on.
	opts.NoSync = true
	if f != nil {
		opts.Extract = f.Extract
	}
	s, err := archive.Open(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s
}

// MustPut puts a page and returns the result.
func MustPut(t testing.TB, s *archive.Store, p *newsarchive.Page) archive.PutResult {
	t.Helper()
	r, err := s.Put(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// slowCounted wraps an extractor so that each call takes 20 ms (long
// enough for concurrent callers to pile up) and counts the calls running
// at once; most returns the highest count seen.
func slowCounted(extract func(*newsarchive.Page) (*newsarchive.Article, error)) (wrapped func(*newsarchive.Page) (*newsarchive.Article, error), most func() int32) {
	var now, high atomic.Int32
	wrapped = func(p *newsarchive.Page) (*newsarchive.Article, error) {
		n := now.Add(1)
		defer now.Add(-1)
		for m := high.Load(); n > m && !high.CompareAndSwap(m, n); m = high.Load() {
		}
		time.Sleep(20 * time.Millisecond)
		return extract(p)
	}
	return wrapped, high.Load
}
