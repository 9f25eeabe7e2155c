package crawler

import (
	"slices"
	"testing"
)

func TestLinks(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		want       []string
	}{
		{"relative and absolute", `<a href="/a">x</a><a href='b?utm_source=x'>y</a><a href="https://other.example/c#frag">z</a>`,
			[]string{"http://s.example/a", "http://s.example/dir/b", "https://other.example/c"}},
		{"duplicates once", `<a href="/a">1</a><a href="/a#top">2</a><a href="/a?utm_medium=m">3</a>`,
			[]string{"http://s.example/a"}},
		{"skipped", `<a href="#top">t</a><a href="mailto:x@y">m</a><a href="javascript:void(0)">j</a><a href="/n" rel="nofollow noopener">n</a><a>none</a><a href="  ">blank</a>`,
			nil},
		{"base href", `<head><base href="https://cdn.example/root/"><base href="/ignored/"></head><a href="x">x</a>`,
			[]string{"https://cdn.example/root/x"}},
		{"uppercase tags, entities", `<A HREF="/p?a=1&amp;b=2">p</A>`, []string{"http://s.example/p?a=1&b=2"}},
		{"links in scripts are not links", `<script>var s = '<a href="/fake">';</script><a href="/real">r</a>`,
			[]string{"http://s.example/real"}},
		{"broken HTML", "<a href=\"/x\xff\"><a href=/y><p><a href=\"/z", []string{"http://s.example/x%FF", "http://s.example/y"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := links([]byte(tc.body), "http://s.example/dir/page")
			if !slices.Equal(got, tc.want) {
				t.Errorf("links = %q, want %q", got, tc.want)
			}
		})
	}
}

func FuzzLinks(f *testing.F) {
	f.Add([]byte(`<base href="/b/"><a href="x">x</a><a href="http://[::1]:80/">v6</a>`))
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, u := range links(body, "http://s.example/") {
			if u == "" {
				t.Errorf("empty link")
			}
		}
	})
}
