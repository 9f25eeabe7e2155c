package archive

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/newsarchive/newsarchive"
	bolt "go.etcd.io/bbolt"
)

// filePageSize reads the page size from a file's first meta page.
func filePageSize(t *testing.T, path string) uint32 {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m, ok := parseBoltMeta(b)
	if !ok {
		t.Fatalf("%s: no bolt meta page", path)
	}
	return m.pageSize
}

// New files get newFilePageSize pages; a file made with 4 KB pages (every
// archive written before) keeps them, and is written, checked and exported
// as before.
func TestPageSize(t *testing.T) {
	ctx := context.Background()
	put := func(t *testing.T, path string) {
		t.Helper()
		opts := DefaultOptions()
		opts.Extract = func(p *newsarchive.Page) (*newsarchive.Article, error) {
			return &newsarchive.Article{URL: p.URL, IsArticle: true, Headline: "h", Body: string(p.Body), ContentHash: string(p.Body)}, nil
		}
		s, err := Open(path, opts)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		var pages []*newsarchive.Page
		for i := range 300 {
			pages = append(pages, &newsarchive.Page{URL: fmt.Sprintf("https://a.example/%d", i), FetchedAt: time.Unix(int64(i), 0),
				Status: 200, Header: http.Header{"Content-Type": {"text/html"}}, Body: fmt.Appendf(nil, "<p>%d %07000d</p>", i, i)})
		}
		if _, err := s.PutBatch(ctx, pages); err != nil {
			t.Fatal(err)
		}
		if err := s.Check(ctx); err != nil {
			t.Fatal(err)
		}
		if n, err := s.Export(ctx, io.Discard, ExportOptions{}); err != nil || n != len(pages) {
			t.Fatalf("exported %d, %v", n, err)
		}
	}
	t.Run("new", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "new.db")
		put(t, path)
		if got := filePageSize(t, path); got != newFilePageSize {
			t.Errorf("page size %d, want %d", got, newFilePageSize)
		}
	})
	t.Run("4KB", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "old.db")
		db, err := bolt.Open(path, 0o644, &bolt.Options{PageSize: 4096})
		if err != nil {
			t.Fatal(err)
		}
		db.Close()
		put(t, path)
		put(t, path) // reopened: the same pages again are revisits
		if got := filePageSize(t, path); got != 4096 {
			t.Errorf("page size %d, want 4096", got)
		}
	})
}
