package archive

import (
	"bytes"
	"sync"

	bolt "go.etcd.io/bbolt"
)

// Site knowledge: for each host, how many pages were counted and on how
// many of them each text-block fingerprint (Article.Blocks) appeared. A
// block that recurs on many pages of a host is boilerplate; the extractor
// gets the counts as Page.SiteBlocks / Page.SitePages.
//
// A page is counted once: when it makes a new record, or, for pages that
// are not articles, on the first fetch of its URL. Re-fetches of the same
// article never count again, so an article seen on ten days does not turn
// its own paragraphs into "boilerplate".
//
// All counts live in bucketSiteBlocks. The in-memory cache keeps, per host,
// only the fingerprints seen on at least minCachedCount pages (a block seen
// once says nothing about boilerplate, and most blocks are seen once), as an
// immutable map replaced on every change, so the extractor can read it
// without locks while writers move on.

// minCachedCount is the smallest count kept in the cache (and so passed to
// the extractor).
const minCachedCount = 2

// siteProfile is an immutable view of one host.
type siteProfile struct {
	pages  int
	blocks map[uint64]int
}

// siteCache holds the profiles of the hosts seen since Open.
type siteCache struct {
	mu    sync.Mutex
	hosts map[string]*siteProfile
}

func newSiteCache() *siteCache { return &siteCache{hosts: map[string]*siteProfile{}} }

// profile returns the host's profile, loading it from the archive on first
// use.
func (s *Store) profile(host string) (*siteProfile, error) {
	c := s.sites
	c.mu.Lock()
	defer c.mu.Unlock()
	if p, ok := c.hosts[host]; ok {
		return p, nil
	}
	p := &siteProfile{blocks: map[uint64]int{}}
	if host == "" {
		return p, nil
	}
	err := s.view(func(tx *bolt.Tx) error {
		if v := getKey(tx.Bucket(bucketSites), indexKey(host)); v != nil {
			st, err := decodeSite(v)
			if err != nil {
				return err
			}
			p.pages = st.Pages
		}
		prefix := siteBlockPrefix(host)
		cur := tx.Bucket(bucketSiteBlocks).Cursor()
		for k, v := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = cur.Next() {
			if n := decodeCount(v); n >= minCachedCount {
				p.blocks[keyU64(k[len(prefix):])] = n
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	c.hosts[host] = p
	return p, nil
}

// siteUpdate is what one page added to a host's profile, applied to the
// cache after its transaction committed.
type siteUpdate struct {
	host   string
	pages  int            // the host's page count after this page
	counts map[uint64]int // new counts of this page's blocks
}

// countPage adds one page's blocks to the host's counts inside tx.
func countPage(tx *bolt.Tx, host string, blocks []uint64) (*siteUpdate, error) {
	if host == "" {
		return nil, nil // no host, nothing to learn about
	}
	sb := tx.Bucket(bucketSites)
	st := &site{}
	if v := sb.Get(indexKey(host)); v != nil {
		var err error
		if st, err = decodeSite(v); err != nil {
			return nil, err
		}
	}
	st.Pages++
	if err := sb.Put(indexKey(host), encodeSite(st)); err != nil {
		return nil, err
	}
	u := &siteUpdate{host: host, pages: st.Pages, counts: make(map[uint64]int, len(blocks))}
	bb := tx.Bucket(bucketSiteBlocks)
	for _, fp := range blocks {
		if _, dup := u.counts[fp]; dup {
			continue // a block counts once per page
		}
		k := siteBlockKey(host, fp)
		n := decodeCount(bb.Get(k)) + 1
		if err := bb.Put(k, encodeCount(n)); err != nil {
			return nil, err
		}
		u.counts[fp] = n
	}
	return u, nil
}

// apply publishes a committed update. Updates may arrive out of order:
// one that continues the cached profile is applied, one already included
// is skipped, and a gap drops the host so the next use reloads it.
func (c *siteCache) apply(u *siteUpdate) {
	if u == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.hosts[u.host]
	if !ok {
		return
	}
	switch {
	case u.pages <= p.pages:
		return
	case u.pages > p.pages+1:
		delete(c.hosts, u.host)
		return
	}
	changed := false
	for _, n := range u.counts {
		if n >= minCachedCount {
			changed = true
			break
		}
	}
	np := &siteProfile{pages: u.pages, blocks: p.blocks}
	if changed {
		np.blocks = make(map[uint64]int, len(p.blocks)+len(u.counts))
		for fp, n := range p.blocks {
			np.blocks[fp] = n
		}
		for fp, n := range u.counts {
			if n >= minCachedCount {
				np.blocks[fp] = n
			}
		}
	}
	c.hosts[u.host] = np
}

// reset drops every cached profile.
func (c *siteCache) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.hosts = map[string]*siteProfile{}
}
