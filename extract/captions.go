package extract

import (
	"strings"

	"github.com/PuerkitoBio/goquery"

	"github.com/newsarchive/newsarchive"
	"github.com/newsarchive/newsarchive/internal/urlnorm"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// articleScope returns the element that holds the article around its
// content: the nearest <article> or <main> above the content, else the
// content's common parent.
func articleScope(content []*html.Node) *html.Node {
	if len(content) == 0 {
		return nil
	}
	c := content[0]
	for p := c; p != nil; p = p.Parent {
		if p.DataAtom == atom.Article || p.DataAtom == atom.Main || strings.EqualFold(attr(p, "itemprop"), "articleBody") {
			return p
		}
		if p.DataAtom == atom.Body {
			break
		}
	}
	if len(content) == 1 && c.Parent != nil && c.Parent.DataAtom != atom.Body {
		return c.Parent
	}
	return c.Parent
}

// captions returns each distinct caption of the article once, in page
// order: figcaption, wp-caption-text and similar elements inside the
// article scope; an image's alt text only for a figure without a caption.
func (a *analysis) captions(scope *html.Node, base string) []newsarchive.Caption {
	if scope == nil {
		return nil
	}
	var out []newsarchive.Caption
	seen := map[string]bool{}
	owners := map[*html.Node]bool{}
	add := func(text string, n *html.Node) {
		text = strings.TrimSpace(text)
		k := normKey(text)
		if k == "" || seen[k] {
			return
		}
		// A caption that only adds a credit to one we have is the same.
		for _, c := range out {
			if strings.HasPrefix(k, normKey(c.Text)) || strings.HasPrefix(normKey(c.Text), k) {
				return
			}
		}
		seen[k] = true
		out = append(out, newsarchive.Caption{Text: text, Image: captionImage(n, base)})
	}
	for i := range a.blocks {
		b := &a.blocks[i]
		if b.kind != 'c' || b.node == nil || !isAncestor(scope, b.node) || siteFurnitureCaption(a, b.node) {
			continue
		}
		owner := captionOwner(b.node)
		if owners[owner] {
			// The caption of one image in several parts (text + credit).
			last := &out[len(out)-1]
			if k := normKey(b.text); !seen[k] && !strings.Contains(normKey(last.Text), k) {
				seen[k] = true
				last.Text += " " + b.text
			}
			continue
		}
		owners[owner] = true
		add(b.text, b.node)
	}
	// Figures without a caption element: the alt text of the first image
	// stands in. A figure inside another figure belongs to the outer one.
	sel := a.doc.FindNodes(scope)
	figures := sel.FilterMatcher(figureMatcher)
	if figures.Length() == 0 {
		figures = sel.FindMatcher(figureMatcher).FilterFunction(func(_ int, f *goquery.Selection) bool {
			return !nestedFigure(f.Nodes[0], scope)
		})
	}
	figures.Each(func(_ int, f *goquery.Selection) {
		if findFirst(f.Nodes[0], isCaptionNode) != nil {
			return
		}
		if img := f.FindMatcher(imgMatcher); img.Length() > 0 {
			if alt := foldSpace(img.AttrOr("alt", "")); countRunes(alt) >= 20 {
				add(alt, img.Nodes[0])
			}
		}
	})
	return out
}

// nestedFigure reports a figure inside another figure below scope.
func nestedFigure(n, scope *html.Node) bool {
	for p := n.Parent; p != nil && p != scope; p = p.Parent {
		if p.DataAtom == atom.Figure {
			return true
		}
	}
	return false
}

func siteFurnitureCaption(a *analysis, n *html.Node) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if s := a.stats[p]; s != nil && s.junk && p.DataAtom != atom.Figure && !strings.Contains(classID(p), "caption") && !strings.Contains(classID(p), "media") && !strings.Contains(classID(p), "image") && !strings.Contains(classID(p), "photo") {
			return true
		}
	}
	return false
}

// captionOwner is the figure (or caption block's parent) a caption belongs to.
func captionOwner(n *html.Node) *html.Node {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.DataAtom == atom.Figure {
			return p
		}
	}
	if n.Parent != nil {
		return n.Parent
	}
	return n
}

// captionImage finds the image a caption belongs to.
func captionImage(n *html.Node, base string) string {
	if n.DataAtom == atom.Img {
		return imageURL(n, base)
	}
	for p, i := n.Parent, 0; p != nil && i < 3; p, i = p.Parent, i+1 {
		if img := findFirst(p, func(c *html.Node) bool { return c.DataAtom == atom.Img }); img != nil {
			return imageURL(img, base)
		}
		if p.DataAtom == atom.Figure {
			break
		}
	}
	return ""
}

func imageURL(img *html.Node, base string) string {
	src := ""
	for _, k := range [...]string{"data-src", "data-lazy-src", "data-original", "src"} {
		if v := strings.TrimSpace(attr(img, k)); v != "" && !strings.HasPrefix(v, "data:") {
			src = v
			break
		}
	}
	if src == "" {
		if ss := strings.TrimSpace(attr(img, "srcset")); ss != "" {
			src = strings.Fields(ss)[0]
		}
	}
	if src == "" {
		return ""
	}
	return resolve(base, src)
}

// resolve makes ref absolute against base; it returns ref as is when
// either does not parse.
func resolve(base, ref string) string {
	if u, err := urlnorm.Resolve(base, ref); err == nil {
		return u
	}
	return ref
}
