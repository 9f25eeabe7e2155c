package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/newsarchive/newsarchive/archive"
)

func runImport(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "import", "[--archive F] FILE.jsonl|FILE.warc[.gz]")
	var af archiveFlags
	af.register(fs)
	format := fs.String("format", "", "jsonl or warc (default: from the file name)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return usagef("import: want one FILE, got %d arguments", fs.NArg())
	}
	path := fs.Arg(0)
	kind := *format
	if kind == "" {
		switch name := strings.ToLower(path); {
		case strings.HasSuffix(name, ".jsonl"), strings.HasSuffix(name, ".json"), strings.HasSuffix(name, ".ndjson"):
			kind = "jsonl"
		case strings.HasSuffix(name, ".warc"), strings.HasSuffix(name, ".warc.gz"):
			kind = "warc"
		default:
			return usagef("import: cannot tell the format of %s from its name; give --format jsonl or --format warc", path)
		}
	}
	if kind != "jsonl" && kind != "warc" {
		return usagef("import: --format %q is not supported (jsonl, warc)", kind)
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	defer f.Close()
	store, err := af.open(false)
	if err != nil {
		return err
	}
	defer store.Close()
	var rep archive.ImportReport
	if kind == "jsonl" {
		rep, err = store.ImportJSONL(ctx, f)
	} else {
		rep, err = store.ImportWARC(ctx, f)
	}
	if err != nil {
		return fmt.Errorf("import %s into %s: %w", path, store.Path(), err)
	}
	fmt.Fprintf(e.stdout, "imported %s: %d records, %d snapshots (%d revisits), %d skipped\n",
		path, rep.Records, rep.Snapshots, rep.Revisits, rep.Skipped)
	return nil
}
