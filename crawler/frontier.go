package crawler

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/gocolly/colly/v2/storage"

	"github.com/newsarchive/newsarchive"
)

// Frontier stores what a crawl has to do and what it has done, so that a
// stopped crawl can resume. Its methods are those of colly's storage.Storage
// and queue.Storage, with standard-library types only; the archive
// implements it over bbolt. All methods are called from several goroutines
// at once.
//
// The crawler keeps its own meaning in the ids and bytes it passes: callers
// of a Frontier implementation need not (and should not) interpret them.
type Frontier interface {
	// Init prepares the storage. It is called once per Run, before any
	// other method.
	Init() error
	// Visited records id as done. It must be durable when it returns.
	Visited(id uint64) error
	// IsVisited reports whether Visited(id) was called before.
	IsVisited(id uint64) (bool, error)
	// Cookies returns the cookies stored for u's host, in the form
	// SetCookies stored them ("" when none).
	Cookies(u *url.URL) string
	// SetCookies stores the cookies of u's host.
	SetCookies(u *url.URL, cookies string)
	// AddRequest appends one serialised request to the queue. It must be
	// durable when it returns.
	AddRequest(req []byte) error
	// GetRequest removes and returns the oldest request of the queue, or
	// nil and no error when the queue is empty.
	GetRequest() ([]byte, error)
	// QueueSize returns the number of requests in the queue.
	QueueSize() (int, error)
}

// Peeker is implemented by Frontiers that can show the oldest request
// without removing it. With PeekRequest the crawler queues an item's lease
// copy before taking the item, so a process killed at any moment leaves
// every unfinished request queued; the price is that workers take items
// one at a time. Without it, workers take items concurrently (a store that
// syncs each write, like bbolt, can then commit several writes with one
// sync), and a kill between a GetRequest and the AddRequest of its lease
// loses that one request for the rest of the generation (the next
// generation finds it again from the seeds).
type Peeker interface {
	// PeekRequest returns the oldest request of the queue without
	// removing it, or nil and no error when the queue is empty.
	PeekRequest() ([]byte, error)
}

// Leaser is implemented by Frontiers that can change several things in
// one durable step. A store that syncs every write (bbolt) then spends one
// sync where the crawler would otherwise spend several in a row, and can
// share it between concurrent callers. The crawler uses it in preference
// to Peeker.
type Leaser interface {
	// LeaseRequest takes the oldest request of the queue and appends a
	// copy of it (its lease) to the end, in one step that is durable when
	// it returns, so a process killed at any moment leaves the request
	// queued. Requests met at the head of the queue whose id (as id says)
	// was recorded with Visited are dropped on the way, and so are those
	// for which id returns false (malformed). It returns nil and no error
	// when no request is left. id is called inside the step: it must not
	// keep req or call the Frontier, and may be called again for the same
	// request.
	LeaseRequest(id func(req []byte) (uint64, bool)) ([]byte, error)
	// Commit appends reqs to the queue and records visited as done, all
	// or nothing, in one step that is durable when it returns.
	Commit(reqs [][]byte, visited []uint64) error
}

// Forgetter is implemented by Frontiers that can drop every id recorded
// with Visited. The crawler calls ForgetVisited when a Run finished its
// generation, instead of recording the generation finished: the next Run
// then starts afresh all the same, and the done-set of a job run every half
// hour for months stays the size of one Run instead of growing with each.
type Forgetter interface {
	// ForgetVisited drops every id recorded with Visited, in one step that
	// is durable when it returns. The queue and the cookies stay.
	ForgetVisited() error
}

// NewMemoryFrontier returns a Frontier that keeps everything in memory:
// the default when Options.Frontier is nil, and a model for persistent
// implementations.
func NewMemoryFrontier() Frontier { return &memFrontier{} }

type memFrontier struct {
	mu      sync.Mutex
	visited map[uint64]bool
	cookies map[string]string
	queue   [][]byte
}

func (m *memFrontier) Init() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.visited == nil {
		m.visited = map[uint64]bool{}
		m.cookies = map[string]string{}
	}
	return nil
}

func (m *memFrontier) Visited(id uint64) error {
	m.mu.Lock()
	m.visited[id] = true
	m.mu.Unlock()
	return nil
}

func (m *memFrontier) IsVisited(id uint64) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.visited[id], nil
}

func (m *memFrontier) Cookies(u *url.URL) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.cookies[u.Host]
}

func (m *memFrontier) SetCookies(u *url.URL, cookies string) {
	m.mu.Lock()
	m.cookies[u.Host] = cookies
	m.mu.Unlock()
}

func (m *memFrontier) AddRequest(req []byte) error {
	m.mu.Lock()
	m.queue = append(m.queue, append([]byte(nil), req...))
	m.mu.Unlock()
	return nil
}

func (m *memFrontier) GetRequest() ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.queue) == 0 {
		return nil, nil
	}
	r := m.queue[0]
	m.queue[0] = nil
	m.queue = m.queue[1:]
	return r, nil
}

func (m *memFrontier) PeekRequest() ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.queue) == 0 {
		return nil, nil
	}
	return m.queue[0], nil
}

func (m *memFrontier) LeaseRequest(id func([]byte) (uint64, bool)) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for len(m.queue) > 0 {
		r := m.queue[0]
		m.queue[0] = nil
		m.queue = m.queue[1:]
		if k, ok := id(r); !ok || m.visited[k] {
			continue
		}
		m.queue = append(m.queue, r)
		return r, nil
	}
	return nil, nil
}

func (m *memFrontier) Commit(reqs [][]byte, visited []uint64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, r := range reqs {
		m.queue = append(m.queue, append([]byte(nil), r...))
	}
	for _, k := range visited {
		m.visited[k] = true
	}
	return nil
}

func (m *memFrontier) ForgetVisited() error {
	m.mu.Lock()
	clear(m.visited)
	m.mu.Unlock()
	return nil
}

func (m *memFrontier) QueueSize() (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.queue), nil
}

// kind says what a queued URL is expected to be.
type kind uint8

const (
	kindPage    kind = iota // a link found in a page: HTML only
	kindSeed                // a seed: a page, a sitemap or a feed
	kindSitemap             // listed by a sitemap index: a sitemap or a feed
)

// item is one queued URL, as serialised into the Frontier.
type item struct {
	URL   string             `json:"u"`
	Depth int                `json:"d,omitempty"`
	Kind  kind               `json:"k,omitempty"`
	Hints []newsarchive.Hint `json:"h,omitempty"`
}

func (it *item) marshal() []byte {
	b, _ := json.Marshal(it) // cannot fail: plain fields
	return b
}

func unmarshalItem(b []byte) (*item, error) {
	it := &item{}
	if err := json.Unmarshal(b, it); err != nil {
		return nil, fmt.Errorf("bad queue entry: %w", err)
	}
	if it.URL == "" {
		return nil, fmt.Errorf("bad queue entry: no URL")
	}
	return it, nil
}

// hashKey is the 64-bit FNV-1a hash of its parts, NUL-separated; the
// crawler's ids in the Frontier's visited set are made with it.
func hashKey(parts ...string) uint64 {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return h.Sum64()
}

// doneID is the id marking url done in generation gen.
func doneID(gen uint64, url string) uint64 {
	return hashKey("newsarchive/done", strconv.FormatUint(gen, 10), url)
}

// genID is the id marking generation gen finished.
func genID(gen uint64) uint64 {
	return hashKey("newsarchive/generation-finished", strconv.FormatUint(gen, 10))
}

// currentGeneration finds the first generation not finished. Generations
// finish in order, so "finished" is monotonic: gallop, then bisect.
func currentGeneration(f Frontier) (uint64, error) {
	done := func(g uint64) (bool, error) { return f.IsVisited(genID(g)) }
	ok, err := done(0)
	if err != nil || !ok {
		return 0, err
	}
	lo, hi := uint64(0), uint64(1) // done(lo) is true
	for {
		ok, err := done(hi)
		if err != nil {
			return 0, err
		}
		if !ok {
			break
		}
		lo, hi = hi, hi*2
	}
	for hi-lo > 1 { // done(lo) && !done(hi)
		mid := lo + (hi-lo)/2
		ok, err := done(mid)
		if err != nil {
			return 0, err
		}
		if ok {
			lo = mid
		} else {
			hi = mid
		}
	}
	return hi, nil
}

// frontierJar is an http.CookieJar over a Frontier's cookie methods; like
// colly's, it keeps cookies per host and merges new ones over old ones.
type frontierJar struct {
	mu  sync.Mutex
	f   Frontier
	now func() time.Time
}

func (j *frontierJar) SetCookies(u *url.URL, cookies []*http.Cookie) {
	j.mu.Lock()
	defer j.mu.Unlock()
	merged := append([]*http.Cookie(nil), cookies...)
	for _, old := range storage.UnstringifyCookies(j.f.Cookies(u)) {
		if !storage.ContainsCookie(merged, old.Name) {
			merged = append(merged, old)
		}
	}
	j.f.SetCookies(u, storage.StringifyCookies(merged))
}

func (j *frontierJar) Cookies(u *url.URL) []*http.Cookie {
	j.mu.Lock()
	s := j.f.Cookies(u)
	j.mu.Unlock()
	if s == "" {
		return nil
	}
	now := j.now()
	var out []*http.Cookie
	for _, c := range storage.UnstringifyCookies(s) {
		if c.RawExpires != "" && c.Expires.Before(now) || c.MaxAge < 0 {
			continue
		}
		if c.Secure && u.Scheme != "https" {
			continue
		}
		out = append(out, &http.Cookie{Name: c.Name, Value: c.Value})
	}
	return out
}
