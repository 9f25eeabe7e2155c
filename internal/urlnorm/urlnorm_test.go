package urlnorm_test

import (
	"testing"

	"github.com/newsarchive/newsarchive/internal/urlnorm"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"http://Example.COM", "http://example.com/"},
		{"https://example.com:443/a?b=2&a=1#frag", "https://example.com/a?a=1&b=2"},
		{"http://example.com:80/x", "http://example.com/x"},
		{"http://example.com:8080/x", "http://example.com:8080/x"},
		{"https://news.example/a/b?utm_source=tw&utm_medium=social&fbclid=XYZ&id=7", "https://news.example/a/b?id=7"},
		{"https://news.example/a?gclid=1", "https://news.example/a"},
		{"https://news.example/a?", "https://news.example/a"},
		{"https://user:pw@news.example/a", "https://news.example/a"},
		{"http://[::1]:8080/a", "http://[::1]:8080/a"},
		{"http://example.com./a", "http://example.com/a"},
		// Pairs url.Query would drop or rewrite are kept as written.
		{"https://x.example/a.php?id=1;page=2", "https://x.example/a.php?id=1;page=2"},
		{"https://x.example/a.php?page=3;id=1&utm_source=x", "https://x.example/a.php?page=3;id=1"},
		{"https://x.example/s?q=%zz", "https://x.example/s?q=%zz"},
		{"https://x.example/s?p", "https://x.example/s?p"},
		{"https://x.example/s?b=2&&a=1&utm%5Fsource=x", "https://x.example/s?a=1&b=2"},
	}
	for _, tt := range tests {
		got, err := urlnorm.Normalize(tt.in)
		if err != nil {
			t.Errorf("Normalize(%q): %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
		again, _ := urlnorm.Normalize(got)
		if again != got {
			t.Errorf("Normalize not stable: %q -> %q", got, again)
		}
	}
}

func TestNormalizeRejects(t *testing.T) {
	for _, in := range []string{"", "/relative", "mailto:a@b.c", "ftp://x/y", "javascript:alert(1)", "http://"} {
		if got, err := urlnorm.Normalize(in); err == nil {
			t.Errorf("Normalize(%q) = %q, want error", in, got)
		}
	}
}

func TestResolve(t *testing.T) {
	got, err := urlnorm.Resolve("http://127.0.0.1:4000/world/a.html?utm_source=x", "../b.html#top")
	if err != nil || got != "http://127.0.0.1:4000/b.html" {
		t.Fatalf("Resolve = %q, %v", got, err)
	}
}

func TestResolveClean(t *testing.T) {
	got, err := urlnorm.ResolveClean("http://127.0.0.1:4000/world/a.html", "../b.html?utm_source=x#top")
	if err != nil || got != "http://127.0.0.1:4000/b.html?utm_source=x" {
		t.Fatalf("ResolveClean = %q, %v", got, err)
	}
}

func TestSameSiteAndID(t *testing.T) {
	if !urlnorm.SameSite("https://www.a.example/x", "http://a.example/y") {
		t.Error("www. prefix should not make another site")
	}
	if urlnorm.SameSite("https://a.example/x", "https://b.example/x") {
		t.Error("different hosts are different sites")
	}
	if a, b := urlnorm.ID("https://a.example/x"), urlnorm.ID("https://a.example/y"); a == b || len(a) != 16 {
		t.Errorf("ID: %q %q", a, b)
	}
	if id := urlnorm.ID(""); id != "" {
		t.Errorf("ID(\"\") = %q, want no id", id)
	}
}

func FuzzNormalize(f *testing.F) {
	f.Add("https://example.com/a?utm_source=x&b=1#f")
	f.Add("http://[::1]:80/%zz")
	f.Fuzz(func(t *testing.T, in string) {
		got, err := urlnorm.Normalize(in)
		if err != nil {
			return
		}
		again, err := urlnorm.Normalize(got)
		if err != nil || again != got {
			t.Fatalf("not stable: %q -> %q -> %q (%v)", in, got, again, err)
		}
	})
}

func TestClean(t *testing.T) {
	tests := []struct{ in, want string }{
		{"HTTP://News.Example:80/a?utm_source=x&b=1#top", "http://news.example/a?utm_source=x&b=1"},
		{"https://news.example", "https://news.example/"},
		{"https://u:p@news.example/a?", "https://news.example/a"},
	}
	for _, tt := range tests {
		got, err := urlnorm.Clean(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("Clean(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
		n1, _ := urlnorm.Normalize(tt.in)
		n2, _ := urlnorm.Normalize(got)
		if n1 != n2 {
			t.Errorf("Normalize(Clean(%q)) = %q, want Normalize of the original %q", tt.in, n2, n1)
		}
	}
}
