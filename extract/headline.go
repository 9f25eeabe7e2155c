package extract

import (
	"strings"

	"github.com/newsarchive/newsarchive/internal/urlnorm"
	"golang.org/x/net/html"
)

// titleSeparators split a page title into the headline and the site name.
var titleSeparators = [...]string{" | ", " - ", " – ", " — ", " :: ", " · ", " • ", " « ", " » ", " / ", " ~ "}

// headline picks the article's title: the page's <h1> when the metadata
// agrees with it, else the JSON-LD or Open Graph headline, else <title>,
// each without a " | Site Name" suffix.
func headline(m *meta, pageURL string, scope *html.Node) (string, *html.Node) {
	site := m.siteName()
	meta := []string{m.ldString("headline", false), m.first("og:title", "twitter:title", "headline", "dc.title", "parsely-title", "sailthru.title"), m.title}
	for _, h := range m.h1s {
		t := innerText(h)
		k := normKey(t)
		if len(k) < 4 {
			continue
		}
		for _, c := range meta {
			if c != "" && strings.Contains(normKey(c), k) {
				return t, h
			}
		}
	}
	for _, c := range meta {
		if c != "" {
			return stripSite(c, site, pageURL), nil
		}
	}
	// No metadata: the first h1 in the article, then any.
	for _, h := range m.h1s {
		if scope != nil && isAncestor(scope, h) {
			return innerText(h), h
		}
	}
	if len(m.h1s) > 0 {
		return innerText(m.h1s[0]), m.h1s[0]
	}
	return "", nil
}

// stripSite removes a site-name suffix (or prefix) from a title.
func stripSite(title, site, pageURL string) string {
	title = foldSpace(title)
	siteKey := normKey(site)
	hostKey := normKey(urlnorm.Host(pageURL))
	host := strings.ReplaceAll(hostKey, " ", "")
	isSite := func(k string) bool {
		return k != "" && (k == siteKey || siteKey != "" && strings.Contains(siteKey, k) ||
			strings.Contains(host, strings.ReplaceAll(k, " ", "")))
	}
	for range 3 {
		cut := false
		for _, sep := range titleSeparators {
			i := strings.LastIndex(title, sep)
			if i <= 0 {
				continue
			}
			head, tail := strings.TrimSpace(title[:i]), strings.TrimSpace(title[i+len(sep):])
			if isSite(normKey(tail)) && countRunes(head) >= 10 {
				title, cut = head, true
				break
			}
			// "Site | Headline"
			j := strings.Index(title, sep)
			first, rest := strings.TrimSpace(title[:j]), strings.TrimSpace(title[j+len(sep):])
			if isSite(normKey(first)) && countRunes(rest) >= 10 {
				title, cut = rest, true
				break
			}
			// An unknown short tail after a longer headline is a site name.
			if len(strings.Fields(tail)) <= 3 && len(strings.Fields(head)) >= 3 && countRunes(head) >= 10 && normKey(tail) != "" {
				title, cut = head, true
				break
			}
		}
		if !cut {
			break
		}
	}
	return title
}
