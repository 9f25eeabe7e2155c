package extract

import (
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"github.com/newsarchive/newsarchive"
	"github.com/newsarchive/newsarchive/internal/urlnorm"
	"golang.org/x/net/html"
)

// Name and Version identify this extractor in records:
// Article.Extractor is Name + "/" + Version. Version changes whenever the
// extraction of the same page may change.
const (
	Name    = "newsarchive"
	Version = "0.1.0"
)

// Extractor turns pages into article records. It is safe for concurrent
// use; build it once with New and share it.
type Extractor struct {
	opts   Options
	log    *slog.Logger
	dates  *dateParser
	labels map[string]byte
}

// New returns an Extractor with the given options.
func New(opts Options) *Extractor {
	opts = opts.withDefaults()
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Extractor{opts: opts, log: log, dates: newDateParser(), labels: labelKinds()}
}

// Extract makes the article record of one page. It returns ErrEmpty,
// ErrNotHTML or ErrTooLarge (wrapped with the URL) for bodies it cannot
// read; an HTML page that is not an article gives a record with IsArticle
// false and empty body fields.
func (e *Extractor) Extract(p *newsarchive.Page) (*newsarchive.Article, error) {
	if p == nil {
		return nil, ErrNilPage
	}
	at := "" // a page read from a file may have no URL
	if p.URL != "" {
		at = ": " + p.URL
	}
	if len(p.Body) == 0 {
		return nil, fmt.Errorf("%w%s", ErrEmpty, at)
	}
	if e.opts.MaxBodyBytes > 0 && len(p.Body) > e.opts.MaxBodyBytes {
		return nil, fmt.Errorf("%w%s: %d bytes", ErrTooLarge, at, len(p.Body))
	}
	if !isHTML(p.Header, p.Body) {
		return nil, fmt.Errorf("%w%s", ErrNotHTML, at)
	}
	text := repairMojibake(decode(p.Body, p.Header.Get("Content-Type")))
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(text))
	if err != nil {
		// x/net/html refuses documents nested deeper than 512 elements;
		// flatten the excess and try once more.
		doc, err = goquery.NewDocumentFromReader(strings.NewReader(flatten(text, maxDepth)))
		if err != nil {
			return nil, fmt.Errorf("extract: parse%s: %w", at, err)
		}
	}
	return e.extract(p, doc, strings.Count(text, "<")), nil
}

// extract reads the record out of the parsed document. The metadata,
// captions and related blocks are queries on doc; the content scoring
// walks doc's *html.Node tree directly.
func (e *Extractor) extract(p *newsarchive.Page, doc *goquery.Document, elements int) *newsarchive.Article {
	m := collectMeta(doc)
	a := newAnalysis(doc, elements, e.labels)
	for i := range a.blocks {
		a.blocks[i].key = normKey(a.blocks[i].text)
	}
	base := p.URL
	art := &newsarchive.Article{Extractor: Name + "/" + Version}
	art.URL, art.URLs = identity(pageURLs{url: p.URL, requested: p.RequestedURL}, m.canonical, m.first("og:url"))
	art.ID = urlnorm.ID(art.URL)
	art.Site = urlnorm.Host(art.URL)
	if art.Site == "" {
		art.Site = urlnorm.Host(p.URL)
	}

	related := a.findLabelled(base)
	// Grids of other posts' excerpts read like prose to the scoring;
	// they are furniture before the content is chosen.
	a.markJunk(a.teaserCards(doc.Nodes[0])...)
	var body *html.Node
	if b := doc.ChildrenMatcher(htmlMatcher).ChildrenMatcher(bodyMatcher); b.Length() > 0 {
		body = b.Nodes[0]
	}
	a.host = urlnorm.Host(p.URL)
	content := a.findContent(body)
	a.markContent(content)
	a.markLead()
	scope := articleScope(content)

	hl, _ := headline(m, p.URL, scope)
	art.Headline = hl
	art.Language = m.language()
	art.Description = m.description()
	if img := m.image(); img != "" {
		art.Image = resolve(base, img)
	}
	art.Section = m.section()
	art.Authors = m.authors()
	if len(art.Authors) == 0 {
		art.Authors = bylineAuthors(a, scope)
	}
	lang := strings.ToLower(art.Language)
	dayFirst := lang != "" && lang != "en" && lang != "en-us"
	if pub, ok, mod := e.findDates(p, m, a, scope, dayFirst); ok {
		art.DatePublished = pub.p.format()
		art.DateSource = pub.source
		art.DateModified = mod
	}

	caps := a.captions(scope, base)
	paras := e.paragraphs(a, p, hl, caps)
	art.Blocks = a.fingerprints()

	art.IsArticle = e.isArticle(p, m, a, art, paras)
	if art.IsArticle {
		art.Captions = caps
		art.Paragraphs = paras
		art.Body = strings.Join(paras, "\n\n")
		art.Related = related
	}
	art.ContentHash = contentHash(art.Headline, art.Paragraphs, art.Captions)
	e.log.Debug("extracted", "url", p.URL, "paragraphs", len(paras), "captions", len(caps), "related", len(related), "article", art.IsArticle)
	return art
}

// minRepeatKey is the shortest normalised text whose second copy in the
// content is left out as a duplicate.
const minRepeatKey = 40

// paragraphs returns the body paragraphs: the content blocks without
// captions, the headline, furniture lines, blocks repeated elsewhere in the
// page, and blocks the site profile knows as boilerplate.
func (e *Extractor) paragraphs(a *analysis, p *newsarchive.Page, hl string, caps []newsarchive.Caption) []string {
	capKeys := make(map[string]bool, len(caps))
	for _, c := range caps {
		capKeys[normKey(c.Text)] = true
	}
	count := make(map[string]int, len(a.blocks))
	outside := make(map[string]int)
	for i := range a.blocks {
		b := &a.blocks[i]
		if len(b.key) < minBlockKey || b.kind == 'c' {
			continue
		}
		count[b.key]++
		if !b.inContent {
			outside[b.key]++
		}
	}
	useProfile := p.SiteBlocks != nil && p.SitePages >= e.opts.MinSitePages
	limit := max(2, int(e.opts.BoilerplateShare*float64(p.SitePages)+0.5))
	hk := normKey(hl)
	var out []string
	emitted := map[string]bool{}
	emittedChars := 0
	skipping, tail := false, false
	// inCopy: the last paragraph met was a second copy of one printed
	// before, and no new text has followed it.
	inCopy := false
	total := 0
	for i := range a.blocks {
		if b := &a.blocks[i]; b.inContent && !b.junk && b.kind != 'c' {
			total += len(b.text)
		}
	}
	seen := 0
	for i := range a.blocks {
		b := &a.blocks[i]
		if b.junk && !skipping && seen*10 >= total*8 && a.endMarker(b.node) {
			// The share bar, tag list or author box under the last
			// part of the text: what follows in the content is the
			// site's, not the article's.
			skipping, tail = true, true
		}
		if !b.inContent || b.junk || b.kind == 'c' || b.key == "" {
			continue
		}
		seen += len(b.text)
		if tail {
			continue
		}
		if len(b.text) < 100 && seen*2 >= total && postFooter(b.key) {
			// "Posted by Jane at 11:15 AM", "Posted in News": the
			// post's footer; comments and teasers follow it.
			skipping, tail = true, true
			continue
		}
		if b.kind == 'h' && (strings.HasPrefix(b.key, "advertisement ") || strings.HasPrefix(b.key, "sponsored ")) {
			// "Advertisement: a fund for Ukraine": an ad with a
			// heading, up to the next heading.
			skipping = true
			continue
		}
		if len(b.key) <= 40 && emittedChars > 500 && isEndLabel(b.key) {
			// "About the author", "Comments", "Leave a reply": what
			// follows, up to the next heading, is not the article.
			skipping = true
			continue
		}
		if skipping {
			if b.kind != 'h' {
				continue
			}
			skipping = false
		}
		if capKeys[b.key] || (b.key == hk && b.kind != 'p') || b.key == hk {
			continue
		}
		if len(b.key) >= minBlockKey {
			// A teaser repeated in the page: printed at least twice
			// outside the article (two sidebars, a sidebar and a
			// footer). Once outside is more often the article's own
			// lead quoted in a header or a second layout; a short line
			// printed twice outside is more often one of its headings
			// in a table of contents and a sticky menu.
			if outside[b.key] >= 2 && len(b.key) >= minRepeatKey {
				continue
			}
			// A paragraph printed twice is one text in two layouts
			// (a desktop and a mobile copy). A short line printed twice
			// is the page's own repetition: the same label over each
			// product ("Key features include:"), a table's cells, the
			// same step in two plans.
			if emitted[b.key] && len(b.key) >= minRepeatKey {
				inCopy = b.kind != 't'
				continue
			}
			// A short line inside a stretch of repeated paragraphs is
			// part of the same second copy (a layout printed once per
			// screen size repeats its headings too). A table repeats
			// its cells by design, long and short.
			if emitted[b.key] && b.kind != 't' && (inCopy || a.copyFollows(i, emitted)) {
				continue
			}
			if useProfile && p.SiteBlocks[fingerprint(b.key)] >= limit {
				continue
			}
		}
		if b.links*10 > len(b.text)*8 && len(b.text) < 300 && b.kind != 'p' && b.kind != 'h' && b.kind != 'l' && b.kind != 't' {
			continue
		}
		if len(b.key) < 40 && isBoilerLine(b.key) {
			continue
		}
		if len(b.key) < 30 && isContentsLabel(b.key) && a.furnitureFollows(i) {
			// "Table of contents" over a contents list left out as
			// furniture, or over none (a script fills the list at load
			// time, so the label stands right over the first section's
			// heading): the label goes with its list.
			continue
		}
		if len(b.key) < 60 && bylineLine(b.key) {
			continue
		}
		// A date alone in a table cell is the table's data (a date
		// column), not the article's dateline.
		if len(b.text) < 80 && b.kind != 't' && e.isDateLine(b.text) {
			continue
		}
		if b.kind != 'q' && looksLikeData(b.text) {
			continue
		}
		if b.notice || len(b.text) < 500 && isDisclosure(b.text) {
			continue
		}
		if !emitted[b.key] {
			inCopy = false
		}
		emitted[b.key] = true
		emittedChars += len(b.text)
		out = append(out, b.text)
	}
	return out
}

// copyFollows reports whether the next block of the content after block i
// is a paragraph printed before: the start of a second copy of the text,
// which a repeated heading opens.
func (a *analysis) copyFollows(i int, emitted map[string]bool) bool {
	for j := i + 1; j < len(a.blocks); j++ {
		n := &a.blocks[j]
		if !n.inContent || n.junk || n.kind == 'c' || n.key == "" {
			continue
		}
		return n.kind != 't' && len(n.key) >= minRepeatKey && emitted[n.key]
	}
	return false
}

// furnitureFollows reports whether the next block after block i is left
// out as furniture, lies outside the content, or is a heading.
func (a *analysis) furnitureFollows(i int) bool {
	for j := i + 1; j < len(a.blocks); j++ {
		if n := &a.blocks[j]; n.key != "" {
			return n.junk || !n.inContent || n.kind == 'h'
		}
	}
	return false
}

// endMarker reports furniture inside the content that closes an article:
// a share bar, a tag list, an author box.
func (a *analysis) endMarker(n *html.Node) bool {
	if n == nil {
		return false
	}
	for p := n; p != nil; p = p.Parent {
		if s := a.stats[p]; s != nil && s.junk {
			ci := classID(p)
			for _, w := range [...]string{"share", "sharing", "tags", "author-box", "author-bio", "about-author", "author-info"} {
				if strings.Contains(ci, w) {
					return a.inRoots(p)
				}
			}
			return false
		}
	}
	return false
}

// isDateLine reports a short line that is a dateline ("Published 2 Dec
// 2024", "December 2, 2024 09:14"): metadata, not body text.
func (e *Extractor) isDateLine(s string) bool {
	if _, ok := e.dates.find(s, true); !ok {
		return false
	}
	return len(strings.Fields(s)) <= 8
}

// isArticle decides whether the page is an article: not an error page, not
// an index or tag page of teasers, not a paywall stub.
func (e *Extractor) isArticle(p *newsarchive.Page, m *meta, a *analysis, art *newsarchive.Article, paras []string) bool {
	if p.Status >= 400 {
		return false
	}
	tk := normKey(m.title + " " + art.Headline)
	for _, s := range [...]string{"404", "page not found", "not found", "seite nicht gefunden", "page introuvable"} {
		if strings.HasPrefix(tk, s) || strings.Contains(tk, " "+s) && len(tk) < 60 {
			return false
		}
	}
	n := 0
	for _, s := range paras {
		n += len(s)
	}
	if n < e.opts.MinArticleChars {
		return false
	}
	articleSignal := len(m.ld) > 0 || strings.EqualFold(m.first("og:type"), "article") || m.first("article:published_time") != ""
	for _, o := range m.ldOther {
		switch jsonString(o["@type"]) {
		case "CollectionPage", "SearchResultsPage", "ItemList", "ProfilePage":
			if !articleSignal {
				return false
			}
		}
	}
	if articleSignal {
		return true
	}
	// A page at a site-information path is not an article unless its
	// metadata says so.
	{
		path := strings.ToLower(strings.TrimSuffix(urlPath(p.URL), "/"))
		for _, s := range [...]string{"/about", "/contact", "/privacy", "/terms", "/impressum", "/imprint", "/legal", "/faq", "/help", "/search", "/login", "/subscribe"} {
			if strings.HasSuffix(strings.TrimSuffix(path, ".html"), s) || strings.Contains(path, s+"/") || strings.Contains(path, s+"-") {
				return false
			}
		}
	}
	// An index page is content made of linked headlines.
	linked, total := 0, 0
	for i := range a.blocks {
		b := &a.blocks[i]
		if !b.inContent || b.junk || len(b.key) < minBlockKey {
			continue
		}
		total++
		if b.links*10 >= len(b.text)*8 && !callToAction(b.key) {
			linked++
		}
	}
	if linked >= 3 && linked*10 >= total*3 {
		return false
	}
	return true
}

// bylineAuthors reads "By Name" lines near the top of the article when the
// metadata names nobody.
func bylineAuthors(a *analysis, scope *html.Node) []string {
	for i := range a.blocks {
		b := &a.blocks[i]
		if b.node == nil || len(b.text) > 120 || (scope != nil && !isAncestor(scope, b.node) && !dateHint(classID(b.node))) {
			continue
		}
		low := strings.ToLower(b.text)
		for _, pre := range [...]string{"by ", "von ", "par ", "por "} {
			if strings.HasPrefix(low, pre) {
				name := b.text[len(pre):]
				// Stop at a date or a separator.
				if j := strings.IndexAny(name, "|,·•–—\n"); j > 0 {
					name = name[:j]
				}
				for _, w := range [...]string{" on ", " published", " updated", " am ", " le "} {
					if j := strings.Index(strings.ToLower(name), w); j > 0 {
						name = name[:j]
					}
				}
				var out []string
				for _, n := range splitAuthors(name) {
					if n = cleanAuthor(n); n != "" && len(strings.Fields(n)) <= 5 {
						out = append(out, n)
					}
				}
				if len(out) > 0 {
					return out
				}
			}
		}
	}
	return nil
}

// urlPath returns the path of a URL, or "".
func urlPath(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
		if j := strings.IndexByte(u, '/'); j >= 0 {
			u = u[j:]
		} else {
			return "/"
		}
	}
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	return u
}
