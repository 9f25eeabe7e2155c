package archive_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
