package extract

import (
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/newsarchive/newsarchive/internal/urlnorm"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

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
		if siteFurniture(t) && !f.nearHeadline(t) && !inMetaAside(t) || inQuote(t) {
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

// inMetaAside reports whether n is in an <aside> whose class says it is
// the article's meta box (<aside class="meta" role="complementary">
// beside the intro, with its date and author): furniture by its tag, the
// byline by its class.
func inMetaAside(n *html.Node) bool {
	for p, k := n.Parent, 0; p != nil && k < 4; p, k = p.Parent, k+1 {
		if p.DataAtom == atom.Aside {
			ci := classID(p)
			return strings.Contains(ci, "meta") || strings.Contains(ci, "byline")
		}
	}
	return false
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
