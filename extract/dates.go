package extract

import (
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/newsarchive/newsarchive"
	"github.com/newsarchive/newsarchive/internal/urlnorm"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// dateCand is one candidate publication date and where it came from.
type dateCand struct {
	p      parsed
	source string // json-ld | meta | time | text | url | feed | sitemap
	kind   string // finer origin, for ranking: "zone", "hint", "lead", "any"...
	// line says the date was read from a short line of its own (a
	// byline, a dateline), not from within a sentence.
	line bool
}

// Meta keys that give the publication and modification dates, best first.
var (
	pubMetaKeys = [...]string{
		"article:published_time", "og:article:published_time", "article:published", "datepublished",
		"og:published_time", "published_time", "article.published", "publishdate", "publish-date",
		"publish_date", "pubdate", "pub_date", "dc.date.issued", "dcterms.issued", "dc.date.created",
		"dcterms.created", "dc.date", "dcterms.date", "sailthru.date", "parsely-pub-date",
		"citation_publication_date", "citation_date", "originalpublicationdate", "article_date_original",
		"cxenseparse:recs:publishtime", "og:pubdate", "rnews:datepublished", "displaydate",
		"date_published", "article.created", "datecreated", "date", "created", "release_date",
		"analyticsattributes.articledate", "bt:pubdate", "page.published", "dc.created",
		"schema:datepublished", "schema:datecreated", "dc:date", "dc:created", "dcterms:created",
		"dcterms:issued", "dc:issued",
	}
	modMetaKeys = [...]string{
		"article:modified_time", "og:updated_time", "datemodified", "article:modified",
		"dcterms.modified", "dc.date.modified", "last-modified", "lastmod", "modified_time",
	}
)

// dateFinder gathers and ranks the date candidates of one page.
type dateFinder struct {
	dp        *dateParser
	fetched   time.Time
	dayFirst  bool
	cands     []dateCand
	fetchDay  string
	haveFetch bool
	// headline holds the near ancestors of the article's h1: the
	// article's own header, whatever its tag and class say.
	headline map[*html.Node]bool
	// imageFiled is the year and month ("2024-10"), or the day
	// ("2025-12-08"), in the upload path of the page's own image
	// (…/uploads/2024/10/bridge.jpg), or "".
	imageFiled string
}

func (f *dateFinder) ok(p parsed) bool {
	if p.t.Year() < 1995 {
		return false
	}
	if f.haveFetch {
		if p.hasTime {
			// A little slack for clocks and zones.
			if p.t.After(f.fetched.Add(26 * time.Hour)) {
				return false
			}
		} else if p.t.Format("2006-01-02") > f.fetched.Add(14*time.Hour).Format("2006-01-02") {
			return false
		}
	}
	return true
}

func (f *dateFinder) add(p parsed, source string) { f.addKind(p, source, "") }

func (f *dateFinder) addKind(p parsed, source, kind string) {
	if f.ok(p) {
		f.cands = append(f.cands, dateCand{p: p, source: source, kind: kind})
	}
}

func (f *dateFinder) addValue(v, source string) bool {
	if v == "" {
		return false
	}
	p, ok := f.dp.parseMachine(v)
	if !ok || !f.ok(p) {
		return false
	}
	f.cands = append(f.cands, dateCand{p: p, source: source})
	return true
}

// candWeight is how much a candidate's source vouches for its date.
func candWeight(c dateCand) float64 {
	switch c.source {
	case "json-ld", "meta":
		if c.kind == "out" {
			return 1
		}
		return 3
	case "time":
		if c.kind == "out" {
			// A <time> outside the article: a comment, a teaser.
			return 1
		}
		// A <time> in the article is the byline written for machines:
		// it vouches as much as the byline, and comes first on a tie.
		return 3
	case "url", "feed", "sitemap":
		return 2
	}
	switch c.kind {
	case "hint", "zone":
		return 3
	case "any":
		return 0.5
	}
	return 1.5
}

// best returns the chosen candidate. Every source votes for its day with
// its weight (structured metadata and the byline most, a date found just
// anywhere least; one vote per source and day); the day with the most
// votes wins, the cascade order breaks ties. A date on the fetch day
// itself (the site header's "today") that no structured metadata gives
// is dropped when there is any other candidate.
func (f *dateFinder) best() (dateCand, bool) {
	if len(f.cands) == 0 {
		return dateCand{}, false
	}
	f.readAsAnchored()
	order := f.cands
	if f.haveFetch {
		var kept []dateCand
		for _, c := range f.cands {
			if c.source == "json-ld" || c.source == "meta" || c.p.t.Format("2006-01-02") != f.fetchDay {
				kept = append(kept, c)
			}
		}
		if len(kept) > 0 {
			order = kept
		}
	}
	type tally struct {
		first int
		score float64
	}
	votes := map[string]*tally{}
	voted := map[string]bool{}
	for i, c := range order {
		day := c.p.t.Format("2006-01-02")
		if voted[day+c.source] {
			continue
		}
		voted[day+c.source] = true
		t := votes[day]
		if t == nil {
			t = &tally{first: i}
			votes[day] = t
		}
		t.score += candWeight(c)
	}
	var win *tally
	for _, t := range votes {
		if win == nil || t.score > win.score || t.score == win.score && t.first < win.first {
			win = t
		}
	}
	best := order[win.first]
	if v, ok := labelled(order); ok && v.p.t.Format("2006-01-02") != best.p.t.Format("2006-01-02") {
		best = v
	} else if v, ok := shownInstead(best, order); ok && !f.imageDates(best, v) {
		best = v
	} else if v, ok := localDay(best, order); ok {
		best = v
	}
	// A time in UTC one day off the date in the URL is the same moment
	// seen from another zone: the URL has the publisher's day.
	if best.p.hasTime && best.p.t.Location() == time.UTC && !shownOnPage(best.p, f.cands) {
		for _, c := range f.cands {
			if c.source == "url" {
				d := best.p.t.Sub(c.p.t)
				if d > 0 && d < 48*time.Hour && c.p.t.Format("2006-01-02") != best.p.t.Format("2006-01-02") {
					best = dateCand{p: parsed{t: c.p.t}, source: best.source}
				}
			}
		}
	}
	return best, true
}

// readAsAnchored turns a numeric date of the page that reads both ways
// (03/10/2023) to its other reading when only that one is the day of the
// URL or the structured data: the site meant 3 October, whatever the
// page's language suggests.
func (f *dateFinder) readAsAnchored() {
	var anchors map[string]bool
	for _, c := range f.cands {
		if c.source == "url" || c.source == "json-ld" || c.source == "meta" {
			if anchors == nil {
				anchors = map[string]bool{}
			}
			anchors[c.p.t.Format("2006-01-02")] = true
		}
	}
	if anchors == nil {
		return
	}
	for i := range f.cands {
		c := &f.cands[i]
		if c.source != "text" && c.source != "time" || anchors[c.p.t.Format("2006-01-02")] {
			continue
		}
		if s, ok := c.p.swapped(); ok && anchors[s.t.Format("2006-01-02")] {
			s.shortYear = c.p.shortYear
			c.p = s
		}
	}
}

// labelled returns the date a publication label introduces, if any.
func labelled(cands []dateCand) (dateCand, bool) {
	for _, c := range cands {
		if c.kind == "label" {
			return c, true
		}
	}
	return dateCand{}, false
}

// shownInstead returns the date the reader is shown when the structured
// date that won appears nowhere on the page: the byline's or the
// article's <time>. A metadata date the page never shows is often a
// template's, a first draft's or one read in another time zone (a UTC
// time late in the evening is the next day where the paper is printed),
// while the byline is what the publisher tells its readers.
func shownInstead(best dateCand, cands []dateCand) (dateCand, bool) {
	if best.source != "json-ld" && best.source != "meta" {
		return dateCand{}, false
	}
	if shownOnPage(best.p, cands) {
		return dateCand{}, false
	}
	var line, tm *dateCand
	for i := range cands {
		c := &cands[i]
		switch {
		case line == nil && c.source == "text" && c.line && (c.kind == "hint" || c.kind == "zone"):
			line = c
		case tm == nil && c.source == "time" && c.kind == "":
			tm = c
		}
	}
	// A byline is what the reader reads; a <time> may be any of several.
	if line != nil {
		return *line, true
	}
	if tm != nil {
		return *tm, true
	}
	return dateCand{}, false
}

// localDay returns the byline's date when a structured time in UTC is
// late in the evening (early in the morning) and the page writes the next
// (previous) day instead, while its UTC day appears in no line of text:
// 2023-11-01T23:01Z is 2 November in Rome, as the byline says. A <time>
// repeating the UTC value is no evidence either way.
func localDay(best dateCand, cands []dateCand) (dateCand, bool) {
	if best.source != "json-ld" && best.source != "meta" || !best.p.hasTime {
		return dateCand{}, false
	}
	if _, off := best.p.t.Zone(); off != 0 {
		return dateCand{}, false
	}
	var want string
	switch h := best.p.t.Hour(); {
	case h >= 20:
		want = best.p.t.AddDate(0, 0, 1).Format("2006-01-02")
	case h < 6:
		want = best.p.t.AddDate(0, 0, -1).Format("2006-01-02")
	default:
		return dateCand{}, false
	}
	day := best.p.t.Format("2006-01-02")
	var local *dateCand
	for i := range cands {
		c := &cands[i]
		if c.source != "text" || c.kind == "any" || c.p.shortYear {
			continue
		}
		switch c.p.t.Format("2006-01-02") {
		case day:
			return dateCand{}, false
		case want:
			if local == nil {
				local = c
			}
		}
	}
	if local == nil {
		return dateCand{}, false
	}
	return *local, true
}

// shownOnPage reports whether the day of p is written on the page: in a
// line of text or a <time>, in either day/month order (09.10.2024 on the
// page is the metadata's 2024-09-10).
func shownOnPage(p parsed, cands []dateCand) bool {
	day := p.t.Format("2006-01-02")
	for _, c := range cands {
		if c.source != "text" && c.source != "time" {
			continue
		}
		if c.p.t.Format("2006-01-02") == day {
			return true
		}
		if s, ok := c.p.swapped(); ok && s.t.Format("2006-01-02") == day {
			return true
		}
	}
	return false
}

// dateHint reports whether a class/id suggests an element holds a date
// or byline.
func dateHint(ci string) bool {
	if ci == "" {
		return false
	}
	for _, w := range [...]string{"date", "time", "publish", "posted", "byline", "meta", "dateline", "timestamp", "info", "author", "submitted", "created", "datum", "fecha", "data-"} {
		if strings.Contains(ci, w) {
			return true
		}
	}
	return false
}

func isModifiedHint(ci string) bool {
	return strings.Contains(ci, "update") || strings.Contains(ci, "modif") || strings.Contains(ci, "edited")
}

// findDates runs the date cascade: JSON-LD, meta tags, itemprop, <time>,
// visible text near the article, the URL path, then feed and sitemap
// hints.
func (x *Extractor) findDates(p *newsarchive.Page, m *meta, a *analysis, scope *html.Node, dayFirst bool) (pub dateCand, ok bool, modified string) {
	f := x.dateCandidates(p, m, a, scope, dayFirst)
	pub, ok = f.best()

	// Modified date: structured sources only.
	for _, o := range m.ld {
		if v := jsonString(o["dateModified"]); v != "" {
			if mp, okm := x.dates.parseMachine(v); okm && f.ok(mp) {
				modified = mp.format()
				break
			}
		}
	}
	if modified == "" {
		for _, k := range modMetaKeys {
			if v := m.first(k); v != "" {
				if mp, okm := x.dates.parseMachine(v); okm && f.ok(mp) {
					modified = mp.format()
					break
				}
			}
		}
	}
	if ok && modified != "" && modified[:min(10, len(modified))] < pub.p.format()[:10] {
		modified = ""
	}
	return pub, ok, modified
}

// dateCandidates gathers the publication date candidates in cascade order.
func (x *Extractor) dateCandidates(p *newsarchive.Page, m *meta, a *analysis, scope *html.Node, dayFirst bool) *dateFinder {
	f := &dateFinder{dp: x.dates, dayFirst: dayFirst}
	if !p.FetchedAt.IsZero() {
		f.fetched, f.haveFetch = p.FetchedAt, true
		f.fetchDay = p.FetchedAt.UTC().Format("2006-01-02")
	}
	f.headline = headlineHeader(m, scope)
	for _, u := range []string{m.first("og:image"), m.first("twitter:image")} {
		if f.imageFiled = pathDate(u); f.imageFiled != "" {
			break
		}
	}
	for _, o := range m.ld {
		for _, k := range [...]string{"datePublished", "dateCreated", "uploadDate"} {
			if f.addValue(jsonString(o[k]), "json-ld") {
				break
			}
		}
	}
	for _, k := range pubMetaKeys {
		for _, v := range m.tags[k] {
			f.addValue(v, "meta")
		}
	}
	props := m.itemprops["datepublished"]
	// Many in the body are the dates of a list of teasers (cards of
	// related articles), not the article's.
	teasers := len(props) > 2
	for _, n := range props {
		kind := ""
		if teasers && !inHead(n) {
			kind = "out"
		}
		v := attr(n, "datetime")
		if v == "" {
			v = attr(n, "content")
		}
		src := "meta"
		if n.DataAtom == atom.Time {
			src = "time"
		}
		if v == "" {
			v = innerText(n)
			src = "text"
		}
		if p, ok := f.dp.parseMachine(v); ok && v != "" {
			f.addKind(p, src, kind)
		}
	}
	for _, o := range m.ldOther {
		f.addValue(jsonString(o["datePublished"]), "json-ld")
	}
	for _, v := range m.scriptDates {
		f.addValue(v, "json-ld")
	}
	if len(f.cands) == 0 {
		guessStructured(f, m)
	}
	x.timeDates(f, m, scope)
	x.textDates(f, a, scope, m)
	urlDate(f, p.URL, false)
	for _, h := range p.Hints {
		src := h.Source
		if src != "feed" && src != "sitemap" {
			src = "feed"
		}
		f.addValue(h.DatePublished, src)
	}
	selfTeaserDate(f, m, p.URL)
	x.anyDates(f, a)
	labelledDate(f, a)
	if len(f.cands) == 0 {
		lastResortDates(f, m, a)
	}
	return f
}

// headlineHeader returns the h1 of the article (in scope) and its
// ancestors up to three levels, short of the body: the block that holds
// the headline, its byline and date. A <header> or a "header" class
// there is the article's, not the site's. A page's only h1 is the
// article's even outside the scope: a hero <header> above the text.
func headlineHeader(m *meta, scope *html.Node) map[*html.Node]bool {
	if scope == nil {
		return nil
	}
	for _, h := range m.h1s {
		if !isAncestor(scope, h) && !isAncestor(h, scope) && len(m.h1s) > 1 {
			continue
		}
		set := map[*html.Node]bool{}
		for p, k := h, 0; p != nil && k <= 3; p, k = p.Parent, k+1 {
			if p.DataAtom == atom.Body || p.DataAtom == atom.Html || p.DataAtom == atom.Main {
				break
			}
			set[p] = true
		}
		return set
	}
	return nil
}

// nearHeadline reports whether n is within three levels of the block
// that holds the article's headline.
func (f *dateFinder) nearHeadline(n *html.Node) bool {
	if f.headline == nil {
		return false
	}
	for p, k := n, 0; p != nil && k <= 3; p, k = p.Parent, k+1 {
		if f.headline[p] {
			return true
		}
	}
	return false
}

// guessStructured adds the publication dates that structured data gives
// under names of a site's own: meta names that say published or created
// ("w-published-date", "published"), then the state objects of scripts
// ({"publishedDate": …}, {"published_at": …}). It runs only when the
// well-known names gave nothing.
func guessStructured(f *dateFinder, m *meta) {
	var keys []string
	for k := range m.tags {
		if pubLike(k) {
			keys = append(keys, k)
		}
	}
	// The map has no order; the page's names do not say which is best.
	slices.Sort(keys)
	for _, k := range keys {
		for _, v := range m.tags[k] {
			f.addValue(v, "meta")
		}
	}
	if len(f.cands) > 0 || m.doc == nil {
		return
	}
	for _, n := range m.doc.Find("script").Nodes {
		if n.FirstChild == nil {
			continue
		}
		src := n.FirstChild.Data
		// "datePublished" again for JSON-LD too broken to parse.
		for _, k := range [...]string{`"datePublished"`, `"publishedDate"`, `"published_at"`, `"publishDate"`, `"publishedAt"`, `"date_published"`, `"publish_date"`, `"createdAt"`, `"created_at"`} {
			for _, v := range scriptValues(src, k, 1) {
				if f.addValue(v, "json-ld") {
					return
				}
			}
		}
	}
}

// pubLike reports whether a meta name looks like it gives the publication
// date.
func pubLike(k string) bool {
	if !strings.Contains(k, "publish") && !strings.Contains(k, "release") && !strings.Contains(k, "created") && !strings.Contains(k, "issued") {
		return false
	}
	for _, w := range [...]string{"modif", "update", "expir", "revis", "edit", "publisher", "end"} {
		if strings.Contains(k, w) {
			return false
		}
	}
	return true
}

// lastResortDates adds what is left when the page dates itself nowhere
// else: the modification date of its metadata (it was published by
// then), then a date in the path of its canonical URL or its image.
func lastResortDates(f *dateFinder, m *meta, a *analysis) {
	for _, o := range m.ld {
		if f.addValue(jsonString(o["dateModified"]), "json-ld") {
			return
		}
	}
	for _, k := range modMetaKeys {
		for _, v := range m.tags[k] {
			if f.addValue(v, "meta") {
				return
			}
		}
	}
	for _, u := range []string{m.canonical, m.first("og:url"), m.first("og:image"), m.first("twitter:image")} {
		if u != "" {
			urlDate(f, u, true)
			if len(f.cands) > 0 {
				return
			}
		}
	}
	// A shop's image URL carries its upload time as its version:
	// articles/bridge.png?v=1718993696.
	for _, u := range []string{m.first("og:image"), m.first("twitter:image")} {
		if v := versionStamp(u); v != "" && f.addValue(v, "url") {
			return
		}
	}
	// "(Notizia del 14 Gennaio 2020)" in the page's description.
	if d := m.description(); d != "" {
		if p, ok := f.dp.find(d, f.dayFirst); ok && f.ok(p) {
			f.add(p, "meta")
			return
		}
	}
	if m.doc == nil {
		return
	}
	// A stamp written for people in an abbr's title:
	// <abbr title="Freitag, 6. Oktober 2017 um 04:00">6. Oktober</abbr>.
	for _, n := range m.doc.Find("abbr[title]").Nodes {
		if siteChrome(n) {
			continue
		}
		if p, ok := f.dp.find(attr(n, "title"), f.dayFirst); ok && f.ok(p) {
			f.add(p, "time")
			return
		}
	}
	// A date a small inline script writes into the page:
	// showDate("2020/04/17 01:43:09").
	for _, n := range m.doc.Find("body script").Nodes {
		if n.FirstChild == nil || attr(n, "src") != "" || len(n.FirstChild.Data) > 300 || siteChrome(n) {
			continue
		}
		if p, ok := f.dp.find(n.FirstChild.Data, f.dayFirst); ok && f.ok(p) {
			f.add(p, "text")
			return
		}
	}
	// The first date written anywhere: the start of a long line ("Dieser
	// Beitrag wurde am Samstag, 3. Dezember 2011 … veröffentlicht und
	// unter …"), then the site's header and footer ("Copyright ©
	// 19.12.2019"), where a clock's today is not the page's date.
	for pass := 0; pass < 2; pass++ {
		for i := range a.blocks {
			b := &a.blocks[i]
			if b.node == nil || len(b.text) < 8 || siteChrome(b.node) != (pass == 1) || !strings.ContainsAny(b.text, "0123456789") {
				continue
			}
			if pass == 0 && len(b.text) <= 300 {
				// anyDates read it already.
				continue
			}
			if p, ok := f.dp.find(b.text[:min(len(b.text), 300)], f.dayFirst); ok && f.ok(p) && (!f.haveFetch || p.t.Format("2006-01-02") != f.fetchDay) {
				f.add(p, "text")
				return
			}
		}
	}
	// A short date-classed stamp with a two-digit year: a forum post's
	// "28.09.19".
	for _, n := range m.doc.Find(`[class*="date"], [class*="Date"], [class*="time"], [class*="Time"]`).Nodes {
		if siteChrome(n) {
			continue
		}
		// The date and the time may be spans of their own, with no
		// space between: <span>28.09.19</span><span>12:44</span>.
		texts := []string{innerText(n)}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode {
				texts = append(texts, innerText(c))
			}
		}
		for _, t := range texts {
			if len(t) > 40 || !strings.ContainsAny(t, "0123456789") {
				continue
			}
			if p, ok := f.dp.findLine(t, f.dayFirst); ok && f.ok(p) {
				f.add(p, "text")
				return
			}
		}
	}
}

// timeDates adds <time> elements outside the site's furniture, those in
// the article scope first, published ones before updated ones.
func (x *Extractor) timeDates(f *dateFinder, m *meta, scope *html.Node) {
	var inScope, other []*html.Node
	for _, t := range m.times {
		if siteFurniture(t) && !f.nearHeadline(t) || inQuote(t) {
			// An embedded post or a quotation has its author's date.
			continue
		}
		if isModifiedHint(classID(t)) || (t.Parent != nil && isModifiedHint(classID(t.Parent))) || isModifiedHint(strings.ToLower(attr(t, "itemprop"))) {
			// <time itemprop="dateModified"> says what it is too.
			continue
		}
		if scope != nil && isAncestor(scope, t) || f.nearHeadline(t) {
			// The headline's block is the article's, wherever the
			// text was found to start.
			inScope = append(inScope, t)
		} else {
			other = append(other, t)
		}
	}
	for li, list := range [][]*html.Node{inScope, other} {
		kind := [...]string{"", "out"}[li]
		for _, t := range list {
			v := attr(t, "datetime")
			if v != "" {
				if p, ok := f.dp.parseMachine(v); ok {
					if q, ok := localShown(p, innerText(t), f); ok {
						p = q
					}
					f.addKind(p, "time", kind)
					continue
				}
			}
			if p, ok := f.dp.findLine(innerText(t), f.dayFirst); ok {
				f.addKind(p, "time", kind)
			}
		}
	}
}

// localShown returns the day a <time> element shows its readers when its
// datetime is a moment in UTC and its text is the day before or after:
// <time datetime="2026-02-24T04:13:00Z">February 23, 2026</time> was
// published on the evening of the 23rd where the site is.
func localShown(p parsed, text string, f *dateFinder) (parsed, bool) {
	if !p.hasTime {
		return parsed{}, false
	}
	if _, off := p.t.Zone(); off != 0 {
		return parsed{}, false
	}
	q, ok := f.dp.findLine(text, f.dayFirst)
	if !ok || q.shortYear {
		return parsed{}, false
	}
	d := p.t.Sub(q.t)
	if q.t.Format("2006-01-02") == p.t.Format("2006-01-02") || d < -24*time.Hour || d >= 48*time.Hour {
		return parsed{}, false
	}
	return q, true
}

// textDates adds dates written in bylines and datelines near the article:
// blocks whose element (or a near ancestor) has a date-like class, then
// short blocks at the top of the article.
func (x *Extractor) textDates(f *dateFinder, a *analysis, scope *html.Node, m *meta) {
	var first, second []string
	var firstIn []bool // whether each of first is inside the article
	// The byline zone: the blocks between the article's h1 and its first
	// long paragraph.
	var zone []string
	var h1 *html.Node
	for _, h := range m.h1s {
		if scope == nil || isAncestor(scope, h) {
			h1 = h
			break
		}
	}
	if h1 == nil && len(m.h1s) > 0 {
		h1 = m.h1s[0]
	}
	for i := range a.blocks {
		b := &a.blocks[i]
		if h1 != nil && len(zone) == 0 && b.node != nil && isAncestor(h1, b.node) {
			for j := i + 1; j < len(a.blocks) && j < i+15; j++ {
				z := &a.blocks[j]
				if z.inContent && len(z.text) > 150 {
					// A dateline opens the first paragraph: "27.1.2022 - …".
					zone = append(zone, z.text[:min(len(z.text), 40)])
					break
				}
				if len(z.text) <= 150 && !inQuote(z.node) {
					zone = append(zone, z.text)
				}
			}
			// Then the short lines just above the headline, in its
			// block: a kicker line "21. Jan 2022 // Dominik Ricker".
			for j := i - 1; j >= 0 && j >= i-3; j-- {
				z := &a.blocks[j]
				if z.node == nil || len(z.text) > 60 || !f.nearHeadline(z.node) || inQuote(z.node) {
					break
				}
				zone = append(zone, z.text)
			}
		}
		if b.node == nil || len(b.text) > 200 || !strings.ContainsAny(b.text, "0123456789") {
			// Every date has a number in it; most lines have none.
			continue
		}
		hinted := false
		for p, k := b.node, 0; p != nil && k < 3; p, k = p.Parent, k+1 {
			ci := classID(p)
			if isModifiedHint(ci) {
				break
			}
			if dateHint(ci) {
				hinted = true
				break
			}
		}
		text := withoutModified(b.node, b.text)
		if !strings.ContainsAny(text, "0123456789") {
			// All its dates were the stamp of the last edit.
			continue
		}
		if !hinted {
			hinted = datedChild(b.node)
		}
		low := strings.ToLower(text)
		if !hinted {
			for _, w := range [...]string{"published", "posted", "publié", "veröffentlicht", "publicado", "pubblicato", "опубликовано", "yayınlanma", "date:"} {
				if strings.Contains(low, w) {
					hinted = true
					break
				}
			}
		}
		if !hinted && !(scope != nil && len(b.text) < 100 && isAncestor(scope, b.node)) {
			continue
		}
		if siteFurniture(b.node) && !f.nearHeadline(b.node) || inQuote(b.node) {
			continue
		}
		if hinted {
			first = append(first, text)
			firstIn = append(firstIn, scope == nil || isAncestor(scope, b.node))
		} else {
			second = append(second, text)
		}
	}
	// One candidate from each list: the date-classed lines, the zone under
	// the headline, the short lines of the article.
	var found [3]*dateCand
	if k := slices.Index(firstIn, true); k > 0 {
		// A date-classed line in the article before those outside it (a
		// teaser above it in a column).
		first = append([]string{first[k]}, slices.Delete(slices.Clone(first), k, k+1)...)
		firstIn = append([]bool{true}, slices.Delete(slices.Clone(firstIn), k, k+1)...)
	}
	for li, list := range [][]string{first, zone, second} {
		for j, t := range list {
			find := f.dp.findLine
			if li == 2 && len(t) > 60 {
				// A line of the article that is more than a byline:
				// "3.5.12" there may be a score.
				find = f.dp.find
			}
			if p, ok := find(t, f.dayFirst); ok && f.ok(p) {
				found[li] = &dateCand{
					p: p, source: "text", kind: [...]string{"hint", "zone", "short"}[li],
					line: len(t) <= 100 && !p.shortYear && (li != 0 || firstIn[j]),
				}
				if li == 1 && len(t) <= 60 {
					// A short line under the headline is the article's own
					// byline; it goes first and so wins a tie with a
					// date-classed line, which may be anywhere.
					found[0], found[1] = found[1], found[0]
				}
				break
			}
		}
	}
	for _, c := range found {
		if c != nil {
			f.cands = append(f.cands, *c)
		}
	}
	// A dateline at the start of the first paragraphs: "(18.01.2018) Farmers…".
	n := 0
	for i := range a.blocks {
		b := &a.blocks[i]
		if !b.inContent || b.kind == 'c' {
			continue
		}
		t := b.text
		if len(t) > 120 {
			t = t[:120]
		}
		if p, ok := f.dp.find(t, f.dayFirst); ok && f.ok(p) {
			f.addKind(p, "text", "lead")
			break
		}
		if n++; n >= 5 {
			break
		}
	}
}

// pubLabels are the words that say the date after them is the
// publication's, lower case.
var pubLabels = [...]string{
	"originally published", "first published", "published", "publish date", "publication date",
	"date published", "posted", "veröffentlicht", "erschienen", "publiziert", "publié", "paru le",
	"mis en ligne", "publicado", "publicación", "pubblicato", "gepubliceerd", "opublikowano",
	"опубликовано", "yayınlanma", "yayın tarihi",
}

// updateWords say a date is a revision's.
var updateWords = [...]string{"update", "modifi", "revised", "aktualisiert", "geändert", "mis à jour", "actualizado", "atualizado", "aggiornato", "bijgewerkt", "обновлено", "güncelleme"}

// labelledDate adds the first date of the page that a publication label
// introduces: "Published Apr 26, 2023", "Erschienen am: 13.10.2021" (the
// label may be an element of its own just before the date), "Posted on
// April 13, 2023". Such a date says in words what it is, so it wins over
// a metadata date; see best. Dates in the site's header and footer, in
// quotations and after an update word ("Updated March 3, 2025") are not
// taken.
func labelledDate(f *dateFinder, a *analysis) {
	lastContent := len(a.blocks) - 1
	for i := len(a.blocks) - 1; i >= 0; i-- {
		if a.blocks[i].inContent {
			lastContent = i
			break
		}
	}
	prev := ""
	for i := range a.blocks {
		b := &a.blocks[i]
		text := b.text
		label := prev
		prev = ""
		if len(text) <= 40 {
			prev = strings.TrimRight(strings.ToLower(strings.TrimSpace(text)), ": ")
		}
		if i > lastContent {
			// Teasers and comments after the article.
			break
		}
		if b.node == nil || len(text) > 300 || !strings.ContainsAny(text, "0123456789") || siteChrome(b.node) || inQuote(b.node) {
			continue
		}
		low := strings.ToLower(text)
		after := ""
		if endsWithPubLabel(label) {
			after = low
		} else if j := pubLabelAt(low); j >= 0 && j <= 60 {
			// A label that opens its line, not one in a sentence
			// ("… publiziert das THW am Sonntag, 17.10.2021").
			after = low[j:]
		}
		if after == "" {
			continue
		}
		after = after[:min(len(after), 80)]
		if strings.Contains(low, "last published") {
			// "Last published Apr 8, 2024": the latest revision.
			continue
		}
		if p, ok := f.dp.find(after, f.dayFirst); ok && f.ok(p) && !updateBefore(after, p, f) {
			f.cands = append(f.cands, dateCand{p: p, source: "text", kind: "label", line: true})
			return
		}
	}
}

// pubLabelAt returns where the first publication label of s ends, or -1.
func pubLabelAt(s string) int {
	best := -1
	for _, l := range pubLabels {
		if i := strings.Index(s, l); i >= 0 && (best < 0 || i+len(l) < best) {
			best = i + len(l)
		}
	}
	return best
}

// endsWithPubLabel reports whether a short line is a publication label
// for the line after it: "Published", "Erschienen am:", "Posted on".
func endsWithPubLabel(s string) bool {
	if s == "" {
		return false
	}
	for _, w := range [...]string{" am", " on", " le", " el", " em", " il", " op"} {
		s = strings.TrimSuffix(s, w)
	}
	for _, l := range pubLabels {
		if strings.HasSuffix(s, l) {
			return true
		}
	}
	return false
}

// updateBefore reports whether an update word stands between the label
// and the date p read from s: "published 2019, updated March 3, 2025".
func updateBefore(s string, p parsed, f *dateFinder) bool {
	for k := 8; k <= len(s); k++ {
		if q, ok := f.dp.find(s[:k], f.dayFirst); ok && q.t.Equal(p.t) {
			head := s[:k]
			for _, w := range updateWords {
				if strings.Contains(head, w) {
					return true
				}
			}
			return false
		}
	}
	return false
}

// anyDates adds the first dates written anywhere outside the site's
// furniture: the last resort.
func (x *Extractor) anyDates(f *dateFinder, a *analysis) {
	n := 0
	for i := range a.blocks {
		b := &a.blocks[i]
		if len(b.text) > 300 || len(b.text) < 8 || b.node == nil || !strings.ContainsAny(b.text, "0123456789") || siteChrome(b.node) {
			continue
		}
		if p, ok := f.dp.find(b.text, f.dayFirst); ok && f.ok(p) {
			f.addKind(p, "text", "any")
			if n++; n >= 5 {
				return
			}
		}
	}
}

// urlDate adds a date written in the URL path: /2024/12/02/, /2024-12-02,
// /20241202, and with stamps also a file name's timestamp
// (20201007120909561.jpg). The page's own URL is read without stamps: an
// archive's address carries the capture time, not the publication's.
func urlDate(f *dateFinder, u string, stamps bool) {
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
	}
	if i := strings.IndexByte(u, '/'); i >= 0 {
		u = u[i:]
	} else {
		return
	}
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	toks := tokenize(u, 200)
	for i := 0; i+4 < len(toks); i++ {
		t := toks[i]
		if t.kind != 'n' || len(t.s) != 4 || i > 0 && toks[i-1].s != "/" && toks[i-1].s != "-" && toks[i-1].s != "_" {
			continue
		}
		sep, mo, sep2, d := toks[i+1], toks[i+2], toks[i+3], toks[i+4]
		if sep.kind != 's' || sep.s != sep2.s || sep.s != "/" && sep.s != "-" || d.kind != 'n' || len(d.s) > 2 {
			continue
		}
		month := 0
		switch {
		case mo.kind == 'n' && len(mo.s) <= 2:
			// /2024/12/02/, and Squarespace's /2017/7/12/.
			month = mo.n
		case mo.kind == 'w' && (i+5 == len(toks) || toks[i+5].s == "/"):
			// /2023/october/03/: a month's name, and a day that ends a
			// segment (not /2023/march/10-tips).
			month = int(f.dp.months[mo.s])
		}
		if p, ok := mk(t.n, month, d.n); ok {
			f.add(p, "url")
			return
		}
	}
	// /29-10-2021: day first, as everywhere but the US, unless the month
	// cannot be the first.
	for i := 0; i+4 < len(toks); i++ {
		d, sep, mo, sep2, y := toks[i], toks[i+1], toks[i+2], toks[i+3], toks[i+4]
		if d.kind != 'n' || mo.kind != 'n' || y.kind != 'n' || len(d.s) != 2 || len(mo.s) != 2 || len(y.s) != 4 || sep.s != "-" || sep2.s != "-" || i > 0 && toks[i-1].s != "/" {
			continue
		}
		day, month := d.n, mo.n
		if month > 12 {
			day, month = month, day
		}
		if p, ok := mk(y.n, month, day); ok {
			f.add(p, "url")
			return
		}
	}
	for _, t := range toks {
		if t.kind == 'n' && (len(t.s) == 8 || stamps && stampLike(t.s)) && (strings.HasPrefix(t.s, "19") || strings.HasPrefix(t.s, "20")) {
			if p, ok := mk(atoi(t.s[:4]), atoi(t.s[4:6]), atoi(t.s[6:8])); ok {
				f.add(p, "url")
				return
			}
		}
	}
}

// versionStamp returns the v= query value of an image URL when it is a
// Unix time in seconds (Shopify's CDN versions its files by upload time),
// or "".
func versionStamp(u string) string {
	i := strings.IndexByte(u, '?')
	if i < 0 {
		return ""
	}
	for _, kv := range strings.Split(u[i+1:], "&") {
		if v, ok := strings.CutPrefix(kv, "v="); ok && len(v) == 10 && allDigits(v) {
			return v
		}
	}
	return ""
}

// stampLike reports whether a run of digits is a timestamp written
// YYYYMMDDhhmmss, perhaps with fractions (an upload's file name:
// 20201007120909561.jpg), rather than an id that happens to start with a
// year.
func stampLike(s string) bool {
	if len(s) < 14 || len(s) > 17 {
		return false
	}
	return atoi(s[8:10]) < 24 && atoi(s[10:12]) < 60 && atoi(s[12:14]) < 60
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// datedChild reports whether an element inside n says by its class that
// it holds the date: <span class="field-published-at">le 07 Mai 2020</span>
// in a byline block.
func datedChild(n *html.Node) bool {
	seen := 0
	var walk func(*html.Node) bool
	walk = func(n *html.Node) bool {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			if seen++; seen > 40 {
				return false
			}
			ci := classID(c)
			if ci != "" && !isModifiedHint(ci) {
				for _, w := range [...]string{"date", "datum", "fecha", "publish", "posted", "timestamp", "byline", "dateline"} {
					if strings.Contains(ci, w) {
						return true
					}
				}
			}
			if walk(c) {
				return true
			}
		}
		return false
	}
	return walk(n)
}

// inHead reports whether n is in the document's head.
func inHead(n *html.Node) bool {
	for p := n; p != nil; p = p.Parent {
		if p.DataAtom == atom.Head {
			return true
		}
	}
	return false
}

// inQuote reports whether n is inside a blockquote: an embedded post or
// a quotation carries its own author's date, not the article's.
func inQuote(n *html.Node) bool {
	for p := n; p != nil; p = p.Parent {
		if p.DataAtom == atom.Blockquote {
			return true
		}
	}
	return false
}

// siteChrome reports whether n is inside the page's header, navigation or
// footer elements (or their ARIA roles): where a site prints today's date.
func siteChrome(n *html.Node) bool {
	inArticle := false
	chrome := false
	for p := n; p != nil; p = p.Parent {
		if p.Type != html.ElementNode {
			continue
		}
		switch p.DataAtom {
		case atom.Article:
			inArticle = true
		case atom.Nav, atom.Footer:
			chrome = true
		case atom.Header:
			if !inArticle {
				chrome = true
			}
		}
		switch attr(p, "role") {
		case "banner", "navigation", "contentinfo":
			chrome = true
		}
	}
	return chrome && !inArticle || chrome && n.DataAtom == atom.Nav
}

// withoutModified returns the text of a line without the text of the
// elements in it whose class says they hold the modification date:
// themes print the last edit as <span class="updated">2025-10-30T10:45:07-04:00</span>,
// often hidden, before the date the reader sees. A class that also says
// "published" (WordPress's "entry-date published updated" on a post never
// edited) is the publication's.
func withoutModified(n *html.Node, text string) string {
	var walk func(*html.Node, int)
	walk = func(n *html.Node, depth int) {
		for c := n.FirstChild; c != nil && depth < 4; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			if ci := classID(c); isModifiedHint(ci) && !strings.Contains(ci, "publish") {
				if t := strings.TrimSpace(innerText(c)); t != "" {
					text = strings.Replace(text, t, "", 1)
				}
				continue
			}
			walk(c, depth+1)
		}
	}
	walk(n, 0)
	return text
}

// selfTeaserDate adds the date of a teaser card that links to the page
// itself: sites list the article among "more in this section" with its
// date, while the article's own header may show none.
func selfTeaserDate(f *dateFinder, m *meta, pageURL string) {
	if m.doc == nil {
		return
	}
	self := map[string]bool{}
	var slugs []string
	for _, u := range []string{pageURL, m.canonical} {
		if n, err := urlnorm.Normalize(u); err == nil && u != "" {
			self[strings.TrimSuffix(n, "/")] = true
			if s := lastSegment(n); s != "" {
				slugs = append(slugs, s)
				if d, err := url.PathUnescape(s); err == nil && d != s {
					slugs = append(slugs, d)
				}
			}
		}
	}
	if len(slugs) == 0 {
		// A home page: every link to it is the site's logo.
		return
	}
	for _, a := range m.doc.Find("body a[href]").Nodes {
		href := strings.TrimSpace(attr(a, "href"))
		if href == "" || href[0] == '#' || strings.Contains(href, "/") && !slices.ContainsFunc(slugs, func(s string) bool { return strings.Contains(href, s) }) || siteChrome(a) {
			// Only a link that names the page's last path segment
			// can lead to it; resolving every link costs more.
			continue
		}
		n, err := urlnorm.Resolve(pageURL, href)
		if err != nil || !self[strings.TrimSuffix(n, "/")] {
			continue
		}
		for p, k := a.Parent, 0; p != nil && k < 4; p, k = p.Parent, k+1 {
			t := innerText(p)
			if len(t) > 400 {
				break
			}
			if d, ok := f.dp.find(t, f.dayFirst); ok && f.ok(d) {
				f.addKind(d, "text", "self")
				return
			}
		}
	}
}

// lastSegment returns the last non-empty segment of a URL's path, the
// query of a URL without a path ("p=959" of /?p=959), or "" for a home
// page.
func lastSegment(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
	}
	if i := strings.IndexByte(u, '#'); i >= 0 {
		u = u[:i]
	}
	query := ""
	if i := strings.IndexByte(u, '?'); i >= 0 {
		u, query = u[:i], u[i+1:]
	}
	i := strings.IndexByte(u, '/')
	if i < 0 || strings.Trim(u[i:], "/") == "" {
		return query
	}
	segs := strings.Split(strings.Trim(u[i:], "/"), "/")
	return segs[len(segs)-1]
}

// imageDates reports whether the upload path of the page's image sides
// with the structured date over the shown one: an image filed under the
// structured date's month (or day, when the path has one), and the shown
// date in another. The article and its picture were made then; the date
// shown is a later revision's ("Updated Oct 30, 2025" over an article of
// June 2025).
func (f *dateFinder) imageDates(structured, shown dateCand) bool {
	if f.imageFiled == "" {
		return false
	}
	n := len(f.imageFiled)
	return f.imageFiled == structured.p.t.Format("2006-01-02")[:n] && f.imageFiled != shown.p.t.Format("2006-01-02")[:n]
}

// pathDate returns the year and month of an upload path, "/2024/10/" in
// https://example.com/wp-content/uploads/2024/10/bridge.jpg, as "2024-10",
// with the day when the path has one ("2025-12-08"), or "".
func pathDate(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
	}
	i := strings.IndexByte(u, '/')
	if i < 0 {
		return ""
	}
	u = u[i:]
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	parts := strings.Split(u, "/")
	for k := 0; k+2 < len(parts); k++ {
		y, mo := parts[k], parts[k+1]
		if len(y) == 4 && allDigits(y) && len(mo) == 2 && allDigits(mo) && (y[:2] == "19" || y[:2] == "20") && mo >= "01" && mo <= "12" {
			if d := parts[k+2]; k+3 < len(parts) && len(d) == 2 && allDigits(d) && d >= "01" && d <= "31" {
				// …/2025/12/08/mice.png: filed by day.
				return y + "-" + mo + "-" + d
			}
			return y + "-" + mo
		}
	}
	return ""
}
