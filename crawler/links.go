package crawler

import (
	"bytes"
	"html"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/newsarchive/newsarchive/internal/urlnorm"
)

// links returns the absolute URLs, cleaned (urlnorm.Clean: as they would
// be fetched, query kept), of the <a href> links of an
// HTML page, in order, without duplicates, resolved against the page's
// <base href> if it has one, else against pageURL. Links marked
// rel=nofollow and links that are not http(s) are left out; so is markup
// inside comments, <script>, <style>, <textarea> and <title>. A page whose
// <meta name="robots"> (or name="newsarchive") says nofollow or none has
// no links to follow.
//
// It is a scanner, not a parser: colly's OnHTML builds a goquery tree and
// resolves each link with a WHATWG parser, and even the x/net/html
// tokenizer cost more than the rest of a fetch on link-heavy news pages.
// links_test.go checks it against the tokenizer. cache, when not nil,
// remembers the cleaned form of links by the absolute URL they resolve
// to: they repeat on every page of a site (menus, teasers).
func links(body []byte, pageURL string, cache *linkCache) []string {
	base := pageURL
	baseSeen := false
	var origin, dir string
	if u, err := url.Parse(pageURL); err == nil {
		origin, dir = u.Scheme+"://"+u.Host, baseDir(u)
	}
	seen := map[string]bool{}
	var out []string
	nofollow := false
	scanTags(body, func(tag string, a attrs) {
		if tag == "meta" {
			if robotsNames[strings.ToLower(strings.TrimSpace(a.name))] && noFollow(a.content) {
				nofollow = true
			}
			return
		}
		href, rel := strings.TrimSpace(a.href), a.rel
		if href == "" {
			return
		}
		if tag == "base" {
			if !baseSeen { // only the first <base href> counts
				baseSeen = true
				if b, err := urlnorm.ResolveClean(pageURL, href); err == nil {
					base = b
					if u, err := url.Parse(b); err == nil {
						origin, dir = u.Scheme+"://"+u.Host, baseDir(u)
					}
				}
			}
			return
		}
		if href[0] == '#' || rel != "" && strings.Contains(strings.ToLower(rel), "nofollow") {
			return
		}
		var key string // the same for every page of the host
		switch {
		case strings.HasPrefix(href, "http://") || strings.HasPrefix(href, "https://"):
			key = href
		case href[0] == '/' && !strings.HasPrefix(href, "//"):
			key = origin + href
		case dir != "":
			key = relativeKey(dir, href)
		}
		u, ok := cache.get(key)
		if !ok {
			var err error
			if u, err = urlnorm.ResolveClean(base, href); err != nil {
				u = ""
			}
			cache.put(key, u)
		}
		if u == "" || seen[u] {
			return
		}
		seen[u] = true
		out = append(out, u)
	})
	if nofollow {
		return nil
	}
	return out
}

// robotsNames are the <meta name> values whose robots directives apply to
// this crawler.
var robotsNames = map[string]bool{"robots": true, "newsarchive": true}

// noFollow reports whether a robots directive list ("noindex, nofollow",
// "none") forbids following links.
func noFollow(directives string) bool {
	for _, d := range strings.Split(directives, ",") {
		switch strings.ToLower(strings.TrimSpace(d)) {
		case "nofollow", "none":
			return true
		}
	}
	return false
}

// headerNoFollow reports whether X-Robots-Tag headers forbid following
// links, for every crawler or for "newsarchive:".
func headerNoFollow(h http.Header) bool {
	for _, v := range h.Values("X-Robots-Tag") {
		agent, rest, found := strings.Cut(v, ":")
		if found && !strings.ContainsAny(agent, ",") {
			// "googlebot: nofollow" is for googlebot only.
			if !strings.EqualFold(strings.TrimSpace(agent), "newsarchive") {
				continue
			}
			v = rest
		}
		if noFollow(v) {
			return true
		}
	}
	return false
}

// scanTags calls fn for every <a>, <base> and <meta> start tag of an HTML
// document, with its attributes (entities decoded). Comments and the
// raw-text elements are skipped as a browser would.
func scanTags(b []byte, fn func(tag string, a attrs)) {
	for i := 0; ; {
		j := bytes.IndexByte(b[i:], '<')
		if j < 0 {
			return
		}
		i += j + 1
		rest := b[i:]
		if bytes.HasPrefix(rest, []byte("!--")) {
			k := bytes.Index(rest[3:], []byte("-->"))
			if k < 0 {
				return
			}
			i += 3 + k + 3
			continue
		}
		if len(rest) == 0 {
			return
		}
		// Only tags starting with these letters matter: "<a", "<base",
		// "<meta" and the raw-text ones.
		c := rest[0] | 0x20
		if c != 'a' && c != 'b' && c != 'm' && c != 's' && c != 't' {
			continue
		}
		for _, raw := range rawTextTags {
			if raw[0] == c && isTag(rest, raw) {
				k := indexCloseTag(rest, raw)
				if k < 0 {
					return
				}
				i += k
				rest = nil
				break
			}
		}
		if rest == nil {
			continue
		}
		var tag string
		switch {
		case isTag(rest, "a"):
			tag = "a"
		case isTag(rest, "base"):
			tag = "base"
		case isTag(rest, "meta"):
			tag = "meta"
		default:
			continue
		}
		a, n := tagAttrs(rest[len(tag):])
		i += len(tag) + n
		fn(tag, a)
	}
}

var rawTextTags = []string{"script", "style", "textarea", "title"}

// isTag reports whether b (just after '<') starts the start tag name.
func isTag(b []byte, name string) bool {
	if len(b) <= len(name) || !bytes.EqualFold(b[:len(name)], []byte(name)) {
		return false
	}
	switch b[len(name)] {
	case ' ', '\t', '\n', '\r', '\f', '>', '/':
		return true
	}
	return false
}

// indexCloseTag returns the offset just past "</name" in b, or -1.
func indexCloseTag(b []byte, name string) int {
	for i := 0; ; {
		k := bytes.Index(b[i:], []byte("</"))
		if k < 0 {
			return -1
		}
		i += k + 2
		if len(b)-i >= len(name) && bytes.EqualFold(b[i:i+len(name)], []byte(name)) {
			return i + len(name)
		}
	}
}

// attrs are the attributes scanTags reports (the first of each name).
type attrs struct {
	href, rel, name, content string
}

// tagAttrs reads the attributes of a tag up to its '>', returning the ones
// of attrs and the bytes consumed.
func tagAttrs(b []byte) (a attrs, n int) {
	i := 0
	space := func() {
		for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r' || b[i] == '\f' || b[i] == '/') {
			i++
		}
	}
	for {
		space()
		if i >= len(b) {
			return a, i
		}
		if b[i] == '>' {
			return a, i + 1
		}
		start := i
		for i < len(b) && b[i] != '=' && b[i] != '>' && b[i] != ' ' && b[i] != '\t' && b[i] != '\n' && b[i] != '\r' && b[i] != '\f' && b[i] != '/' {
			i++
		}
		name := b[start:i]
		if i == start { // a stray '=': skip it
			i++
			continue
		}
		for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r' || b[i] == '\f') {
			i++
		}
		var val []byte
		if i < len(b) && b[i] == '=' {
			i++
			for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r' || b[i] == '\f') {
				i++
			}
			if i < len(b) && (b[i] == '"' || b[i] == '\'') {
				q := b[i]
				k := bytes.IndexByte(b[i+1:], q)
				if k < 0 {
					return a, len(b)
				}
				val = b[i+1 : i+1+k]
				i += k + 2
			} else {
				s := i
				for i < len(b) && b[i] != '>' && b[i] != ' ' && b[i] != '\t' && b[i] != '\n' && b[i] != '\r' && b[i] != '\f' {
					i++
				}
				val = b[s:i]
			}
		}
		switch {
		case a.href == "" && bytes.EqualFold(name, []byte("href")):
			a.href = attrValue(val)
		case a.rel == "" && bytes.EqualFold(name, []byte("rel")):
			a.rel = attrValue(val)
		case a.name == "" && bytes.EqualFold(name, []byte("name")):
			a.name = attrValue(val)
		case a.content == "" && bytes.EqualFold(name, []byte("content")):
			a.content = attrValue(val)
		}
	}
}

func attrValue(v []byte) string {
	if bytes.IndexByte(v, '&') >= 0 {
		return html.UnescapeString(string(v))
	}
	return string(v)
}

// baseDir is the scheme, host and directory of a base URL ("http://h/a/"
// for "http://h/a/b.html?q"), which a relative-path link is merged with;
// "" when the base is not an absolute http(s) URL.
func baseDir(u *url.URL) string {
	if u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return ""
	}
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	}
	return u.Scheme + "://" + u.Host + p[:strings.LastIndexByte(p, '/')+1]
}

// relativeKey returns the absolute URL a relative-path link ("x.html",
// "../world/y.html?p=2#top") resolves to against a base directory (see
// baseDir), without its fragment: dir and href merged and their dot
// segments removed, as RFC 3986 §5.2 and net/url resolve them. It is a
// linkCache key, so the many pages of a site that link to one page
// through different relative paths share one entry. It is "" (no key)
// when href holds a character whose handling net/url might change (an
// escape, a colon, a backslash, a space), so a key never stands for two
// different resolutions.
func relativeKey(dir, href string) string {
	if dir == "" || href == "" || href[0] == '/' || href[0] == '?' || href[0] == '#' {
		return ""
	}
	for i := 0; i < len(href); i++ {
		if !relativeSafe[href[i]] {
			return ""
		}
	}
	if k := strings.IndexByte(href, '#'); k >= 0 {
		href = href[:k]
	}
	path, query, hasQuery := strings.Cut(href, "?")
	// The path starts after "scheme://host", at the first '/' of dir.
	at := strings.Index(dir, "://") + 3
	at += strings.IndexByte(dir[at:], '/')
	joined := dir + path
	if strings.Contains(joined[at:], "//") {
		return "" // empty segments: net/url's dot removal has its own ways with them
	}
	if p := joined[at:]; strings.Contains(p, "/./") || strings.Contains(p, "/../") ||
		strings.HasSuffix(p, "/.") || strings.HasSuffix(p, "/..") {
		joined = dir[:at] + removeDots(p)
	}
	if hasQuery {
		joined += "?" + query
	}
	return joined
}

// relativeSafe are the bytes relativeKey accepts in a link: unreserved
// and sub-delimiter characters, '/', '?', '#', '=' and '@'.
var relativeSafe = func() (t [256]bool) {
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = true, true
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for _, c := range "-._~!$&'()*+,;=/?#@" {
		t[c] = true
	}
	return t
}()

// removeDots removes the "." and ".." segments of an absolute path as
// RFC 3986 §5.2.4 does: "/a/b/../c/./d" is "/a/c/d", and a path ending in
// a dot segment ends in '/'.
func removeDots(p string) string {
	segs := strings.Split(strings.TrimPrefix(p, "/"), "/")
	out := segs[:0]
	for i, s := range segs {
		last := i == len(segs)-1
		switch s {
		case ".":
		case "..":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		default:
			out = append(out, s)
			continue
		}
		if last {
			out = append(out, "")
		}
	}
	return "/" + strings.Join(out, "/")
}

// linkCache maps links that resolve the same on every page of a host to
// their cleaned form. It is bounded: when full, it starts over.
type linkCache struct {
	mu sync.Mutex
	m  map[string]string
}

// linkCacheSize bounds the cache. The links that repeat (menus, section
// and tag pages, teasers) are a few hundred per site; the rest, each
// article's own, pass through once. 65,536 entries held 10-15 MB of one-off
// article URLs in a 100,000-page crawl, a tenth of its peak RSS.
const linkCacheSize = 1 << 13

func (c *linkCache) get(key string) (string, bool) {
	if c == nil || key == "" {
		return "", false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	u, ok := c.m[key]
	return u, ok
}

func (c *linkCache) put(key, u string) {
	if c == nil || key == "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= linkCacheSize {
		c.m = make(map[string]string, 1024)
	}
	c.m[key] = u
}
