package main

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/newsarchive/newsarchive"
	"github.com/newsarchive/newsarchive/extract"
)

// maxInputBytes caps one input page: larger files are refused, not read.
const maxInputBytes = 64 << 20

func runExtract(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "extract", "[--url URL] FILE|-   or   [-j N] FILE... | DIR")
	pageURL := fs.String("url", "", "the URL the page was fetched from (for the canonical URL and relative links)")
	jobs := fs.Int("j", runtime.NumCPU(), "pages extracted at once when given many files")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *jobs < 1 {
		return usagef("extract: -j must be at least 1, got %d", *jobs)
	}
	if *pageURL != "" {
		// The record's url, id and site come from it: a value that is not
		// an absolute web URL would make a record that looks valid.
		u, err := url.Parse(*pageURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return usagef("extract: --url %q: want an absolute http or https URL (https://news.example/a/story.html)", *pageURL)
		}
	}
	paths := fs.Args()
	if len(paths) == 0 {
		fs.Usage()
		return usagef("extract: no FILE given (use - for standard input)")
	}
	if len(paths) > 1 && slices.Contains(paths, "-") {
		return usagef("extract: - (standard input) works only as the one FILE")
	}
	ex := extract.New(extract.DefaultOptions())
	if len(paths) == 1 && paths[0] != "-" {
		if fi, err := os.Stat(paths[0]); err == nil && fi.IsDir() {
			if *pageURL != "" {
				return usagef("extract: --url applies to one page, not to the folder %s", paths[0])
			}
			files, err := htmlFiles(paths[0])
			if err != nil {
				return err
			}
			return extractMany(ctx, e, ex, files, *jobs)
		}
	}
	if len(paths) > 1 {
		if *pageURL != "" {
			return usagef("extract: --url applies to one page; got %d files", len(paths))
		}
		return extractMany(ctx, e, ex, paths, *jobs)
	}
	// The page is read apart, so that a signal ends the command even while
	// standard input or a named pipe has nothing to give: extract writes
	// nothing that a graceful stop would have to finish.
	type result struct {
		a   *newsarchive.Article
		err error
	}
	done := make(chan result, 1)
	go func() {
		a, err := extractFile(ex, e.stdin, paths[0], *pageURL)
		done <- result{a, err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			return r.err
		}
		return writeJSON(e.stdout, r.a)
	case <-ctx.Done():
		return fmt.Errorf("extract %s: stopped by signal", paths[0])
	}
}

// extractFile reads one page (a file, "-" for stdin, gzip when it ends in
// .gz) and extracts it.
func extractFile(ex *extract.Extractor, stdin io.Reader, path, pageURL string) (*newsarchive.Article, error) {
	body, err := readPage(stdin, path)
	if err != nil {
		return nil, err
	}
	a, err := ex.Extract(&newsarchive.Page{URL: pageURL, FetchedAt: time.Now().UTC(), Status: 200, Body: body})
	if err != nil {
		return nil, fmt.Errorf("extract %s: %w", path, err)
	}
	return a, nil
}

func readPage(stdin io.Reader, path string) ([]byte, error) {
	var r io.Reader = stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("extract: %w", err)
		}
		defer f.Close()
		r = f
		if strings.HasSuffix(path, ".gz") {
			zr, err := gzip.NewReader(f)
			if err != nil {
				return nil, fmt.Errorf("extract: %s: %w", path, err)
			}
			defer zr.Close()
			r = zr
		}
	}
	body, err := io.ReadAll(io.LimitReader(r, maxInputBytes+1))
	if err != nil {
		return nil, fmt.Errorf("extract: read %s: %w", path, err)
	}
	if len(body) > maxInputBytes {
		return nil, fmt.Errorf("extract: %s is larger than %d MiB; refusing to read it", path, maxInputBytes>>20)
	}
	return body, nil
}

// htmlFiles lists the pages below dir: *.html, *.htm and their .gz forms.
func htmlFiles(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := strings.TrimSuffix(strings.ToLower(d.Name()), ".gz")
		if d.IsDir() || !strings.HasSuffix(name, ".html") && !strings.HasSuffix(name, ".htm") {
			return nil
		}
		// Only files: reading a named pipe or a device found in the folder
		// would block for ever. A symlink counts as what it points to (a
		// dangling one is listed, and gets its error record).
		if t := d.Type(); t&fs.ModeSymlink != 0 {
			if fi, err := os.Stat(p); err == nil && !fi.Mode().IsRegular() {
				return nil
			}
		} else if !t.IsRegular() {
			return nil
		}
		files = append(files, p)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("extract: %w", err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("extract: no .html or .htm files in %s", dir)
	}
	return files, nil
}

// extractMany extracts files on n workers and writes one JSON line per file
// in input order. A page that fails gives an error record, not the end of
// the run; the run fails at the end if any page did.
func extractMany(ctx context.Context, e *env, ex *extract.Extractor, files []string, n int) error {
	type result struct {
		line []byte
		bad  bool
	}
	results := make([]chan result, len(files))
	for i := range results {
		results[i] = make(chan result, 1)
	}
	work := make(chan int)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				a, err := extractFile(ex, nil, files[i], "")
				if err != nil {
					a = &newsarchive.Article{Error: err.Error()}
				}
				a.File = files[i]
				line, merr := json.Marshal(a)
				if merr != nil {
					line, _ = json.Marshal(&newsarchive.Article{File: files[i], Error: merr.Error()})
				}
				results[i] <- result{line: line, bad: err != nil || merr != nil}
			}
		}()
	}
	go func() {
		defer close(work)
		for i := range files {
			select {
			case work <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	w := bufio.NewWriter(e.stdout)
	failed := 0
	var err error
	for i := range files {
		var r result
		select {
		case r = <-results[i]:
		case <-ctx.Done():
			err = ctx.Err()
		}
		if err != nil {
			break
		}
		if r.bad {
			failed++
		}
		w.Write(r.line)
		w.WriteByte('\n')
	}
	wg.Wait()
	if ferr := w.Flush(); ferr != nil && err == nil {
		err = fmt.Errorf("extract: write output: %w", ferr)
	}
	if err != nil {
		return err
	}
	if failed > 0 {
		return fmt.Errorf("extract: %d of %d pages failed (see their \"error\" fields)", failed, len(files))
	}
	return nil
}
