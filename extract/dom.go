package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// attr returns the value of the attribute key of n, or "".
func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// hasAttr reports whether n has the attribute key.
func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

// maxClassLen is how much of a class or id attribute is looked at.
const maxClassLen = 512

// classID returns the lower-cased class and id of n joined by a space.
func classID(n *html.Node) string {
	var c, id string
	for _, a := range n.Attr {
		switch a.Key {
		case "class":
			c = a.Val
		case "id":
			id = a.Val
		}
	}
	if c == "" && id == "" {
		return ""
	}
	// Real class lists are short; a megabyte attribute must not cost a
	// megabyte on every lookup.
	if len(c) > maxClassLen {
		c = c[:maxClassLen]
	}
	if len(id) > maxClassLen {
		id = id[:maxClassLen]
	}
	return strings.ToLower(c + " " + id)
}

func isBlockAtom(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Div, atom.Section, atom.Article, atom.Main, atom.Aside, atom.Header, atom.Footer,
		atom.Nav, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Ul, atom.Ol, atom.Li,
		atom.Dl, atom.Dt, atom.Dd, atom.Table, atom.Thead, atom.Tbody, atom.Tfoot, atom.Tr, atom.Td, atom.Th,
		atom.Blockquote, atom.Pre, atom.Figure, atom.Figcaption, atom.Form, atom.Fieldset, atom.Address,
		atom.Hr, atom.Center, atom.Details, atom.Summary, atom.Body, atom.Html, atom.Caption, atom.Noscript,
		atom.Picture, atom.Video, atom.Audio, atom.Iframe, atom.Object, atom.Embed, atom.Canvas, atom.Dialog,
		atom.Menu, atom.Legend, atom.Select, atom.Textarea, atom.Frameset, atom.Frame:
		return true
	}
	return false
}

// isHeading reports whether a is h1-h6.
func isHeading(a atom.Atom) bool {
	switch a {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		return true
	}
	return false
}

// skipAtom reports elements whose content is never visible text.
func skipAtom(a atom.Atom) bool {
	switch a {
	case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Svg, atom.Head,
		atom.Iframe, atom.Object, atom.Embed, atom.Canvas, atom.Select, atom.Option, atom.Textarea,
		atom.Button, atom.Input, atom.Video, atom.Audio, atom.Map, atom.Title:
		return true
	}
	return false
}

// textBuilder collects visible text with whitespace folded to single
// spaces.
type textBuilder struct {
	b     strings.Builder
	space bool // a space is pending
}

func (t *textBuilder) write(s string) {
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		s = s[size:]
		if r == '\u00a0' || r == '\u200b' || r == '\ufeff' || unicode.IsSpace(r) {
			if r == '\u200b' || r == '\ufeff' {
				continue
			}
			t.space = true
			continue
		}
		if t.space && t.b.Len() > 0 {
			t.b.WriteByte(' ')
		}
		t.space = false
		t.b.WriteRune(r)
	}
}

func (t *textBuilder) String() string { return t.b.String() }

// innerText returns the visible text of n with whitespace folded.
func innerText(n *html.Node) string {
	var t textBuilder
	appendText(&t, n)
	return t.String()
}

func appendText(t *textBuilder, n *html.Node) {
	switch n.Type {
	case html.TextNode:
		t.write(n.Data)
		return
	case html.ElementNode:
		if skipAtom(n.DataAtom) {
			return
		}
		if n.DataAtom == atom.Br || isBlockAtom(n.DataAtom) {
			t.space = true
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		appendText(t, c)
	}
	if n.Type == html.ElementNode && isBlockAtom(n.DataAtom) {
		t.space = true
	}
}

// foldSpace folds runs of white space to one space and trims the ends.
func foldSpace(s string) string {
	var t textBuilder
	t.write(s)
	return t.String()
}

// normKey is the comparison form of a text: lower case, letters and
// digits only, single spaces.
func normKey(s string) string {
	buf := make([]byte, 0, len(s))
	space := false
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
			case c >= 'A' && c <= 'Z':
				c += 'a' - 'A'
			default:
				space = true
				continue
			}
			if space && len(buf) > 0 {
				buf = append(buf, ' ')
			}
			space = false
			buf = append(buf, c)
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			space = true
			continue
		}
		if space && len(buf) > 0 {
			buf = append(buf, ' ')
		}
		space = false
		buf = utf8.AppendRune(buf, unicode.ToLower(r))
	}
	return string(buf)
}

// ancestorOrSelf walks from n up to the root, calling f until it returns
// true; it reports whether f did.
func ancestorOrSelf(n *html.Node, f func(*html.Node) bool) bool {
	for ; n != nil; n = n.Parent {
		if n.Type == html.ElementNode && f(n) {
			return true
		}
	}
	return false
}

// findFirst returns the first element in document order under n for which
// f is true.
func findFirst(n *html.Node, f func(*html.Node) bool) *html.Node {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode {
			if f(c) {
				return c
			}
			if r := findFirst(c, f); r != nil {
				return r
			}
		}
	}
	return nil
}

// countRunes counts the runes of s.
func countRunes(s string) int { return utf8.RuneCountInString(s) }
