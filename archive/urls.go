package archive

import bolt "go.etcd.io/bbolt"

// getURL reads the entry of a URL key (indexKey of a normalised URL): the
// zero entry when the URL is not known or the key is nil.
func getURL(tx *bolt.Tx, key []byte) (urlEntry, error) {
	v := getKey(tx.Bucket(bucketURLs), key)
	if v == nil {
		return urlEntry{}, nil
	}
	return decodeURLEntry(v)
}

// putURL writes the entry of a URL key.
func putURL(tx *bolt.Tx, key []byte, e urlEntry) error {
	return tx.Bucket(bucketURLs).Put(key, encodeURLEntry(e))
}

// urlEntries are the URL entries one page's filing reads and changes in a
// write transaction: each is read from the file once and written back once,
// by flush. A new record reads its URL to learn whether it is a first fetch,
// to find the record, to add the alias and to set the latest snapshot;
// through bbolt that was four lookups and two writes of the same key.
//
// Only what goes through it sees its changes: everything that reads or
// writes bucketURLs between the first get and flush must use it. Make a new
// one for each page filed (db.Batch may run a transaction function again).
type urlEntries struct {
	look  *lookups  // the transaction's, shared by the pages it files
	items []urlItem // a page has a few URLs: a slice beats a map
}

type urlItem struct {
	norm  string // the normalised URL
	key   []byte // its indexKey
	e     urlEntry
	dirty bool
}

func newURLEntries(look *lookups) *urlEntries { return &urlEntries{look: look} }

// find returns the item of a normalised URL, reading it from the file the
// first time.
func (u *urlEntries) find(norm string) (*urlItem, error) {
	for i := range u.items {
		if u.items[i].norm == norm {
			return &u.items[i], nil
		}
	}
	key := indexKey(norm)
	var e urlEntry
	if v := u.look.url(key); v != nil {
		var err error
		if e, err = decodeURLEntry(v); err != nil {
			return nil, err
		}
	}
	u.items = append(u.items, urlItem{norm: norm, key: key, e: e})
	return &u.items[len(u.items)-1], nil
}

// get is getURL of a normalised URL's key as of the changes made so far:
// the zero entry for an unknown or empty URL.
func (u *urlEntries) get(norm string) (urlEntry, error) {
	if norm == "" {
		return urlEntry{}, nil
	}
	it, err := u.find(norm)
	if err != nil {
		return urlEntry{}, err
	}
	return it.e, nil
}

// set changes the entry of a normalised URL (not empty); flush writes it.
func (u *urlEntries) set(norm string, e urlEntry) error {
	it, err := u.find(norm)
	if err != nil {
		return err
	}
	if it.e != e {
		it.e, it.dirty = e, true
	}
	return nil
}

// flush writes the changed entries.
func (u *urlEntries) flush() error {
	for i := range u.items {
		if it := &u.items[i]; it.dirty {
			if err := putURL(u.look.tx, it.key, it.e); err != nil {
				return err
			}
			it.dirty = false
		}
	}
	return nil
}
