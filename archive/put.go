package archive

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/newsarchive/newsarchive"
	"github.com/newsarchive/newsarchive/internal/urlnorm"
	bolt "go.etcd.io/bbolt"
)

// Outcome says what a Put did to the records.
type Outcome int

// Outcomes of Put.
const (
	// NewRecord: the page is an article not seen before; version 1 made.
	NewRecord Outcome = iota + 1
	// NewVersion: the article was known and its content changed.
	NewVersion
	// Unchanged: the article was known, its content hash is the same (a
	// new snapshot, no new version), whatever the header date or teasers.
	Unchanged
	// Revisit: the body is byte-identical to a stored one, or the server
	// answered 304 Not Modified. The stored body is referenced, nothing is
	// re-extracted; a record the earlier body belonged to gets the
	// snapshot.
	Revisit
	// NotArticle: the snapshot is stored but makes no record: the
	// extractor said it is not an article, failed (PutResult.ExtractErr),
	// the status is not 2xx, or no extractor is set.
	NotArticle
)

// String returns the outcome's name as logs and reports print it.
func (o Outcome) String() string {
	switch o {
	case NewRecord:
		return "new-record"
	case NewVersion:
		return "new-version"
	case Unchanged:
		return "unchanged"
	case Revisit:
		return "revisit"
	case NotArticle:
		return "not-article"
	}
	return "outcome(" + strconv.Itoa(int(o)) + ")"
}

// PutResult says what Put stored.
type PutResult struct {
	SnapshotID string  // id of the new snapshot
	RecordID   string  // id of the record the snapshot belongs to, or empty
	Version    int     // the record's version this snapshot shows, or 0
	Outcome    Outcome // what happened to the records
	// BodyBytes is how many bytes of body storage the page cost: 0 for a
	// revisit, else the compressed size.
	BodyBytes int
	// ExtractErr is why the extractor gave no article, when it failed.
	// The snapshot is stored all the same.
	ExtractErr error
}

// normURL returns the normal form of a URL, or the URL as given when it
// does not normalise (the snapshot is kept all the same).
func normURL(raw string) string {
	if raw == "" {
		return ""
	}
	n, err := urlnorm.Normalize(raw)
	if err != nil {
		return raw
	}
	return n
}

// extractable reports whether a page with this status is worth extracting.
func extractable(status int) bool { return status == 0 || (status >= 200 && status < 300) }

// Put stores one fetch. In one write transaction it stores the snapshot
// (the body compressed and shared with identical earlier bodies), merges
// the record the extractor made of it (by canonical URL, with aliases for
// every URL), and updates the host's site knowledge: all or nothing.
//
// A page with Status 304 (and no body) is a revisit of the latest snapshot
// of its URL. A body identical to a stored one is a revisit too, and is not
// extracted again. Extraction runs outside the transaction, so concurrent
// Puts extract in parallel and share their commits.
func (s *Store) Put(ctx context.Context, p *newsarchive.Page) (PutResult, error) {
	if p == nil || p.URL == "" {
		return PutResult{}, fmt.Errorf("archive: put: %w: no URL", ErrInvalidPage)
	}
	if err := ctx.Err(); err != nil {
		return PutResult{}, err
	}
	if s.opts.ReadOnly {
		return PutResult{}, fmt.Errorf("archive: put %s: %w", p.URL, ErrReadOnly)
	}
	s.puts.RLock()
	defer s.puts.RUnlock()
	if s.closed.Load() {
		return PutResult{}, fmt.Errorf("archive: put %s: %w", p.URL, ErrClosed)
	}
	in := s.newIngest(p)
	if err := s.planDict(in, nil); err != nil {
		return PutResult{}, fmt.Errorf("archive: put %s: %w", p.URL, err)
	}
	if err := s.prepare(in); err != nil {
		return PutResult{}, fmt.Errorf("archive: put %s: %w", p.URL, err)
	}
	if err := s.update(in.commit(s)); err != nil {
		return PutResult{}, fmt.Errorf("archive: put %s: %w", p.URL, err)
	}
	s.finish(in)
	return in.res, nil
}

// newIngest starts a Put of p.
func (s *Store) newIngest(p *newsarchive.Page) *ingest {
	in := &ingest{page: p, norm: normURL(p.URL), req: normURL(p.RequestedURL), fetched: p.FetchedAt}
	if in.fetched.IsZero() {
		in.fetched = s.now()
	}
	in.fetched = in.fetched.UTC()
	in.host = urlnorm.Host(in.norm)
	if p.Status != 304 || len(p.Body) > 0 {
		in.hash = sha256.Sum256(p.Body)
		in.hasBody = true
	}
	in.fetchedAs = []aliasURL{{p.URL, in.norm}}
	if p.RequestedURL != "" {
		in.fetchedAs = append(in.fetchedAs, aliasURL{p.RequestedURL, in.req})
	}
	return in
}

// finish publishes what a committed Put learned.
func (s *Store) finish(in *ingest) {
	if in.count {
		// ErrClosed: a flush raced Close, which writes the counts itself.
		if err := s.countPage(in.host, in.countBlocks); err != nil && !errors.Is(err, ErrClosed) {
			// The page is stored; only what it teaches about its site is not.
			s.log.Warn("archive: site profile not updated", "url", in.page.URL, "err", err)
		}
	}
	s.publishDict(in.host, in.dictID, in.dictContent)
	if !s.log.Enabled(context.Background(), slog.LevelDebug) {
		return // the arguments would be boxed for nothing
	}
	p := in.page
	s.log.Debug("archive put", "url", p.URL, "status", p.Status, "outcome", in.res.Outcome.String(),
		"snapshot", in.res.SnapshotID, "record", in.res.RecordID, "bytes", in.res.BodyBytes)
}

// PutBatch stores pages like Put, all in one write transaction: one
// commit and one fsync for the batch, which is how bulk loads (imports,
// benchmarks, a crawler that collects pages) reach thousands of pages per
// second. All or nothing: on error no page of the batch is stored. Pages
// of a host without a dictionary use the batch's first page of that host
// as theirs.
func (s *Store) PutBatch(ctx context.Context, pages []*newsarchive.Page) ([]PutResult, error) {
	if s.opts.ReadOnly {
		return nil, fmt.Errorf("archive: put: %w", ErrReadOnly)
	}
	s.puts.RLock()
	defer s.puts.RUnlock()
	if s.closed.Load() {
		return nil, fmt.Errorf("archive: put: %w", ErrClosed)
	}
	ins := make([]*ingest, 0, len(pages))
	plan := &batchPlan{pending: map[string]*pendingDict{}, hosts: map[string]usedDict{}}
	for _, p := range pages {
		if p == nil || p.URL == "" {
			return nil, fmt.Errorf("archive: put: %w: no URL", ErrInvalidPage)
		}
		in := s.newIngest(p)
		if err := s.planDict(in, plan); err != nil {
			return nil, fmt.Errorf("archive: put %s: %w", p.URL, err)
		}
		ins = append(ins, in)
	}
	// Which bodies are stored already: one read transaction for the
	// batch, not one per page (it ends before the write transaction
	// begins, so it keeps no freed page from being reused).
	var checkURL string
	err := s.view(func(tx *bolt.Tx) error {
		look := newLookups(tx)
		for _, in := range ins {
			if in.hasBody {
				checkURL = in.page.URL
				if err := s.checkKnown(look, in); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("archive: put %s: %w", checkURL, err)
	}
	// Extraction and compression run in parallel, and the write
	// transaction files each page as soon as it (and every page before it)
	// is prepared: the writer works while the workers prepare, instead of
	// after them.
	workers := min(runtime.GOMAXPROCS(0), len(ins))
	errs := make([]error, len(ins))
	ready := make([]chan struct{}, len(ins)) // closed when errs[i] is set
	for i := range ready {
		ready[i] = make(chan struct{})
	}
	stop := make(chan struct{}) // closed when the transaction is over
	var next atomic.Int64
	var wg sync.WaitGroup
	prepareAll := func() {
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := int(next.Add(1)) - 1; i < len(ins); i = int(next.Add(1)) - 1 {
					select {
					case <-stop:
						errs[i] = ErrClosed // never read: the transaction is over
					default:
						if errs[i] = ctx.Err(); errs[i] == nil {
							errs[i] = s.prepare(ins[i])
						}
					}
					close(ready[i])
				}
			}()
		}
	}
	// The workers start once the write transaction has begun: a read
	// transaction open when it begins would keep it from reusing the
	// pages the previous commit freed, and the file would grow.
	var started sync.Once
	var prepErr error // why a page could not be prepared
	var prepURL string
	err = s.update(func(tx *bolt.Tx) error {
		started.Do(prepareAll)
		c, err := txCounters(tx)
		if err != nil {
			return err
		}
		look := newLookups(tx)
		for i, in := range ins {
			<-ready[i]
			if errs[i] == nil {
				errs[i] = ctx.Err()
			}
			if errs[i] != nil {
				prepErr, prepURL = errs[i], in.page.URL
				return prepErr
			}
			if err := in.file(s, look, c); err != nil {
				return fmt.Errorf("%s: %w", in.page.URL, err)
			}
		}
		return putCounters(tx, c)
	})
	close(stop)
	wg.Wait()
	if prepErr != nil {
		if cerr := ctx.Err(); cerr != nil && errors.Is(prepErr, cerr) {
			return nil, cerr
		}
		return nil, fmt.Errorf("archive: put %s: %w", prepURL, prepErr)
	}
	if err != nil {
		return nil, fmt.Errorf("archive: put batch: %w", err)
	}
	out := make([]PutResult, len(ins))
	for i, in := range ins {
		s.finish(in)
		out[i] = in.res
	}
	return out, nil
}

// pendingDict is a dictionary a batch decided on before committing it.
type pendingDict struct {
	id      uint32
	src     [32]byte
	content []byte
}

// ingest carries one Put from its preparation to its transaction.
type ingest struct {
	page    *newsarchive.Page
	norm    string // normalised URL
	req     string // normalised requested URL, or empty
	host    string
	fetched time.Time
	hash    [32]byte
	hasBody bool

	fetchedAs []aliasURL // the fetched and requested URLs

	dict      usedDict             // dictionary to compress with (id 0: none)
	ownDict   bool                 // dict was made from a page of the same host
	known     bool                 // the body (or the 304's target) is stored
	checked   bool                 // known is decided
	canonical string               // the article's normalised canonical URL
	aliases   []aliasURL           // the article's URLs
	guess     *record              // the record the article is expected to join
	versionJS []byte               // the article as a version of guess
	versionZ  *packedArticle       // versionJS packed as a version stores it
	article   *newsarchive.Article // nil: not extracted or no article
	extErr    error
	ran       bool  // the extractor ran
	stored    *body // compressed body, when not known

	// set by the transaction
	res         PutResult
	count       bool     // count the page into its host's profile
	countBlocks []uint64 // its blocks
	dictID      uint32   // a dictionary this Put made
	dictContent []byte
}

// batchPlan is what PutBatch learns while it chooses its pages'
// dictionaries: nothing is committed meanwhile, so each host's dictionary
// and the fallback are looked up once per batch.
type batchPlan struct {
	pending  map[string]*pendingDict // dictionaries the batch makes, by host
	hosts    map[string]usedDict     // hostDict of the batch's hosts
	fallback *usedDict
}

// planDict chooses the dictionary the page's body will be compressed
// with: the host's, or in a batch (plan not nil) the batch's first
// big-enough page of a host that has none, which is itself stored plain.
func (s *Store) planDict(in *ingest, plan *batchPlan) error {
	if !in.hasBody || len(in.page.Body) == 0 {
		return nil
	}
	d, ok := usedDict{}, false
	if plan != nil {
		d, ok = plan.hosts[in.host]
	}
	if !ok {
		var err error
		if d, err = s.hostDict(in.host); err != nil {
			return err
		}
		if plan != nil {
			plan.hosts[in.host] = d
		}
	}
	if d.id != 0 {
		in.dict, in.ownDict = d, true
		return nil
	}
	if plan != nil {
		if pd := plan.pending[in.host]; pd != nil {
			in.dict, in.ownDict = usedDict(*pd), true
			return nil
		}
		if s.dicts.enabled && in.host != "" && dictWorthy(in.page.Body) {
			// The rest of the batch compresses against this body.
			plan.pending[in.host] = &pendingDict{id: dictIDFor(in.hash), src: in.hash, content: dictContent(in.page.Body)}
		}
		if plan.fallback != nil {
			in.dict = *plan.fallback
			return nil
		}
	}
	// A host's first page: another site's page is a better dictionary
	// than none (HTML shares its tags, scripts and boilerplate).
	var err error
	if in.dict, err = s.fallbackDict(); err == nil && plan != nil {
		fb := in.dict
		plan.fallback = &fb
	}
	return err
}

// aliasURL is a URL to file under a record: as given, and its normal form.
type aliasURL struct{ raw, norm string }

// prepare does the slow, lock-free part of a Put: find out whether the
// body is already stored, extract and compress when it is not, and
// normalise URLs and encode the version before the write transaction.
func (s *Store) prepare(in *ingest) error {
	p := in.page
	if !in.hasBody {
		return nil
	}
	if !in.checked {
		if err := s.view(func(tx *bolt.Tx) error { return s.checkKnown(newLookups(tx), in) }); err != nil {
			return err
		}
	}
	if in.known {
		return nil
	}
	// Only extraction and compression wait for a CPU: a revisit (a 304,
	// an identical body) is filed without queueing behind them.
	s.cpu <- struct{}{}
	defer func() { <-s.cpu }()
	var err error
	if s.opts.Extract != nil && extractable(p.Status) && len(p.Body) > 0 {
		prof, err := s.profile(in.host)
		if err != nil {
			return err
		}
		pc := *p
		pc.SiteBlocks, pc.SitePages = prof.blocks, prof.pages
		in.ran = true
		in.article, in.extErr = safeExtract(s.opts.Extract, &pc)
		if in.extErr != nil {
			in.article = nil
		}
	}
	if a := in.article; a != nil && a.IsArticle {
		if err := in.prepareArticle(a); err != nil {
			return err
		}
	}
	if in.stored, err = s.codec.compress(p.Body, in.dict.id, in.dict.content, in.ownDict); err != nil {
		return err
	}
	if !s.opts.NoDelta && len(p.Body) >= minDeltaBody {
		baseID, base, err := s.deltaBase(in.norm)
		if err != nil {
			return err
		}
		if base != nil {
			in.stored, err = s.compressDelta(baseID, base, p.Body, in.stored)
		}
		return err
	}
	return nil
}

// checkKnown sets in.known: whether the page's body is stored already and
// need not be extracted or compressed. look must be of a read transaction
// (only committed bodies count): the write transaction files a known body
// as a revisit without its compressed bytes.
func (s *Store) checkKnown(look *lookups, in *ingest) error {
	in.checked = true
	tx := look.tx
	_, prev, _, _, err := lookupBody(look, in.hash)
	if err != nil || prev == nil {
		return err
	}
	// An identical body is not extracted again, unless the earlier one
	// never was (a non-2xx status, say) and this one would be, or its
	// record has other content now (a replay re-extracted it, or the
	// article came back to these bytes after an edit).
	current, err := revisitCurrent(tx, prev)
	if err != nil {
		return err
	}
	in.known = current && (prev.Extracted || !extractable(in.page.Status) || s.opts.Extract == nil)
	return nil
}

// prepareArticle normalises the article's URLs and encodes it as a
// version of the record it most likely joins (its own), outside the write
// transaction.
func (in *ingest) prepareArticle(a *newsarchive.Article) error {
	in.aliases = in.aliases[:0]
	for _, u := range append([]string{a.URL}, a.URLs...) {
		if u != "" {
			in.aliases = append(in.aliases, in.aliasOf(u))
		}
	}
	in.canonical = ""
	if a.URL != "" {
		in.canonical = in.aliases[0].norm
	}
	if in.canonical == "" {
		in.canonical = in.norm
	}
	id := a.ID
	if id == "" {
		id = urlnorm.ID(in.canonical)
	}
	in.guess = &record{ID: id, URL: in.canonical, Site: a.Site}
	if in.guess.Site == "" {
		in.guess.Site = urlnorm.Host(in.canonical)
	}
	var err error
	if in.versionJS, err = versionJSON(a, in.guess); err != nil {
		return err
	}
	in.versionZ = packArticle(in.versionJS)
	return nil
}

// aliasOf returns a URL with its normal form, without normalising again
// the URLs the page was fetched under (articles mostly name those).
func (in *ingest) aliasOf(u string) aliasURL {
	for _, f := range in.fetchedAs {
		if f.raw == u {
			return f
		}
	}
	return aliasURL{u, normURL(u)}
}

// safeExtract calls the extractor, turning a panic into an error: one bad
// page must not take the archive down.
func safeExtract(extract func(*newsarchive.Page) (*newsarchive.Article, error), p *newsarchive.Page) (a *newsarchive.Article, err error) {
	defer func() {
		if r := recover(); r != nil {
			a, err = nil, fmt.Errorf("extractor panicked on %s: %v", p.URL, r)
		}
	}()
	return extract(p)
}

func sha256Sum(b []byte) [32]byte { return sha256.Sum256(b) }
