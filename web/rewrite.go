package web

import (
	"bytes"
	"io"
	"net/url"
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// This file rewrites an archived page so that it loads everything from the
// archive: every URL the HTML or CSS names becomes /web/<ts>/<absolute URL>.
// Scripts, event handlers, <base> and the page's own CSP are removed. The
// Content-Security-Policy the page is served with is the real fence; the
// rewriting is what makes the page look as it did behind it.

// rewriter turns URLs of one archived document into archive URLs.
type rewriter struct {
	base    *url.URL // the document's URL, or its <base href>
	ts      string   // 14-digit timestamp of the snapshot
	baseSet bool     // a <base href> was seen: browsers use the first only
}

// blockedURL replaces URLs whose scheme cannot be replayed (javascript:,
// vbscript:, file: ...): it loads nothing.
const blockedURL = "about:blank#blocked"

// url returns the archive URL of raw, a URL as written in the document.
func (rw *rewriter) url(raw string) string {
	s := strings.TrimSpace(raw)
	if s == "" {
		return s
	}
	if strings.HasPrefix(s, "#") {
		return s // same document
	}
	u, err := url.Parse(strings.Map(dropControl, s))
	if err != nil {
		return blockedURL
	}
	switch strings.ToLower(u.Scheme) {
	case "":
		u = rw.base.ResolveReference(u)
	case "http", "https":
	case "data":
		return s // loads nothing from anywhere; the CSP limits where it may
	case "mailto", "tel":
		return s // navigation out of the browser, not a request
	default:
		return blockedURL
	}
	if u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return blockedURL
	}
	if u.Path == "" {
		u.Path = "/"
	}
	frag := u.Fragment
	u.Fragment, u.RawFragment = "", ""
	out := ArchiveURL(rw.ts, u.String())
	if frag != "" {
		out += "#" + url.PathEscape(frag)
	}
	return out
}

// ArchiveURL returns the replay URL of target at timestamp ts (14 digits).
// Characters that could end an attribute, a CSS string or a <style>
// element are percent-encoded.
func ArchiveURL(ts, target string) string {
	return "/web/" + ts + "/" + urlUnsafe.Replace(target)
}

var urlUnsafe = strings.NewReplacer(`"`, "%22", "'", "%27", "<", "%3C", ">", "%3E", `\`, "%5C",
	" ", "%20", "\t", "%09", "\n", "%0A", "\r", "%0D", "(", "%28", ")", "%29")

// archivedForm undoes the escapes of urlUnsafe that a stored URL does not
// have: Go writes a URL's path with ' ( and ) as they are, and with the
// others (quotes, angle brackets, spaces) escaped, as urlUnsafe does.
var archivedForm = strings.NewReplacer("%27", "'", "%28", "(", "%29", ")")

// dropControl removes ASCII control characters, which browsers strip
// from URLs ("java\tscript:" is javascript:).
func dropControl(r rune) rune {
	if r < 0x20 || r == 0x7f {
		return -1
	}
	return r
}

// srcset rewrites a srcset list: "url [descriptor], url [descriptor]".
func (rw *rewriter) srcset(v string) string {
	parts := strings.Split(v, ",")
	for i, p := range parts {
		f := strings.Fields(p)
		if len(f) == 0 {
			continue
		}
		f[0] = rw.url(f[0])
		parts[i] = strings.Join(f, " ")
	}
	return strings.Join(parts, ", ")
}

var (
	cssURL    = regexp.MustCompile(`(?i)url\(\s*(?:"([^"]*)"|'([^']*)'|([^)"'\s]*))\s*\)`)
	cssImport = regexp.MustCompile(`(?i)@import\s*(?:"([^"]*)"|'([^']*)')`)
)

// css rewrites the url(...) and @import "..." of a stylesheet.
func (rw *rewriter) css(s string) string {
	repl := func(prefix string, re *regexp.Regexp) func(string) string {
		return func(m string) string {
			sub := re.FindStringSubmatch(m)
			raw := sub[1] + sub[2]
			if len(sub) > 3 {
				raw += sub[3]
			}
			out := prefix + `"` + rw.url(raw) + `"`
			if prefix == "url(" {
				out += ")"
			}
			return out
		}
	}
	s = cssURL.ReplaceAllStringFunc(s, repl("url(", cssURL))
	return cssImport.ReplaceAllStringFunc(s, repl("@import ", cssImport))
}

// refresh rewrites the URL of a <meta http-equiv=refresh> content value.
func (rw *rewriter) refresh(v string) string {
	i := strings.Index(strings.ToLower(v), "url=")
	if i < 0 {
		return v
	}
	return v[:i+4] + rw.url(strings.Trim(v[i+4:], `'" `))
}

// urlAttrs are the attributes that hold one URL.
var urlAttrs = map[string]bool{
	"href": true, "src": true, "action": true, "formaction": true, "poster": true, "background": true,
	"cite": true, "longdesc": true, "data": true, "codebase": true, "manifest": true, "icon": true,
	"profile": true, "usemap": true, "xlink:href": true, "lowsrc": true, "dynsrc": true,
	"archive": true, "classid": true,
}

// droppedAttrs are removed from every element: they would refer outside
// the archive (ping), stop rewritten resources from loading (integrity) or
// are useless once rewritten.
var droppedAttrs = map[string]bool{"ping": true, "integrity": true, "nonce": true, "crossorigin": true}

// safeAttrKey reports whether an attribute name is plain enough to write
// back as it was tokenized.
func safeAttrKey(k string) bool {
	if k == "" {
		return false
	}
	for _, r := range k {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == ':' || r == '.') {
			return false
		}
	}
	return true
}

// rewriteHTML writes the document r (UTF-8) rewritten for replay to w, with
// banner (trusted HTML) inserted at the start of <body>, or at the end when
// the document has no body tag. A fragment (banner nil) is rewritten as it
// is.
func rewriteHTML(w io.Writer, r io.Reader, rw *rewriter, banner []byte) error {
	return rewriteTokens(w, r, rw, banner, 0)
}

// rewriteTokens is rewriteHTML at a depth of nested <noscript>: only the
// outermost one's content is rewritten as markup (deeper ones are text), so
// a page of nested noscripts costs linear time.
func rewriteTokens(w io.Writer, r io.Reader, rw *rewriter, banner []byte, depth int) error {
	var out bytes.Buffer
	z := html.NewTokenizer(r)
	bannerDone := banner == nil
	var skip atom.Atom // inside an element whose content is dropped (script)
	var raw atom.Atom  // inside an element whose text is raw (style, noscript ...)
	// Inside <svg> or <math> (foreign content) a browser parses the
	// content of <style>, <title> and the like as markup, not text: so
	// must the rewriter, or an <img onerror> there would pass as "text".
	foreign := 0
	flush := func() error {
		if out.Len() > 32<<10 {
			_, err := w.Write(out.Bytes())
			out.Reset()
			return err
		}
		return nil
	}
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			if z.Err() != io.EOF {
				return z.Err()
			}
			break
		}
		tok := z.Token()
		if skip != 0 {
			if tt == html.EndTagToken && tok.DataAtom == skip {
				skip = 0
			}
			continue
		}
		switch tt {
		case html.TextToken:
			switch raw {
			case atom.Style:
				out.WriteString(rw.css(tok.Data))
			case atom.Noscript:
				// Scripts never run here, so the browser shows the
				// noscript content: it is markup to rewrite.
				if depth > 0 {
					out.WriteString(html.EscapeString(tok.Data))
				} else if err := rewriteTokens(&out, strings.NewReader(tok.Data), rw, nil, depth+1); err != nil {
					return err
				}
			default:
				out.WriteString(html.EscapeString(tok.Data))
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			if (tok.DataAtom == atom.Svg || tok.DataAtom == atom.Math) && tt == html.StartTagToken {
				foreign++
			}
			switch tok.DataAtom {
			case atom.Script:
				// "<script/>" opens a script all the same.
				skip = atom.Script
				continue
			case atom.Base:
				if h, ok := attr(tok, "href"); ok && !rw.baseSet {
					rw.baseSet = true
					if u, err := url.Parse(strings.TrimSpace(h)); err == nil {
						if b := rw.base.ResolveReference(u); b.Scheme == "http" || b.Scheme == "https" {
							rw.base = b
						}
					}
				}
				continue
			case atom.Meta:
				if !rw.meta(&tok) {
					continue
				}
			case atom.Noscript:
				raw = atom.Noscript
				continue // the element itself is dropped, its content kept
			case atom.Style, atom.Textarea, atom.Title, atom.Xmp, atom.Iframe, atom.Noembed, atom.Noframes, atom.Plaintext:
				if foreign > 0 {
					z.NextIsNotRawText()
				} else {
					raw = tok.DataAtom // the tokenizer reads their content as text
				}
			}
			rw.attrs(&tok)
			out.WriteString(tok.String())
			if !bannerDone && tok.DataAtom == atom.Body {
				out.Write(banner)
				bannerDone = true
			}
		case html.EndTagToken:
			if tok.DataAtom == raw {
				raw = 0
			}
			if (tok.DataAtom == atom.Svg || tok.DataAtom == atom.Math) && foreign > 0 {
				foreign--
			}
			if tok.DataAtom == atom.Noscript || tok.DataAtom == atom.Script {
				continue
			}
			out.WriteString(tok.String())
		case html.DoctypeToken:
			out.WriteString(tok.String())
		case html.CommentToken:
			// Dropped: conditional comments would otherwise carry markup
			// past the rewriting.
		}
		if err := flush(); err != nil {
			return err
		}
	}
	if !bannerDone {
		out.Write(banner)
	}
	_, err := w.Write(out.Bytes())
	return err
}

// attr returns the value of an attribute of tok.
func attr(tok html.Token, key string) (string, bool) {
	for _, a := range tok.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// attrs rewrites the attributes of a start tag in place.
func (rw *rewriter) attrs(tok *html.Token) {
	kept := tok.Attr[:0]
	for _, a := range tok.Attr {
		k := strings.ToLower(a.Key)
		if a.Namespace != "" {
			k = a.Namespace + ":" + k
		}
		switch {
		case !safeAttrKey(k), strings.HasPrefix(k, "on"), droppedAttrs[k]:
			continue
		case urlAttrs[k]:
			a.Val = rw.url(a.Val)
		case k == "srcset" || k == "imagesrcset":
			a.Val = rw.srcset(a.Val)
		case k == "style":
			a.Val = rw.css(a.Val)
		case strings.HasPrefix(k, "data-") && looksLikeURL(a.Val):
			// Lazy-loading data-src and friends: scripts that would read
			// them do not run, but keep them pointing at the archive.
			a.Val = rw.url(a.Val)
		}
		kept = append(kept, a)
	}
	tok.Attr = kept
}

// looksLikeURL reports whether v is an absolute or root-relative URL.
func looksLikeURL(v string) bool {
	v = strings.TrimSpace(v)
	return strings.HasPrefix(v, "http://") || strings.HasPrefix(v, "https://") || strings.HasPrefix(v, "//") ||
		(strings.HasPrefix(v, "/") && !strings.ContainsAny(v, " \t\n"))
}

// meta rewrites a <meta> tag in place and reports whether to keep it: the
// charset becomes UTF-8 (the body is decoded), a refresh URL points at the
// archive, and the page's own CSP is dropped (ours is stricter).
func (rw *rewriter) meta(tok *html.Token) bool {
	equiv, _ := attr(*tok, "http-equiv")
	equiv = strings.ToLower(strings.TrimSpace(equiv))
	switch equiv {
	case "content-security-policy", "content-security-policy-report-only", "set-cookie", "link":
		return false
	}
	for i, a := range tok.Attr {
		switch {
		case a.Key == "charset":
			tok.Attr[i].Val = "utf-8"
		case a.Key == "content" && equiv == "content-type":
			tok.Attr[i].Val = "text/html; charset=utf-8"
		case a.Key == "content" && equiv == "refresh":
			tok.Attr[i].Val = rw.refresh(a.Val)
		case a.Key == "content" && looksLikeURL(a.Val):
			// og:image, twitter:image: not loaded by a browser, but a
			// researcher following one should stay in the archive.
			tok.Attr[i].Val = rw.url(a.Val)
		}
	}
	return true
}
