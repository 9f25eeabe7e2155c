package web

import (
	"bytes"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

func testRewriter() *rewriter {
	base, _ := url.Parse("https://news.example/world/pact.html?x=1")
	return &rewriter{base: base, ts: "20250118090000"}
}

func TestRewriteURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"other.html", "/web/20250118090000/https://news.example/world/other.html"},
		{"../img/a.png", "/web/20250118090000/https://news.example/img/a.png"},
		{"/", "/web/20250118090000/https://news.example/"},
		{"//cdn.example/x.js", "/web/20250118090000/https://cdn.example/x.js"},
		{"https://evil.example", "/web/20250118090000/https://evil.example/"},
		{"HTTP://Evil.Example/a?b=<c>&d='e'", "/web/20250118090000/http://Evil.Example/a?b=%3Cc%3E&d=%27e%27"},
		{"?page=2", "/web/20250118090000/https://news.example/world/pact.html?page=2"},
		{"#top", "#top"},
		{"a.html#sec", "/web/20250118090000/https://news.example/world/a.html#sec"},
		{"", ""},
		{"javascript:alert(1)", blockedURL},
		{" JavaScript:alert(1)", blockedURL},
		{"java\tscript:alert(1)", blockedURL},
		{"vbscript:x", blockedURL},
		{"file:///etc/passwd", blockedURL},
		{"ftp://x.example/", blockedURL},
		{"mailto:desk@news.example", "mailto:desk@news.example"},
		{"data:image/png;base64,AAAA", "data:image/png;base64,AAAA"},
		{"http://[::1", blockedURL},
	}
	rw := testRewriter()
	for _, tt := range tests {
		if got := rw.url(tt.in); got != tt.want {
			t.Errorf("url(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRewriteCSS(t *testing.T) {
	tests := []struct{ in, want string }{
		{`a{background:url(x.png)}`, `a{background:url("/web/20250118090000/https://news.example/world/x.png")}`},
		{`a{background:URL( 'x.png' )}`, `a{background:url("/web/20250118090000/https://news.example/world/x.png")}`},
		{`@import "s.css";`, `@import "/web/20250118090000/https://news.example/world/s.css";`},
		{`@import url(s.css);`, `@import url("/web/20250118090000/https://news.example/world/s.css");`},
		{`a{b:url(data:image/png;base64,AA)}`, `a{b:url("data:image/png;base64,AA")}`},
		{`a{b:url("javascript:x")}`, `a{b:url("about:blank#blocked")}`},
		{`a{color:red}`, `a{color:red}`},
	}
	rw := testRewriter()
	for _, tt := range tests {
		if got := rw.css(tt.in); got != tt.want {
			t.Errorf("css(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRewriteHTMLBase(t *testing.T) {
	var out bytes.Buffer
	doc := `<base href="https://cdn.example/a/"><base href="https://other.example/"><img src="x.png">`
	if err := rewriteHTML(&out, strings.NewReader(doc), testRewriter(), nil); err != nil {
		t.Fatal(err)
	}
	if want := `<img src="/web/20250118090000/https://cdn.example/a/x.png">`; out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
}

// TestRewriteForeignContent: inside <svg> and <math> a browser parses the
// content of <style> (and <title> ...) as markup, so the rewriter must too.
func TestRewriteForeignContent(t *testing.T) {
	for _, doc := range []string{
		`<svg><style><img src="http://evil.example/x.png" onerror="alert(1)"></style></svg>`,
		`<math><style><meta http-equiv="refresh" content="0;url=http://evil.example/"></style></math>`,
		`<svg><title><img src=//evil.example/t onload=x></title></svg><p>after</p>`,
	} {
		var out bytes.Buffer
		if err := rewriteHTML(&out, strings.NewReader(doc), testRewriter(), nil); err != nil {
			t.Fatal(err)
		}
		got := out.String()
		if strings.Contains(got, "evil.example") && !strings.Contains(got, "/web/20250118090000/http") ||
			eventHandler(got) != "" || strings.Contains(got, "url=http") {
			t.Errorf("%s\n→ %s", doc, got)
		}
	}
}

// eventHandler returns the first on* attribute of the markup, as a
// browser's tokenizer sees it, or "".
func eventHandler(doc string) string {
	z := html.NewTokenizer(strings.NewReader(doc))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken, html.SelfClosingTagToken:
			for _, a := range z.Token().Attr {
				if strings.HasPrefix(strings.ToLower(a.Key), "on") {
					return a.Key
				}
			}
		}
	}
}

func TestParseTimestamp(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"20250118090102", time.Date(2025, 1, 18, 9, 1, 2, 0, time.UTC), true},
		{"20250118", time.Date(2025, 1, 18, 0, 0, 0, 0, time.UTC), true},
		{"202502", time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC), true},
		{"2025", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), true},
		{"123", time.Time{}, false},
		{"202513", time.Time{}, false},
		{"2025011809010203", time.Time{}, false},
		{"2025011a", time.Time{}, false},
	}
	for _, tt := range tests {
		got, err := parseTimestamp(tt.in)
		if (err == nil) != tt.ok || !got.Equal(tt.want) {
			t.Errorf("parseTimestamp(%q) = %v, %v", tt.in, got, err)
		}
	}
}

var scriptTag = regexp.MustCompile(`(?i)<script[\s/>]`)

// outside finds a URL attribute or CSS url() that does not point at the
// archive.
var outside = regexp.MustCompile(`(?i)(?:\s(?:src|href|action|srcset|poster|data|formaction|background)\s*=\s*"(?:[^"/#a]|a[^b]|/[^w]))`)

func FuzzRewriteHTML(f *testing.F) {
	for _, s := range []string{
		`<img src=https://evil.example/x.png>`, `<script>alert(1)</script>`, `<noscript><img src=//e.example/x></noscript>`,
		`<style>a{b:url(//e.example/x)}</style>`, `<a href="javascript:alert(1)">x</a>`, `<base href=//evil.example/><img src=x>`,
		`<svg><image xlink:href=//e.example/x /></svg>`, `<script/>text<img src=//e.example/y>`, `<body onload=x>`,
		`<svg><style><img src=//e.example/x onerror=alert(1)></style></svg>`, `<math><title><iframe src=//e.example/>`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		var out bytes.Buffer
		if err := rewriteHTML(&out, strings.NewReader(doc), testRewriter(), []byte("<div>banner</div>")); err != nil {
			return
		}
		got := out.String()
		if scriptTag.MatchString(got) {
			t.Fatalf("script survived: %q → %q", doc, got)
		}
		if m := outside.FindString(got); m != "" {
			t.Fatalf("URL outside the archive %q: %q → %q", m, doc, got)
		}
		if a := eventHandler(got); a != "" {
			t.Fatalf("event handler %s survived: %q → %q", a, doc, got)
		}
	})
}
