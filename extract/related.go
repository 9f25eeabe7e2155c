package extract

import (
	"strings"

	"github.com/newsarchive/newsarchive"
	"github.com/newsarchive/newsarchive/internal/urlnorm"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// findLabelled finds the labelled link blocks of the page: teaser lists
// are marked as furniture; related blocks are returned and marked too, so
// neither reaches the body.
func (a *analysis) findLabelled(base string) []newsarchive.RelatedBlock {
	var related []newsarchive.RelatedBlock
	var junk []*html.Node
	seen := map[*html.Node]bool{}
	for i := range a.blocks {
		b := &a.blocks[i]
		if b.node == nil || len(b.text) > 200 {
			continue
		}
		kind := byte(0)
		if len(b.text) <= 60 {
			kind = a.labelKind(normKey(strings.TrimRight(b.text, ":")))
		}
		if kind == 0 {
			// "See also: <a>…</a>" written inside a paragraph.
			if rb, ok := a.inlineRelated(b, base); ok && !seen[b.node] {
				seen[b.node] = true
				related = append(related, rb)
				junk = append(junk, b.node)
			}
			continue
		}
		label := b.node
		if seen[label] {
			continue
		}
		if label.DataAtom == atom.A || ancestorOrSelf(label, func(p *html.Node) bool { return p.DataAtom == atom.Nav }) {
			continue
		}
		var nodes []*html.Node
		if s := a.stats[label]; s != nil && s.text > nonSpaceLen(b.text)+20 && s.text < 3000 && s.linkDensity() > 0.4 &&
			label.DataAtom != atom.Main && label.DataAtom != atom.Article && label.DataAtom != atom.Body {
			// The label is loose text in the block that holds the
			// list ("<aside><span>Related</span><ul>…</ul></aside>").
			nodes = []*html.Node{label}
		} else if label.DataAtom == atom.Main || label.DataAtom == atom.Article || label.DataAtom == atom.Body ||
			a.stats[label] != nil && a.stats[label].text > 3000 {
			// Loose label text in a big container: the list it heads
			// cannot be told apart from the rest.
			continue
		} else if sect, ok := a.labelSection(label, func(p *html.Node) bool {
			return p.DataAtom == atom.Article || p.DataAtom == atom.Main || strings.EqualFold(attr(p, "itemprop"), "articleBody")
		}); ok {
			nodes = []*html.Node{sect}
		} else {
			nodes = append([]*html.Node{label}, a.followingUntilHeading(label)...)
		}
		for _, n := range nodes {
			seen[n] = true
		}
		if kind == 't' {
			junk = append(junk, nodes...)
			continue
		}
		links := a.collectLinks(nodes, label, base)
		if len(links) == 0 {
			continue
		}
		junk = append(junk, nodes...)
		if siteFurniture(label) && !ancestorOrSelf(label, func(p *html.Node) bool { return strings.Contains(classID(p), "related") }) {
			continue
		}
		related = append(related, newsarchive.RelatedBlock{Label: strings.TrimRight(strings.TrimSpace(b.text), ":"), Links: links})
	}
	a.markJunk(junk...)
	return related
}

// inlineRelated reads a short paragraph such as "See also: Title" whose
// rest is links.
func (a *analysis) inlineRelated(b *block, base string) (newsarchive.RelatedBlock, bool) {
	if b.kind != 'p' && b.kind != 'h' || b.links == 0 || len(b.text) > 200 {
		return newsarchive.RelatedBlock{}, false
	}
	i := strings.IndexAny(b.text, ":：")
	if i <= 0 || i > 30 {
		return newsarchive.RelatedBlock{}, false
	}
	if a.labelKind(normKey(b.text[:i])) != 'r' || b.links*2 < len(b.text)-i {
		return newsarchive.RelatedBlock{}, false
	}
	links := a.collectLinks([]*html.Node{b.node}, nil, base)
	if len(links) == 0 {
		return newsarchive.RelatedBlock{}, false
	}
	return newsarchive.RelatedBlock{Label: strings.TrimSpace(b.text[:i]), Links: links}, true
}

// collectLinks returns the distinct links in nodes (an <a> among them or
// under them), resolved against base, in page order. The label's own
// subtree is skipped unless the label is itself the link.
func (a *analysis) collectLinks(nodes []*html.Node, label *html.Node, base string) []newsarchive.Link {
	var out []newsarchive.Link
	seen := map[string]bool{}
	add := func(n *html.Node) {
		href := strings.TrimSpace(attr(n, "href"))
		title := innerText(n)
		if title == "" {
			title = foldSpace(attr(n, "title"))
		}
		if href == "" || title == "" || strings.HasPrefix(href, "#") || strings.HasPrefix(strings.ToLower(href), "javascript:") || strings.HasPrefix(strings.ToLower(href), "mailto:") {
			return
		}
		u, err := urlnorm.Resolve(base, href)
		if err != nil || seen[u] {
			return
		}
		seen[u] = true
		out = append(out, newsarchive.Link{Title: title, URL: u})
	}
	for _, n := range nodes {
		if n.DataAtom == atom.A {
			add(n)
			continue
		}
		if n == label {
			continue
		}
		for _, l := range a.doc.FindNodes(n).FindMatcher(linkMatcher).Nodes {
			if label != nil && isAncestor(label, l) || nestedLink(l, n) {
				continue
			}
			add(l)
		}
	}
	return out
}

// nestedLink reports a link inside another link below top (a link's own
// links are its text, not links of the block).
func nestedLink(n, top *html.Node) bool {
	for p := n.Parent; p != nil && p != top; p = p.Parent {
		if p.DataAtom == atom.A {
			return true
		}
	}
	return false
}
