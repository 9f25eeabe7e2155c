package archive

import (
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// While one lease holds the right to drop many visited copies, another
// drops at most fewDropped and then waits for it: concurrent leases share
// a transaction, and each dropping maxDropped made it map much of the file.
func TestLeaseDropsFewWithoutTheToken(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "a.db"), DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	f := s.Frontier("")
	if err := f.Init(); err != nil {
		t.Fatal(err)
	}
	id := func(r []byte) (uint64, bool) {
		n, err := strconv.ParseUint(strings.TrimPrefix(string(r), "r"), 10, 64)
		return n, err == nil
	}
	const copies = 3 * fewDropped
	var reqs [][]byte
	var visited []uint64
	for i := 1; i <= copies; i++ {
		reqs = append(reqs, fmt.Appendf(nil, "r%d", i))
		visited = append(visited, uint64(i))
	}
	reqs = append(reqs, []byte("r999"))
	if err := f.Commit(reqs, visited); err != nil {
		t.Fatal(err)
	}
	f.dropping.Lock() // another lease is dropping
	type result struct {
		r   []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		r, err := f.LeaseRequest(id)
		done <- result{r, err}
	}()
	want := copies + 1 - fewDropped
	deadline := time.Now().Add(10 * time.Second)
	for {
		n, err := f.QueueSize()
		if err != nil {
			t.Fatal(err)
		}
		if n == want {
			break
		}
		if n < want || time.Now().After(deadline) {
			t.Fatalf("queue of %d while the lease waits, want %d: it dropped more than %d", n, want, fewDropped)
		}
		time.Sleep(time.Millisecond)
	}
	select {
	case r := <-done:
		t.Fatalf("lease returned %q %v while another held the drop token", r.r, r.err)
	case <-time.After(50 * time.Millisecond):
	}
	if n, _ := f.QueueSize(); n != want {
		t.Fatalf("queue of %d while the lease waits, want %d", n, want)
	}
	f.dropping.Unlock()
	r := <-done
	if r.err != nil || string(r.r) != "r999" {
		t.Fatalf("lease %q %v, want r999", r.r, r.err)
	}
	if n, _ := f.QueueSize(); n != 1 {
		t.Errorf("queue of %d after the lease, want its lease copy only", n)
	}
}

// Writes that race Close get ErrClosed, also those of a group that was
// gathering when the file closed.
func TestWritesRacingCloseGetErrClosed(t *testing.T) {
	for round := range 20 {
		s, err := Open(filepath.Join(t.TempDir(), "a.db"), DefaultOptions())
		if err != nil {
			t.Fatal(err)
		}
		f := s.Frontier("j")
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for w := range 8 {
			wg.Go(func() {
				for i := 0; ; i++ {
					if err := f.AddRequest(fmt.Appendf(nil, "r%d-%d", w, i)); err != nil {
						errs <- err
						return
					}
				}
			})
		}
		time.Sleep(5 * time.Millisecond)
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if !errors.Is(err, ErrClosed) {
				t.Fatalf("round %d: a write racing Close: %v, want ErrClosed", round, err)
			}
		}
	}
}
