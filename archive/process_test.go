package archive_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/newsarchive/newsarchive/archive"
)

// The tests here run a second process: this test binary again, with
// ARCHIVE_HELPER naming what the child should do (see TestHelperProcess).

const helperEnv = "ARCHIVE_HELPER"

// startHelper starts the child and returns it with a reader of its stdout.
func startHelper(t *testing.T, role, path string) (*exec.Cmd, *bufio.Scanner) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperEnv+"="+role, "ARCHIVE_PATH="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	return cmd, bufio.NewScanner(out)
}

// waitFor reads the child's lines until one starts with prefix.
func waitFor(t *testing.T, sc *bufio.Scanner, prefix string) string {
	t.Helper()
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), prefix) {
			return sc.Text()
		}
	}
	t.Fatalf("child ended before printing %q: %v", prefix, sc.Err())
	return ""
}

// TestHelperProcess is the child's side; it does nothing in a normal run.
func TestHelperProcess(t *testing.T) {
	role := os.Getenv(helperEnv)
	if role == "" {
		t.Skip("only runs as a child of the process tests")
	}
	path := os.Getenv("ARCHIVE_PATH")
	opts := archive.DefaultOptions()
	opts.Extract = (&fakeExtractor{}).Extract
	s, err := archive.Open(path, opts)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	switch role {
	case "hold":
		fmt.Println("locked")
		time.Sleep(time.Minute)
	case "writer":
		// Write until killed: new articles, re-fetches and edits.
		for i := 0; ; i++ {
			p := page(fmt.Sprintf("https://news.example/%d", i%50), day.Add(time.Duration(i)*time.Minute),
				fmt.Sprint("d", i), "", fmt.Sprint("H", i%50, " v", i/100), strings.Repeat(fmt.Sprint("text ", i%50, " "), 500))
			if _, err := s.Put(context.Background(), p); err != nil {
				fmt.Println("error", err)
				os.Exit(1)
			}
			fmt.Println("put", i)
		}
	}
	os.Exit(0)
}

func TestLockedByAnotherProcess(t *testing.T) {
	path := filepath.Join(t.TempDir(), "busy.db")
	_, sc := startHelper(t, "hold", path)
	waitFor(t, sc, "locked")
	for _, ro := range []bool{false, true} {
		opts := archive.DefaultOptions()
		opts.Timeout = 200 * time.Millisecond
		opts.ReadOnly = ro
		s, err := archive.Open(path, opts)
		if err == nil {
			s.Close()
			t.Fatal("opened an archive another process holds")
		}
		if !errors.Is(err, archive.ErrLocked) || !strings.Contains(err.Error(), path) ||
			!strings.Contains(err.Error(), "another process") {
			t.Errorf("read-only %v: error %q, want ErrLocked naming %s", ro, err, path)
		}
	}
}

func TestKilledWriterLeavesConsistentArchive(t *testing.T) {
	path := filepath.Join(t.TempDir(), "killed.db")
	for round := range 3 {
		cmd, sc := startHelper(t, "writer", path)
		// Let it write a while (more each round), then kill it mid-ingest.
		waitFor(t, sc, fmt.Sprint("put ", 10+round*25))
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		cmd.Wait()

		s := MustOpenPath(t, path, &fakeExtractor{})
		if err := s.Check(context.Background()); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		recs := exportAll(t, s, archive.ExportOptions{})
		st, err := s.Stats(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != st.Records || st.Records == 0 || st.Records > 50 {
			t.Fatalf("round %d: exported %d records, stats %+v", round, len(recs), st)
		}
		for _, a := range recs {
			if a.Headline == "" || len(a.Snapshots) == 0 || a.Version < 1 {
				t.Errorf("round %d: half-written record %+v", round, a)
			}
		}
		s.Close()
	}
}
