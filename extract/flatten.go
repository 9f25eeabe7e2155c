package extract

import (
	"strings"

	"golang.org/x/net/html"
)

// maxDepth is how deep flatten lets elements nest.
const maxDepth = 200

// flatten rewrites a document so that no element nests deeper than max:
// start and end tags below that depth are dropped, their text kept. It is
// the fallback for pathological pages the HTML parser refuses.
func flatten(src string, max int) string {
	z := html.NewTokenizer(strings.NewReader(src))
	var b strings.Builder
	b.Grow(len(src))
	depth := 0
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return b.String()
		case html.StartTagToken:
			raw := string(z.Raw())
			name, _ := z.TagName()
			if isVoid(string(name)) {
				b.WriteString(raw)
				continue
			}
			depth++
			if depth <= max {
				b.WriteString(raw)
			}
			continue
		case html.EndTagToken:
			depth--
			if depth >= max {
				continue
			}
			if depth < 0 {
				depth = 0
			}
		}
		b.Write(z.Raw())
	}
}

func isVoid(name string) bool {
	switch name {
	case "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr", "param", "keygen":
		return true
	}
	return false
}
