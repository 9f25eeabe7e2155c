package extract

import (
	"time"

	"github.com/newsarchive/newsarchive"
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
	if best.p.hasTime && best.p.t.Location() == time.UTC && !shownOnPage(best.p, f.cands, true) {
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
	// A date the page mentions only in passing (in a list, in the
	// text) is not the one it shows its readers when the byline says
	// another unambiguously: its date class and the line under the
	// headline agree.
	if shownOnPage(best.p, cands, !bylineAgrees(cands)) {
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
// page is the metadata's 2024-09-10). Dates found just anywhere count
// only when passing is true.
func shownOnPage(p parsed, cands []dateCand, passing bool) bool {
	day := p.t.Format("2006-01-02")
	for _, c := range cands {
		if c.source != "text" && c.source != "time" || c.kind == "any" && !passing {
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

// bylineAgrees reports whether the line under the headline and the
// first line whose class says it holds the date give the same day.
func bylineAgrees(cands []dateCand) bool {
	var zone, hint string
	for _, c := range cands {
		if c.source != "text" || !c.line {
			continue
		}
		switch {
		case c.kind == "zone" && zone == "":
			zone = c.p.t.Format("2006-01-02")
		case c.kind == "hint" && hint == "":
			hint = c.p.t.Format("2006-01-02")
		}
	}
	return zone != "" && zone == hint
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
