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

// learnPages bounds what is kept per host: after this many pages, blocks
// not seen before are no longer added (boilerplate shows up on the first
// pages of a site; a block first seen later is an article's own), while
// the counts of known blocks still grow. Without it a big site would add
// every paragraph of every article to the archive, and each page would
// cost dozens of random writes.
const learnPages = 1000

// maxCachedSites bounds the profiles kept in memory; the least recently
// used is dropped and read again on its next use.
const maxCachedSites = 1024

// siteProfile is an immutable view of one host.
type siteProfile struct {
	pages  int
	blocks map[uint64]int
}

// siteCache holds the profiles of the hosts used recently.
type siteCache struct {
	mu    sync.Mutex
	clock uint64
	hosts map[string]*siteProfile
	used  map[string]uint64
}

func newSiteCache() *siteCache {
	return &siteCache{hosts: map[string]*siteProfile{}, used: map[string]uint64{}}
}

// touch marks a host used; with the mutex held.
func (c *siteCache) touch(host string) {
	c.clock++
	c.used[host] = c.clock
}

// put caches a profile, dropping the least recently used beyond the
// bound; with the mutex held.
func (c *siteCache) put(host string, p *siteProfile) {
	for len(c.hosts) >= maxCachedSites {
		var oldest string
		var at uint64
		first := true
		for h := range c.hosts {
			if first || c.used[h] < at {
				oldest, at, first = h, c.used[h], false
			}
		}
		delete(c.hosts, oldest)
		delete(c.used, oldest)
	}
	c.hosts[host] = p
	c.touch(host)
}

// profile returns the host's profile, loading it from the archive on first
// use.
func (s *Store) profile(host string) (*siteProfile, error) {
	c := s.sites
	c.mu.Lock()
	defer c.mu.Unlock()
	if p, ok := c.hosts[host]; ok {
		c.touch(host)
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
	c.put(host, p)
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
		old := decodeCount(bb.Get(k))
		if old == 0 && st.Pages > learnPages {
			continue
		}
		n := old + 1
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
		delete(c.used, u.host)
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
	c.hosts, c.used = map[string]*siteProfile{}, map[string]uint64{}
}
