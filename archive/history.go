package archive

import (
	"bytes"
	"time"

	bolt "go.etcd.io/bbolt"
)

// History reports when the page at url was first and last fetched, for the
// crawler's revisit schedule (crawler.Options.History): the first and last
// sighting of the record the URL leads to, or for a page that makes no
// record (an index page, say), the time of its latest snapshot. ok is false
// when the URL was never fetched, or the archive cannot be read.
func (s *Store) History(url string) (first, last time.Time, ok bool) {
	key := indexKey(normURL(url)) // as Put keys it: long URLs by their hash
	_ = s.view(func(tx *bolt.Tx) error {
		e, err := getURL(tx, key)
		if err != nil {
			return err
		}
		if e.Record != 0 {
			rec, err := getRecord(tx, e.Record)
			if err != nil {
				return err
			}
			first, last, ok = rec.FirstSeen, rec.LastSeen, true
			return nil
		}
		if e.Latest != 0 {
			snap, err := getSnapshot(tx, e.Latest)
			if err != nil {
				return err
			}
			first, last, ok = snap.FetchedAt, snap.FetchedAt, true
		}
		return nil
	})
	return first, last, ok
}

// StoredBody returns the raw body of the latest snapshot of url that had
// one, for the crawler to follow the links of a page that answered 304
// (crawler.Options.StoredBody); nil when there is none, or the archive
// cannot be read.
func (s *Store) StoredBody(url string) []byte {
	key := indexKey(normURL(url))
	var body []byte
	_ = s.view(func(tx *bolt.Tx) error {
		e, err := getURL(tx, key)
		if err != nil || e.Latest == 0 {
			return err
		}
		snap, err := getSnapshot(tx, e.Latest)
		if err != nil {
			return err
		}
		b, err := s.readBody(tx, snap.BodyID)
		if err != nil {
			return err
		}
		body = bytes.Clone(b) // may point into the mapped file
		return nil
	})
	return body
}
