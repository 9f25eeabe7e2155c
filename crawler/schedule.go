package crawler

import (
	"context"
	"fmt"
	"runtime"
	"sync"
)

// outcome is what work reports about one item.
type outcome struct {
	emitted bool  // a page reached the Sink
	fatal   error // the Run must stop
}

// sched is the shared state of a Run's workers.
type sched struct {
	mu          sync.Mutex
	cond        *sync.Cond
	seeds       []*item // dispatched before the queue
	seedsActive int     // seeds taken and not finished: the queue waits
	busy        int     // workers holding or looking for an item
	emitted     int
	activePages int // page items in flight (MaxPages reservations)
	fatal       error
	finished    bool       // the queue is empty and nobody is busy
	popMu       sync.Mutex // makes peek+lease+take one step when the Frontier peeks
}

// loop runs the workers until the seeds and the queue are done, MaxPages
// pages were emitted, something failed, or ctx ended.
//
// Every item in flight keeps a copy in the queue (its lease) until it is
// marked done: an item taken from the queue is added back before it is
// worked on, and a copy of an item that is done is dropped when taken. So
// a process killed at any moment leaves every unfinished item queued; a
// 429, or a Run stopped before a fetch started, needs no bookkeeping.
//
// Workers take items themselves, so that a persistent Frontier sees
// concurrent writes, which a store like bbolt commits together (one sync
// for many) — a single dispatcher made every queue write wait for the
// previous one's sync.
func (r *run) loop() error {
	s := &r.sched
	s.cond = sync.NewCond(&s.mu)
	for _, u := range r.cfg.seeds {
		s.seeds = append(s.seeds, &item{URL: u, Kind: kindSeed})
	}
	stop := context.AfterFunc(r.ctx, func() {
		s.mu.Lock()
		s.cond.Broadcast()
		s.mu.Unlock()
	})
	defer stop()
	workers := r.cfg.workers()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.worker()
		}()
	}
	wg.Wait()
	if s.fatal != nil {
		return s.fatal
	}
	if err := r.ctx.Err(); err != nil {
		return err
	}
	if !s.finished {
		r.cfg.log.Info("page limit reached", "pages", s.emitted)
	}
	// The generation is finished: the next Run starts a new one, with
	// nothing done (forgotten) or in a generation after this one.
	if f, ok := r.frontier.(Forgetter); ok {
		if err := f.ForgetVisited(); err != nil {
			return fmt.Errorf("%w: %v", ErrFrontier, err)
		}
		return nil
	}
	if err := r.frontier.Visited(genID(r.gen)); err != nil {
		return fmt.Errorf("%w: %v", ErrFrontier, err)
	}
	return nil
}

// workersPerSlot is how many workers there are for each page a host may
// have in flight. Most of them wait at the host's gate with an item taken;
// the point is to have many Frontier writes pending at once, which bbolt
// commits with one sync: on the 2,000-page generated site with the archive's
// frontier, 1 worker per slot gave 123 pages/s, 2 gave 244, 4 gave 421 and
// 8 gave 520-575, about the speed of the in-memory frontier.
const workersPerSlot = 8

// storingSlots is how many fetched pages a Run may be storing at once
// (handing to the Sink, queueing their links, marking them done). A page
// spends most of that time waiting for commits (a commit with fsync takes
// milliseconds, and a page waits for two: the Sink's and the Frontier's),
// so the cores stay busy only when many pages wait at once, and the more
// wait, the more each commit carries. The archive extracts only as many
// pages at once as there are CPUs, so the pages waiting hold little more
// than their bodies. On the 2,000-page benchmark site (2 CPUs, fsync on,
// BenchmarkPipeline, three rounds on a quiet machine), 8 slots ran the
// crawl at 360–413 pages/s, 16 at 404–472, 32 at 385–485 (median 434
// against 386), and 32 wrote 160–166 KiB to the disk per page against
// 216–221: each commit carries more pages. The 100,000-page crawl's peak
// RSS stayed under 300 MB (274 MiB).
func storingSlots() int { return 16 * runtime.GOMAXPROCS(0) }

// maxWorkers caps the workers of a Run.
const maxWorkers = 64

// workers is the number of workers of a Run.
func (c *config) workers() int {
	return min(max(workersPerSlot*c.Parallelism*len(c.hosts), workersPerSlot), maxWorkers)
}

// stopping reports whether workers must stop taking items. s.mu is held.
func (r *run) stopping() bool {
	s := &r.sched
	return s.fatal != nil || s.finished || r.ctx.Err() != nil ||
		r.cfg.MaxPages > 0 && s.emitted >= r.cfg.MaxPages
}

func (r *run) setFatal(err error) {
	s := &r.sched
	s.mu.Lock()
	if s.fatal == nil {
		s.fatal = err
	}
	s.cond.Broadcast()
	s.mu.Unlock()
}

// worker takes items and works on them until the Run stops.
func (r *run) worker() {
	s := &r.sched
	for {
		s.mu.Lock()
		if r.stopping() {
			s.mu.Unlock()
			return
		}
		var it *item
		seed := len(s.seeds) > 0
		if seed {
			it, s.seeds = s.seeds[0], s.seeds[1:]
			s.seedsActive++
		} else if s.seedsActive > 0 {
			// Seeds first, all of them: a feed's or news sitemap's hints
			// must be known before the pages they describe are fetched.
			s.cond.Wait()
			s.mu.Unlock()
			continue
		}
		s.busy++
		s.mu.Unlock()

		it, err := r.take(it)
		if err != nil {
			r.setFatal(err)
			r.idle(seed)
			return
		}
		if it == nil { // the queue is empty
			s.mu.Lock()
			if seed {
				s.seedsActive--
			}
			s.busy--
			if s.busy == 0 && len(s.seeds) == 0 {
				// Nobody holds an item that could queue more: done.
				s.finished = true
				s.cond.Broadcast()
			} else if !r.stopping() {
				s.cond.Wait() // for a worker to finish (it may queue links)
			}
			s.mu.Unlock()
			continue
		}
		if !r.claim(it) {
			// In flight in another worker; its lease stays queued. Wait for
			// a worker to finish rather than spin over the queue.
			s.mu.Lock()
			if seed {
				s.seedsActive--
				s.cond.Broadcast()
			}
			s.busy--
			if !r.stopping() && s.busy > 0 {
				s.cond.Wait()
			}
			s.mu.Unlock()
			continue
		}
		// It may have finished between take's look and the claim (work
		// marks done before it releases).
		if done, err := r.isDone(it.URL); err != nil || done {
			r.release(it)
			if err != nil {
				r.setFatal(err)
			}
			r.idle(seed)
			continue
		}
		page := it.Kind != kindSitemap
		if !r.reserve(page) {
			r.release(it) // not started: its lease is queued for the next Run
			r.idle(seed)
			continue
		}
		o := r.work(it)
		r.release(it)
		if o.fatal != nil {
			r.setFatal(o.fatal)
		}
		s.mu.Lock()
		if page {
			s.activePages--
		}
		if o.emitted {
			s.emitted++
		}
		s.mu.Unlock()
		r.idle(seed)
	}
}

// reserve takes a MaxPages reservation for a page item, waiting while the
// pages in flight could reach the limit; false when the Run is stopping.
func (r *run) reserve(page bool) bool {
	s := &r.sched
	s.mu.Lock()
	defer s.mu.Unlock()
	if !page || r.cfg.MaxPages == 0 {
		return !r.stopping()
	}
	for !r.stopping() && s.activePages > 0 && s.emitted+s.activePages >= r.cfg.MaxPages {
		s.cond.Wait()
	}
	if r.stopping() || s.emitted+s.activePages >= r.cfg.MaxPages {
		return false
	}
	s.activePages++
	return true
}

// idle ends a worker's turn (on a seed, if seed), waking the workers that
// wait for one to finish.
func (r *run) idle(seed bool) {
	s := &r.sched
	s.mu.Lock()
	if seed {
		s.seedsActive--
	}
	s.busy--
	s.cond.Broadcast()
	s.mu.Unlock()
}

// take returns seed, leased, when it is not nil and not done; otherwise
// the next queued item that is not done, with its lease already queued
// again, or nil when the queue is empty. Copies of done items are dropped
// on the way.
func (r *run) take(seed *item) (*item, error) {
	if seed != nil {
		done, err := r.isDone(seed.URL)
		if err != nil {
			return nil, err
		}
		if !done {
			return seed, r.requeue(seed) // its lease
		}
	}
	ferr := func(err error) error { return fmt.Errorf("%w: %v", ErrFrontier, err) }
	if l, ok := r.frontier.(Leaser); ok {
		// One durable step per item, which concurrent workers may share:
		// no lock between workers, no peek.
		raw, err := l.LeaseRequest(r.leaseID)
		if err != nil {
			return nil, ferr(err)
		}
		if raw == nil {
			return nil, nil
		}
		return unmarshalItem(raw) // leaseID let through only what parses
	}
	pk, peeks := r.frontier.(Peeker)
	if peeks {
		// Peek, lease, take must not interleave with another worker's.
		r.sched.popMu.Lock()
		defer r.sched.popMu.Unlock()
	}
	getErrs := 0
	for {
		if n, err := r.frontier.QueueSize(); err != nil {
			return nil, ferr(err)
		} else if n == 0 {
			return nil, nil
		}
		var raw []byte
		var err error
		if peeks {
			raw, err = pk.PeekRequest()
		} else {
			raw, err = r.frontier.GetRequest()
		}
		if err != nil {
			// Another worker may have emptied the queue since QueueSize
			// (colly's contract, which the archive follows, calls that an
			// error), and may have queued a lease since: look again, a few
			// times, before calling the Frontier broken.
			if getErrs++; getErrs < 5 {
				continue
			}
			return nil, ferr(err)
		}
		getErrs = 0
		if raw == nil {
			return nil, nil
		}
		it, perr := unmarshalItem(raw)
		done := false
		if perr == nil {
			if done, err = r.isDone(it.URL); err != nil {
				return nil, err
			}
		} else {
			r.cfg.log.Warn("dropping queue entry", "err", perr)
		}
		if perr != nil || done {
			if peeks {
				if _, err := r.frontier.GetRequest(); err != nil {
					return nil, ferr(err)
				}
			}
			continue
		}
		// Lease first, then take: a crash in between leaves two copies,
		// never none. Without PeekRequest the order cannot be this one.
		if err := r.frontier.AddRequest(raw); err != nil {
			return nil, ferr(err)
		}
		if peeks {
			if _, err := r.frontier.GetRequest(); err != nil {
				return nil, ferr(err)
			}
		}
		return it, nil
	}
}

// leaseID is the id a Leaser checks to drop queued copies of items done
// in this generation; false for an entry that does not parse.
func (r *run) leaseID(raw []byte) (uint64, bool) {
	it, err := unmarshalItem(raw)
	if err != nil {
		r.cfg.log.Warn("dropping queue entry", "err", err)
		return 0, false
	}
	return doneID(r.gen, it.URL), true
}
