package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// teaserLabels are headings of site-wide teaser lists: the same links on
// every page of a site, never the article and never its related links.
var teaserLabels = [...]string{
	"hot this week", "topics", "topic", "most read", "most popular", "popular", "popular posts",
	"popular stories", "popular articles", "trending", "trending now", "trending stories", "latest",
	"latest news", "latest stories", "latest posts", "latest articles", "recent posts", "recent articles",
	"recent news", "editors picks", "editor s picks", "top stories", "don t miss", "dont miss",
	"you may have missed", "more stories", "most viewed", "most shared", "most commented",
	"in case you missed it", "recommended", "recommended for you", "you might also like",
	"you may also like", "around the web", "sponsored", "sponsored content", "from our partners",
	"newsletter", "follow us", "tags", "categories", "archives", "more news", "top news",
	"the latest", "hot topics", "what s hot", "featured", "featured stories", "must read", "popular now",
	"meistgelesen", "les plus lus", "à la une", "a la une", "lo más leído", "lo mas leido", "más leídas",
	"mais lidas", "più letti", "인기 기사", "많이 본 뉴스", "人気記事",
}

// relatedLabels are headings of article-specific link blocks.
var relatedLabels = [...]string{
	"related", "related articles", "related stories", "related posts", "related content",
	"related news", "related coverage", "related links", "related reading", "read more", "read also",
	"see also", "more on this", "more on this story", "more on this topic", "further reading",
	"also read", "read next", "more about this", "lire aussi", "à lire aussi", "a lire aussi",
	"sur le même sujet", "voir aussi", "mehr zum thema", "siehe auch", "véase también", "vea también", "lesen sie auch", "auch interessant", "leia também",
	"leia mais", "ver también", "lee también", "leggi anche", "関連記事", "관련기사", "관련 기사",
	"up next",
}

// labelKinds maps the normalised label texts to 't' (teaser list) or 'r'
// (related block); built once per Extractor.
func labelKinds() map[string]byte {
	m := make(map[string]byte, len(teaserLabels)+len(relatedLabels))
	for _, l := range teaserLabels {
		m[normKey(l)] = 't'
	}
	for _, l := range relatedLabels {
		m[normKey(l)] = 'r'
	}
	return m
}

// labelKind tells whether a short text is the label of a teaser list ('t'),
// a related block ('r'), or neither (0).
func (a *analysis) labelKind(key string) byte {
	if key == "" || len(key) > 60 {
		return 0
	}
	if k := a.labels[key]; k != 0 && len(key) <= 40 {
		return k
	}
	for _, p := range relatedPrefixes {
		if strings.HasPrefix(key, p) {
			return 'r'
		}
	}
	return 0
}

// relatedPrefixes start the longer labels of article-specific link blocks
// ("More from SewCanShe", "Related articles that may interest you", "If
// you liked this post you might also like").
var relatedPrefixes = [...]string{
	"more from ", "related articles ", "related posts ", "related stories ", "you may also ",
	"you might also ", "you may be interested ", "if you liked ", "if you enjoyed ",
	"additional reading ", "further reading ", "more helpful articles ", "more articles ",
	"more stories ", "recommended reading", "what to read next", "more book recommendations",
}

// labelSection returns the element holding the list that a label heads:
// the label's parent when the label is its first child, climbing while
// that holds. ok is false when the list is the label's following siblings.
func (a *analysis) labelSection(label *html.Node, stop func(*html.Node) bool) (*html.Node, bool) {
	n := label
	var sect *html.Node
	for i := 0; i < 3; i++ {
		p := n.Parent
		if p == nil || p.Type != html.ElementNode || p.DataAtom == atom.Body || stop(p) {
			break
		}
		if s := a.stats[p]; s != nil && s.h1 > 0 {
			// The block with the headline is the article, not a list.
			break
		}
		if firstElementChild(p) != n {
			break
		}
		sect = p
		if hasLink(p) && textAfter(p, label) > 0 {
			return sect, true
		}
		n = p
	}
	if sect != nil && hasLink(sect) {
		return sect, true
	}
	return nil, false
}

func firstElementChild(p *html.Node) *html.Node {
	for c := p.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && !skipAtom(c.DataAtom) {
			return c
		}
		if c.Type == html.TextNode && strings.TrimSpace(c.Data) != "" {
			return nil
		}
	}
	return nil
}

func hasLink(n *html.Node) bool {
	return findFirst(n, func(c *html.Node) bool { return c.DataAtom == atom.A && attr(c, "href") != "" }) != nil
}

// textAfter is a rough size of what a section holds besides its label.
func textAfter(sect, label *html.Node) int {
	n := 0
	for c := sect.FirstChild; c != nil; c = c.NextSibling {
		if c != label && c.Type == html.ElementNode {
			n++
		}
	}
	return n
}

// followingUntilHeading returns label's following siblings up to the next
// heading of the same or a higher level.
func (a *analysis) followingUntilHeading(label *html.Node) []*html.Node {
	var out []*html.Node
	for s := label.NextSibling; s != nil; s = s.NextSibling {
		if s.Type != html.ElementNode {
			continue
		}
		if isHeading(s.DataAtom) && (!isHeading(label.DataAtom) || s.DataAtom <= label.DataAtom || s.DataAtom == label.DataAtom) {
			break
		}
		// Never past the page's main regions or a block of article size.
		switch s.DataAtom {
		case atom.Main, atom.Article, atom.Header, atom.Footer, atom.Body:
			return out
		}
		if st := a.stats[s]; st != nil && st.h1 > 0 {
			return out
		}
		if s.DataAtom == label.DataAtom && !isHeading(s.DataAtom) && a.labelKind(normKey(innerText(s))) != 0 {
			break
		}
		out = append(out, s)
		if len(out) > 30 {
			break
		}
	}
	return out
}

// markJunk marks the subtree of n as furniture, for the blocks too.
func (a *analysis) markJunk(nodes ...*html.Node) {
	if len(nodes) == 0 {
		return
	}
	set := make(map[*html.Node]bool, len(nodes))
	for _, n := range nodes {
		a.stat(n).junk = true
		set[n] = true
	}
	for i := range a.blocks {
		b := &a.blocks[i]
		if b.junk {
			continue
		}
		for p := b.node; p != nil; p = p.Parent {
			if set[p] {
				b.junk = true
				break
			}
		}
	}
}

// siteFurniture reports whether n sits in the site's header, navigation,
// footer or sidebar: where the "today" date and teaser lists live.
func siteFurniture(n *html.Node) bool {
	inArticle := ancestorOrSelf(n, func(p *html.Node) bool { return p.DataAtom == atom.Article })
	return ancestorOrSelf(n, func(p *html.Node) bool {
		switch p.DataAtom {
		case atom.Nav, atom.Footer, atom.Aside:
			return true
		case atom.Header:
			return !inArticle
		case atom.Body, atom.Html:
			// Their classes describe the page ("nav-loaded",
			// "has-sidebar"), not a region of it.
			return false
		}
		switch strings.ToLower(attr(p, "role")) {
		case "navigation", "banner", "contentinfo", "complementary", "menubar":
			return true
		}
		ci := classID(p)
		if ci == "" {
			return false
		}
		for _, w := range [...]string{"content", "article", "entry", "post", "story", "main", "blog"} {
			if strings.Contains(ci, w) && !strings.Contains(ci, "footer") && !strings.Contains(ci, "related") {
				return false
			}
		}
		for _, w := range [...]string{"site-header", "masthead", "topbar", "top-bar", "navbar", "footer", "sidebar", "menu", "breadcrumb", "ticker", "teaser", "related", "widget", "comment", "trending", "popular"} {
			if strings.Contains(ci, w) {
				return true
			}
		}
		if dateHint(ci) || strings.Contains(ci, "entry") || strings.Contains(ci, "post") || strings.Contains(ci, "article") || strings.Contains(ci, "story") {
			// An article's own header ("entry-header", "date-header").
			return false
		}
		for _, t := range classTokens(ci) {
			if t == "header" || t == "nav" || t == "navigation" {
				return !inArticle
			}
		}
		return false
	})
}

// teaserCards returns the cards of post grids: three or more sibling
// elements of one tag and class, each a short card headed by a link (the
// title of another post, over its excerpt). A grid of excerpts has the
// link density of prose, so only its shape gives it away.
func (a *analysis) teaserCards(n *html.Node) []*html.Node {
	var out []*html.Node
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		kids := 0
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && !skipAtom(c.DataAtom) {
				kids++
				walk(c)
			}
		}
		if kids < 3 {
			return
		}
		out = append(out, a.cardsOf(n)...)
	}
	walk(n)
	return out
}

// cardsOf returns the children of n that are teaser cards, when at least
// three of one kind are and hardly any of that kind is not.
func (a *analysis) cardsOf(n *html.Node) []*html.Node {
	type group struct {
		cards []*html.Node
		other int
	}
	var groups map[string]*group
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode || skipAtom(c.DataAtom) {
			continue
		}
		s := a.stats[c]
		if s == nil || s.text == 0 {
			continue
		}
		if groups == nil {
			groups = map[string]*group{}
		}
		k := c.DataAtom.String()
		g := groups[k]
		if g == nil {
			g = &group{}
			groups[k] = g
		}
		if a.teaserCard(c, s) {
			g.cards = append(g.cards, c)
		} else {
			g.other++
		}
	}
	var out []*html.Node
	for _, g := range groups {
		if len(g.cards) >= 3 && g.other*5 <= len(g.cards) {
			out = append(out, g.cards...)
		}
	}
	return out
}

// teaserCard reports a short element whose first heading is all link and
// whose longest paragraph is an excerpt cut short.
func (a *analysis) teaserCard(c *html.Node, s *nstat) bool {
	if s.text < 30 || s.text > 1000 {
		return false
	}
	h := findFirst(c, func(x *html.Node) bool { return isHeading(x.DataAtom) })
	if h == nil {
		return false
	}
	hs := a.stats[h]
	if hs == nil || hs.text == 0 || hs.link*10 < hs.text*9 {
		return false
	}
	var excerpt *html.Node
	best := 0
	findFirst(c, func(x *html.Node) bool {
		if x.DataAtom == atom.P {
			if ps := a.stats[x]; ps != nil && ps.text > best {
				excerpt, best = x, ps.text
			}
		}
		return false
	})
	return best >= 60 && cutExcerpt(strings.TrimSpace(innerText(excerpt)))
}

// cutExcerpt reports text that ends mid-sentence or in an ellipsis: an
// excerpt cut at a number of words.
func cutExcerpt(t string) bool {
	for _, e := range [...]string{"...", "…", "[…]", "[...]", "Read more", "Read More", "Continue reading"} {
		if strings.HasSuffix(t, e) {
			return true
		}
	}
	r, _ := utf8.DecodeLastRuneInString(t)
	return unicode.IsLetter(r) || r == ','
}
