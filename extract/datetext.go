package extract

import (
	"slices"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

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
		if hinted && inTeaserLink(b.node) {
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

// inTeaserLink reports whether n is inside a link that also wraps a
// heading or an image: a teaser card of another article ("more
// columns"), whose date is that article's.
func inTeaserLink(n *html.Node) bool {
	for p, k := n, 0; p != nil && k < 4; p, k = p.Parent, k+1 {
		if p.DataAtom != atom.A {
			continue
		}
		return findFirst(p, func(c *html.Node) bool {
			switch c.DataAtom {
			case atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Img:
				return true
			}
			return false
		}) != nil
	}
	return false
}
