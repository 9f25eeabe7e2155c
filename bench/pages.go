package bench

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Page is one benchmark page with its ground truth.
type Page struct {
	ID     string `json:"id"`
	URL    string `json:"url"`
	Source string `json:"source"`
	// Body is the true main text (extraction set), Date the true
	// publication date (dates set).
	Body string `json:"body"`
	Date string `json:"datePublished"`
	// HTML is the raw saved page.
	HTML []byte `json:"-"`
	// InExtraction and InDates tell which truth files list the page.
	InExtraction, InDates bool `json:"-"`
}

// ErrNoData is returned when the benchmark folder cannot be found.
var ErrNoData = errors.New("bench: benchmark data not found (set NEWSARCHIVE_BENCH_DATA to the shared/bench folder)")

// DataDir finds the benchmark folder: $NEWSARCHIVE_BENCH_DATA, then
// shared/bench beside the repository, then /work/shared/bench.
func DataDir() (string, error) {
	cands := []string{os.Getenv("NEWSARCHIVE_BENCH_DATA"), "../../shared/bench", "../../../shared/bench", "../../../../shared/bench", "/work/shared/bench"}
	for _, c := range cands {
		if c == "" {
			continue
		}
		if _, err := os.Stat(filepath.Join(c, "extraction", "truth.jsonl")); err == nil {
			return c, nil
		}
	}
	return "", ErrNoData
}

// Load reads the pages of the extraction set and of the dates set (a page
// in both is loaded once), in truth-file order. With extractionOnly the
// dates-only pages are left out.
func Load(dir string, extractionOnly bool) ([]*Page, error) {
	var pages []*Page
	byID := map[string]*Page{}
	sets := []string{"extraction", "dates"}
	if extractionOnly {
		sets = sets[:1]
	}
	for _, set := range sets {
		f, err := os.Open(filepath.Join(dir, set, "truth.jsonl"))
		if err != nil {
			return nil, fmt.Errorf("bench: %w", err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 64<<20)
		for sc.Scan() {
			if len(bytes.TrimSpace(sc.Bytes())) == 0 {
				continue
			}
			var p Page
			if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
				f.Close()
				return nil, fmt.Errorf("bench: %s/truth.jsonl: %w", set, err)
			}
			q := byID[p.ID]
			if q == nil {
				q = &p
				byID[p.ID] = q
				raw, err := readGz(filepath.Join(dir, set, p.ID+".html.gz"))
				if err != nil {
					f.Close()
					return nil, err
				}
				q.HTML = raw
				pages = append(pages, q)
			}
			if set == "extraction" {
				q.InExtraction = true
				q.Body = p.Body
			} else {
				q.InDates = true
				q.Date = p.Date
			}
		}
		f.Close()
		if err := sc.Err(); err != nil {
			return nil, err
		}
	}
	return pages, nil
}

func readGz(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("bench: %s: %w", path, err)
	}
	return io.ReadAll(zr)
}
