package crawler

import (
	"bufio"
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsarchive/newsarchive"
)

// fileFrontier is a Frontier kept in an append-only log, enough to survive
// SIGKILL: every change is one write(2) before the method returns (the
// kernel keeps it when the process dies). Lines: "V id", "A base64", "G".
type fileFrontier struct {
	path    string
	mu      sync.Mutex
	f       *os.File
	visited map[uint64]bool
	queue   [][]byte
}

func (ff *fileFrontier) Init() error {
	ff.mu.Lock()
	defer ff.mu.Unlock()
	if ff.f != nil {
		return nil
	}
	ff.visited = map[uint64]bool{}
	if data, err := os.Open(ff.path); err == nil {
		sc := bufio.NewScanner(data)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			op, arg, _ := strings.Cut(sc.Text(), " ")
			switch op {
			case "V":
				id, _ := strconv.ParseUint(arg, 10, 64)
				ff.visited[id] = true
			case "A":
				b, _ := base64.StdEncoding.DecodeString(arg)
				ff.queue = append(ff.queue, b)
			case "G":
				ff.queue = ff.queue[1:]
			}
		}
		data.Close()
	}
	f, err := os.OpenFile(ff.path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	ff.f = f
	return err
}

func (ff *fileFrontier) log(line string) error {
	_, err := ff.f.WriteString(line + "\n")
	return err
}

func (ff *fileFrontier) Visited(id uint64) error {
	ff.mu.Lock()
	defer ff.mu.Unlock()
	ff.visited[id] = true
	return ff.log("V " + strconv.FormatUint(id, 10))
}

func (ff *fileFrontier) IsVisited(id uint64) (bool, error) {
	ff.mu.Lock()
	defer ff.mu.Unlock()
	return ff.visited[id], nil
}

func (ff *fileFrontier) Cookies(*url.URL) string     { return "" }
func (ff *fileFrontier) SetCookies(*url.URL, string) {}

func (ff *fileFrontier) AddRequest(b []byte) error {
	ff.mu.Lock()
	defer ff.mu.Unlock()
	ff.queue = append(ff.queue, b)
	return ff.log("A " + base64.StdEncoding.EncodeToString(b))
}

func (ff *fileFrontier) GetRequest() ([]byte, error) {
	ff.mu.Lock()
	defer ff.mu.Unlock()
	if len(ff.queue) == 0 {
		return nil, nil
	}
	b := ff.queue[0]
	ff.queue = ff.queue[1:]
	return b, ff.log("G")
}

func (ff *fileFrontier) PeekRequest() ([]byte, error) {
	ff.mu.Lock()
	defer ff.mu.Unlock()
	if len(ff.queue) == 0 {
		return nil, nil
	}
	return ff.queue[0], nil
}

// LeaseRequest and Commit log their changes in one write(2) each: a kill
// keeps all of it or none.
func (ff *fileFrontier) LeaseRequest(id func([]byte) (uint64, bool)) ([]byte, error) {
	ff.mu.Lock()
	defer ff.mu.Unlock()
	var lines strings.Builder
	var out []byte
	for len(ff.queue) > 0 {
		b := ff.queue[0]
		ff.queue = ff.queue[1:]
		lines.WriteString("G\n")
		if k, ok := id(b); !ok || ff.visited[k] {
			continue
		}
		ff.queue = append(ff.queue, b)
		lines.WriteString("A " + base64.StdEncoding.EncodeToString(b) + "\n")
		out = b
		break
	}
	_, err := ff.f.WriteString(lines.String())
	return out, err
}

func (ff *fileFrontier) Commit(reqs [][]byte, visited []uint64) error {
	ff.mu.Lock()
	defer ff.mu.Unlock()
	var lines strings.Builder
	for _, b := range reqs {
		ff.queue = append(ff.queue, b)
		lines.WriteString("A " + base64.StdEncoding.EncodeToString(b) + "\n")
	}
	for _, k := range visited {
		ff.visited[k] = true
		lines.WriteString("V " + strconv.FormatUint(k, 10) + "\n")
	}
	_, err := ff.f.WriteString(lines.String())
	return err
}

func (ff *fileFrontier) QueueSize() (int, error) {
	ff.mu.Lock()
	defer ff.mu.Unlock()
	return len(ff.queue), nil
}

// lineSink appends each page's URL to a file.
type lineSink struct {
	mu sync.Mutex
	f  *os.File
}

func (s *lineSink) Put(_ context.Context, p *newsarchive.Page) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, err := s.f.WriteString(p.URL + "\n")
	return err
}

const resumeEnv = "NEWSARCHIVE_CRAWLER_RESUME_HELPER"

// resumeOptions are the options of both the killed and the resuming crawl.
// mode is "lease", "peek" or "nopeek": the optional Frontier methods the
// crawler may use.
func resumeOptions(seed, frontier string, sink Sink, mode string) Options {
	o := testOptions(sink, seed)
	o.Depth = 10
	o.Parallelism = 3
	o.IgnoreRobots = true
	ff := &fileFrontier{path: frontier}
	switch mode {
	case "lease":
		o.Frontier = ff
	case "peek":
		o.Frontier = noLease{ff, ff}
	default:
		o.Frontier = noPeek{ff}
	}
	return o
}

// TestResumeHelper is the crawl that TestResumeAfterSIGKILL kills.
func TestResumeHelper(t *testing.T) {
	args := os.Getenv(resumeEnv)
	if args == "" {
		t.Skip("helper process for TestResumeAfterSIGKILL")
	}
	mode, args, _ := strings.Cut(args, " ")
	seed, rest, _ := strings.Cut(args, " ")
	frontier, sinkPath, _ := strings.Cut(rest, " ")
	f, err := os.OpenFile(sinkPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(resumeOptions(seed, frontier, &lineSink{f: f}, mode))
	if err != nil {
		t.Fatal(err)
	}
	c.Run(context.Background())
	t.Fatal("the crawl finished before it was killed")
}

func TestResumeAfterSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a process")
	}
	t.Run("lease", func(t *testing.T) { testResumeAfterSIGKILL(t, "lease") })
	t.Run("peek", func(t *testing.T) { testResumeAfterSIGKILL(t, "peek") })
	t.Run("no peek", func(t *testing.T) { testResumeAfterSIGKILL(t, "nopeek") })
}

func testResumeAfterSIGKILL(t *testing.T, mode string) {
	const pages, killAt = 60, 20
	var (
		mu     sync.Mutex
		hits   = map[string]int{}
		served int
		kill   = make(chan struct{})
	)
	// A tree of pages: page n links to 2n+1 and 2n+2. Each answer is a
	// little slow, so the kill lands mid-crawl.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/p/"))
		if err != nil || n >= pages {
			http.NotFound(w, r)
			return
		}
		mu.Lock()
		hits[r.URL.Path]++
		served++
		if served == killAt {
			close(kill)
		}
		mu.Unlock()
		time.Sleep(10 * time.Millisecond)
		fmt.Fprint(w, article(n, fmt.Sprintf("/p/%d", 2*n+1), fmt.Sprintf("/p/%d", 2*n+2)))
	}))
	defer srv.Close()

	dir := t.TempDir()
	frontier, sinkPath := filepath.Join(dir, "frontier.log"), filepath.Join(dir, "sink.log")
	cmd := exec.Command(os.Args[0], "-test.run=^TestResumeHelper$")
	cmd.Env = append(os.Environ(), resumeEnv+"="+mode+" "+srv.URL+"/p/0 "+frontier+" "+sinkPath)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case <-kill:
		cmd.Process.Kill() // SIGKILL: no deferred function runs
		<-exited
	case err := <-exited:
		t.Fatalf("helper exited before the kill: %v", err)
	}

	// What the killed crawl finished: marked done in its frontier.
	ff := &fileFrontier{path: frontier}
	if err := ff.Init(); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	firstHits := len(hits)
	mu.Unlock()
	var finished []string
	for n := range pages {
		u := fmt.Sprintf("%s/p/%d", srv.URL, n)
		if ok, _ := ff.IsVisited(doneID(0, u)); ok {
			finished = append(finished, u)
		}
	}
	ff.f.Close()
	if len(finished) == 0 || len(finished) >= pages {
		t.Fatalf("%d pages finished before the kill; the test needs a kill mid-crawl", len(finished))
	}

	// Resume in this process.
	sink := &memSink{}
	c, err := New(resumeOptions(srv.URL+"/p/0", frontier, sink, mode))
	if err != nil {
		t.Fatal(err)
	}
	st, err := c.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !st.Resumed {
		t.Errorf("second run did not resume: %+v", st)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, u := range finished {
		if n := hits[strings.TrimPrefix(u, srv.URL)]; n != 1 {
			t.Errorf("%s finished before the kill, fetched %d times", u, n)
		}
	}
	// Without PeekRequest or LeaseRequest a kill between taking an item
	// and queueing its lease may lose it (and the pages only it links to)
	// until the next generation; with them, nothing is lost.
	if len(hits) != pages && mode != "nopeek" {
		t.Errorf("%d of %d pages fetched over both runs", len(hits), pages)
	}
	refetched := 0
	for _, n := range hits {
		if n > 1 {
			refetched++
		}
	}
	// Only pages in flight at the kill may come twice: Parallelism (3)
	// requests and the pages being stored.
	if max := 3 + storingSlots(); refetched > max {
		t.Errorf("%d pages fetched twice, want at most the %d in flight", refetched, max)
	}
	t.Logf("killed after %d pages (%d finished); resumed run emitted %d, %d fetched twice, %d of %d over both runs",
		firstHits, len(finished), st.Pages, refetched, len(hits), pages)
}
