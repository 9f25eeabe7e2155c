package crawler

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// hostile serves one misbehaving path, /bad, from a page that links to it
// and to one good page.
func hostile(t *testing.T, bad http.HandlerFunc) *site {
	t.Helper()
	s := &site{hits: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.hits[r.URL.Path]++
		s.mu.Unlock()
		switch {
		case r.URL.Path == "/":
			fmt.Fprint(w, article(0, "/bad", "/good"))
		case r.URL.Path == "/good":
			fmt.Fprint(w, article(1))
		case strings.HasPrefix(r.URL.Path, "/bad"):
			bad(w, r)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func TestBigSitemapAllowed(t *testing.T) {
	var entries strings.Builder
	entries.WriteString(`<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
	for i := range 30000 {
		fmt.Fprintf(&entries, "<url><loc>/a/%d</loc><lastmod>2025-01-18</lastmod></url>\n", i)
	}
	entries.WriteString("</urlset>")
	var headers []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/sitemap.xml" {
			for k := range r.Header {
				headers = append(headers, k)
			}
			w.Header().Set("Content-Type", "application/xml")
			fmt.Fprint(w, entries.String())
			return
		}
		fmt.Fprint(w, article(1))
	}))
	t.Cleanup(srv.Close)
	o := testOptions(&memSink{}, srv.URL+"/sitemap.xml")
	o.IgnoreRobots = true
	o.MaxBodyBytes = 64 << 10 // far below the sitemap's size
	o.MaxPages = 3
	st := mustRun(t, o)
	if st.Feeds != 1 || st.Pages != 3 || st.Errors != 0 {
		t.Errorf("Stats %+v, want the sitemap read and 3 pages", st)
	}
	for _, h := range headers {
		if h == feedHeader {
			t.Errorf("the internal %s header was sent", feedHeader)
		}
	}
}

func TestHostileServers(t *testing.T) {
	// A gzip body of 64 MiB of zeros, a few KiB on the wire: one gzip
	// member of 1 MiB, repeated (readers treat members as one stream).
	var member bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&member, gzip.BestCompression)
	zw.Write(make([]byte, 1<<20))
	zw.Close()
	bomb := bytes.NewBuffer(bytes.Repeat(member.Bytes(), 64))
	longLine := strings.Repeat("<span>word</span> ", 10_000_000/18) + `<a href="/good">end</a>`

	for _, tc := range []struct {
		name     string
		bad      http.HandlerFunc
		wantErr  error // in the log, when the fetch must fail
		emitted  bool  // /bad reaches the Sink
		skipped  bool  // /bad is skipped, not an error
		checkBad func(t *testing.T, body []byte)
		// timeout is Options.Timeout: short where the case is a timeout,
		// else long enough for 12 MB under the race detector on a busy
		// machine (1 s made the body-size cases time out instead).
		timeout time.Duration
	}{
		{
			name: "slow drip",
			bad: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				for {
					if _, err := w.Write([]byte("<")); err != nil {
						return
					}
					w.(http.Flusher).Flush()
					select {
					case <-r.Context().Done():
						return
					case <-time.After(50 * time.Millisecond):
					}
				}
			},
			wantErr: ErrTimeout,
			timeout: time.Second,
		},
		{
			name: "endless body",
			bad: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				chunk := bytes.Repeat([]byte("<p>more</p>"), 1000)
				for {
					if _, err := w.Write(chunk); err != nil {
						return
					}
				}
			},
			wantErr: ErrBodyTooLarge,
		},
		{
			name: "gzip bomb",
			bad: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				w.Header().Set("Content-Encoding", "gzip")
				w.Write(bomb.Bytes())
			},
			wantErr: ErrBodyTooLarge,
		},
		{
			name: "gzip bomb as a file",
			bad: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/x-gzip")
				w.Write(bomb.Bytes())
			},
			skipped: true, // a link is HTML or nothing; the body is not even read
		},
		{
			name: "wrong content type",
			bad: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "image/jpeg")
				w.Write([]byte("\xff\xd8\xff\xe0 <html><a href=/good>x</a></html>"))
			},
			skipped: true,
		},
		{
			name: "binary without content type",
			bad: func(w http.ResponseWriter, r *http.Request) {
				w.Header()["Content-Type"] = nil // no sniffing by net/http
				w.Write([]byte("\x00\x01\x02\x03binary"))
			},
			skipped: true,
		},
		{
			name: "unasked-for brotli",
			bad: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				w.Header().Set("Content-Encoding", "br")
				w.Write([]byte("\x1b\x03\x00\xf8compressed"))
			},
			skipped: true,
		},
		{
			name: "huge header",
			bad: func(w http.ResponseWriter, r *http.Request) {
				for i := range 64 {
					w.Header().Set(fmt.Sprintf("X-Junk-%d", i), strings.Repeat("j", 8<<10))
				}
				fmt.Fprint(w, "<html></html>")
			},
			wantErr: errors.New("response headers exceeded"),
		},
		{
			name: "redirect loop",
			bad: func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/bad" {
					http.Redirect(w, r, "/bad2", http.StatusFound)
				} else {
					http.Redirect(w, r, "/bad", http.StatusFound)
				}
			},
			wantErr: ErrTooManyRedirects,
		},
		{
			name: "invalid UTF-8",
			bad: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				w.Write([]byte("<html><title>\xff\xfe bad \xc3\x28</title><p>\xe2\x82</p><a href=\"/good\">\xf0\x28\x8c\x28</a></html>"))
			},
			emitted: true,
			checkBad: func(t *testing.T, body []byte) {
				if !bytes.Contains(body, []byte("\xff\xfe bad \xc3\x28")) {
					t.Errorf("body not kept as sent: %q", body)
				}
			},
		},
		{
			name: "legacy charset kept raw",
			bad: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html; charset=iso-8859-1")
				w.Write([]byte("<html><p>caf\xe9</p></html>"))
			},
			emitted: true,
			checkBad: func(t *testing.T, body []byte) {
				if !bytes.Contains(body, []byte("caf\xe9")) {
					t.Errorf("body transcoded: %q", body)
				}
			},
		},
		{
			name: "10 MB single line",
			bad: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				fmt.Fprint(w, "<html><body>"+longLine+"</body></html>")
			},
			emitted: true,
			checkBad: func(t *testing.T, body []byte) {
				if len(body) < 10_000_000 {
					t.Errorf("body of %d bytes, want it all", len(body))
				}
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := hostile(t, tc.bad)
			sink := &memSink{}
			o := testOptions(sink, s.URL+"/")
			o.Timeout = cmp.Or(tc.timeout, 30*time.Second)
			o.MaxBodyBytes = 12 << 20
			o.MaxRedirects = 5
			var logs bytes.Buffer
			o.Logger = newTestLogger(&logs)
			st := mustRun(t, o)
			if sink.page(s.URL+"/good") == nil || sink.page(s.URL+"/") == nil {
				t.Errorf("good pages not emitted: %q", sink.paths(s.URL))
			}
			bad := sink.page(s.URL + "/bad")
			if (bad != nil) != tc.emitted {
				t.Errorf("/bad emitted: %v, want %v", bad != nil, tc.emitted)
			}
			if bad != nil && tc.checkBad != nil {
				tc.checkBad(t, bad.Body)
			}
			if tc.wantErr != nil {
				if st.Errors != 1 || !strings.Contains(logs.String(), tc.wantErr.Error()) {
					t.Errorf("Stats.Errors = %d, want 1 with %q in the log:\n%s", st.Errors, tc.wantErr, logs.String())
				}
			} else if st.Errors != 0 {
				t.Errorf("Stats.Errors = %d, want 0:\n%s", st.Errors, logs.String())
			}
			if tc.skipped && st.Skipped != 1 {
				t.Errorf("Stats.Skipped = %d, want 1", st.Skipped)
			}
			if n := s.count("/bad"); tc.wantErr == ErrTooManyRedirects && n > o.MaxRedirects {
				t.Errorf("redirect loop followed %d times", n)
			}
		})
	}
}
