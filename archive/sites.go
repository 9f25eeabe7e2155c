package archive

import (
	"bytes"
	"maps"
	"slices"
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
// The counts are knowledge derived from the pages, not the pages: they are
// gathered in memory and written to bucketSiteBlocks for every flushPages
// pages counted (and when the Store closes), keys in order, in
// transactions of at most flushTxKeys counts. Written with each page, the
// fingerprints of a page (dozens, spread over the whole bucket) dirtied
// that many bbolt pages in every commit: 200 KiB written per crawled page,
// half of all the archive wrote. A crash loses at most the counts of the
// last flushPages pages, never a snapshot or a record: the profile is a
// little less sure of itself.
//
// The in-memory cache keeps, per host, the fingerprints counted on at
// least minCachedCount pages (a block seen once says nothing about
// boilerplate, and most blocks are seen once), counts not yet written
// included, as an immutable map replaced when it changes, so the extractor
// can read it without locks while writers move on. Replacing it copies it:
// a host with many known blocks has its changes gathered for a few pages
// (one page for every publishEntries blocks) and published together, so
// counting a page costs the same on a big site as on a small one. The
// profile is one consistent view all the same: its page count and block
// counts were taken at the same moment. A block written once and counted
// once more since is not in it until the next flush: the profile may lag
// by one page for such a block. Neither lag is noticed by the extractor's
// threshold, a share of the host's pages.

// minCachedCount is the smallest count kept in the cache (and so passed to
// the extractor).
const minCachedCount = 2

// learnPages bounds what is kept per host: after this many pages, a block
// not seen before is added only when it was counted on more than one page
// since the last flush (a new teaser, say; a block seen once late in a
// site's life is an article's own), while the counts of known blocks
// still grow. Without it a big site would add every paragraph of every
// article to the archive.
const learnPages = 1000

// flushPages is how many counted pages (all hosts together) wait in
// memory before their counts are written: it bounds both what a crash can
// lose and the memory held (a few dozen fingerprints per page).
const flushPages = 256

// maxCachedSites bounds the profiles kept in memory; the least recently
// used is dropped and read again on its next use.
const maxCachedSites = 1024

// publishEntries is how many known blocks of a host make its profile wait
// one more page before it is copied and published: a host of 4,096 known
// blocks is published every 16 pages, one of up to 511 on every page.
// Copying the map costs about 40 ns a block: at most ~10 µs a page.
const publishEntries = 256

// siteProfile is an immutable view of one host.
type siteProfile struct {
	pages  int
	blocks map[uint64]int
}

// siteDelta is what was counted for one host and not yet written.
type siteDelta struct {
	pages  int
	counts map[uint64]int
}

// siteFresh is what was counted for a cached host since its profile was
// last published.
type siteFresh struct {
	pages  int
	blocks map[uint64]int // the latest counts of the blocks counted since
}

// siteCache holds the profiles of the hosts used recently, and the counts
// not yet written.
type siteCache struct {
	mu    sync.Mutex
	clock uint64
	hosts map[string]*siteProfile
	used  map[string]uint64
	fresh map[string]*siteFresh // only for hosts in hosts

	pending      map[string]*siteDelta
	pendingPages int
	flushing     sync.Mutex // one flush at a time, in the order counted
}

func newSiteCache() *siteCache {
	return &siteCache{hosts: map[string]*siteProfile{}, used: map[string]uint64{}, fresh: map[string]*siteFresh{},
		pending: map[string]*siteDelta{}}
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
		delete(c.fresh, oldest) // pending or written: read again with the profile
	}
	c.hosts[host] = p
	c.touch(host)
}

// count returns the latest count of a block of a cached host whose
// published profile is p: f's when it was counted since (f may be nil),
// else p's; with the cache's mutex held.
func (f *siteFresh) count(p *siteProfile, fp uint64) (int, bool) {
	if f != nil {
		if n, ok := f.blocks[fp]; ok {
			return n, true
		}
	}
	n, ok := p.blocks[fp]
	return n, ok
}

// publish replaces a host's profile with p and what was counted since it;
// with the mutex held.
func (c *siteCache) publish(host string, p *siteProfile) {
	f := c.fresh[host]
	delete(c.fresh, host)
	np := p
	if f != nil {
		np = &siteProfile{pages: p.pages + f.pages, blocks: p.blocks}
		if len(f.blocks) > 0 {
			np.blocks = make(map[uint64]int, len(p.blocks)+len(f.blocks))
			maps.Copy(np.blocks, p.blocks)
			maps.Copy(np.blocks, f.blocks)
		}
	}
	c.put(host, np)
}

// profile returns the host's profile, loading it from the archive on first
// use.
func (s *Store) profile(host string) (*siteProfile, error) {
	c := s.sites
	c.mu.Lock()
	if p, ok := c.hosts[host]; ok {
		c.touch(host)
		c.mu.Unlock()
		return p, nil
	}
	c.mu.Unlock()
	if host == "" {
		return &siteProfile{blocks: map[uint64]int{}}, nil
	}
	// Read outside the lock; a flush or a count that lands meanwhile is
	// in what is read or still pending, and pending counts are added under
	// the lock below.
	p := &siteProfile{blocks: map[uint64]int{}}
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
	c.mu.Lock()
	defer c.mu.Unlock()
	if q, ok := c.hosts[host]; ok { // loaded by another Put meanwhile
		c.touch(host)
		return q, nil
	}
	if d := c.pending[host]; d != nil {
		p.pages += d.pages
		for fp, n := range d.counts {
			if m := p.blocks[fp] + n; m >= minCachedCount {
				p.blocks[fp] = m
			}
		}
	}
	c.put(host, p)
	return p, nil
}

// countPage counts one page's blocks into its host's profile (after the
// page was stored), writing the counts of every host when flushPages pages
// wait.
func (s *Store) countPage(host string, blocks []uint64) error {
	if host == "" {
		return nil // no host, nothing to learn about
	}
	p, err := s.profile(host)
	if err != nil {
		return err
	}
	c := s.sites
	c.mu.Lock()
	q, cached := c.hosts[host]
	if cached {
		p = q // the latest view: another Put may have counted meanwhile
	}
	d := c.pending[host]
	if d == nil {
		d = &siteDelta{counts: map[uint64]int{}}
		c.pending[host] = d
	}
	d.pages++
	c.pendingPages++
	f := c.fresh[host]
	if f == nil || !cached {
		f = &siteFresh{blocks: map[uint64]int{}}
		c.fresh[host] = f
	}
	f.pages++
	seen := make(map[uint64]bool, len(blocks))
	for _, fp := range blocks {
		if seen[fp] {
			continue // a block counts once per page
		}
		seen[fp] = true
		d.counts[fp]++
		// The cached count and one more; a block not cached (seen on
		// fewer than minCachedCount pages) has at least its pending count.
		n, ok := f.count(p, fp)
		if ok {
			n++
		} else {
			n = d.counts[fp]
		}
		if n >= minCachedCount {
			f.blocks[fp] = n
		}
	}
	if !cached || f.pages >= max(1, len(p.blocks)/publishEntries) {
		c.publish(host, p)
	}
	flush := c.pendingPages >= flushPages
	c.mu.Unlock()
	if flush {
		return s.flushSites(s.update, s.view)
	}
	return nil
}

// flushTxKeys bounds the block counts one transaction of a flush reads and
// writes. A flush late in a big site's life counts thousands of blocks
// spread over the whole bucket: in one transaction they mapped (and
// rewrote) most of its leaves, 60–100 MB of the file on a 100,000-page
// crawl, every 256 pages, which made the crawl's peak RSS. In transactions
// of at most this many keys, with the mapped pages released after each
// (see mapped.go), a flush maps a few MB at a time.
const flushTxKeys = 256

// flushPart is the share of one host's pending counts one transaction of
// a flush writes: the host's page count with its first part.
type flushPart struct {
	host  string
	first bool
	fps   []uint64 // in order
}

// planFlush splits the pending counts of hosts (in order) into the parts
// of transactions of at most flushTxKeys block counts each, keys in order.
func planFlush(hosts []string, pending map[string]*siteDelta) [][]flushPart {
	var txs [][]flushPart
	var cur []flushPart
	keys := 0
	for _, host := range hosts {
		fps := slices.Sorted(maps.Keys(pending[host].counts))
		first := true
		for {
			if keys == flushTxKeys {
				txs, cur, keys = append(txs, cur), nil, 0
			}
			n := min(len(fps), flushTxKeys-keys)
			cur = append(cur, flushPart{host: host, first: first, fps: fps[:n]})
			keys += n
			fps, first = fps[n:], false
			if len(fps) == 0 {
				break
			}
		}
	}
	if len(cur) > 0 {
		txs = append(txs, cur)
	}
	return txs
}

// flushSites writes the pending counts with update (the Store's, or
// bbolt's own when the Store is closing), in transactions of at most
// flushTxKeys counts, releasing the mapped pages after each with view.
// What a failed transaction (and those after it) would have written is
// put back, to be written with the next flush.
func (s *Store) flushSites(update, view func(func(*bolt.Tx) error) error) error {
	c := s.sites
	c.flushing.Lock()
	defer c.flushing.Unlock()
	c.mu.Lock()
	pending := c.pending
	c.pending, c.pendingPages = map[string]*siteDelta{}, 0
	c.mu.Unlock()
	if len(pending) == 0 {
		return nil
	}
	hosts := slices.Sorted(maps.Keys(pending)) // keys in order: each bbolt page dirtied once
	txs := planFlush(hosts, pending)
	written := map[string]map[uint64]int{}
	learning := map[string]bool{} // decided by a host's first part
	done := 0
	var err error
	for _, parts := range txs {
		txWritten := map[string]map[uint64]int{}
		err = update(func(tx *bolt.Tx) error {
			clear(txWritten) // the transaction may run again
			for _, part := range parts {
				totals, err := s.flushPart(tx, part, pending[part.host], learning)
				if err != nil {
					return err
				}
				txWritten[part.host] = totals // a host has one part per transaction
			}
			return nil
		})
		if err != nil {
			break
		}
		done++
		for host, totals := range txWritten {
			if written[host] == nil {
				written[host] = totals
			} else {
				maps.Copy(written[host], totals)
			}
		}
		if len(txs) > 1 {
			releaseMappedWith(s, view)
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, parts := range txs[done:] { // back, merged with what came since
		for _, part := range parts {
			d := pending[part.host]
			cur := c.pending[part.host]
			if cur == nil {
				cur = &siteDelta{counts: map[uint64]int{}}
				c.pending[part.host] = cur
			}
			if part.first {
				cur.pages += d.pages
				c.pendingPages += d.pages
			}
			for _, fp := range part.fps {
				cur.counts[fp] += d.counts[fp]
			}
		}
	}
	// The written totals (and what was counted since) are exact where the
	// cache only knew the pending part (a block written once before):
	// raise the cached counts.
	for host, totals := range written {
		p, ok := c.hosts[host]
		if !ok {
			continue
		}
		since := c.pending[host]
		f := c.fresh[host]
		raised := false
		for fp, n := range totals {
			if since != nil {
				n += since.counts[fp]
			}
			if cur, _ := f.count(p, fp); cur >= n {
				continue
			}
			if f == nil {
				f = &siteFresh{blocks: map[uint64]int{}}
				c.fresh[host] = f
			}
			f.blocks[fp] = n
			raised = true
		}
		if raised {
			c.publish(host, p)
		}
	}
	return err
}

// flushPart writes one part of a flush in tx and returns the totals it
// wrote of the blocks counted on at least minCachedCount pages. learning
// holds, per host, whether its site was still being learnt before the
// flush: set by the host's first part, read by the others.
func (s *Store) flushPart(tx *bolt.Tx, part flushPart, d *siteDelta, learning map[string]bool) (map[uint64]int, error) {
	sb, bb := tx.Bucket(bucketSites), tx.Bucket(bucketSiteBlocks)
	if part.first {
		st := &site{}
		if v := sb.Get(indexKey(part.host)); v != nil {
			var err error
			if st, err = decodeSite(v); err != nil {
				return nil, err
			}
		}
		learning[part.host] = st.Pages < learnPages
		st.Pages += d.pages
		if err := sb.Put(indexKey(part.host), encodeSite(st)); err != nil {
			return nil, err
		}
	}
	totals := map[uint64]int{}
	for _, fp := range part.fps {
		k := siteBlockKey(part.host, fp)
		old := decodeCount(bb.Get(k))
		if old == 0 && !learning[part.host] && d.counts[fp] < minCachedCount {
			continue // a new block once, late in the site's life: an article's own
		}
		n := old + d.counts[fp]
		if err := bb.Put(k, encodeCount(n)); err != nil {
			return nil, err
		}
		if n >= minCachedCount {
			totals[fp] = n
		}
	}
	return totals, nil
}

// reset drops every cached profile; counts not yet written stay pending.
func (c *siteCache) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.hosts, c.used, c.fresh = map[string]*siteProfile{}, map[string]uint64{}, map[string]*siteFresh{}
}
