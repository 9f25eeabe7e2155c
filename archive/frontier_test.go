package archive_test

import (
	"fmt"
	"net/url"
	"sync"
	"testing"

	"github.com/newsarchive/newsarchive/archive"
)

// The shapes of colly's storage.Storage and queue.Storage, which the
// crawler declares and Frontier must satisfy.
type visitStorage interface {
	Init() error
	Visited(requestID uint64) error
	IsVisited(requestID uint64) (bool, error)
	Cookies(u *url.URL) string
	SetCookies(u *url.URL, cookies string)
}

type queueStorage interface {
	Init() error
	AddRequest([]byte) error
	GetRequest() ([]byte, error)
	QueueSize() (int, error)
}

// peeker is the crawler's optional Frontier method.
type peeker interface {
	PeekRequest() ([]byte, error)
}

var (
	_ visitStorage = (*archive.Frontier)(nil)
	_ queueStorage = (*archive.Frontier)(nil)
	_ peeker       = (*archive.Frontier)(nil)
)

func TestFrontierResumes(t *testing.T) {
	s, path := MustOpen(t, nil)
	f := s.Frontier("daily")
	if err := f.Init(); err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse("https://news.example/a")
	for _, id := range []uint64{1, 42} {
		if err := f.Visited(id); err != nil {
			t.Fatal(err)
		}
	}
	f.SetCookies(u, "session=abc")
	for i := range 5 {
		if err := f.AddRequest([]byte(fmt.Sprint("req", i))); err != nil {
			t.Fatal(err)
		}
	}
	if r, err := f.PeekRequest(); err != nil || string(r) != "req0" {
		t.Fatalf("peek %q %v", r, err)
	}
	if r, err := f.GetRequest(); err != nil || string(r) != "req0" {
		t.Fatalf("first request %q %v", r, err)
	}
	s.Close()

	s2 := MustOpenPath(t, path, nil)
	f2 := s2.Frontier("daily")
	if err := f2.Init(); err != nil {
		t.Fatal(err)
	}
	if ok, err := f2.IsVisited(42); !ok || err != nil {
		t.Errorf("visited 42 lost: %v %v", ok, err)
	}
	if ok, _ := f2.IsVisited(7); ok {
		t.Error("7 visited")
	}
	if c := f2.Cookies(u); c != "session=abc" {
		t.Errorf("cookies %q", c)
	}
	if n, err := f2.QueueSize(); n != 4 || err != nil {
		t.Errorf("queue size %d %v, want 4", n, err)
	}
	for i := 1; i < 5; i++ {
		if r, err := f2.GetRequest(); err != nil || string(r) != fmt.Sprint("req", i) {
			t.Errorf("request %d: %q %v", i, r, err)
		}
	}
	if r, err := f2.GetRequest(); r != nil || err != nil {
		t.Errorf("empty queue: %q %v", r, err)
	}
	if r, err := f2.PeekRequest(); r != nil || err != nil {
		t.Errorf("peek at empty queue: %q %v", r, err)
	}
	// Jobs do not share state.
	other := s2.Frontier("other")
	if ok, _ := other.IsVisited(42); ok {
		t.Error("job other sees job daily's visits")
	}
	if n, _ := other.QueueSize(); n != 0 {
		t.Errorf("job other queue %d", n)
	}
}

func TestFrontierConcurrent(t *testing.T) {
	s, _ := MustOpen(t, nil)
	f := s.Frontier("")
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 25 {
				f.AddRequest([]byte(fmt.Sprint(w, "/", i)))
				f.Visited(uint64(w*100 + i))
			}
		}()
	}
	wg.Wait()
	if n, _ := f.QueueSize(); n != 100 {
		t.Errorf("queue size %d, want 100", n)
	}
	seen := map[string]bool{}
	for {
		r, err := f.GetRequest()
		if r == nil && err == nil {
			break
		}
		if err != nil || seen[string(r)] {
			t.Fatalf("%q %v", r, err)
		}
		seen[string(r)] = true
	}
	if len(seen) != 100 {
		t.Errorf("got %d requests back", len(seen))
	}
}

// leaser is the crawler's optional Frontier methods for one-step leases.
type leaser interface {
	LeaseRequest(id func(req []byte) (uint64, bool)) ([]byte, error)
	Commit(reqs [][]byte, visited []uint64) error
}

var _ leaser = (*archive.Frontier)(nil)

// reqID is the id of a test request "rN": N; "bad" does not parse.
func reqID(r []byte) (uint64, bool) {
	var n uint64
	if _, err := fmt.Sscanf(string(r), "r%d", &n); err != nil {
		return 0, false
	}
	return n, true
}

func TestFrontierLease(t *testing.T) {
	s, path := MustOpen(t, nil)
	f := s.Frontier("daily")
	if err := f.Init(); err != nil {
		t.Fatal(err)
	}
	if err := f.Commit([][]byte{[]byte("r1"), []byte("bad"), []byte("r2"), []byte("r3")}, []uint64{2}); err != nil {
		t.Fatal(err)
	}
	if n, _ := f.QueueSize(); n != 4 {
		t.Errorf("queue size %d, want 4", n)
	}
	// r1 moves to the end; its lease copy stays queued.
	if r, err := f.LeaseRequest(reqID); err != nil || string(r) != "r1" {
		t.Fatalf("lease %q %v, want r1", r, err)
	}
	if n, _ := f.QueueSize(); n != 4 {
		t.Errorf("queue size after lease %d, want 4", n)
	}
	// "bad" and the visited r2 are dropped on the way to r3.
	if r, err := f.LeaseRequest(reqID); err != nil || string(r) != "r3" {
		t.Fatalf("lease %q %v, want r3", r, err)
	}
	if n, _ := f.QueueSize(); n != 2 {
		t.Errorf("queue size %d, want 2 (r1, r3)", n)
	}
	// Done, with a link found: the lease of r1 is dropped next time.
	if err := f.Commit([][]byte{[]byte("r4")}, []uint64{1}); err != nil {
		t.Fatal(err)
	}
	s.Close()

	s2 := MustOpenPath(t, path, nil)
	f2 := s2.Frontier("daily")
	var got []string
	for range 5 {
		r, err := f2.LeaseRequest(reqID)
		if err != nil {
			t.Fatal(err)
		}
		if r == nil {
			break
		}
		got = append(got, string(r))
		if err := f2.Commit(nil, []uint64{must(reqID(r))}); err != nil {
			t.Fatal(err)
		}
	}
	if fmt.Sprint(got) != "[r3 r4]" {
		t.Errorf("after reopening, leased %q, want r3 then r4", got)
	}
	if n, err := f2.QueueSize(); n != 0 || err != nil {
		t.Errorf("queue size %d %v, want 0", n, err)
	}
}

func must(id uint64, _ bool) uint64 { return id }

func TestFrontierLeaseConcurrent(t *testing.T) {
	s, _ := MustOpen(t, nil)
	f := s.Frontier("")
	var reqs [][]byte
	for i := range 100 {
		reqs = append(reqs, []byte(fmt.Sprint("r", i)))
	}
	if err := f.Commit(reqs, nil); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	seen := map[string]int{}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				r, err := f.LeaseRequest(reqID)
				if err != nil {
					t.Error(err)
					return
				}
				if r == nil {
					return
				}
				mu.Lock()
				seen[string(r)]++
				mu.Unlock()
				if err := f.Commit(nil, []uint64{must(reqID(r))}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if len(seen) != 100 {
		t.Errorf("leased %d distinct requests, want 100", len(seen))
	}
	if n, _ := f.QueueSize(); n != 0 {
		t.Errorf("queue size %d, want 0", n)
	}
}

// TestFrontierLeaseDropsInSteps queues more visited copies than one lease
// transaction drops, then a live request: LeaseRequest goes on through
// several transactions to it, and the queue count follows.
func TestFrontierLeaseDropsInSteps(t *testing.T) {
	s, _ := MustOpen(t, nil)
	f := s.Frontier("big")
	if err := f.Init(); err != nil {
		t.Fatal(err)
	}
	const done = 3*archive.MaxDropped + 7
	var reqs [][]byte
	var visited []uint64
	for i := 1; i <= done; i++ {
		reqs = append(reqs, fmt.Appendf(nil, "r%d", i))
		visited = append(visited, uint64(i))
	}
	reqs = append(reqs, []byte("r999999"), []byte("r1"))
	if err := f.Commit(reqs, visited); err != nil {
		t.Fatal(err)
	}
	if r, err := f.LeaseRequest(reqID); err != nil || string(r) != "r999999" {
		t.Fatalf("lease %q %v, want r999999", r, err)
	}
	// Left: the visited r1 and the lease copy of r999999.
	if n, _ := f.QueueSize(); n != 2 {
		t.Errorf("queue size %d, want 2", n)
	}
	if err := f.Commit(nil, []uint64{999999}); err != nil {
		t.Fatal(err)
	}
	if r, err := f.LeaseRequest(reqID); err != nil || r != nil {
		t.Fatalf("lease %q %v from a queue of visited copies, want none", r, err)
	}
	if n, _ := f.QueueSize(); n != 0 {
		t.Errorf("queue size %d, want 0", n)
	}
}

// TestFrontierForgetVisited: a finished crawl generation forgets what it
// visited, durably, and keeps its queue, its cookies, and the other jobs'
// state.
func TestFrontierForgetVisited(t *testing.T) {
	s, path := MustOpen(t, nil)
	f, other := s.Frontier("daily"), s.Frontier("other")
	u, _ := url.Parse("https://news.example/a")
	for _, fr := range []*archive.Frontier{f, other} {
		if err := fr.Init(); err != nil {
			t.Fatal(err)
		}
		if err := fr.Commit([][]byte{[]byte("req")}, []uint64{1, 42}); err != nil {
			t.Fatal(err)
		}
	}
	f.SetCookies(u, "session=abc")
	if err := f.ForgetVisited(); err != nil {
		t.Fatal(err)
	}
	s.Close()

	s2 := MustOpenPath(t, path, nil)
	f2, other2 := s2.Frontier("daily"), s2.Frontier("other")
	for _, id := range []uint64{1, 42} {
		if ok, err := f2.IsVisited(id); ok || err != nil {
			t.Errorf("IsVisited(%d) = %v, %v after ForgetVisited", id, ok, err)
		}
		if ok, _ := other2.IsVisited(id); !ok {
			t.Errorf("job other forgot %d", id)
		}
	}
	if n, _ := f2.QueueSize(); n != 1 {
		t.Errorf("queue size %d, want 1", n)
	}
	if c := f2.Cookies(u); c != "session=abc" {
		t.Errorf("cookies %q", c)
	}
	if err := f2.Visited(7); err != nil {
		t.Fatal(err)
	}
	if ok, _ := f2.IsVisited(7); !ok {
		t.Error("a visit after ForgetVisited is not recorded")
	}
}
