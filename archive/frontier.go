package archive

import (
	"fmt"
	"net/url"
	"sync"

	bolt "go.etcd.io/bbolt"
)

// Frontier is the persistent crawl state of one job: the requests already
// visited, the cookies per host, and the queue of requests still to fetch.
// Its methods have the shapes of colly's storage.Storage and queue.Storage
// (standard library types only, so this package does not import colly):
// the crawler declares those interfaces and cmd passes a Frontier, so a
// stopped crawl resumes where it stopped. Every change is committed before
// the method returns. Safe for concurrent use.
type Frontier struct {
	s   *Store
	job []byte

	// dropping is held by the one lease at a time that may drop up to
	// maxDropped visited copies; the others drop at most fewDropped.
	dropping sync.Mutex
}

// Frontier returns the crawl state of the named job (empty for the
// default job), kept in the archive file.
func (s *Store) Frontier(job string) *Frontier {
	if job == "" {
		job = "default"
	}
	return &Frontier{s: s, job: []byte(job)}
}

// jobBucket returns the job's bucket, making it in a write transaction.
func (f *Frontier) jobBucket(tx *bolt.Tx) (*bolt.Bucket, error) {
	root := tx.Bucket(bucketFrontier)
	if root == nil {
		return nil, nil
	}
	if b := root.Bucket(f.job); b != nil || !tx.Writable() {
		return b, nil
	}
	b, err := root.CreateBucket(f.job)
	if err != nil {
		return nil, err
	}
	for _, name := range [][]byte{frontierVisited, frontierCookies, frontierQueue} {
		if _, err := b.CreateBucket(name); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// write runs fn in a write transaction, together with the other writes
// under way (the Store's group commit: a crawler's workers write the
// Frontier several times per page, and each transaction costs an fsync).
// fn may run more than once: it must start afresh each time.
func (f *Frontier) write(what string, fn func(b *bolt.Bucket) error) error {
	err := f.s.update(func(tx *bolt.Tx) error {
		b, err := f.jobBucket(tx)
		if err != nil {
			return err
		}
		return fn(b)
	})
	if err != nil {
		return fmt.Errorf("archive: frontier %s: %s: %w", f.job, what, err)
	}
	return nil
}

func (f *Frontier) read(what string, fn func(b *bolt.Bucket) error) error {
	err := f.s.view(func(tx *bolt.Tx) error {
		b, err := f.jobBucket(tx)
		if err != nil || b == nil {
			return err
		}
		return fn(b)
	})
	if err != nil {
		return fmt.Errorf("archive: frontier %s: %s: %w", f.job, what, err)
	}
	return nil
}

// Init prepares the job's state; it keeps what an earlier run left.
func (f *Frontier) Init() error {
	if f.s.opts.ReadOnly {
		return nil
	}
	return f.write("init", func(*bolt.Bucket) error { return nil })
}

// Visited records that the request with this id was fetched.
func (f *Frontier) Visited(requestID uint64) error {
	return f.write("visited", func(b *bolt.Bucket) error {
		return b.Bucket(frontierVisited).Put(u64key(requestID), nil)
	})
}

// ForgetVisited drops every id recorded with Visited, in one transaction;
// the queue and the cookies stay. The crawler calls it when a crawl
// generation finished, so the job's done-set never outgrows one run.
func (f *Frontier) ForgetVisited() error {
	return f.write("forget visited", func(b *bolt.Bucket) error {
		if err := b.DeleteBucket(frontierVisited); err != nil {
			return err
		}
		_, err := b.CreateBucket(frontierVisited)
		return err
	})
}

// IsVisited reports whether the request with this id was fetched.
func (f *Frontier) IsVisited(requestID uint64) (bool, error) {
	var ok bool
	err := f.read("is visited", func(b *bolt.Bucket) error {
		ok = b.Bucket(frontierVisited).Get(u64key(requestID)) != nil
		return nil
	})
	return ok, err
}

// Cookies returns the cookies stored for the URL's host, as the string
// SetCookies stored; empty when there are none or on error.
func (f *Frontier) Cookies(u *url.URL) string {
	var c string
	_ = f.read("cookies", func(b *bolt.Bucket) error {
		c = string(b.Bucket(frontierCookies).Get([]byte(u.Host)))
		return nil
	})
	return c
}

// SetCookies stores the cookies of the URL's host, replacing earlier ones.
// The storage interface has no error result: a failure is logged.
func (f *Frontier) SetCookies(u *url.URL, cookies string) {
	err := f.write("set cookies", func(b *bolt.Bucket) error {
		return b.Bucket(frontierCookies).Put([]byte(u.Host), []byte(cookies))
	})
	if err != nil {
		f.s.log.Warn("archive: frontier cookies not stored", "url", u.String(), "err", err)
	}
}

// AddRequest appends a serialised request to the queue.
func (f *Frontier) AddRequest(r []byte) error {
	return f.write("add request", func(b *bolt.Bucket) error {
		q := b.Bucket(frontierQueue)
		seq, err := q.NextSequence()
		if err != nil {
			return err
		}
		if err := q.Put(u64key(seq), r); err != nil {
			return err
		}
		return b.Put(frontierQueued, u64key(keyU64(b.Get(frontierQueued))+1))
	})
}

// GetRequest removes and returns the oldest queued request, or nil and no
// error when the queue is empty (as colly's in-memory queue does).
func (f *Frontier) GetRequest() ([]byte, error) {
	var out []byte
	err := f.write("get request", func(b *bolt.Bucket) error {
		out = nil
		q := b.Bucket(frontierQueue)
		k, v := q.Cursor().First()
		if k == nil {
			return nil
		}
		out = append([]byte(nil), v...)
		if err := q.Delete(k); err != nil {
			return err
		}
		n := keyU64(b.Get(frontierQueued))
		if n > 0 {
			n--
		}
		return b.Put(frontierQueued, u64key(n))
	})
	return out, err
}

// PeekRequest returns the oldest queued request without removing it, or
// nil and no error when the queue is empty. With it the crawler queues a
// lease copy of a request before taking it, so a kill at any moment loses
// no request.
func (f *Frontier) PeekRequest() ([]byte, error) {
	var out []byte
	err := f.read("peek request", func(b *bolt.Bucket) error {
		if _, v := b.Bucket(frontierQueue).Cursor().First(); v != nil {
			out = append([]byte(nil), v...)
		}
		return nil
	})
	return out, err
}

// LeaseRequest moves the oldest queued request to the end of the queue
// and returns it, in one transaction, so a process killed at any moment
// leaves it queued. Requests met at the head whose id(req) is visited, or
// for which id returns false, are removed on the way: by one lease at a
// time, at most maxDropped in one transaction, then in the next (see
// fewDropped). It returns nil and no
// error when the queue is empty. Concurrent calls share their commits; id
// runs inside the transaction, may run more than once for a request, and
// must not keep req.
func (f *Frontier) LeaseRequest(id func(req []byte) (uint64, bool)) ([]byte, error) {
	held := false
	defer func() {
		if held {
			f.dropping.Unlock()
		}
	}()
	for {
		budget := fewDropped
		if held || f.dropping.TryLock() {
			held, budget = true, maxDropped
		}
		out, more, err := f.lease(id, budget)
		if err != nil || out != nil || !more {
			return out, err
		}
		if !held {
			// A long run of visited copies: wait for the lease dropping
			// them, then drop what it left.
			f.dropping.Lock()
			held = true
			continue
		}
		// Dropping a long run of copies reads queue leaves spread over
		// the file, each fault mapping 64 KB around it: at the end of a
		// 20,000-page crawl that mapped 70 MB in a tenth of a second.
		f.s.releaseMapped()
	}
}

// maxDropped bounds the queued copies of visited requests one lease
// drops in one transaction. At the end of a crawl the queue holds a copy
// of every request leased since the crawl last went round it, all
// visited; dropped in one transaction, those of a 100,000-page crawl made
// a transaction that mapped hundreds of MB of the file (see LeaseRequest)
// and held every emptied node until its commit.
const maxDropped = 512

// fewDropped bounds the copies the other leases drop, which share the
// transaction: the Store commits the writes under way together (see
// group.go), and when each of a crawler's workers dropped maxDropped at
// the end of a 100,000-page crawl, one transaction dropped ten thousand,
// mapping 150-250 MB of the file. Within a crawl the visited copies at
// the queue's head are few, and a lease that meets more waits for the
// one dropping them.
const fewDropped = 16

// lease is one transaction of LeaseRequest: the request leased, or nil and
// more when budget copies were dropped and the queue goes on.
func (f *Frontier) lease(id func(req []byte) (uint64, bool), budget int) (out []byte, more bool, err error) {
	err = f.write("lease request", func(b *bolt.Bucket) error {
		out, more = nil, false // the transaction may run again
		q, visited := b.Bucket(frontierQueue), b.Bucket(frontierVisited)
		n := keyU64(b.Get(frontierQueued))
		// Walk the head of the queue first and delete after: a cursor
		// that deletes must start over from the first key, which walked
		// every emptied leaf again for each request dropped.
		var gone [][]byte
		c := q.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if key, ok := id(v); ok && visited.Get(u64key(key)) == nil {
				gone = append(gone, append([]byte(nil), k...))
				out = append([]byte(nil), v...)
				break
			}
			if len(gone) == budget {
				more = true
				break
			}
			gone = append(gone, append([]byte(nil), k...))
		}
		for _, k := range gone {
			if err := q.Delete(k); err != nil {
				return err
			}
		}
		n -= min(n, uint64(len(gone)))
		if out != nil {
			seq, err := q.NextSequence()
			if err != nil {
				return err
			}
			if err := q.Put(u64key(seq), out); err != nil {
				return err
			}
			n++
		}
		return b.Put(frontierQueued, u64key(n))
	})
	if err != nil {
		return nil, false, err
	}
	return out, more, nil
}

// Commit appends reqs to the queue and records the visited ids, in one
// transaction: all or nothing. Concurrent calls share their commits.
func (f *Frontier) Commit(reqs [][]byte, visited []uint64) error {
	return f.write("commit", func(b *bolt.Bucket) error {
		q, vb := b.Bucket(frontierQueue), b.Bucket(frontierVisited)
		for _, r := range reqs {
			seq, err := q.NextSequence()
			if err != nil {
				return err
			}
			if err := q.Put(u64key(seq), r); err != nil {
				return err
			}
		}
		for _, id := range visited {
			if err := vb.Put(u64key(id), nil); err != nil {
				return err
			}
		}
		if len(reqs) == 0 {
			return nil
		}
		return b.Put(frontierQueued, u64key(keyU64(b.Get(frontierQueued))+uint64(len(reqs))))
	})
}

// QueueSize returns how many requests are queued.
func (f *Frontier) QueueSize() (int, error) {
	var n int
	err := f.read("queue size", func(b *bolt.Bucket) error {
		n = int(keyU64(b.Get(frontierQueued)))
		return nil
	})
	return n, err
}
