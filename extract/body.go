package extract

import (
	"github.com/PuerkitoBio/goquery"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// nstat is what the analysis knows about one element.
type nstat struct {
	text, link int // bytes of visible text, and of it inside links
	commas     int
	p, img, li int // descendant counts
	h1         int
	input      int
	embed      int
	junk       bool // the element itself is furniture
	softJunk   bool // ... by its class, id or visibility only
	notice     bool // a disclaimer: not body text, but not furniture either
	score      float64
	scored     bool
	fishy      int8 // 0 unknown, 1 fishy, -1 fine
}

// block is one run of text that a block-level element holds: a paragraph,
// a heading, a list item, a caption.
type block struct {
	text  string
	node  *html.Node // the block-level element the text belongs to
	kind  byte       // 'p' paragraph, 'h' heading, 'l' list item, 'c' caption, 'q' quote/pre, 't' table cell
	links int        // bytes of the text inside links
	junk  bool       // inside furniture
	// notice is set inside a disclaimer: text the body leaves out that
	// the date search still reads.
	notice bool
	// inContent is set once the main content is known.
	inContent bool
	key       string // normKey(text)
}

// analysis holds the per-element statistics and the text blocks of a
// document; it is built once per Extract call.
type analysis struct {
	// doc is the parsed page: the queries (captions, related links) run
	// on it, the scoring passes walk its nodes.
	doc    *goquery.Document
	stats  map[*html.Node]*nstat
	blocks []block
	labels map[string]byte // see labelKinds
	// host is the page's host without "www.": links elsewhere are
	// outbound.
	host string
	// roots are the content elements, once markContent has run.
	roots []*html.Node
}

func newAnalysis(doc *goquery.Document, sizeHint int, labels map[string]byte) *analysis {
	root := doc.Nodes[0]
	a := &analysis{doc: doc, stats: make(map[*html.Node]*nstat, sizeHint), labels: labels}
	a.statPass(root, false)
	// A class that sounds like furniture on a wrapper of most of the
	// page ("ad-portal", "has-sidebar") does not make the page furniture.
	total := 0
	for _, s := range a.stats {
		total = max(total, s.text)
	}
	for n, s := range a.stats {
		if !s.softJunk {
			continue
		}
		if s.text*10 >= total*4 && s.p >= 2 || s.p >= 4 && s.text >= 1000 && holdsArticle(n, a.stats) {
			s.junk, s.softJunk = false, false
		}
	}
	a.blockPass(root)
	return a
}

// holdsArticle reports an element with an <article> of article size
// inside: an overlay ("modal") the page shows the story in, not a popup.
func holdsArticle(n *html.Node, stats map[*html.Node]*nstat) bool {
	art := findFirst(n, func(c *html.Node) bool { return c.DataAtom == atom.Article })
	if art == nil {
		return false
	}
	s := stats[art]
	return s != nil && s.p >= 4 && s.text >= 1000 && s.linkDensity() < 0.25
}

func (a *analysis) stat(n *html.Node) *nstat {
	s := a.stats[n]
	if s == nil {
		s = &nstat{}
		a.stats[n] = s
	}
	return s
}

// statPass computes text and link lengths and counts bottom-up, and marks
// furniture.
func (a *analysis) statPass(n *html.Node, inArticle bool) (text, link int) {
	switch n.Type {
	case html.TextNode:
		return nonSpaceLen(n.Data), 0
	case html.ElementNode, html.DocumentNode:
	default:
		return 0, 0
	}
	if n.Type == html.ElementNode && skipAtom(n.DataAtom) {
		if n.DataAtom == atom.Input || n.DataAtom == atom.Iframe || n.DataAtom == atom.Object || n.DataAtom == atom.Embed || n.DataAtom == atom.Video {
			if p := n.Parent; p != nil {
				s := a.stat(p)
				if n.DataAtom == atom.Input {
					// A checkbox ticks an item of a checklist,
					// which is text; other inputs make a form.
					if !strings.EqualFold(attr(n, "type"), "checkbox") {
						s.input++
					}
				} else {
					s.embed++
				}
			}
		}
		return 0, 0
	}
	var s *nstat
	parentInArticle := inArticle
	if n.Type == html.ElementNode {
		s = a.stat(n)
		if n.DataAtom == atom.Article {
			inArticle = true
		}
	} else {
		s = &nstat{}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		t, l := a.statPass(c, inArticle)
		text += t
		link += l
		if c.Type == html.TextNode {
			s.commas += strings.Count(c.Data, ",") + strings.Count(c.Data, "，") + strings.Count(c.Data, "、")
		}
		if c.Type == html.ElementNode {
			if cs := a.stats[c]; cs != nil {
				s.commas += cs.commas
				s.p += cs.p
				s.img += cs.img
				s.li += cs.li
				s.h1 += cs.h1
				s.input += cs.input
				s.embed += cs.embed
			}
			switch c.DataAtom {
			case atom.P:
				s.p++
			case atom.Img:
				s.img++
			case atom.Li:
				s.li++
			case atom.H1:
				s.h1++
			}
		}
	}
	if n.Type == html.ElementNode && n.DataAtom == atom.A {
		link = text
	}
	s.text, s.link = text, link
	if n.Type == html.ElementNode {
		s.junk, s.softJunk = isJunk(n, parentInArticle, s)
	}
	return text, link
}

func nonSpaceLen(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\n', '\t', '\r', '\f':
		default:
			n++
		}
	}
	return n
}

// linkDensity is the share of an element's text inside links.
func (s *nstat) linkDensity() float64 {
	if s == nil || s.text == 0 {
		return 0
	}
	return float64(s.link) / float64(s.text)
}

// isCaptionNode reports elements that hold an image caption.
func isCaptionNode(n *html.Node) bool {
	if n.DataAtom == atom.Figcaption {
		return true
	}
	ci := classID(n)
	if ci == "" {
		return false
	}
	for _, w := range [...]string{"wp-caption-text", "caption", "photo-credit", "image-credit", "img-credit", "photocredit"} {
		if strings.Contains(ci, w) {
			return !strings.Contains(ci, "captions-") && n.DataAtom != atom.Figure && n.DataAtom != atom.Img
		}
	}
	return false
}

// blockPass emits the text blocks of the document in order.
func (a *analysis) blockPass(root *html.Node) {
	e := emitter{a: a}
	e.walk(root, 0, nil, false)
	e.flush()
}

type emitter struct {
	a       *analysis
	buf     textBuilder
	links   int
	owner   *html.Node
	kind    byte
	junk    bool
	inLink  bool
	lastBr  bool
	caption int // depth inside caption elements
	notice  int // depth inside disclaimers
}

func (e *emitter) flush() {
	t := e.buf.String()
	if t != "" {
		kind := e.kind
		if e.caption > 0 {
			kind = 'c'
		}
		e.a.blocks = append(e.a.blocks, block{text: t, node: e.owner, kind: kind, links: e.links, junk: e.junk, notice: e.notice > 0})
	}
	e.buf = textBuilder{}
	e.links = 0
}

// walk visits n. owner is the nearest block-level ancestor; junk says
// whether an ancestor is furniture.
func (e *emitter) walk(n *html.Node, depth int, owner *html.Node, junk bool) {
	switch n.Type {
	case html.TextNode:
		if owner != e.owner || junk != e.junk {
			if e.buf.b.Len() > 0 {
				e.flush()
			}
			e.owner, e.junk = owner, junk
			e.kind = kindOf(owner)
		}
		before := e.buf.b.Len()
		e.buf.write(n.Data)
		if e.inLink {
			e.links += e.buf.b.Len() - before
		}
		if strings.TrimSpace(n.Data) != "" {
			e.lastBr = false
		}
		return
	case html.ElementNode:
	case html.DocumentNode:
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			e.walk(c, depth+1, owner, junk)
		}
		return
	default:
		return
	}
	if skipAtom(n.DataAtom) || depth > 400 {
		return
	}
	if n.DataAtom == atom.Br {
		if e.lastBr && e.buf.b.Len() > 0 {
			e.flush()
		}
		e.lastBr = true
		e.buf.space = true
		return
	}
	notice := false
	if s := e.a.stats[n]; s != nil {
		junk = junk || s.junk
		notice = s.notice
	}
	block := isBlockAtom(n.DataAtom)
	caption := isCaptionNode(n)
	if caption && n.DataAtom != atom.Figcaption {
		// A "caption" class on a wrapper of paragraphs is not a caption.
		if s := e.a.stats[n]; s != nil && (s.text > 600 || s.p > 1) {
			caption = false
		}
	}
	if block || caption {
		if e.buf.b.Len() > 0 {
			e.flush()
		}
		owner = n
		e.owner, e.junk, e.kind = n, junk, kindOf(n)
	}
	if caption {
		e.caption++
	}
	if notice {
		if e.buf.b.Len() > 0 {
			e.flush()
		}
		e.notice++
	}
	wasLink := e.inLink
	if n.DataAtom == atom.A {
		e.inLink = true
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		e.walk(c, depth+1, owner, junk)
	}
	e.inLink = wasLink
	if block || caption {
		if e.buf.b.Len() > 0 {
			e.flush()
		}
		e.owner, e.junk, e.kind = n.Parent, junk, kindOf(n.Parent)
	}
	if caption {
		e.caption--
	}
	if notice {
		if e.buf.b.Len() > 0 {
			e.flush()
		}
		e.notice--
	}
	if n.DataAtom == atom.Img || n.DataAtom == atom.Picture {
		e.buf.space = true
	}
}

func kindOf(n *html.Node) byte {
	if n == nil {
		return 'p'
	}
	switch n.DataAtom {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		return 'h'
	case atom.Li, atom.Dt, atom.Dd:
		return 'l'
	case atom.Pre, atom.Blockquote:
		return 'q'
	case atom.Td, atom.Th:
		return 't'
	case atom.Figcaption:
		return 'c'
	}
	return 'p'
}

// emailInput reports a field that asks for an email address.
func emailInput(n *html.Node) bool {
	if n.Type != html.ElementNode || n.DataAtom != atom.Input {
		return false
	}
	if strings.EqualFold(attr(n, "type"), "email") {
		return true
	}
	for _, k := range [...]string{"name", "placeholder", "aria-label"} {
		if strings.Contains(strings.ToLower(attr(n, k)), "email") {
			return true
		}
	}
	return false
}
