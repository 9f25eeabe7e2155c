package archive_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newsarchive/newsarchive"
	"github.com/newsarchive/newsarchive/archive"
)

// Damage inside the file: pages overwritten with garbage. Open, Check,
// Export and Stats report ErrCorrupt or work; they never crash.
func TestGarbledPages(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src.db")
	s := MustOpenPath(t, src, &fakeExtractor{})
	for i := range 80 {
		MustPut(t, s, page(fmt.Sprintf("https://news.example/%d", i), day, "d", "", fmt.Sprint("H", i), strings.Repeat(fmt.Sprint("text ", i, " "), 300)))
	}
	st, _ := s.Stats(context.Background())
	s.Close()
	full, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	pages := int(st.FileBytes) / 4096
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 40 {
		b := append([]byte(nil), full...)
		// Garble one page past the two meta pages.
		pg := 2 + rng.IntN(pages-2)
		for i := pg * 4096; i < (pg+1)*4096; i++ {
			b[i] = byte(rng.Uint32())
		}
		path := filepath.Join(dir, fmt.Sprint("g", round, ".db"))
		os.WriteFile(path, b, 0o644)
		opts := archive.DefaultOptions()
		s, err := archive.Open(path, opts)
		if err != nil {
			if !errors.Is(err, archive.ErrCorrupt) && !errors.Is(err, archive.ErrSchema) {
				t.Errorf("page %d: open: %v", pg, err)
			}
			continue
		}
		cerr := s.Check(context.Background())
		if cerr != nil && !errors.Is(cerr, archive.ErrCorrupt) {
			t.Errorf("page %d: check: %v", pg, cerr)
		}
		if _, err := s.Export(context.Background(), io.Discard, archive.ExportOptions{}); err != nil && !errors.Is(err, archive.ErrCorrupt) {
			t.Errorf("page %d: export: %v", pg, err)
		}
		if _, err := s.ExportWARC(context.Background(), io.Discard, archive.WARCOptions{}); err != nil && !errors.Is(err, archive.ErrCorrupt) {
			t.Errorf("page %d: export warc: %v", pg, err)
		}
		s.Close()
	}
}

// Whatever a server sends and whatever the extractor makes of it, Put
// stores it or refuses a page without URL; the archive stays consistent.
func FuzzPut(f *testing.F) {
	f.Add("https://news.example/a", 200, "Etag", `"x"`, []byte("<html><h1>T</h1><p>p</p></html>"), "https://news.example/a", "id1")
	f.Add("not a url", 304, "", "", []byte{}, "", "")
	f.Add("https://news.example/b?utm_source=x#f", 404, "Content-Type", "text/html\r\nX: y", []byte{0xff, 0xfe}, "https://other.example/", "")
	dir := f.TempDir()
	n := 0
	f.Fuzz(func(t *testing.T, u string, status int, hk, hv string, body []byte, canonical, id string) {
		n++
		opts := archive.DefaultOptions()
		opts.NoSync = true
		opts.Extract = func(p *newsarchive.Page) (*newsarchive.Article, error) {
			return &newsarchive.Article{ID: id, URL: canonical, URLs: []string{p.URL, canonical}, IsArticle: len(body)%2 == 0,
				Headline: string(body), ContentHash: fmt.Sprintf("%x", len(body)), Blocks: []uint64{uint64(len(u))}}, nil
		}
		path := filepath.Join(dir, fmt.Sprint("f", n, ".db"))
		s, err := archive.Open(path, opts)
		if err != nil {
			t.Fatal(err)
		}
		defer os.Remove(path)
		defer s.Close()
		for i := range 2 {
			_, err := s.Put(context.Background(), &newsarchive.Page{URL: u, FetchedAt: day.Add(time.Duration(i) * time.Hour),
				Status: status, Header: http.Header{hk: {hv}}, Body: body})
			if err != nil && !(u == "" && errors.Is(err, archive.ErrInvalidPage)) {
				t.Fatalf("put: %v", err)
			}
		}
		if err := s.Check(context.Background()); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Export(context.Background(), io.Discard, archive.ExportOptions{}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ExportWARC(context.Background(), io.Discard, archive.WARCOptions{}); err != nil {
			t.Fatal(err)
		}
	})
}

// Writes meet damage too: bbolt panics on a page whose header is not what
// the tree expects. Put and the Frontier return ErrCorrupt and the process
// lives on, whichever page was zeroed.
func TestZeroedPageWrites(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src.db")
	s := MustOpenPath(t, src, &fakeExtractor{})
	f := s.Frontier("job")
	if err := f.Init(); err != nil {
		t.Fatal(err)
	}
	for i := range 60 {
		MustPut(t, s, page(fmt.Sprintf("https://news.example/%d", i), day, "d", "", fmt.Sprint("H", i), strings.Repeat(fmt.Sprint("text ", i, " "), 300)))
		if err := f.AddRequest([]byte(fmt.Sprintf(`{"u":"https://news.example/q%d"}`, i))); err != nil {
			t.Fatal(err)
		}
	}
	st, _ := s.Stats(context.Background())
	s.Close()
	full, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	const pageSize = 2048 // what a new archive file is made with
	for pg := 2; pg < int(st.FileBytes)/pageSize; pg++ {
		b := append([]byte(nil), full...)
		clear(b[pg*pageSize : (pg+1)*pageSize])
		path := filepath.Join(dir, fmt.Sprint("z", pg, ".db"))
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		opts := archive.DefaultOptions()
		opts.NoSync = true
		opts.Extract = (&fakeExtractor{}).Extract
		s, err := archive.Open(path, opts)
		if err != nil {
			if !errors.Is(err, archive.ErrCorrupt) && !errors.Is(err, archive.ErrSchema) {
				t.Errorf("page %d: open: %v", pg, err)
			}
			continue
		}
		ok := func(what string, err error) {
			if err != nil && !errors.Is(err, archive.ErrCorrupt) {
				t.Errorf("page %d: %s: %v, want nil or ErrCorrupt", pg, what, err)
			}
		}
		// The writes run at once, as a crawler's workers do, so they
		// share transactions: a panic in a shared commit must reach the
		// writers as ErrCorrupt too, not kill the process.
		var wg sync.WaitGroup
		for i := range 5 {
			wg.Go(func() {
				_, err := s.Put(context.Background(), page(fmt.Sprintf("https://news.example/%d", i*13), day, "d", "", "New", "changed text"))
				ok("put", err)
			})
		}
		f := s.Frontier("job")
		ok("frontier init", f.Init())
		for range 3 {
			wg.Go(func() {
				_, err := f.LeaseRequest(func([]byte) (uint64, bool) { return 1, true })
				ok("lease", err)
			})
		}
		wg.Go(func() {
			ok("commit", f.Commit([][]byte{[]byte(`{"u":"https://news.example/new"}`)}, []uint64{7}))
		})
		wg.Wait()
		ok("close", s.Close())
	}
}

// A corrupt page met by a commit, not by the write's own function: bbolt
// reads the sibling of a leaf it empties below a quarter to merge them.
// With writers under way at once the commit is shared; the panic must
// reach them as ErrCorrupt, and the process must live on (it ran in
// bbolt's Batch goroutine once, where nothing could recover it).
func TestCorruptPageInSharedCommit(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.db")
	s := MustOpenPath(t, path, &fakeExtractor{})
	f := s.Frontier("job")
	var reqs [][]byte
	for i := range 400 {
		reqs = append(reqs, fmt.Appendf(nil, `{"u":"https://news.example/q%04d"}`, i))
	}
	if err := f.Commit(reqs, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// The queue's leaves, by their first request: give the second a
	// header that names another page.
	const pageSize = 2048 // what a new archive file is made with
	type leaf struct{ first, pg int }
	var leaves []leaf
	for pg := 2; (pg+1)*pageSize <= len(data); pg++ {
		p := data[pg*pageSize : (pg+1)*pageSize]
		if binary.LittleEndian.Uint16(p[8:]) != 0x02 || binary.LittleEndian.Uint16(p[10:]) == 0 {
			continue // not a leaf with elements
		}
		e := p[16:32]
		pos, ksize, vsize := binary.LittleEndian.Uint32(e[4:]), binary.LittleEndian.Uint32(e[8:]), binary.LittleEndian.Uint32(e[12:])
		if v := 16 + int(pos) + int(ksize); ksize == 8 && v+int(vsize) <= pageSize && bytes.HasPrefix(p[v:v+int(vsize)], []byte(`{"u":"https://news.example/q`)) {
			n, _ := strconv.Atoi(string(p[v+int(vsize)-6 : v+int(vsize)-2]))
			leaves = append(leaves, leaf{n, pg})
		}
	}
	if len(leaves) < 3 {
		t.Fatalf("found %d leaves of the queue, want several", len(leaves))
	}
	slices.SortFunc(leaves, func(a, b leaf) int { return a.first - b.first })
	pg := leaves[1].pg
	binary.LittleEndian.PutUint64(data[pg*pageSize:], uint64(pg+100000))
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}

	s = MustOpenPath(t, path, &fakeExtractor{})
	defer s.Close()
	f = s.Frontier("job")
	var corrupt atomic.Int32
	var putters, getters sync.WaitGroup
	stop := make(chan struct{})
	for w := range 3 {
		putters.Go(func() {
			for i := 0; ; i++ { // Puts beside the frontier, so commits are shared
				select {
				case <-stop:
					return
				default:
				}
				_, err := s.Put(context.Background(), page(fmt.Sprintf("https://news.example/%d/%d", w, i), day, "d", "", "H", "text"))
				if err != nil {
					t.Errorf("put: %v", err)
					return
				}
			}
		})
	}
	for range 3 {
		getters.Go(func() {
			for range 40 {
				r, err := f.GetRequest()
				if errors.Is(err, archive.ErrCorrupt) {
					corrupt.Add(1)
					continue
				}
				if err != nil || r == nil {
					t.Errorf("get request: %q %v", r, err)
					return
				}
			}
		})
	}
	getters.Wait()
	close(stop)
	putters.Wait()
	if corrupt.Load() == 0 {
		t.Errorf("no write met the corrupt page")
	}
}
