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
		if b.node == nil || len(b.text) > 60 {
			continue
		}
		kind := a.labelKind(normKey(strings.TrimRight(b.text, ":")))
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
		links := collectLinks(nodes, label, base)
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
	if b.kind != 'p' || b.links == 0 || len(b.text) > 200 {
		return newsarchive.RelatedBlock{}, false
	}
	i := strings.IndexAny(b.text, ":：")
	if i <= 0 || i > 30 {
		return newsarchive.RelatedBlock{}, false
	}
	if a.labelKind(normKey(b.text[:i])) != 'r' || b.links*2 < len(b.text)-i {
		return newsarchive.RelatedBlock{}, false
	}
	links := collectLinks([]*html.Node{b.node}, nil, base)
	if len(links) == 0 {
		return newsarchive.RelatedBlock{}, false
	}
	return newsarchive.RelatedBlock{Label: strings.TrimSpace(b.text[:i]), Links: links}, true
}

// collectLinks returns the distinct links under nodes (skipping the label),
// resolved against base.
func collectLinks(nodes []*html.Node, label *html.Node, base string) []newsarchive.Link {
	var out []newsarchive.Link
	seen := map[string]bool{}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n == label && n.DataAtom != atom.A {
			return
		}
		if n.Type == html.ElementNode && n.DataAtom == atom.A {
			href := strings.TrimSpace(attr(n, "href"))
			title := innerText(n)
			if title == "" {
				title = foldSpace(attr(n, "title"))
			}
			if href == "" || title == "" || strings.HasPrefix(href, "#") || strings.HasPrefix(strings.ToLower(href), "javascript:") || strings.HasPrefix(strings.ToLower(href), "mailto:") {
				return
			}
			u, err := urlnorm.Resolve(base, href)
			if err != nil {
				return
			}
			if seen[u] {
				return
			}
			seen[u] = true
			out = append(out, newsarchive.Link{Title: title, URL: u})
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	return out
}
