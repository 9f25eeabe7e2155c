package crawler

import (
	"bytes"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/newsarchive/newsarchive/internal/urlnorm"
)

// links returns the normalised absolute URLs of the <a href> links of an
// HTML page, in order, without duplicates, resolved against the page's
// <base href> if it has one, else against pageURL. Links marked
// rel=nofollow and links that are not http(s) are left out.
//
// It runs the HTML tokenizer rather than building a tree (colly's OnHTML
// builds a goquery document and resolves every link with a WHATWG parser,
// which cost more than the rest of a fetch on link-heavy news pages).
func links(body []byte, pageURL string) []string {
	base := pageURL
	baseSeen := false
	seen := map[string]bool{}
	var out []string
	z := html.NewTokenizer(bytes.NewReader(body))
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return out
		case html.StartTagToken, html.SelfClosingTagToken:
		default:
			continue
		}
		name, hasAttr := z.TagName()
		if !hasAttr {
			continue
		}
		a := atom.Lookup(name)
		if a != atom.A && a != atom.Base {
			continue
		}
		var href, rel string
		for {
			k, v, more := z.TagAttr()
			switch string(k) {
			case "href":
				href = string(v)
			case "rel":
				rel = string(v)
			}
			if !more {
				break
			}
		}
		href = strings.TrimSpace(href)
		if href == "" {
			continue
		}
		if a == atom.Base {
			// Only the first <base href> counts.
			if !baseSeen {
				baseSeen = true
				if b, err := urlnorm.Resolve(pageURL, href); err == nil {
					base = b
				}
			}
			continue
		}
		if href[0] == '#' || strings.Contains(strings.ToLower(rel), "nofollow") {
			continue
		}
		u, err := urlnorm.Resolve(base, href)
		if err != nil || seen[u] {
			continue
		}
		seen[u] = true
		out = append(out, u)
	}
}
