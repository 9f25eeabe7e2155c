package crawler

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/newsarchive/newsarchive/fixtures"
	"github.com/newsarchive/newsarchive/internal/urlnorm"
)

func TestLinks(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		want       []string
	}{
		{"relative and absolute", `<a href="/a">x</a><a href='b?utm_source=x'>y</a><a href="https://other.example/c#frag">z</a>`,
			[]string{"http://s.example/a", "http://s.example/dir/b?utm_source=x", "https://other.example/c"}},
		// A tracking-parameter link is another URL: fetched as linked, so
		// the archive records it as an alias of the article.
		{"duplicates once, queries kept", `<a href="/a">1</a><a href="/a#top">2</a><a href="/a?utm_medium=m">3</a>`,
			[]string{"http://s.example/a", "http://s.example/a?utm_medium=m"}},
		{"skipped", `<a href="#top">t</a><a href="mailto:x@y">m</a><a href="javascript:void(0)">j</a><a href="/n" rel="nofollow noopener">n</a><a>none</a><a href="  ">blank</a>`,
			nil},
		{"base href", `<head><base href="https://cdn.example/root/"><base href="/ignored/"></head><a href="x">x</a>`,
			[]string{"https://cdn.example/root/x"}},
		{"uppercase tags, entities", `<A HREF="/p?a=1&amp;b=2">p</A>`, []string{"http://s.example/p?a=1&b=2"}},
		{"links in scripts are not links", `<script>var s = '<a href="/fake">';</script><a href="/real">r</a>`,
			[]string{"http://s.example/real"}},
		{"comments and raw text", `<!-- <a href="/c"> --><style>a[href="/s"]{}</style><title><a href="/t"></title><textarea><a href="/ta"></textarea><a href="/ok">`,
			[]string{"http://s.example/ok"}},
		{"attributes", `<a data-x="1>2" rel = 'alternate' href = "/q" >x</a><a id=x href=/u>u</a><a hreflang="en" href="/v">v</a><a/href="/w">`,
			[]string{"http://s.example/q", "http://s.example/u", "http://s.example/v", "http://s.example/w"}},
		{"meta robots nofollow", `<meta name="robots" content="noindex, nofollow"><a href="/x">x</a>`, nil},
		{"meta robots none", `<META NAME=ROBOTS CONTENT=none><a href="/x">x</a>`, nil},
		{"meta newsarchive nofollow", `<meta name="newsarchive" content="nofollow"><a href="/x">x</a>`, nil},
		{"meta for another bot", `<meta name="googlebot" content="nofollow"><meta name="robots" content="noarchive"><a href="/x">x</a>`,
			[]string{"http://s.example/x"}},
		{"broken HTML", "<a href=\"/x\xff\"><a href=/y><p><a href=\"/z", []string{"http://s.example/x%FF", "http://s.example/y"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := links([]byte(tc.body), "http://s.example/dir/page", nil)
			if !slices.Equal(got, tc.want) {
				t.Errorf("links = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestHeaderNoFollow(t *testing.T) {
	for _, tc := range []struct {
		values []string
		want   bool
	}{
		{nil, false},
		{[]string{"noindex"}, false},
		{[]string{"noindex, nofollow"}, true},
		{[]string{"none"}, true},
		{[]string{"googlebot: nofollow"}, false},
		{[]string{"newsarchive: nofollow"}, true},
		{[]string{"noarchive", "NoFollow"}, true},
		{[]string{"unavailable_after: 25 Jun 2010 15:00:00 PST"}, false},
	} {
		h := http.Header{}
		for _, v := range tc.values {
			h.Add("X-Robots-Tag", v)
		}
		if got := headerNoFollow(h); got != tc.want {
			t.Errorf("X-Robots-Tag %q: nofollow %v, want %v", tc.values, got, tc.want)
		}
	}
}

func FuzzLinks(f *testing.F) {
	f.Add([]byte(`<base href="/b/"><a href="x">x</a><a href="http://[::1]:80/">v6</a>`))
	f.Fuzz(func(t *testing.T, body []byte) {
		got := links(body, "http://s.example/", nil)
		for _, u := range got {
			if u == "" {
				t.Errorf("empty link")
			}
		}
		if cached := links(body, "http://s.example/", &linkCache{}); !slices.Equal(cached, got) {
			t.Errorf("with a cache %q, without %q", cached, got)
		}
	})
}

// tokenizerLinks is links done with the x/net/html tokenizer: the oracle
// that the scanner is checked against.
func tokenizerLinks(body []byte, pageURL string) []string {
	base, baseSeen := pageURL, false
	seen := map[string]bool{}
	var out []string
	nofollow := false
	z := html.NewTokenizer(bytes.NewReader(body))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			if nofollow {
				return nil
			}
			return out
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		name, hasAttr := z.TagName()
		a := atom.Lookup(name)
		if hasAttr && a == atom.Meta {
			var mname, content string
			for {
				k, v, more := z.TagAttr()
				if string(k) == "name" && mname == "" {
					mname = string(v)
				}
				if string(k) == "content" && content == "" {
					content = string(v)
				}
				if !more {
					break
				}
			}
			if robotsNames[strings.ToLower(strings.TrimSpace(mname))] && noFollow(content) {
				nofollow = true
			}
			continue
		}
		if !hasAttr || a != atom.A && a != atom.Base {
			continue
		}
		var href, rel string
		hrefSet, relSet := false, false
		for {
			k, v, more := z.TagAttr()
			if string(k) == "href" && !hrefSet {
				href, hrefSet = string(v), true
			}
			if string(k) == "rel" && !relSet {
				rel, relSet = string(v), true
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
			if !baseSeen {
				baseSeen = true
				if b, err := urlnorm.Clean(mustResolve(pageURL, href)); err == nil {
					base = b
				}
			}
			continue
		}
		if href[0] == '#' || strings.Contains(strings.ToLower(rel), "nofollow") {
			continue
		}
		u, err := urlnorm.Clean(mustResolve(base, href))
		if err != nil || seen[u] {
			continue
		}
		seen[u] = true
		out = append(out, u)
	}
}

func TestLinksMatchTokenizer(t *testing.T) {
	srv := newServer(t, fixtures.Handler())
	gen := newServer(t, fixtures.Generated(50))
	var pages []string
	for _, a := range fixtures.Articles() {
		pages = append(pages, srv.URL+a.Path)
	}
	pages = append(pages, srv.URL+"/", gen.URL+"/", gen.URL+fixtures.GeneratedPath(7), gen.URL+"/archive/0.html")
	cache := &linkCache{}
	for _, u := range pages {
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		want := tokenizerLinks(body, u)
		if len(want) < 5 {
			t.Errorf("%s: only %d links", u, len(want))
		}
		if got := links(body, u, cache); !slices.Equal(got, want) {
			t.Errorf("%s: scanner and tokenizer differ:\n%q\n%q", u, got, want)
		}
	}
}

func BenchmarkLinks(b *testing.B) {
	srv := newServer(b, fixtures.Generated(10))
	resp, err := http.Get(srv.URL + fixtures.GeneratedPath(3))
	if err != nil {
		b.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	u := srv.URL + fixtures.GeneratedPath(3)
	b.Run("scanner", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		cache := &linkCache{}
		for b.Loop() {
			links(body, u, cache)
		}
	})
	b.Run("tokenizer", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			tokenizerLinks(body, u)
		}
	})
}

// mustResolve resolves with net/url alone, or gives "" (which Clean
// rejects).
func mustResolve(base, ref string) string {
	b, err := url.Parse(strings.TrimSpace(base))
	if err != nil {
		return ""
	}
	r, err := url.Parse(strings.TrimSpace(ref))
	if err != nil {
		return ""
	}
	return b.ResolveReference(r).String()
}

// TestRelativeKey checks that a relative link's cache key is the URL
// net/url resolves it to: two links with one key must lead to one page.
func TestRelativeKey(t *testing.T) {
	bases := []string{
		"http://s.example", "http://s.example/", "http://s.example/a/b.html",
		"http://s.example/a/b/?q=1", "https://S.example:443/a/./b/c", "http://s.example/a//b/c.html",
		"http://s.example/%7Euser/x.html", "http://s.example/a/b.html#frag",
	}
	hrefs := []string{
		"x.html", "./x.html", "../x.html", "../../../../x.html", "a/../b/./c", ".", "..", "./", "../",
		"x/.", "x/..", "x?q=1&r=../2", "x.html#top", "x?q#f", "x?", "a//b/../c", "..x/y", "x/..y",
		"x..", ".hidden", "@x", "x;p=1", "x?a=b?c", "~u/x", "x/./.././../y",
	}
	noKey := map[string]bool{"a//b/../c": true}
	for _, b := range bases {
		u, err := url.Parse(b)
		if err != nil {
			t.Fatal(err)
		}
		dir := baseDir(u)
		for _, h := range hrefs {
			key := relativeKey(dir, h)
			if key == "" && (noKey[h] || strings.Contains(dir[8:], "//")) {
				continue
			}
			if key == "" {
				t.Errorf("%q against %q: no key", h, b)
				continue
			}
			want, err := urlnorm.ResolveClean(b, h)
			if err != nil {
				t.Fatalf("%q against %q: %v", h, b, err)
			}
			if got, err := urlnorm.Clean(key); err != nil || got != want {
				t.Errorf("%q against %q: key %q cleans to %q (%v), resolves to %q", h, b, key, got, err, want)
			}
		}
	}
	for _, h := range []string{"/x", "//h/x", "?q", "#f", "a:b", "x%20y", `a\b`, "x y", "mailto:x@y", ""} {
		if key := relativeKey("http://s.example/a/", h); key != "" {
			t.Errorf("%q: key %q, want none", h, key)
		}
	}
}

func FuzzRelativeKey(f *testing.F) {
	f.Add("http://s.example/a/b.html", "../x/./y?z#w")
	f.Fuzz(func(t *testing.T, base, href string) {
		u, err := url.Parse(base)
		if err != nil {
			return
		}
		key := relativeKey(baseDir(u), href)
		if key == "" {
			return
		}
		want, err := urlnorm.ResolveClean(base, href)
		got, kerr := urlnorm.Clean(key)
		if (err == nil) != (kerr == nil) || got != want {
			t.Errorf("%q against %q: key %q cleans to %q (%v), resolves to %q (%v)", href, base, key, got, kerr, want, err)
		}
	})
}
