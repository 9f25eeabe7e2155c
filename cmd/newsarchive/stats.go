package main

import (
	"context"
	"fmt"
	"text/tabwriter"
)

func runStats(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "stats", "[--archive F] [--json]")
	var af archiveFlags
	af.register(fs)
	asJSON := fs.Bool("json", false, "print the totals as one JSON object")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("stats: unexpected argument %q", fs.Arg(0))
	}
	store, err := af.open(true)
	if err != nil {
		return err
	}
	defer store.Close()
	st, err := store.Stats(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e.stdout, st)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	ratio := 0.0
	if st.StoredBytes > 0 {
		ratio = float64(st.BodyBytes) / float64(st.StoredBytes)
	}
	rows := []struct {
		name string
		v    any
	}{
		{"archive", store.Path()},
		{"records (articles)", st.Records},
		{"versions", st.Versions},
		{"aliases (URLs)", st.Aliases},
		{"snapshots (fetches)", st.Snapshots},
		{"revisits", st.Revisits},
		{"not articles", st.NotArticles},
		{"distinct bodies", st.Bodies},
		{"raw body bytes", st.RawBytes},
		{"stored body bytes", st.StoredBytes},
		{"compression", fmt.Sprintf("%.1fx", ratio)},
		{"sites", st.Sites},
		{"file bytes in use", st.FileBytes},
	}
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t %v\t\n", r.name, r.v)
	}
	return tw.Flush()
}
