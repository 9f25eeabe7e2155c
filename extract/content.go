package extract

import (
	"sort"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// scorable reports whether text directly in n counts as a paragraph for
// scoring (Readability scores p, pre, td and divs that hold text).
func scorable(n *html.Node) bool {
	switch n.DataAtom {
	case atom.P, atom.Pre, atom.Td, atom.Blockquote, atom.Div, atom.Section, atom.Article, atom.Dd, atom.Font, atom.Span, atom.Main:
		return true
	}
	return false
}

// initScore is the starting score of a candidate container.
func initScore(n *html.Node) float64 {
	s := 0.0
	switch n.DataAtom {
	case atom.Div, atom.Article, atom.Main:
		s = 5
	case atom.Pre, atom.Td, atom.Blockquote:
		s = 3
	case atom.Address, atom.Ol, atom.Ul, atom.Dl, atom.Dd, atom.Dt, atom.Li, atom.Form:
		s = -3
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Th:
		s = -5
	}
	s += float64(classWeight(classID(n)))
	if strings.EqualFold(attr(n, "itemprop"), "articleBody") {
		s += 25
	}
	return s
}

// findContent scores the paragraphs and returns the elements that hold
// the main content, in document order.
func (a *analysis) findContent(body *html.Node) []*html.Node {
	var cands []*html.Node
	for i := range a.blocks {
		b := &a.blocks[i]
		if b.junk || b.node == nil || b.kind == 'c' || !scorable(b.node) {
			continue
		}
		l := len(b.text)
		if l < 25 {
			continue
		}
		score := 1.0 + float64(strings.Count(b.text, ",")+strings.Count(b.text, "，")+strings.Count(b.text, "、"))
		score += float64(min(l/100, 3))
		anc := b.node.Parent
		if b.node.DataAtom == atom.Div || b.node.DataAtom == atom.Section || b.node.DataAtom == atom.Article || b.node.DataAtom == atom.Main {
			// Text directly in a container: the container is a paragraph
			// of its own and a candidate too.
			anc = b.node
		}
		for level := 0; anc != nil && level < 5; level++ {
			if anc.Type != html.ElementNode || anc.DataAtom == atom.Html {
				break
			}
			s := a.stat(anc)
			if !s.scored {
				s.scored = true
				s.score = initScore(anc)
				cands = append(cands, anc)
			}
			div := 1.0
			switch {
			case level == 1:
				div = 2
			case level > 1:
				div = float64(level * 3)
			}
			s.score += score / div
			anc = anc.Parent
		}
	}
	if len(cands) == 0 {
		if body == nil {
			return nil
		}
		return []*html.Node{body}
	}
	for _, c := range cands {
		s := a.stats[c]
		s.score *= 1 - s.linkDensity()
	}
	sort.SliceStable(cands, func(i, j int) bool { return a.stats[cands[i]].score > a.stats[cands[j]].score })
	top := cands[0]
	topScore := a.stats[top].score

	// Several near-equal candidates under one ancestor: the ancestor is
	// the article (Readability's alternative candidates).
	var alts []*html.Node
	for _, c := range cands[1:min(len(cands), 5)] {
		if a.stats[c].score >= 0.75*topScore {
			alts = append(alts, c)
		}
	}
	if len(alts) >= 3 {
		for p := top.Parent; p != nil && p.DataAtom != atom.Body && p.Type == html.ElementNode; p = p.Parent {
			n := 0
			for _, alt := range alts {
				if isAncestor(p, alt) {
					n++
				}
			}
			if n >= 3 {
				top = p
				break
			}
		}
	}
	// Climb while the parent scores better.
	last := a.stats[top].score
	threshold := last / 3
	for p := top.Parent; p != nil && p.Type == html.ElementNode && p.DataAtom != atom.Body; p = p.Parent {
		s := a.stats[p]
		if s == nil || !s.scored {
			continue
		}
		if s.score < threshold {
			break
		}
		if s.score > last {
			top = p
			break
		}
		last = s.score
	}
	// An only child stands for its parent.
	for top.Parent != nil && top.Parent.Type == html.ElementNode && top.Parent.DataAtom != atom.Body && onlyElementChild(top) {
		top = top.Parent
	}
	if top.Parent == nil {
		return []*html.Node{top}
	}
	// Readability looks only five levels up, so an article whose
	// paragraphs sit in separate deep wrappers (page builders) loses to
	// one wrapper. Take the ancestor with the most net text instead when
	// it holds clearly more.
	if best := a.bestAncestor(top); best != top {
		return []*html.Node{best}
	}
	topS := a.stat(top)
	threshold = max(10, topS.score*0.2)
	topClass := attr(top, "class")
	var out []*html.Node
	for sib := top.Parent.FirstChild; sib != nil; sib = sib.NextSibling {
		if sib.Type != html.ElementNode {
			continue
		}
		if sib == top {
			out = append(out, sib)
			continue
		}
		s := a.stats[sib]
		if s == nil || s.junk {
			continue
		}
		bonus := 0.0
		if topClass != "" && attr(sib, "class") == topClass {
			bonus = topS.score * 0.2
		}
		if s.scored && s.score+bonus >= threshold {
			out = append(out, sib)
			continue
		}
		if sib.DataAtom == atom.P {
			ld := s.linkDensity()
			t := innerText(sib)
			if (len(t) > 80 && ld < 0.25) || (len(t) > 0 && len(t) <= 80 && ld == 0 && strings.Contains(t, ". ")) {
				out = append(out, sib)
			}
		}
	}
	return out
}

func onlyElementChild(n *html.Node) bool {
	for c := n.Parent.FirstChild; c != nil; c = c.NextSibling {
		if c != n && (c.Type == html.ElementNode && !skipAtom(c.DataAtom) || c.Type == html.TextNode && strings.TrimSpace(c.Data) != "") {
			return false
		}
	}
	return true
}

func isAncestor(anc, n *html.Node) bool {
	for p := n; p != nil; p = p.Parent {
		if p == anc {
			return true
		}
	}
	return false
}

// fishy is Readability's conditional cleaning: a container inside the
// content that looks like a link list, a gallery or a form rather than
// text.
func (a *analysis) fishy(n *html.Node) bool {
	s := a.stats[n]
	if s == nil {
		return false
	}
	if s.fishy != 0 {
		return s.fishy > 0
	}
	f := a.judge(n, s)
	if f {
		s.fishy = 1
	} else {
		s.fishy = -1
	}
	return f
}

func (a *analysis) judge(n *html.Node, s *nstat) bool {
	switch n.DataAtom {
	case atom.Div, atom.Section, atom.Ul, atom.Ol, atom.Table, atom.Form, atom.Fieldset, atom.Aside, atom.Dl, atom.Header:
	default:
		return false
	}
	// Readability also drops containers whose class sounds like
	// furniture; measured on the benchmark that costs more article text
	// (page builders call everything a widget) than it saves.
	weight := classWeight(classID(n))
	if s.commas >= 10 {
		return false
	}
	isList := n.DataAtom == atom.Ul || n.DataAtom == atom.Ol || n.DataAtom == atom.Dl
	ld := s.linkDensity()
	li := s.li
	if isList {
		li = 0
	}
	switch {
	case s.img > 1 && float64(s.p)/float64(s.img) < 0.5 && !inFigure(n) && s.text < 200:
		return true
	case !isList && li > s.p && s.text < 1000 && ld > 0.2:
		return true
	case s.input > s.p/3 && s.input > 0:
		return true
	case s.input > 0 && s.text < 600 && s.p <= 4 && findFirst(n, emailInput) != nil:
		// A box that asks for an email address around a few lines
		// of pitch ("Subscribe to our free daily newsletter"): a
		// signup form, not text.
		return true
	case !isList && s.text < 25 && (s.img == 0 || s.img > 2) && ld > 0:
		return true
	case !isList && weight < 25 && ld > 0.3:
		return true
	case weight >= 25 && ld > 0.5:
		return true
	case isList && ld > 0.6 && !a.outbound(n) && !introduced(n):
		return true
	case (s.embed == 1 && s.text < 75) || s.embed > 1:
		return true
	}
	return false
}

// outbound reports a list whose links mostly leave the site: sources,
// products or tools the article names ("Here is what changed:" and a list
// of pull requests). A list of links within the site is the site's own
// navigation or teasers.
func (a *analysis) outbound(n *html.Node) bool {
	if a.host == "" {
		return false
	}
	out, in := 0, 0
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			if c.DataAtom == atom.A {
				if h := linkHost(attr(c, "href")); h != "" && h != a.host {
					out++
				} else {
					in++
				}
				continue
			}
			walk(c)
		}
	}
	walk(n)
	return out > in
}

// introduced reports a list that a paragraph of the text announces ("Here
// are a few examples:"): the list continues the sentence.
func introduced(n *html.Node) bool {
	for p := n.PrevSibling; p != nil; p = p.PrevSibling {
		if p.Type == html.TextNode && strings.TrimSpace(p.Data) == "" {
			continue
		}
		if p.Type != html.ElementNode || p.DataAtom != atom.P {
			return false
		}
		t := strings.TrimSpace(innerText(p))
		return strings.HasSuffix(t, ":") || strings.HasSuffix(t, "：")
	}
	return false
}

// linkHost returns the lower-case host of an absolute link without a
// leading "www.", or "" for a relative link.
func linkHost(href string) string {
	href = strings.TrimSpace(href)
	i := strings.Index(href, "//")
	if i < 0 || i > 6 || strings.ContainsAny(href[:i], "/?#") {
		return ""
	}
	h := href[i+2:]
	if j := strings.IndexAny(h, "/?#:"); j >= 0 {
		h = h[:j]
	}
	return strings.TrimPrefix(strings.ToLower(h), "www.")
}

func inFigure(n *html.Node) bool {
	return ancestorOrSelf(n, func(p *html.Node) bool { return p.DataAtom == atom.Figure })
}

// markContent sets inContent on the blocks under the content elements
// that no fishy container or furniture hides.
func (a *analysis) markContent(content []*html.Node) {
	a.roots = content
	set := make(map[*html.Node]bool, len(content))
	for _, c := range content {
		set[c] = true
	}
	for i := range a.blocks {
		b := &a.blocks[i]
		if b.junk || b.node == nil {
			continue
		}
		in := false
		bad := false
		for p := b.node; p != nil; p = p.Parent {
			if set[p] {
				in = true
				break
			}
			if p != b.node || b.kind != 'p' {
				if a.fishy(p) {
					bad = true
				}
			} else if a.fishy(p) {
				bad = true
			}
		}
		b.inContent = in && !bad
	}
}

// markLead adds the lead of the article to the content: paragraphs
// between the headline and the first content block, where templates put
// the standfirst or the first paragraphs in a header or hero block apart
// from the body.
func (a *analysis) markLead() {
	first := -1
	for i := range a.blocks {
		if a.blocks[i].inContent {
			first = i
			break
		}
	}
	if first <= 0 {
		return
	}
	// Review and guide templates put crumbs, a byline, a contents list
	// and product boxes between the headline and the lead: look back
	// far enough to pass them.
	h1 := -1
	for i := first - 1; i >= 0 && i >= first-40; i-- {
		if n := a.blocks[i].node; n != nil && n.DataAtom == atom.H1 {
			h1 = i
			break
		}
	}
	if h1 < 0 {
		return
	}
	var lead []*block
	chars := 0
	for i := h1 + 1; i < first; i++ {
		b := &a.blocks[i]
		if b.junk || b.kind != 'p' || b.node == nil || b.node.DataAtom != atom.P {
			continue
		}
		if len(b.text) < 60 || b.links*10 >= len(b.text)*3 || strings.HasPrefix(b.text, "By ") {
			continue
		}
		if ci := classID(b.node); ci != "" && standfirstClass(ci) {
			continue
		}
		lead = append(lead, b)
		chars += len(b.text)
	}
	// One short line under the headline is a standfirst: a summary the
	// benchmark truth, like Readability, leaves out.
	if len(lead) == 1 && chars < 250 {
		return
	}
	for _, b := range lead {
		b.inContent = true
	}
}

// standfirstClass reports the class of a summary line under a headline
// ("article-dek", "standfirst", "post-excerpt"): a teaser of the article
// written for lists and shares, not its first paragraph.
func standfirstClass(ci string) bool {
	for _, w := range [...]string{"dek", "standfirst", "excerpt", "summary", "description", "subtitle", "byline"} {
		if strings.Contains(ci, w) {
			return true
		}
	}
	return false
}

// inRoots reports a node under one of the content elements.
func (a *analysis) inRoots(n *html.Node) bool {
	for _, r := range a.roots {
		if isAncestor(r, n) {
			return true
		}
	}
	return false
}

// textValue is what a block adds to the container holding it: its length
// when it is text, less when it is links (a link list costs twice its
// length), a little for a short line.
func textValue(b *block) float64 {
	l := float64(len(b.text))
	ld := 0.0
	if l > 0 {
		ld = float64(b.links) / l
	}
	v := l * (1 - 3*ld)
	if v > 0 && l < 30 && b.kind != 'h' {
		v *= 0.3
	}
	return v
}

// bestAncestor returns the ancestor of top (or top) with the largest net
// text value; on a tie the deeper one.
func (a *analysis) bestAncestor(top *html.Node) *html.Node {
	chain := []*html.Node{}
	idx := map[*html.Node]int{}
	for p := top; p != nil && p.Type == html.ElementNode && p.DataAtom != atom.Html; p = p.Parent {
		idx[p] = len(chain)
		chain = append(chain, p)
		if p.DataAtom == atom.Body {
			break
		}
	}
	if len(chain) == 0 {
		return top
	}
	vals := make([]float64, len(chain))
	for i := range a.blocks {
		b := &a.blocks[i]
		if b.junk || b.node == nil || b.kind == 'c' {
			continue
		}
		v := textValue(b)
		for p := b.node; p != nil; p = p.Parent {
			if j, ok := idx[p]; ok {
				// Every chain element from j up holds the block.
				for k := j; k < len(vals); k++ {
					vals[k] += v
				}
				break
			}
		}
	}
	best := 0
	for k := 1; k < len(vals); k++ {
		need := 1.3
		if chain[k].DataAtom == atom.Article {
			// The page's own mark of the article: a part of its text
			// outside the best block (a lead before the first ad) counts
			// at a lower share.
			need = 1.1
		}
		if vals[k] > vals[best]*need && vals[k]-vals[best] > 400 {
			best = k
		}
	}
	return chain[best]
}
