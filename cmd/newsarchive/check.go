package main

import (
	"context"
	"fmt"
)

func runCheck(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "check", "[--archive F]")
	var af archiveFlags
	af.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("check: unexpected argument %q", fs.Arg(0))
	}
	store, err := af.open(true)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := store.Check(ctx); err != nil {
		return fmt.Errorf("check %s: %w (nothing was changed; restore the file from a backup, or export what still reads)", store.Path(), err)
	}
	fmt.Fprintf(e.stdout, "%s: ok\n", store.Path())
	return nil
}
