package main

import (
	"context"
	"fmt"
	"sort"
	"text/tabwriter"

	"github.com/newsarchive/newsarchive/archive"
	"github.com/newsarchive/newsarchive/extract"
)

func runReplay(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "replay", "[--archive F] [--since T] [--site H] [--dry-run] [--json]")
	var af archiveFlags
	af.register(fs)
	since := fs.String("since", "", "only records seen (and snapshots fetched) at or after T (RFC 3339 or YYYY-MM-DD)")
	site := fs.String("site", "", "only host H")
	dryRun := fs.Bool("dry-run", false, "report what would change without writing")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("replay: unexpected argument %q", fs.Arg(0))
	}
	opts := archive.ReplayOptions{Site: *site, DryRun: *dryRun}
	var err error
	if opts.Since, err = parseTimeFlag("since", *since); err != nil {
		return err
	}
	store, err := af.open(*dryRun)
	if err != nil {
		return err
	}
	defer store.Close()
	ex := extract.New(extract.DefaultOptions())
	rep, err := store.Replay(ctx, opts, ex.Extract)
	if err != nil {
		return fmt.Errorf("replay %s: %w", store.Path(), err)
	}
	if *asJSON {
		return writeJSON(e.stdout, rep)
	}
	verb := "changed"
	if *dryRun {
		verb = "would change"
	}
	fmt.Fprintf(e.stdout, "replayed %d snapshots of %d records with %s/%s: %d records %s (%d new versions, %d updated in place), %d new records, %d no longer articles, %d errors\n",
		rep.Snapshots, rep.Records, extract.Name, extract.Version, rep.Changed, verb,
		rep.NewVersions, rep.Updated, rep.NewRecords, rep.NotArticles, rep.Errors)
	if len(rep.Fields) == 0 {
		return nil
	}
	fields := make([]string, 0, len(rep.Fields))
	for f := range rep.Fields {
		fields = append(fields, f)
	}
	sort.Slice(fields, func(i, j int) bool {
		if rep.Fields[fields[i]] != rep.Fields[fields[j]] {
			return rep.Fields[fields[i]] > rep.Fields[fields[j]]
		}
		return fields[i] < fields[j]
	})
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "field\trecords changed")
	for _, f := range fields {
		fmt.Fprintf(tw, "%s\t%d\n", f, rep.Fields[f])
	}
	return tw.Flush()
}
