package archive

import (
	"errors"
	"fmt"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// Group commit. A crawler's workers write the archive many times per page
// (the Put, the frontier's leases and commits), and each write transaction
// costs an fsync. A write that arrives while others are writing joins a
// group: the group gathers for Options.BatchDelay from its first write (and
// for as long as the transaction before it commits), then one transaction
// runs them all, with one fsync. This is what bbolt's Batch does, but the
// transaction runs in a writer's goroutine rather than in bbolt's own, so
// a panic of bbolt's on a corrupt page in the commit (which reads pages to
// rebalance) is recovered and reported as ErrCorrupt: in Batch's goroutine
// it killed the process.

// group holds the writes waiting for the next transaction.
type group struct {
	mu      sync.Mutex
	pending []*groupOp
	since   time.Time // when the first pending write arrived
	leading bool      // a writer is running transactions for the group
}

// groupOp is one write waiting for its transaction.
type groupOp struct {
	fn   func(tx *bolt.Tx) error
	done chan groupResult
}

type groupResult struct {
	err  error
	lead bool // not run: the receiver leads the next transaction
}

// commitGrouped runs fn in a write transaction together with the other
// writes of its group. fn may run more than once (a failed group is run
// again one write at a time): it must start afresh each time.
func (s *Store) commitGrouped(fn func(tx *bolt.Tx) error) error {
	op := &groupOp{fn: fn, done: make(chan groupResult, 1)}
	g := &s.group
	g.mu.Lock()
	if len(g.pending) == 0 {
		g.since = time.Now()
	}
	g.pending = append(g.pending, op)
	lead := !g.leading
	g.leading = true
	g.mu.Unlock()
	for {
		if lead {
			s.lead()
		}
		r := <-op.done
		if !r.lead {
			return r.err
		}
		lead = true
	}
}

// lead waits until the pending group has gathered for the batch delay,
// commits it in one transaction, and hands the lead to the first write
// that arrived since.
func (s *Store) lead() {
	g := &s.group
	g.mu.Lock()
	wait := s.batchDelay - time.Since(g.since)
	g.mu.Unlock()
	if wait > 0 {
		time.Sleep(wait)
	}
	g.mu.Lock()
	ops := g.pending
	g.pending = nil
	g.mu.Unlock()
	err := s.commit(func(tx *bolt.Tx) error {
		for _, op := range ops {
			if err := op.fn(tx); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil && len(ops) > 1 {
		// Find out whose write failed: one transaction each.
		for _, op := range ops {
			op.done <- groupResult{err: s.commit(op.fn)}
		}
	} else {
		for _, op := range ops {
			op.done <- groupResult{err: err}
		}
	}
	g.mu.Lock()
	if len(g.pending) > 0 {
		// It stays pending: its lead() runs it with the others.
		g.pending[0].done <- groupResult{lead: true}
	} else {
		g.leading = false
	}
	g.mu.Unlock()
}

// commit runs fn in a write transaction in this goroutine. bbolt panics on
// some corrupt pages, in fn or in the commit: the panic becomes ErrCorrupt,
// the transaction rolled back.
func (s *Store) commit(fn func(tx *bolt.Tx) error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("archive: %s: %w: %v", s.path, ErrCorrupt, r)
		}
	}()
	err = s.db.Update(fn)
	if errors.Is(err, berrors.ErrDatabaseNotOpen) {
		// Close came while the group gathered: say it as the Store does.
		return ErrClosed
	}
	return err
}
