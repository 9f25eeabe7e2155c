package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/newsarchive/newsarchive/archive"
)

func runExport(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "export", "[--archive F] [--since T] [--site H] [--as-of T] [--format jsonl|warc] [-o FILE]")
	var af archiveFlags
	af.register(fs)
	since := fs.String("since", "", "only records seen at or after T (RFC 3339 or YYYY-MM-DD)")
	site := fs.String("site", "", "only records of host H")
	asOf := fs.String("as-of", "", "each record as it stood at T: the version current then (RFC 3339 or YYYY-MM-DD)")
	format := fs.String("format", "jsonl", "jsonl (records) or warc (every snapshot, WARC/1.1; gzip per record when -o ends in .gz)")
	out := fs.String("o", "", "write to FILE instead of standard output (written whole or not at all)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("export: unexpected argument %q", fs.Arg(0))
	}
	var opts archive.ExportOptions
	var err error
	if opts.Since, err = parseTimeFlag("since", *since); err != nil {
		return err
	}
	if opts.AsOf, err = parseTimeFlag("as-of", *asOf); err != nil {
		return err
	}
	opts.Site = *site
	if *format != "jsonl" && *format != "warc" {
		return usagef("export: --format %q is not supported (jsonl, warc)", *format)
	}
	if *format == "warc" && !opts.AsOf.IsZero() {
		return usagef("export: --as-of applies to records (jsonl), not to snapshots (warc)")
	}
	store, err := af.open(true)
	if err != nil {
		return err
	}
	defer store.Close()
	n, err := writeOutput(e.stdout, *out, func(w io.Writer) (n int, err error) {
		if *format == "warc" {
			n, err = store.ExportWARC(ctx, w, archive.WARCOptions{Since: opts.Since, Site: opts.Site, Gzip: strings.HasSuffix(*out, ".gz")})
		} else {
			n, err = store.Export(ctx, w, opts)
		}
		if err != nil {
			// Blamed on the output instead when writing it failed (see
			// writeOutput); otherwise the archive is at fault: name it.
			err = fmt.Errorf("export %s: %w", af.path, err)
		}
		return n, err
	})
	if err != nil {
		return err
	}
	if *out != "" {
		what := "records"
		if *format == "warc" {
			what = "snapshots"
		}
		fmt.Fprintf(e.stderr, "exported %d %s to %s\n", n, what, *out)
	}
	return nil
}

// writeOutput runs write against stdout, or against path when it is set:
// into a temporary file beside it, renamed into place only when write
// succeeded, so a failed export never leaves a half-written file behind.
// An error is blamed on the output ("write PATH") only when writing to it
// failed; write's other errors (a corrupt archive) are returned as they are.
func writeOutput(stdout io.Writer, path string, write func(io.Writer) (int, error)) (int, error) {
	if path == "" || path == "-" {
		ow := &outputWriter{w: stdout}
		bw := bufio.NewWriterSize(ow, 64<<10)
		n, err := write(bw)
		if ferr := bw.Flush(); err == nil && ferr != nil {
			err = ferr
		}
		if ow.err != nil {
			err = fmt.Errorf("write standard output: %w", ow.err)
		}
		return n, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return 0, fmt.Errorf("create %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename this is a no-op
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return 0, fmt.Errorf("create %s: %w", path, err)
	}
	ow := &outputWriter{w: tmp}
	bw := bufio.NewWriterSize(ow, 64<<10)
	n, err := write(bw)
	if err != nil && ow.err == nil {
		tmp.Close()
		return n, err
	}
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if ow.err != nil {
		err = ow.err
	}
	if err != nil {
		return n, fmt.Errorf("write %s: %w", path, err)
	}
	return n, nil
}

// outputWriter remembers the first error of the writer it wraps.
type outputWriter struct {
	w   io.Writer
	err error
}

func (o *outputWriter) Write(p []byte) (int, error) {
	n, err := o.w.Write(p)
	if err != nil && o.err == nil {
		o.err = err
	}
	return n, err
}

// parseTimeFlag reads a time given as RFC 3339 or as a date (midnight UTC).
func parseTimeFlag(name, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, strings.TrimSpace(v)); err == nil {
			return t, nil
		}
	}
	return time.Time{}, usagef("--%s %q: want RFC 3339 (2025-01-18T09:00:00Z) or a date (2025-01-18)", name, v)
}
