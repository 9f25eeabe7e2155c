package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/newsarchive/newsarchive"
	"github.com/newsarchive/newsarchive/archive"
)

func runShow(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "show", "[--archive F] [--diff [--from N] [--to N]] [--json] ID|URL")
	var af archiveFlags
	af.register(fs)
	diff := fs.Bool("diff", false, "show what changed between two versions (default: the latest and the one before)")
	from := fs.Int("from", 0, "with --diff: the older version (0: the one before --to)")
	to := fs.Int("to", 0, "with --diff: the newer version (0: the latest)")
	asJSON := fs.Bool("json", false, "print JSON instead of text")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return usagef("show: want one record ID or URL, got %d arguments", fs.NArg())
	}
	if *from < 0 || *to < 0 {
		return usagef("show: --from and --to are version numbers (1, 2, ...)")
	}
	key := fs.Arg(0)
	store, err := af.open(true)
	if err != nil {
		return err
	}
	defer store.Close()

	if *diff {
		if *from == 0 && *to == 0 {
			// The default compares the last two versions: say plainly
			// when there is only one, rather than "not found".
			vs, err := store.Versions(ctx, key)
			if err != nil {
				return fmt.Errorf("show %s: %w", key, err)
			}
			if len(vs) == 1 {
				fmt.Fprintf(e.stdout, "%s has one version: nothing to compare yet\n", key)
				return nil
			}
		}
		d, err := store.Diff(ctx, key, *from, *to)
		if err != nil {
			return fmt.Errorf("show %s: %w", key, err)
		}
		if *asJSON {
			return writeJSON(e.stdout, d)
		}
		printDiff(e.stdout, d)
		return nil
	}
	rec, err := store.Record(ctx, key)
	if err != nil {
		return fmt.Errorf("show %s: %w", key, err)
	}
	versions, err := store.Versions(ctx, key)
	if err != nil {
		return fmt.Errorf("show %s: %w", key, err)
	}
	if *asJSON {
		return writeJSON(e.stdout, struct {
			Record   *newsarchive.Article  `json:"record"`
			Versions []archive.VersionInfo `json:"versions"`
		}{rec, versions})
	}
	printRecord(e.stdout, rec, versions)
	return nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// printRecord writes a record for a person: its fields, versions and
// snapshots.
func printRecord(w io.Writer, a *newsarchive.Article, versions []archive.VersionInfo) {
	fmt.Fprintf(w, "%s\n%s\n\n", a.Headline, strings.Repeat("=", min(utf8.RuneCountInString(a.Headline), 80)))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	field := func(name, v string) {
		if v != "" {
			fmt.Fprintf(tw, "%s\t%s\n", name, v)
		}
	}
	field("id", a.ID)
	field("url", a.URL)
	for _, u := range a.URLs {
		if u != a.URL {
			field("also at", u)
		}
	}
	if a.DatePublished != "" {
		field("published", a.DatePublished+" ("+a.DateSource+")")
	}
	field("modified", a.DateModified)
	field("authors", strings.Join(a.Authors, ", "))
	field("section", a.Section)
	field("version", fmt.Sprint(a.Version))
	field("first seen", stamp(a.FirstSeen))
	field("last seen", stamp(a.LastSeen))
	field("extractor", a.Extractor)
	tw.Flush()
	for _, c := range a.Captions {
		fmt.Fprintf(w, "\n[caption] %s\n", c.Text)
	}
	fmt.Fprintln(w)
	for _, p := range a.Paragraphs {
		fmt.Fprintf(w, "%s\n\n", p)
	}
	for _, r := range a.Related {
		fmt.Fprintf(w, "%s:\n", r.Label)
		for _, l := range r.Links {
			fmt.Fprintf(w, "  - %s <%s>\n", l.Title, l.URL)
		}
	}
	fmt.Fprintf(w, "\nversions:\n")
	for _, v := range versions {
		fmt.Fprintf(w, "  v%d  %s  %s  %s\n", v.Version, stamp(v.ValidFrom), v.ContentHash[:min(12, len(v.ContentHash))], v.Headline)
	}
	fmt.Fprintf(w, "snapshots:\n")
	for _, s := range a.Snapshots {
		fmt.Fprintf(w, "  %s  %d  %s  %s\n", stamp(s.FetchedAt), s.Status, s.ID, s.URL)
	}
}

// printDiff writes a word diff: [-removed-] and {+added+}, as git diff
// --word-diff does.
func printDiff(w io.Writer, d *archive.Diff) {
	fmt.Fprintf(w, "record %s: version %d -> %d\n", d.ID, d.From, d.To)
	if len(d.Fields) == 0 {
		fmt.Fprintln(w, "no differences")
		return
	}
	for _, f := range d.Fields {
		fmt.Fprintf(w, "\n%s:\n", f.Field)
		for _, op := range f.Ops {
			switch op.Kind {
			case archive.Insert:
				fmt.Fprintf(w, "{+%s+}", op.Text)
			case archive.Delete:
				fmt.Fprintf(w, "[-%s-]", op.Text)
			default:
				fmt.Fprint(w, op.Text)
			}
		}
		fmt.Fprintln(w)
	}
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
