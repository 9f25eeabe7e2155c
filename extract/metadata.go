package extract

import (
	"strings"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// meta is what one walk over the document collects for the metadata
// cascade.
type meta struct {
	// doc is the document the metadata was read from.
	doc       *goquery.Document
	lang      string
	title     string
	canonical string
	// tags maps a lower-cased meta name, property, http-equiv or itemprop
	// to its values in document order.
	tags map[string][]string
	// ld holds the JSON-LD objects of article types (NewsArticle, Article,
	// BlogPosting...), and ldOther the other typed objects (WebPage...).
	ld      []map[string]any
	ldOther []map[string]any
	// itemprops are the elements carrying itemprop attributes that matter
	// (datePublished, dateModified, author, headline, articleBody).
	itemprops map[string][]*html.Node
	h1s       []*html.Node
	times     []*html.Node
	// relAuthor are the texts of rel=author links.
	relAuthor []string
	// ldScripts counts the JSON-LD scripts seen (parsed or not).
	ldScripts int
	// scriptDates are "datePublished" values found in other scripts
	// (state objects of script-rendered pages).
	scriptDates []string
}

// metaSelector names every element the metadata cascade reads: the
// document language, the title, meta tags, rel=canonical, JSON-LD and
// other scripts, headings, <time>, rel=author links, RDFa
// (property+content on any element) and microdata (itemprop). It is one
// selector group, so the document is traversed once and the matches come
// in document order, which the cascade relies on (the first value wins).
const metaSelector = `html, title, meta, link[rel], script, h1, time, a[rel], [property][content], [itemprop]`

// collectMeta gathers the metadata of the document.
func collectMeta(doc *goquery.Document) *meta {
	m := &meta{doc: doc, tags: make(map[string][]string, 32), itemprops: map[string][]*html.Node{}}
	for _, n := range doc.FindMatcher(metaMatcher).Nodes {
		if inTemplate(n) {
			// Inert markup, not part of the page.
			continue
		}
		switch n.DataAtom {
		case atom.Html:
			if l := attr(n, "lang"); l != "" {
				m.lang = l
			} else if l := attr(n, "xml:lang"); l != "" {
				m.lang = l
			}
		case atom.Title:
			if m.title == "" {
				m.title = innerTextRaw(n)
			}
		case atom.Meta:
			content, ok := metaContent(n)
			if ok {
				for _, k := range [...]string{"name", "property", "http-equiv", "itemprop"} {
					if v := attr(n, k); v != "" {
						for _, key := range strings.Fields(strings.ToLower(v)) {
							m.tags[key] = append(m.tags[key], content)
						}
					}
				}
				if strings.Contains(content, `"datePublished"`) {
					// JSON-LD written into a meta tag's content.
					m.scriptDates = append(m.scriptDates, scriptValues(content, "datePublished", 1)...)
				}
			}
		case atom.Link:
			rel := strings.ToLower(attr(n, "rel"))
			if m.canonical == "" && hasToken(rel, "canonical") {
				m.canonical = strings.TrimSpace(attr(n, "href"))
			}
		case atom.Script:
			t := strings.ToLower(strings.TrimSpace(attr(n, "type")))
			if n.FirstChild == nil {
				continue
			}
			src := n.FirstChild.Data
			if t == "application/ld+json" || (t == "" || strings.Contains(t, "json")) && strings.Contains(src[:min(len(src), 200)], "@context") {
				m.ldScripts++
				parseJSONLD(src, m)
			} else if strings.Contains(src, "datePublished") {
				m.scriptDates = append(m.scriptDates, scriptValues(src, "datePublished", 3)...)
			}
			continue
		case atom.Style, atom.Template:
			continue
		case atom.H1:
			m.h1s = append(m.h1s, n)
		case atom.Time:
			m.times = append(m.times, n)
		case atom.A:
			if hasToken(strings.ToLower(attr(n, "rel")), "author") {
				if t := innerText(n); t != "" {
					m.relAuthor = append(m.relAuthor, t)
				}
			}
		}
		if n.DataAtom != atom.Meta && n.DataAtom != atom.Link {
			// RDFa on any element: <span property="schema:dateCreated" content="…">.
			if prop := attr(n, "property"); prop != "" {
				if content := attr(n, "content"); content != "" {
					for _, key := range strings.Fields(strings.ToLower(prop)) {
						m.tags[key] = append(m.tags[key], strings.TrimSpace(content))
					}
				}
			}
		}
		if ip := attr(n, "itemprop"); ip != "" && n.DataAtom != atom.Meta {
			for _, k := range strings.Fields(strings.ToLower(ip)) {
				switch k {
				case "datepublished", "datemodified", "author", "headline", "articlebody", "name", "datecreated":
					m.itemprops[k] = append(m.itemprops[k], n)
				}
			}
		}
	}
	return m
}

// inTemplate reports a node inside a <template> (or a <style> or <script>,
// which cannot hold elements but are skipped alike).
func inTemplate(n *html.Node) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Type == html.ElementNode && (p.DataAtom == atom.Template || p.DataAtom == atom.Style || p.DataAtom == atom.Script) {
			return true
		}
	}
	return false
}

// innerTextRaw is innerText without skipping the title element.
func innerTextRaw(n *html.Node) string {
	var t textBuilder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode {
			t.write(c.Data)
		}
	}
	return t.String()
}

func metaContent(n *html.Node) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == "content" {
			return strings.TrimSpace(a.Val), true
		}
	}
	if v := attr(n, "datetime"); v != "" {
		return strings.TrimSpace(v), true
	}
	return "", false
}

func hasToken(list, tok string) bool {
	for _, f := range strings.Fields(list) {
		if f == tok {
			return true
		}
	}
	return false
}

// first returns the first non-empty value among the meta keys.
func (m *meta) first(keys ...string) string {
	for _, k := range keys {
		for _, v := range m.tags[k] {
			if v = foldSpace(v); v != "" {
				return v
			}
		}
	}
	return ""
}

// ldString returns the first non-empty string value of key among the
// article JSON-LD objects (then the other objects when other is true).
func (m *meta) ldString(key string, other bool) string {
	for _, o := range m.ld {
		if s := jsonString(o[key]); s != "" {
			return s
		}
	}
	if other {
		for _, o := range m.ldOther {
			if s := jsonString(o[key]); s != "" {
				return s
			}
		}
	}
	return ""
}

// language returns the page language as a BCP 47-like tag.
func (m *meta) language() string {
	l := m.lang
	if l == "" {
		l = m.ldString("inLanguage", true)
	}
	if l == "" {
		l = m.first("content-language", "dc.language", "language", "og:locale")
	}
	l = strings.TrimSpace(strings.ReplaceAll(l, "_", "-"))
	if i := strings.IndexAny(l, ",; "); i >= 0 {
		l = l[:i]
	}
	return l
}

// description returns the page's summary.
func (m *meta) description() string {
	if d := m.first("description", "og:description", "twitter:description", "dc.description"); d != "" {
		return d
	}
	return m.ldString("description", false)
}

// image returns the lead image URL (unresolved).
func (m *meta) image() string {
	if i := m.first("og:image", "og:image:url", "og:image:secure_url", "twitter:image", "twitter:image:src"); i != "" {
		return i
	}
	for _, o := range m.ld {
		if s := jsonImage(o["image"]); s != "" {
			return s
		}
	}
	return ""
}

// section returns the article's section.
func (m *meta) section() string {
	for _, o := range m.ld {
		switch v := o["articleSection"].(type) {
		case string:
			if s := foldSpace(v); s != "" {
				return s
			}
		case []any:
			for _, e := range v {
				if s, ok := e.(string); ok && foldSpace(s) != "" {
					return foldSpace(s)
				}
			}
		}
	}
	return m.first("article:section", "section", "parsely-section", "sailthru.section", "article.section", "category")
}

// siteName returns the name of the site, used to strip it from titles.
func (m *meta) siteName() string {
	if s := m.first("og:site_name", "application-name", "apple-mobile-web-app-title", "al:android:app_name"); s != "" {
		return s
	}
	for _, o := range m.ld {
		if p, ok := o["publisher"].(map[string]any); ok {
			if s := jsonString(p["name"]); s != "" {
				return s
			}
		}
	}
	return ""
}

// authors returns the author names from JSON-LD, meta tags, itemprop and
// rel=author links, first source that has any.
func (m *meta) authors() []string {
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		s = cleanAuthor(s)
		k := strings.ToLower(s)
		if s == "" || seen[k] {
			return
		}
		seen[k] = true
		out = append(out, s)
	}
	for _, o := range m.ld {
		for _, a := range jsonNames(o["author"]) {
			add(a)
		}
		if len(out) > 0 {
			return out
		}
	}
	for _, k := range [...]string{"author", "article:author", "dc.creator", "parsely-author", "sailthru.author", "byl", "dcterms.creator"} {
		for _, v := range m.tags[k] {
			if strings.HasPrefix(v, "http://") || strings.HasPrefix(v, "https://") {
				continue
			}
			for _, part := range splitAuthors(v) {
				add(part)
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	for _, n := range m.itemprops["author"] {
		// <span itemprop="author"><span itemprop="name">…</span></span>
		name := n
		if nn := m.doc.FindNodes(n).FindMatcher(itemNameMatcher); nn.Length() > 0 {
			name = nn.Nodes[0]
		}
		v := innerText(name)
		if v == "" {
			v = attr(name, "content")
		}
		if countRunes(v) < 60 {
			add(v)
		}
	}
	if len(out) > 0 {
		return out
	}
	for _, v := range m.relAuthor {
		if countRunes(v) < 60 {
			add(v)
		}
	}
	return out
}

// cleanAuthor strips "By" and trailing roles from a byline name.
func cleanAuthor(s string) string {
	s = foldSpace(s)
	low := strings.ToLower(s)
	for _, p := range [...]string{"by ", "von ", "par ", "por ", "di ", "door ", "av ", "from "} {
		if strings.HasPrefix(low, p) {
			s = strings.TrimSpace(s[len(p):])
			break
		}
	}
	s = strings.Trim(s, " ,;|-–—·")
	if countRunes(s) > 80 || strings.Contains(s, "://") {
		return ""
	}
	return s
}

// splitAuthors splits "A, B and C" into names.
func splitAuthors(s string) []string {
	s = strings.ReplaceAll(s, " and ", ",")
	s = strings.ReplaceAll(s, " & ", ",")
	s = strings.ReplaceAll(s, " und ", ",")
	s = strings.ReplaceAll(s, " et ", ",")
	s = strings.ReplaceAll(s, ";", ",")
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// scriptValues finds up to max string values of a JSON key in script text
// without parsing it: "key": "value" or \"key\":\"value\".
func scriptValues(src, key string, max int) []string {
	var out []string
	for len(out) < max {
		i := strings.Index(src, key)
		if i < 0 {
			break
		}
		src = src[i+len(key):]
		j := 0
		for j < len(src) && j < 8 && (src[j] == '"' || src[j] == '\\' || src[j] == ':' || src[j] == ' ') {
			j++
		}
		if j == 0 || j >= len(src) {
			continue
		}
		k := j
		for k < len(src) && k-j < 40 && src[k] != '"' && src[k] != '\\' {
			k++
		}
		if v := src[j:k]; len(v) >= 8 {
			out = append(out, v)
		}
	}
	return out
}
