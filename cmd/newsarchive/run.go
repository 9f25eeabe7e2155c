package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strings"
)

// command is one subcommand of the CLI.
type command struct {
	summary string
	run     func(ctx context.Context, env *env, args []string) error
}

// env is what a subcommand may touch: its streams. Commands never use
// os.Stdout and friends directly, so tests run them in-process.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

// commands lists the subcommands by name.
func commands() map[string]command {
	return map[string]command{
		"check":    {"verify the archive file: every snapshot, record, version and alias consistent", runCheck},
		"crawl":    {"crawl SEEDs (page URLs, sitemaps, feeds) into the archive", runCrawl},
		"extract":  {"extract article records from HTML files (one JSON, or JSONL for many)", runExtract},
		"export":   {"write the archive's records as JSONL, or its snapshots as WARC", runExport},
		"import":   {"load a JSONL export or a WARC file into the archive", runImport},
		"replay":   {"re-extract stored snapshots with the current extractor and report what changed", runReplay},
		"stats":    {"print what the archive holds", runStats},
		"serve":    {"browse records, versions and diffs, and replay snapshots, in a browser", runServe},
		"schedule": {"run the crawl jobs of a jobs file on their cron schedules until stopped", runSchedule},
		"show":     {"print one record, its versions and snapshots, or a diff between versions", runShow},
		"demo":     {"crawl the bundled demo site into demo.db and export demo.jsonl", runDemo},
	}
}

// usageError is a bad command line: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return &usageError{fmt.Sprintf(format, a...)} }

// run is the whole program: main only adds the process around it.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		printUsage(stderr)
		return usagef("no command given")
	}
	name := args[0]
	switch name {
	case "help", "-h", "-help", "--help":
		printUsage(stdout)
		return nil
	}
	cmd, ok := commands()[name]
	if !ok {
		printUsage(stderr)
		return usagef("unknown command %q", name)
	}
	return cmd.run(ctx, e, args[1:])
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "usage: newsarchive COMMAND [flags] [args]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "commands:")
	cmds := commands()
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-9s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, `Run "newsarchive COMMAND -h" for a command's flags.`)
}

// newFlagSet returns a flag set that reports errors instead of exiting and
// prints its usage to the command's stderr.
func newFlagSet(e *env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "usage: newsarchive %s %s\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args, turning a flag error into a usage error (exit 2)
// and -h into success.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelp
		}
		return &usageError{fmt.Sprintf("%s: %v", fs.Name(), err)}
	}
	return nil
}

// errHelp means -h was asked for: usage was printed, exit 0.
var errHelp = errors.New("help requested")

// exitCode maps an error to the process exit status and prints it.
func exitCode(err error, stderr io.Writer) int {
	var ue *usageError
	switch {
	case err == nil, errors.Is(err, errHelp):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintln(stderr, "newsarchive:", err)
		return 2
	default:
		fmt.Fprintln(stderr, "newsarchive:", err)
		return 1
	}
}

// newLogger returns the logger for a command: text lines on stderr, or JSON
// when asked; quiet discards all but errors.
func newLogger(w io.Writer, format string, verbose bool) *slog.Logger {
	level := slog.LevelWarn
	if verbose {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	if strings.EqualFold(format, "json") {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// isTerminal reports whether w is a character device (a terminal), for
// choosing a progress bar over log lines.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
