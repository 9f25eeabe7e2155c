package extract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Class and id words that mark page furniture rather than article text.
// Long words match anywhere in the class or id; short ones only as a whole
// token (so "ad" does not match "header" or "read").
var (
	junkWords = [...]string{
		"comment", "disqus", "footer", "sidebar", "social", "share", "sharing", "newsletter",
		"subscribe", "subscription", "promo", "sponsor", "advert", "banner", "breadcrumb", "menu",
		"popup", "modal", "cookie", "consent", "gdpr", "pagination", "pager", "skyscraper",
		"outbrain", "taboola", "recommend", "trending", "popular", "mostread", "most-read",
		"most_read", "author-bio", "authorbio", "signup", "sign-up", "masthead", "toolbar",
		"shoutbox", "combx", "community", "remark", "replies", "related", "navbar", "navigation",
		"topnav", "subnav", "site-header", "site-footer", "teaser", "paywall", "donate", "ad-slot",
		"adslot", "ad-container", "ad-wrapper", "advertisement", "print-only", "screen-reader",
		"sr-only", "visually-hidden", "skip-link", "login", "follow-us", "tagcloud", "tag-list",
		"taglist", "post-tags", "entry-tags", "article-tags", "byline", "dateline", "post-meta",
		"entry-meta", "article-meta", "meta-data", "jump-link", "read-more", "readmore",
		"more-stories", "header", "newsfeed", "nav-", "-nav", "rating", "author-info",
		"about-author", "author-box", "table-of-contents", "toc-", "wp-block-buttons", "inline-ad",
		"sharedaddy", "jp-post-flair", "jp-relatedposts", "testimonial", "saboxplugin",
		"twitter-tweet", "instagram-media", "tiktok-embed",
		"about_author", "author_bio", "author_box", "author_info",
	}
	junkTokens = [...]string{"author", "date", "dates", "time", "timestamp", "pubdate", "published", "ad", "ads", "nav", "tags", "tools", "meta", "share", "print", "aside", "sidebar", "banner", "hide", "bio"}
	goodWords  = [...]string{"article", "body", "content", "entry", "main", "post", "story", "text", "blog", "prose", "column", "shadow"}
)

// classTokens splits a class/id string into its words.
func classTokens(ci string) []string {
	return strings.FieldsFunc(ci, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	})
}

// junkClass reports whether a class/id string marks furniture.
func junkClass(ci string) bool {
	if ci == "" {
		return false
	}
	bad := false
	for _, w := range junkWords {
		if strings.Contains(ci, w) {
			bad = true
			break
		}
	}
	if !bad {
		bad = hiddenClass(ci)
	}
	if !bad {
		for _, t := range classTokens(ci) {
			for _, w := range junkTokens {
				if t == w {
					bad = true
					break
				}
			}
			if bad {
				break
			}
		}
	}
	if !bad {
		return false
	}
	for _, w := range goodWords {
		if strings.Contains(ci, w) {
			return false
		}
	}
	return true
}

// hiddenClass reports a class that hides its element from readers. Only
// a whole class names the state: "overflow-hidden" clips, "lg:hidden" and
// "print:hidden" hide on other media, and a collapsed accordion panel
// ("accordion-panel-hidden", "hiddenAnswer") is text a reader opens. A
// "lazy-hidden" block is hidden until scrolled to, which makes it likely
// furniture below the article.
func hiddenClass(ci string) bool {
	if !strings.Contains(ci, "hidden") {
		return false
	}
	for _, t := range strings.Fields(ci) {
		if !strings.Contains(t, "hidden") || strings.Contains(t, ":") {
			continue
		}
		switch {
		case strings.Contains(t, "overflow"), strings.Contains(t, "accordion"), strings.Contains(t, "collapse"), strings.Contains(t, "answer"):
			continue
		}
		return true
	}
	return false
}

// classWeight is Readability's class/id weight: +25 for content-like names,
// -25 for furniture-like names.
func classWeight(ci string) int {
	if ci == "" {
		return 0
	}
	w := 0
	for _, g := range [...]string{"article", "body", "content", "entry", "hentry", "h-entry", "main", "page", "post", "text", "blog", "story"} {
		if strings.Contains(ci, g) {
			w += 25
			break
		}
	}
	for _, b := range [...]string{"hidden", "banner", "combx", "comment", "com-", "contact", "foot", "footer", "footnote", "gdpr", "masthead", "media", "meta", "outbrain", "promo", "related", "scroll", "share", "shoutbox", "sidebar", "skyscraper", "sponsor", "shopping", "tags", "tool", "widget"} {
		if strings.Contains(ci, b) {
			w -= 25
			break
		}
	}
	return w
}

// hiddenNode reports whether n is hidden from readers.
func hiddenNode(n *html.Node) bool {
	// React's streaming renderer parks finished parts of the page in
	// <div hidden id="S:0"> (base 36: "S:a", "S:1f") until a script moves
	// them: that is content.
	if id := attr(n, "id"); len(id) > 2 && (id[0] == 'S' || id[0] == 'P') && id[1] == ':' && base36(id[2:]) {
		return false
	}
	if !hiddenAttr(n) {
		return false
	}
	// A collapsed accordion or tab panel is text a reader opens with one
	// click (FAQ answers, "show more" sections).
	return !disclosurePanel(n)
}

// hiddenAttr reports the attributes that hide an element: hidden,
// aria-hidden, display:none or visibility:hidden.
func hiddenAttr(n *html.Node) bool {
	for _, a := range n.Attr {
		switch a.Key {
		case "hidden":
			return true
		case "aria-hidden":
			if a.Val == "true" && n.DataAtom != atom.Span && n.DataAtom != atom.I {
				return true
			}
		case "style":
			s := a.Val
			if len(s) > maxClassLen {
				s = s[:maxClassLen]
			}
			s = strings.ToLower(s)
			if strings.Contains(s, "display:none") || strings.Contains(s, "display: none") || strings.Contains(s, "visibility:hidden") || strings.Contains(s, "visibility: hidden") {
				return true
			}
		}
	}
	return false
}

// base36 reports a non-empty string of lower-case letters and digits.
func base36(s string) bool {
	for i := 0; i < len(s); i++ {
		if !(s[i] >= '0' && s[i] <= '9' || s[i] >= 'a' && s[i] <= 'z') {
			return false
		}
	}
	return s != ""
}

// disclosurePanel reports the body of an accordion, a collapsible section
// or a tab: by the ARIA pattern (a region or tab panel labelled by its
// button) or by its class.
func disclosurePanel(n *html.Node) bool {
	// A FAQ is not: a closed list of questions after the article is an
	// appendix, like the author box.
	if ancestorOrSelf(n, func(p *html.Node) bool { return strings.Contains(classID(p), "faq") }) {
		return false
	}
	switch strings.ToLower(attr(n, "role")) {
	case "region", "tabpanel":
		if hasAttr(n, "aria-labelledby") {
			return true
		}
	}
	ci := classID(n)
	if ci == "" {
		return false
	}
	for _, w := range [...]string{"accordion", "collapse", "answer", "tab-pane", "tabpanel", "panel-body", "expand"} {
		if strings.Contains(ci, w) {
			return true
		}
	}
	return false
}

// junkRole reports ARIA roles of page furniture.
//
// An element given the button role that holds an image is a control: a
// zoom button over a figure, whose label ("Press enter or click to view
// image in full size") a screen reader speaks, or a clickable card (an
// app, a product) that leads elsewhere. A button without an image (an
// accordion's question) keeps its text.
func junkRole(n *html.Node, s *nstat) bool {
	switch strings.ToLower(attr(n, "role")) {
	case "navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar", "dialog", "alert", "alertdialog", "toolbar":
		return true
	case "button":
		return s.img > 0
	}
	return false
}

// isJunk decides whether the subtree of n is furniture. inArticle says
// whether n is inside an <article> (a <header> there is the article's
// own header, not the site's).
func isJunk(n *html.Node, inArticle bool, s *nstat) (junk, soft bool) {
	j, hard := isJunkKind(n, inArticle, s)
	return j, j && !hard
}

// isJunkKind decides like isJunk and tells whether the decision is hard
// (by element or role) rather than by class, id or visibility.
func isJunkKind(n *html.Node, inArticle bool, s *nstat) (junk, hard bool) {
	// A container that holds a whole article's worth of paragraphs is
	// never furniture, whatever its class says (page builders put
	// "widget" and "sidebar-layout" on everything).
	ld := s.linkDensity()
	big := (s.p >= 4 && s.text >= 1000 && ld < 0.25) || (s.text >= 2500 && ld < 0.3)
	switch n.DataAtom {
	case atom.Nav, atom.Footer, atom.Dialog, atom.Menu:
		return true, true
	case atom.Aside:
		// An aside of several paragraphs of prose, few links and
		// commas in its sentences is a box of the article's own text (a
		// background note beside the story), not the site's sidebar.
		prose := ld < 0.15 && s.p >= 2 && s.text >= 300 && s.commas >= 3
		return !big && !prose, true
	case atom.Header:
		return !inArticle && !big, true
	case atom.Body, atom.Html, atom.Main, atom.A:
		return false, false
	}
	if junkRole(n, s) {
		return true, true
	}
	if hiddenNode(n) {
		// Pages that hide their content until a script runs are not
		// hiding the article from readers.
		return !big, false
	}
	if n.DataAtom == atom.Article || strings.EqualFold(attr(n, "itemprop"), "articleBody") {
		return false, false
	}
	ci := classID(n)
	if headingAtom(n.DataAtom) {
		// A heading's id is an anchor made of its own words
		// ("what-share-of-teens-..."), not the name of a role.
		ci = headingClass(n)
	}
	if ci != "" && inCode(n) {
		// Syntax highlighters class every token ("hljs-comment",
		// "hljs-meta"): inside code a class is never furniture.
		return false, false
	}
	if ci != "" && tablePart(n.DataAtom) {
		// A table's header cells are classed "header" ("headerSort"):
		// the name of their role in the table, not of the page's header.
		return false, false
	}
	if ci != "" && mathElement(n) {
		// A formula is text; MathJax classes its containers
		// "CtxtMenu_Attached" once its context menu is ready.
		return false, false
	}
	if commentClass(ci) {
		// Reader comments are long, plain text: never "too big to be
		// furniture".
		return true, true
	}
	if big {
		return false, false
	}
	cta, disclaimer := noticeClass(ci)
	if cta {
		// A call-to-action box ("Sign up and try it free for 14
		// days") says the same in every article of the site: a
		// "blog-cta" is the site's, not the post's.
		return true, false
	}
	if disclaimer {
		// A disclaimer is the site's notice about the article, not
		// the article; it is left out of the body but stays visible to
		// the date search ("This article was originally published on
		// 26 Sep 2019").
		s.notice = true
	}
	if !junkClass(ci) {
		return false, false
	}
	if ld < 0.3 && s.text >= 60 && strings.Contains(ci, "header") && !junkClass(strings.ReplaceAll(ci, "header", "")) {
		// "header" alone names the head of many parts of an
		// article (an accordion pane's, a listicle's, a sortable
		// column's); the site's header is mostly links.
		return false, false
	}
	return true, false
}

// inCode reports an element inside <pre> or <code>.
func inCode(n *html.Node) bool {
	for p := n.Parent; p != nil && p.Type == html.ElementNode; p = p.Parent {
		if p.DataAtom == atom.Pre || p.DataAtom == atom.Code {
			return true
		}
	}
	return false
}

// commentClass reports a class or id of a reader-comments section.
func commentClass(ci string) bool {
	if ci == "" {
		return false
	}
	hit := false
	for _, w := range [...]string{"comment", "disqus", "replies", "respond", "discussion"} {
		if strings.Contains(ci, w) {
			hit = true
			break
		}
	}
	if !hit {
		return false
	}
	for _, w := range goodWords {
		if strings.Contains(ci, w) {
			return false
		}
	}
	return !strings.Contains(ci, "comments-open") && !strings.Contains(ci, "comment-status")
}

// mathElement reports a MathML element or a MathJax rendering of one.
func mathElement(n *html.Node) bool {
	return n.Namespace == "math" || strings.HasPrefix(n.Data, "mjx-")
}

// tablePart reports the rows, cells and row groups of a table.
func tablePart(a atom.Atom) bool {
	switch a {
	case atom.Tr, atom.Th, atom.Td, atom.Thead, atom.Tbody, atom.Tfoot:
		return true
	}
	return false
}

// noticeClass reads a class or id once for the names of the site's
// notices in an article: a call-to-action box ("cta", "blog-cta__heading",
// "call-to-action") and a disclaimer. It runs on every classed element,
// so it makes one pass over the class's c's.
func noticeClass(ci string) (cta, disclaimer bool) {
	for i := 0; i < len(ci); i++ {
		j := strings.IndexByte(ci[i:], 'c')
		if j < 0 {
			break
		}
		i += j
		rest := ci[i:]
		switch {
		case strings.HasPrefix(rest, "cta") && (i == 0 || !classChar(ci[i-1])) && (len(rest) == 3 || !classChar(rest[3])),
			strings.HasPrefix(rest, "call-to-action"), strings.HasPrefix(rest, "calltoaction"):
			cta = true
		case i >= 3 && strings.HasPrefix(ci[i-3:], "disclaimer"):
			disclaimer = true
		}
	}
	return cta, disclaimer
}

// classChar reports the characters of a class word (see classTokens).
func classChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
}

// headingAtom reports h1 to h6.
func headingAtom(a atom.Atom) bool {
	switch a {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		return true
	}
	return false
}

// headingClass returns the lower-cased class of a heading without its id.
func headingClass(n *html.Node) string {
	c := attr(n, "class")
	if len(c) > maxClassLen {
		c = c[:maxClassLen]
	}
	return strings.ToLower(c)
}
