package archive

import (
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/newsarchive/newsarchive"
)

// TestCheckContents flips bytes inside stored values, where bbolt has no
// checksum to notice: a body that no longer decompresses to what was
// fetched, and a version that is no longer JSON. Check reports both.
func TestCheckContents(t *testing.T) {
	for _, tc := range []struct {
		name, want string
		damage     func(tx *bolt.Tx) error
	}{
		{"body", "body", func(tx *bolt.Tx) error {
			b := tx.Bucket(bucketBodies)
			k, v := b.Cursor().First()
			bad := append([]byte(nil), v...)
			for i := len(bad) / 2; i < len(bad)/2+8 && i < len(bad); i++ {
				bad[i] ^= 0x55
			}
			return b.Put(k, bad)
		}},
		{"version", "not valid JSON", func(tx *bolt.Tx) error {
			b := tx.Bucket(bucketVersions)
			k, v := b.Cursor().First()
			ver, err := decodeVersion(v)
			if err != nil {
				return err
			}
			ver.Article = []byte(`{"id":"x","headline":"cut sho`)
			ver.Splice, ver.packed = false, nil
			return b.Put(k, encodeVersion(ver))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "c.db")
			opts := DefaultOptions()
			opts.NoSync = true
			opts.Extract = func(p *newsarchive.Page) (*newsarchive.Article, error) {
				return &newsarchive.Article{ID: "0123456789abcdef", URL: p.URL, URLs: []string{p.URL}, Site: "news.example",
					IsArticle: true, Headline: "A story", Paragraphs: []string{"One."}, Body: "One.", ContentHash: "h1"}, nil
			}
			s, err := Open(path, opts)
			if err != nil {
				t.Fatal(err)
			}
			body := "<html><body><h1>A story</h1><p>" + strings.Repeat("Words of the story. ", 200) + "</p></body></html>"
			if _, err := s.Put(context.Background(), &newsarchive.Page{URL: "https://news.example/a", FetchedAt: time.Now(), Status: 200,
				Header: http.Header{"Content-Type": {"text/html"}}, Body: []byte(body)}); err != nil {
				t.Fatal(err)
			}
			if err := s.Check(context.Background()); err != nil {
				t.Fatalf("before the damage: %v", err)
			}
			if err := s.db.Update(tc.damage); err != nil {
				t.Fatal(err)
			}
			err = s.Check(context.Background())
			if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Check after damaging a %s: %v", tc.name, err)
			}
			s.Close()
		})
	}
}
