package extract

import (
	"strconv"
	"strings"
	"testing"

	"github.com/newsarchive/newsarchive"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// bodyOf extracts a small page and returns its body text.
func bodyOf(t *testing.T, pageURL, html string) string {
	t.Helper()
	a, err := New(DefaultOptions()).Extract(&newsarchive.Page{URL: pageURL, Status: 200, Body: []byte(html)})
	if err != nil {
		t.Fatal(err)
	}
	return a.Body
}

// prose returns the n-th of distinct paragraphs long enough to count as
// article text.
func prose(n int) string {
	return "Item " + strconv.Itoa(n) + ": the council met on Tuesday, and after a long debate, with many residents present, it voted to repair the old harbour wall before the winter storms arrive in the bay."
}

func TestHiddenClass(t *testing.T) {
	tests := []struct {
		ci   string
		want bool
	}{
		{"hidden", true},
		{"is-hidden card", true},
		{"visually-hidden", true},
		{"bricks-lazy-hidden", true},
		{"grid overflow-hidden transition-all", false},
		{"tw-overflow-hidden", false},
		{"lg:hidden block", false},
		{"print:hidden", false},
		{"kt-accordion-panel kt-accordion-panel-hidden", false},
		{"qaaccordionitem_hiddenanswer__v1rzs", false},
		{"muicollapse-hidden", false},
		{"entry-content", false},
	}
	for _, tt := range tests {
		if got := hiddenClass(tt.ci); got != tt.want {
			t.Errorf("hiddenClass(%q) = %v, want %v", tt.ci, got, tt.want)
		}
	}
}

func TestLinkHost(t *testing.T) {
	tests := []struct{ href, want string }{
		{"https://www.Example.com/a", "example.com"},
		{"http://github.com:443/x?y", "github.com"},
		{"//cdn.example.org/x", "cdn.example.org"},
		{"/local/path", ""},
		{"#section", ""},
		{"page.html?u=http://other.example", ""},
		{"mailto:someone@example.com", ""},
	}
	for _, tt := range tests {
		if got := linkHost(tt.href); got != tt.want {
			t.Errorf("linkHost(%q) = %q, want %q", tt.href, got, tt.want)
		}
	}
}

// TestLinkListsInText checks which lists of links inside the article stay
// in the body: links out of the site or a list a sentence announces do;
// a list of the site's own pages does not.
func TestLinkListsInText(t *testing.T) {
	page := `<html><head><meta property="og:type" content="article"></head><body><article><h1>Progress report</h1>
<p>` + prose(0) + `</p><p>` + prose(1) + `</p><p>` + prose(2) + `</p><p>` + prose(3) + `</p>
<h2>What changed</h2>
<ul><li><a href="https://github.com/o/r/pull/1">Remove passing tests from the list</a></li>
<li><a href="https://github.com/o/r/pull/2">Fix memory use of nested expressions</a></li></ul>
<p>` + prose(4) + `</p>
<p>Here are the guides you asked for:</p>
<ul><li><a href="/guides/ferries">Ferry timetables explained</a></li>
<li><a href="/guides/tides">Reading a tide table</a></li></ul>
<p>` + prose(5) + `</p>
<h3>Popular guides</h3>
<ul><li><a href="/guides/parking">Where to park near the harbour</a></li>
<li><a href="/guides/fishing">Fishing from the pier</a></li></ul>
</article></body></html>`
	body := bodyOf(t, "https://news.example.com/progress", page)
	for _, want := range []string{"Remove passing tests", "Ferry timetables explained"} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %q:\n%s", want, body)
		}
	}
	for _, not := range []string{"Where to park", "Fishing from the pier"} {
		if strings.Contains(body, not) {
			t.Errorf("body holds %q from a list of the site's own links:\n%s", not, body)
		}
	}
}

func TestHiddenNode(t *testing.T) {
	tests := []struct {
		tag  string
		want bool
	}{
		{`<div hidden>`, true},
		{`<div style="display: none">`, true},
		{`<div aria-hidden="true">`, true},
		{`<div hidden id="S:0">`, false},
		{`<div hidden id="S:1f">`, false},
		{`<div style="display:none" role="region" aria-labelledby="q3">`, false},
		{`<div style="display:none" class="accordion-content">`, false},
		{`<div style="display:none" class="faq-answer accordion-content">`, true},
		{`<div style="display:none" class="cookie-notice">`, true},
	}
	for _, tt := range tests {
		doc, err := html.Parse(strings.NewReader("<body>" + tt.tag + "text</div></body>"))
		if err != nil {
			t.Fatal(err)
		}
		n := findFirst(doc, func(n *html.Node) bool { return n.DataAtom == atom.Div })
		if got := hiddenNode(n); got != tt.want {
			t.Errorf("hiddenNode(%s) = %v, want %v", tt.tag, got, tt.want)
		}
	}
}

// TestLinkedTableCells checks that a table row keeps its linked cell (a
// film title linking to its own page) with the rest of the row.
func TestLinkedTableCells(t *testing.T) {
	page := `<html><head><meta property="og:type" content="article"></head><body><article><h1>Films with time loops</h1>
<p>` + prose(0) + `</p><p>` + prose(1) + `</p>
<table><tr><th class="headerSort">Film</th><th class="headerSort">Year</th><th class="headerSort">Description</th></tr>
<tr><td><a href="/wiki/Groundhog_Day">Groundhog Day</a></td><td>1993</td><td>A weatherman relives the same day again and again in a small town.</td></tr>
<tr><td><a href="/wiki/Palm_Springs">Palm Springs</a></td><td>2020</td><td>Two wedding guests are stuck in the same day, and make the best of it.</td></tr>
</table><p>` + prose(2) + `</p></article></body></html>`
	body := bodyOf(t, "https://wiki.example.org/films", page)
	for _, want := range []string{"Groundhog Day", "Palm Springs", "1993", "Description"} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %q:\n%s", want, body)
		}
	}
}

// TestDateCellsAreData checks that a table's date column stays in the
// body: a date alone in a cell is data of the table, not a dateline.
func TestDateCellsAreData(t *testing.T) {
	page := `<html><head><meta property="og:type" content="article"></head><body><article><h1>Home prices</h1>
<p>` + prose(0) + `</p><p>` + prose(1) + `</p>
<table><tr><th>Date</th><th>Change</th></tr>
<tr><td>1/1/2013</td><td>+13.1%</td></tr>
<tr><td>March 1, 2013</td><td>+11.9%</td></tr>
</table><p>` + prose(2) + `</p><p>Published March 3, 2013</p></article></body></html>`
	body := bodyOf(t, "https://news.example.com/prices", page)
	for _, want := range []string{"1/1/2013", "March 1, 2013", "+11.9%"} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, "Published") {
		t.Errorf("body keeps the dateline:\n%s", body)
	}
}

// TestArticleLeadBeforeAd checks that the lead paragraphs of an <article>
// stay when a template splits its text around an ad: the larger part
// wins the scoring, the <article> brings back the rest.
func TestArticleLeadBeforeAd(t *testing.T) {
	var rest strings.Builder
	for i := 3; i < 21; i++ {
		rest.WriteString("<p>" + prose(i) + "</p>")
	}
	page := `<html><head><meta property="og:type" content="article"></head><body><div class="page">
<article><h1>Harbour sale</h1>
<div class="supplemental"><div class="wrap"><div class="inner"><div class="part part-1"><p>` + prose(0) + `</p><p>` + prose(1) + `</p><p>` + prose(2) + `</p></div></div></div></div>
<div class="ad">Advertisement</div>
<div class="story"><div class="columns"><div class="column"><div class="part part-2">` + rest.String() + `</div></div></div></div>
</article>
<aside><p>Other news of the week, short.</p></aside></div></body></html>`
	body := bodyOf(t, "https://news.example.com/harbour-sale", page)
	for _, want := range []string{prose(0), prose(20)} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %q", want[:20])
		}
	}
}

// TestHighlightedCode checks that the classes a syntax highlighter puts
// on code tokens ("hljs-comment", "hljs-meta") do not cut the code.
func TestHighlightedCode(t *testing.T) {
	page := `<html><head><meta property="og:type" content="article"></head><body><article><h1>A brief intro to git</h1>
<p>` + prose(0) + `</p><p>` + prose(1) + `</p>
<pre><code class="language-bash hljs"><span class="hljs-comment"># initialize a repository here</span>
git init</code></pre>
<pre><code class="language-bash hljs"><span class="hljs-meta">$</span> git status</code></pre>
<p>` + prose(2) + `</p></article></body></html>`
	body := bodyOf(t, "https://blog.example.com/git", page)
	for _, want := range []string{"# initialize a repository here", "$ git status"} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %q:\n%s", want, body)
		}
	}
}

func TestIsEndLabel(t *testing.T) {
	tests := []struct {
		label string
		want  bool
	}{
		{"Comments", true},
		{"109 Comments", true},
		{"Comments (42)", true},
		{"留言列表 (42)", true},
		{"Leave a Reply", true},
		{"Comments on the new budget", false},
		{"Results", false},
		{"Sources", true},
		{"Article Sources:", true},
		// Academic pages keep their references with the text.
		{"References", false},
		{"Sources of funding for the harbour wall", false},
		{"About the Contributor", true},
		{"Thanks for reading!", true},
		{"Thanks for reading the council's minutes", false},
	}
	for _, tt := range tests {
		if got := isEndLabel(normKey(tt.label)); got != tt.want {
			t.Errorf("isEndLabel(%q) = %v, want %v", tt.label, got, tt.want)
		}
	}
}

// TestArticleInOverlay checks a story the page shows in an overlay: a
// "modal" class on the wrapper of the <article> does not make it a popup.
func TestArticleInOverlay(t *testing.T) {
	var paras strings.Builder
	for i := 0; i < 8; i++ {
		paras.WriteString("<p>" + prose(i) + "</p>")
	}
	page := `<html><head><meta property="og:type" content="article"></head><body>
<div class="stream"><ul>` + strings.Repeat(`<li><a href="/other">Another story from the stream of the day</a></li>`, 150) + `</ul></div>
<div class="news modalCentered"><div class="canvas"><article><h1>Cargo ship breaks up</h1><div class="canvas-body">` + paras.String() + `</div></article>
<ul>` + strings.Repeat(`<li><a href="/more">More from the overlay's own sidebar of links</a></li>`, 20) + `</ul></div></div>
</body></html>`
	body := bodyOf(t, "https://news.example.com/cargo", page)
	if !strings.Contains(body, prose(7)) {
		t.Errorf("body lacks the article's text:\n%s", body)
	}
}

// TestCallToActionIsNotATeaser checks that a feature page whose
// paragraphs each end in a "Learn more about …" link is not taken for an
// index of linked headlines.
func TestCallToActionIsNotATeaser(t *testing.T) {
	var b strings.Builder
	for i, name := range []string{"Page Inspector", "Web Console", "JavaScript Debugger", "Network Monitor"} {
		b.WriteString("<h2>" + name + "</h2><p>" + prose(i) + "</p><p><a href=\"/tools/" + strconv.Itoa(i) + "\">Learn more about " + name + "</a></p>")
	}
	page := `<html><head><meta property="og:type" content="website"></head><body><main>` + b.String() + `</main></body></html>`
	a, err := New(DefaultOptions()).Extract(&newsarchive.Page{URL: "https://www.example.org/developer/", Status: 200, Body: []byte(page)})
	if err != nil {
		t.Fatal(err)
	}
	if !a.IsArticle || !strings.Contains(a.Body, prose(3)) {
		t.Errorf("IsArticle = %v, body %q; want the feature text", a.IsArticle, a.Body)
	}
}

// TestChecklistIsText checks that a checklist whose items carry a
// checkbox is text, not a form.
func TestChecklistIsText(t *testing.T) {
	var items strings.Builder
	for _, it := range []string{"Book the venue and set a firm date", "Send the save-the-date cards to guests", "Order the dress, allowing six months", "Hire the photographer and the band", "Choose the caterer after a tasting"} {
		items.WriteString(`<li><label><input type="checkbox"> ` + it + `</label></li>`)
	}
	page := `<html><head><meta property="og:type" content="article"></head><body><article><h1>Wedding checklist</h1>
<p>` + prose(0) + `</p><div class="month"><h2>12 months out</h2><ul>` + items.String() + `</ul></div><p>` + prose(1) + `</p></article></body></html>`
	body := bodyOf(t, "https://weddings.example.com/checklist", page)
	if !strings.Contains(body, "Hire the photographer and the band") {
		t.Errorf("body lacks the checklist:\n%s", body)
	}
}

// TestLeadAboveBody checks the paragraphs a template puts between the
// headline and the body block: two or more are the article's lead and
// stay; one short line is a standfirst and does not.
func TestLeadAboveBody(t *testing.T) {
	var body strings.Builder
	for i := 2; i < 10; i++ {
		body.WriteString("<p>" + prose(i) + "</p>")
	}
	page := func(intro string) string {
		return `<html><head><meta property="og:type" content="article"></head><body>
<div class="hero"><h1>What is an online course?</h1>` + intro + `<div class="meta">Posted on Nov 21, 2018</div></div>
<div class="layout"><div class="col"><div class="rich">` + body.String() + `</div></div><div class="side"><a href="/x">Book a demo</a></div></div></body></html>`
	}
	got := bodyOf(t, "https://lms.example.com/what-is-a-course", page("<p>"+prose(0)+"</p><p>"+prose(1)+"</p>"))
	for _, want := range []string{prose(0), prose(1), prose(9)} {
		if !strings.Contains(got, want) {
			t.Errorf("body lacks %q", want[:12])
		}
	}
	got = bodyOf(t, "https://lms.example.com/what-is-a-course", page("<p>A short summary of the article, for lists and shares.</p>"))
	if strings.Contains(got, "A short summary") {
		t.Errorf("body holds the standfirst:\n%s", got)
	}
}

// TestLeadBelowLongHeader checks that the lead is found when many short
// lines (the crumbs, a byline, a contents list, product boxes) stand
// between the headline and it.
func TestLeadBelowLongHeader(t *testing.T) {
	var toc, body strings.Builder
	for i := 0; i < 20; i++ {
		toc.WriteString("<li>Section " + strconv.Itoa(i) + "</li>")
	}
	for i := 2; i < 10; i++ {
		body.WriteString("<p>" + prose(i) + "</p>")
	}
	page := `<html><head><meta property="og:type" content="article"></head><body>
<div class="hero"><h1>The best earbuds</h1><p>By Jane Doe</p><ul>` + toc.String() + `</ul>
<section id="intro"><p>` + prose(0) + `</p><p>` + prose(1) + `</p></section></div>
<div class="layout"><div class="col"><div class="rich">` + body.String() + `</div></div><div class="side"><a href="/x">Deals</a></div></div></body></html>`
	got := bodyOf(t, "https://reviews.example.com/best-earbuds", page)
	for _, want := range []string{prose(0), prose(1), prose(9)} {
		if !strings.Contains(got, want) {
			t.Errorf("body lacks %q", want[:12])
		}
	}
}

// TestShareBarEndsArticle checks that a share bar or author box under
// the last part of the text ends the article, and one near the top
// does not.
func TestShareBarEndsArticle(t *testing.T) {
	var text strings.Builder
	for i := 0; i < 10; i++ {
		text.WriteString("<p>" + prose(i) + "</p>")
	}
	share := `<div class="share-buttons"><a href="https://x.example/share">Share</a> <a href="https://fb.example/share">Post</a></div>`
	page := `<html><head><meta property="og:type" content="article"></head><body><article><h1>Harbour wall</h1>` + share + text.String() + share + `
<p>Our agency helps councils plan harbour works of every size; call us for a free quote today.</p></article></body></html>`
	body := bodyOf(t, "https://news.example.com/harbour-wall", page)
	if !strings.Contains(body, prose(0)) || !strings.Contains(body, prose(9)) {
		t.Errorf("body lacks the article's text:\n%s", body)
	}
	if strings.Contains(body, "free quote") {
		t.Errorf("body holds the text after the closing share bar:\n%s", body)
	}
}

// TestInlineRelatedLink checks that a "Related: <a>title</a>" line inside
// the text becomes a related block, however long the linked title.
func TestInlineRelatedLink(t *testing.T) {
	page := `<html><head><meta property="og:type" content="article"></head><body><article><h1>Harbour wall</h1>
<p>` + prose(0) + `</p>
<p>Related: <a href="/seo/metrics">Standard for Measuring SEO Efforts: Metrics and KPIs You Need to Track</a></p>
<p>` + prose(1) + `</p><h5>Related: <a href="/safety/ppe">PPE Inspections and Why They’re Important</a></h5><p>` + prose(2) + `</p></article></body></html>`
	a, err := New(DefaultOptions()).Extract(&newsarchive.Page{URL: "https://news.example.com/wall", Status: 200, Body: []byte(page)})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(a.Body, "Metrics and KPIs") || strings.Contains(a.Body, "PPE Inspections") {
		t.Errorf("body holds a related link:\n%s", a.Body)
	}
	if len(a.Related) != 2 || a.Related[0].Label != "Related" || len(a.Related[0].Links) != 1 {
		t.Errorf("related = %+v, want two Related blocks of one link", a.Related)
	}
}

// TestPostGridExcerpts checks that a grid of other posts under the
// article (linked titles over excerpts cut mid-sentence) stays out of the
// body, while a roundup whose items have linked names over whole
// sentences stays in.
func TestPostGridExcerpts(t *testing.T) {
	var grid, roundup strings.Builder
	for i := 0; i < 3; i++ {
		n := strconv.Itoa(i)
		grid.WriteString(`<article class="post post-` + n + `"><h3><a href="/post-` + n + `">Other post ` + n + `</a></h3>
<div class="excerpt"><p>When the office denies your claim, it can feel like you have hit a dead end, and many applicants wonder what number ` + n + ` can do about it when</p></div></article>`)
		roundup.WriteString(`<div class="item"><h3><a href="https://shop.example.net/m` + n + `">Machine ` + n + `</a></h3>
<p>Machine ` + n + ` is the most affordable machine on this list, with many stitches, good ratings and a sturdy frame for beginners.</p></div>`)
	}
	page := `<html><head><meta property="og:type" content="article"></head><body><article><h1>Getting hurt at a gym</h1>
<p>` + prose(0) + `</p><p>` + prose(1) + `</p><div class="roundup">` + roundup.String() + `</div><p>` + prose(2) + `</p>
<div class="posts">` + grid.String() + `</div></article></body></html>`
	body := bodyOf(t, "https://law.example.com/gym", page)
	if strings.Contains(body, "dead end") || strings.Contains(body, "Other post") {
		t.Errorf("body keeps the post grid:\n%s", body)
	}
	for _, want := range []string{"Machine 0 is the most affordable", "Machine 2 is", prose(2)} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %q:\n%s", want, body)
		}
	}
}

// TestAuthorBoxIsNotText checks that the author's box under the article
// stays out of the body, whatever separator its class uses.
func TestAuthorBoxIsNotText(t *testing.T) {
	bio := "Jane Doe is a freelance writer who covers harbours, storms and the councils that argue about them, and she has written for many papers."
	for _, box := range []string{
		`<div class="about_author"><div class="author_about"><p>` + bio + `</p></div></div>`,
		`<div class="abh_box"><section class="vcard author"><div class="description"><p>` + bio + `</p></div></section></div>`,
		`<div class="saboxplugin-wrap"><div class="saboxplugin-tab"><div class="saboxplugin-desc"><div><p>` + bio + `</p></div></div></div></div>`,
	} {
		page := `<html><head><meta property="og:type" content="article"></head><body><article><h1>The harbour wall</h1>
<div class="entry-content"><p>` + prose(0) + `</p><p>` + prose(1) + `</p><p>` + prose(2) + `</p>` + box + `</div></article></body></html>`
		body := bodyOf(t, "https://news.example.com/harbour", page)
		if strings.Contains(body, "freelance writer") {
			t.Errorf("body keeps the author box %.40s:\n%s", box, body)
		}
		if !strings.Contains(body, prose(2)) {
			t.Errorf("body lacks the text:\n%s", body)
		}
	}
}

// TestLongRelatedLabel checks that a link block headed by a longer label
// ("More from SewCanShe:", "Related articles that may interest you") is
// a related block, not body text.
func TestLongRelatedLabel(t *testing.T) {
	for _, label := range []string{"More from SewCanShe:", "Related articles that may interest you", "If you liked this post you might also like:", "Up Next"} {
		page := `<html><head><meta property="og:type" content="article"></head><body><article><h1>Harbour wall</h1>
<p>` + prose(0) + `</p><p>` + prose(1) + `</p><p>` + prose(2) + `</p>
<h3>` + label + `</h3><ul><li><a href="/a">Twenty free patterns for a car organiser</a></li><li><a href="/b">How to sew a quilt panel in a weekend</a></li><li><a href="/c">A beginner's guide to sewing machines</a></li></ul>
</article></body></html>`
		a, err := New(DefaultOptions()).Extract(&newsarchive.Page{URL: "https://news.example.com/wall", Status: 200, Body: []byte(page)})
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(a.Body, "car organiser") || strings.Contains(a.Body, strings.TrimSuffix(label, ":")) {
			t.Errorf("%s: body holds the related block:\n%s", label, a.Body)
		}
		if len(a.Related) != 1 || len(a.Related[0].Links) != 3 {
			t.Errorf("%s: related = %+v, want one block of three links", label, a.Related)
		}
	}
}

// TestFormulasAreText checks that formulas stay in the body: MathML, and
// MathJax's rendering, whose container class names a context menu.
func TestFormulasAreText(t *testing.T) {
	page := `<html><head><meta property="og:type" content="article"></head><body><article><h1>Quadratic equations</h1>
<p>` + prose(0) + `</p><p>When <mjx-container class="MathJax CtxtMenu_Attached_0" jax="CHTML"><mjx-assistive-mml><math>
<mi>a</mi>
<mo>≠</mo>
<mn>0</mn>
</math></mjx-assistive-mml></mjx-container>, there are two solutions to
<math class="menu-formula">
<mi>a</mi>
<msup><mi>x</mi>
<mn>2</mn></msup>
<mo>+</mo>
<mi>c</mi>
</math> and both are real.</p><p>` + prose(1) + `</p></article></body></html>`
	body := bodyOf(t, "https://math.example.org/quadratic", page)
	for _, want := range []string{"a ≠ 0", "a x 2 + c"} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %q:\n%s", want, body)
		}
	}
}

func TestIsBoilerLine(t *testing.T) {
	tests := []struct {
		line string
		want bool
	}{
		{"PIN IT HERE", true},
		{"Pin this for later!", true},
		{"Was this helpful?", true},
		{"Comments are closed for this post.", true},
		{"Pin the hem before you sew it", false},
		{"Was this helpful to the council?", false},
		{"Advertisement - Page continues below", true},
		{"ADVERTISEMENT - CONTINUE READING BELOW", true},
		{"Advertisements in the 1950s", false},
		{"Check Price on Amazon", true},
		{"Check prices before you book", false},
	}
	for _, tt := range tests {
		if got := isBoilerLine(normKey(tt.line)); got != tt.want {
			t.Errorf("isBoilerLine(%q) = %v, want %v", tt.line, got, tt.want)
		}
	}
}

// TestPostFooterEndsText checks that a blog's "Posted by … at …" line
// under the post ends the text (the comments follow it), while the same
// words above the post do not.
func TestPostFooterEndsText(t *testing.T) {
	page := `<html><head><meta property="og:type" content="article"></head><body><div class="blogbody"><h1>Vibe coding</h1>
<p>Posted by David in Essays</p><p>` + prose(0) + `</p><p>` + prose(1) + `</p><p>` + prose(2) + `</p>
<p class="posted">Posted by David at December 16, 2025 11:15 AM</p>
<p>I dislike the term, it means nothing and it is vague, and we should use another one for this way of working.</p>
<p class="posted">Posted by: John at December 18, 2025 05:48 PM</p></div></body></html>`
	body := bodyOf(t, "https://blog.example.com/vibe", page)
	if strings.Contains(body, "I dislike the term") || strings.Contains(body, "11:15 AM") {
		t.Errorf("body keeps the footer and comments:\n%s", body)
	}
	if !strings.Contains(body, prose(0)) || !strings.Contains(body, prose(2)) {
		t.Errorf("body lacks the text:\n%s", body)
	}
}

func TestBylineLine(t *testing.T) {
	tests := []struct {
		line string
		want bool
	}{
		{"Written by Cassidy Horton", true},
		{"5 min read", true},
		{"March 15, 2022 · 3 min read", true},
		{"Written by hand in 1820 and kept in the town archive ever since", false},
		{"Leave the min read", false},
	}
	for _, tt := range tests {
		if got := bylineLine(normKey(tt.line)); got != tt.want {
			t.Errorf("bylineLine(%q) = %v, want %v", tt.line, got, tt.want)
		}
	}
}

// TestHeadedAdIsNotText checks that a section headed "Advertisement: …"
// is left out up to the next heading, and the text after it is kept.
func TestHeadedAdIsNotText(t *testing.T) {
	page := `<html><head><meta property="og:type" content="article"></head><body><article><h1>Using AI for analytics</h1>
<p>` + prose(0) + `</p><p>` + prose(1) + `</p>
<h2>Advertisement: Humanitarian Fund</h2><p>Donate today to the fund, which has raised money for families since the war began, every cent goes to them.</p>
<h2>How to read the data</h2><p>` + prose(2) + `</p></article></body></html>`
	body := bodyOf(t, "https://news.example.com/analytics", page)
	if strings.Contains(body, "Donate today") || strings.Contains(body, "Humanitarian Fund") {
		t.Errorf("body keeps the ad:\n%s", body)
	}
	for _, want := range []string{"How to read the data", prose(2)} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %q:\n%s", want, body)
		}
	}
}

// TestHeaderClassInText checks that "header" in the class of a part of
// the article (an accordion pane's head, a listicle's intro) does not
// make it furniture, while the site's header, mostly links, still is.
func TestHeaderClassInText(t *testing.T) {
	page := `<html><head><meta property="og:type" content="article"></head><body>
<div class="site-header-wrap"><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a> <a href="/about">About us and our team</a></div>
<article><h1>Accounting software</h1><p>` + prose(0) + `</p>
<div class="kt-accordion-wrap kt-pane-header-alignment-left"><p>ZipBooks is the easiest to learn, especially if you have never used accounting software before, and it is free for one user.</p></div>
<p>` + prose(1) + `</p><p>` + prose(2) + `</p></article></body></html>`
	body := bodyOf(t, "https://news.example.com/accounting", page)
	if !strings.Contains(body, "ZipBooks is the easiest") {
		t.Errorf("body lacks the pane:\n%s", body)
	}
	if strings.Contains(body, "About us and our team") {
		t.Errorf("body keeps the site header:\n%s", body)
	}
}

// TestCallToActionBoxIsNotText checks that a call-to-action box inside the
// post ("blog-cta", "cta-content") is left out, even where its class names
// the blog, and that the text around it stays.
func TestCallToActionBoxIsNotText(t *testing.T) {
	for _, box := range []string{
		`<div class="blog-cta"><h3 class="blog-cta__heading">Sign up and try Harbourly for 14 days free!</h3><p>Start now, no card needed, and cancel whenever you like.</p></div>`,
		`<section class="cta landing"><p class="cta-content">Get a free, tailored assessment of your harbour wall from our engineers today.</p></section>`,
	} {
		page := `<html><head><meta property="og:type" content="article"></head><body><article><h1>The harbour wall</h1>
<div class="entry-content"><p>` + prose(0) + `</p><p>` + prose(1) + `</p>` + box + `<p>` + prose(2) + `</p></div></article></body></html>`
		body := bodyOf(t, "https://news.example.com/harbour", page)
		if strings.Contains(body, "free") {
			t.Errorf("body keeps the box %.40s:\n%s", box, body)
		}
		if !strings.Contains(body, prose(1)) || !strings.Contains(body, prose(2)) {
			t.Errorf("body lacks the text:\n%s", body)
		}
	}
}

func TestNoticeClass(t *testing.T) {
	tests := []struct {
		ci              string
		cta, disclaimer bool
	}{
		{"cta", true, false},
		{"blog-cta__heading", true, false},
		{"wp-block-call-to-action", true, false},
		{"short-cta__title", true, false},
		{"cta-container container-has-disclaimer", true, true},
		{"views-disclaimer", false, true},
		{"publishdatedisclaimer__disclaimer", false, true},
		{"octagon", false, false},
		{"actas", false, false},
		{"entry-content", false, false},
	}
	for _, tt := range tests {
		if cta, disclaimer := noticeClass(tt.ci); cta != tt.cta || disclaimer != tt.disclaimer {
			t.Errorf("noticeClass(%q) = %v, %v; want %v, %v", tt.ci, cta, disclaimer, tt.cta, tt.disclaimer)
		}
	}
}

// TestDisclaimerIsNotText checks that a disclaimer in the article is left
// out of the body while the date it gives still counts.
func TestDisclaimerIsNotText(t *testing.T) {
	page := `<html><head><meta property="og:type" content="article"></head><body><article><h1>The harbour wall</h1>
<div class="entry-content"><p>` + prose(0) + `</p><p>` + prose(1) + `</p><p>` + prose(2) + `</p>
<p class="views-disclaimer">The views expressed by the authors of this blog are their own and do not necessarily reflect the views of the council.</p>
<div class="PublishDateDisclaimer__Disclaimer">This article was originally published on 26 Sep 2019 at 4:12pm but has been regularly updated.</div>
</div></article></body></html>`
	a, err := New(DefaultOptions()).Extract(&newsarchive.Page{URL: "https://news.example.com/harbour", Status: 200, Body: []byte(page)})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(a.Body, "views expressed") || strings.Contains(a.Body, "originally published") {
		t.Errorf("body keeps the disclaimers:\n%s", a.Body)
	}
	if !strings.Contains(a.Body, prose(2)) {
		t.Errorf("body lacks the text:\n%s", a.Body)
	}
	if a.DatePublished != "2019-09-26" {
		t.Errorf("DatePublished = %q, want 2019-09-26", a.DatePublished)
	}
}

// TestProseAside checks that an <aside> holding paragraphs of prose in
// the article is text, while a sidebar of links still is not.
func TestProseAside(t *testing.T) {
	page := `<html><head><meta property="og:type" content="article"></head><body><article><h1>Turing's patterns</h1>
<div class="post__content"><p>` + prose(0) + `</p><p>` + prose(1) + `</p>
<aside class="post__aside"><p>In 1952, just a couple of years before his death, the mathematician Alan Turing published a paper on how patterns form in nature, from the stripes of a zebra to the spots of a leopard and the whorls of a shell.</p>
<p>This video, which runs for ten minutes, shows the link between art and math, and it explains, step by step, how such patterns arise when two chemicals spread and react at different speeds.</p></aside>
<p>` + prose(2) + `</p></div></article>
<aside class="sidebar"><ul><li><a href="/a">Most read: the harbour</a></li><li><a href="/b">Most read: the storm</a></li><li><a href="/c">Most read: the council</a></li></ul></aside></body></html>`
	body := bodyOf(t, "https://news.example.com/turing", page)
	if !strings.Contains(body, "mathematician Alan Turing") || !strings.Contains(body, "step by step") {
		t.Errorf("body lacks the aside's text:\n%s", body)
	}
	if strings.Contains(body, "Most read") {
		t.Errorf("body keeps the sidebar:\n%s", body)
	}
}

// TestRepeatedLabelsStay checks that a short line the article repeats
// (the same label over each product) stays every time, while a paragraph
// printed twice (a second layout) is kept once.
func TestRepeatedLabelsStay(t *testing.T) {
	page := `<html><head><meta property="og:type" content="article"></head><body><article><h1>The best kettles</h1>
<div class="entry-content"><p>` + prose(0) + `</p>
<h2>1. Steel kettle</h2><p>Key features include the following:</p><ul><li>A steel body</li><li>A whistle</li></ul><p>` + prose(1) + `</p>
<h2>2. Glass kettle</h2><p>Key features include the following:</p><ul><li>A glass body</li><li>A light</li></ul><p>` + prose(2) + `</p>
<div class="mobile-copy"><p>` + prose(2) + `</p></div></div></article></body></html>`
	body := bodyOf(t, "https://news.example.com/kettles", page)
	if n := strings.Count(body, "Key features include the following:"); n != 2 {
		t.Errorf("label printed %d times, want 2:\n%s", n, body)
	}
	if n := strings.Count(body, prose(2)); n != 1 {
		t.Errorf("repeated paragraph printed %d times, want 1:\n%s", n, body)
	}
}

func TestIsDisclosure(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{"This post may contain affiliate links, view my full disclosure policy.", true},
		{"Note: this blog uses affiliate links. That means if you choose to make a purchase, I make a small amount.", true},
		{"When you buy through links on this site I may earn a commission.", true},
		{"Photo credit: Jane Doe", true},
		// Affiliate links and paid promotion as the article's topic.
		{"Merchant and affiliate programs: You can connect your store catalog and find pinners in your niche to join your marketing efforts through affiliate links.", false},
		{"Invest in Paid Promotion: Paid advertising ensures your videos reach the right people at the right time.", false},
		{"To measure the outcomes of these partnerships, implement affiliate links, UTM tracking and exclusive discount codes.", false},
	}
	for _, tt := range tests {
		if got := isDisclosure(tt.s); got != tt.want {
			t.Errorf("isDisclosure(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
}

// TestEmbeddedPostIsNotText checks that a post embedded from a social
// network (Twitter's blockquote, Instagram's) is left out, while the
// sentence that introduces it stays.
func TestEmbeddedPostIsNotText(t *testing.T) {
	for _, embed := range []string{
		`<blockquote class="twitter-tweet"><p lang="en">Reaching human-level AI will take several years if not a decade, and the distribution has a long tail.</p>&mdash; Jane Doe (@janedoe) <a href="https://twitter.com/janedoe/status/1">October 16, 2024</a></blockquote>`,
		`<blockquote class="instagram-media" data-instgrm-permalink="https://www.instagram.com/p/x/"><div><p>Reaching human-level AI will take several years if not a decade, and the distribution has a long tail.</p></div></blockquote>`,
	} {
		page := `<html><head><meta property="og:type" content="article"></head><body><article><h1>When will it come?</h1>
<div class="entry-content"><p>` + prose(0) + `</p><p>Here is how one researcher put it last year, in a post that many people shared:</p>` + embed + `<p>` + prose(1) + `</p><p>` + prose(2) + `</p></div></article></body></html>`
		body := bodyOf(t, "https://news.example.com/agi", page)
		if strings.Contains(body, "long tail") {
			t.Errorf("body keeps the embedded post %.30s:\n%s", embed, body)
		}
		if !strings.Contains(body, "one researcher put it") || !strings.Contains(body, prose(2)) {
			t.Errorf("body lacks the text:\n%s", body)
		}
	}
}

// TestHeadingInContentsStays checks that a heading of the article that a
// side table of contents and its mobile copy repeat stays in the body,
// while a teaser printed twice outside the article is left out.
func TestHeadingInContentsStays(t *testing.T) {
	teaser := "Ten harbour towns to visit before the winter storms come"
	toc := `<nav class="side"><a href="#walls">Why the wall matters</a></nav>`
	page := `<html><head><meta property="og:type" content="article"></head><body>` + toc +
		`<div class="drawer">` + toc + `</div><div class="rail"><p><a href="/towns">` + teaser + `</a></p></div><div class="more"><p><a href="/towns">` + teaser + `</a></p></div>
<article><h1>The harbour wall</h1><div class="entry-content"><p>` + prose(0) + `</p><h2 id="walls">Why the wall matters</h2><p>` + prose(1) + `</p>
<p><a href="/towns">` + teaser + `</a></p><p>` + prose(2) + `</p></div></article></body></html>`
	body := bodyOf(t, "https://news.example.com/harbour", page)
	if !strings.Contains(body, "Why the wall matters") {
		t.Errorf("body lacks the heading:\n%s", body)
	}
	if strings.Contains(body, teaser) {
		t.Errorf("body keeps the teaser:\n%s", body)
	}
}

// TestHeadingAnchorID checks that a heading whose id is an anchor made of
// its own words ("what-share-of-...", "do-i-need-ads") is text, while a
// heading classed as furniture is not.
func TestHeadingAnchorID(t *testing.T) {
	page := `<html><head><meta property="og:type" content="article"></head><body><article><h1>Teens and mental health</h1>
<div class="entry-content"><p>` + prose(0) + `</p>
<h2 class="wp-block-heading" id="what-share-of-teens-report-poor-mental-health">What share of teens report poor mental health?</h2><p>` + prose(1) + `</p>
<h3 class="wp-block-heading" id="h-do-i-need-ads-to-grow">Do I need ads to grow?</h3><p>` + prose(2) + `</p>
<h3 class="share-title">Share this story with your friends</h3></div></article></body></html>`
	body := bodyOf(t, "https://news.example.com/teens", page)
	for _, want := range []string{"What share of teens", "Do I need ads to grow?"} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, "Share this story") {
		t.Errorf("body keeps the share heading:\n%s", body)
	}
}

// TestSecondCopyHeadings checks that the headings of a second copy of the
// text (a layout printed once per screen size) go with its paragraphs,
// while a table's repeated cells stay.
func TestSecondCopyHeadings(t *testing.T) {
	copyOf := `<h2>Labor costs and professional fees</h2><p>` + prose(1) + `</p><h2>Permits and regulatory requirements</h2><p>` + prose(2) + `</p>`
	page := `<html><head><meta property="og:type" content="article"></head><body><article><h1>What a remodel costs</h1>
<div class="entry-content"><p>` + prose(0) + `</p>` + copyOf + `
<table><tr><td>Speed play forty minutes easy with hard sprints</td><td>Optional cardio for thirty minutes</td></tr>
<tr><td>Speed play forty minutes easy with hard sprints</td><td>Optional cardio for thirty minutes</td></tr></table>
<div class="tablet">` + copyOf + `</div></div></article></body></html>`
	body := bodyOf(t, "https://news.example.com/remodel", page)
	if n := strings.Count(body, "Permits and regulatory requirements"); n != 1 {
		t.Errorf("heading of the second copy printed %d times, want 1:\n%s", n, body)
	}
	if n := strings.Count(body, "Optional cardio for thirty minutes"); n != 2 {
		t.Errorf("table cell printed %d times, want 2:\n%s", n, body)
	}
}

// TestContentsLabel checks that the title of a contents list goes with the
// list when the list is left out as furniture or was never filled in
// (a script fills it at load time), and stays over a list that is kept.
func TestContentsLabel(t *testing.T) {
	for _, tc := range []struct {
		name, toc string
		want      int
	}{
		{"list is furniture", `<p><strong>Table of Contents</strong></p><div class="table-of-contents"><ul><li><a href="#a">Labor costs and professional fees</a></li><li><a href="#b">Permits</a></li></ul></div>`, 0},
		{"list filled by script", `<p><strong>Table of Contents</strong></p><div class="ez-toc"></div>`, 0},
		{"list is text", `<p><strong>Table of Contents</strong></p><ol><li>The costs of labor and of professional fees</li><li>The permits a remodel needs</li></ol>`, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			page := `<html><head><meta property="og:type" content="article"></head><body><article><h1>What a remodel costs</h1>
<div class="entry-content"><p>` + prose(0) + `</p>` + tc.toc + `<h2 id="a">Labor costs and professional fees</h2><p>` + prose(1) + `</p><h2 id="b">Permits</h2><p>` + prose(2) + `</p></div></article></body></html>`
			body := bodyOf(t, "https://news.example.com/remodel", page)
			if n := strings.Count(body, "Table of Contents"); n != tc.want {
				t.Errorf("label printed %d times, want %d:\n%s", n, tc.want, body)
			}
			if !strings.Contains(body, prose(2)) {
				t.Errorf("body lost the text:\n%s", body)
			}
		})
	}
}

// TestImageControl checks that the label of a control built around an
// image (a zoom button, a clickable card) is not text, while a control
// without one (an accordion's question) keeps its text.
func TestImageControl(t *testing.T) {
	page := `<html><head><meta property="og:type" content="article"></head><body><article><h1>How to roast coffee</h1>
<div class="entry-content"><p>` + prose(0) + `</p>
<figure><div role="button" tabindex="0"><span>Press enter or click to view image in full size</span><picture><img src="/a.jpg" alt=""></picture></div></figure>
<p>` + prose(1) + `</p>
<div role="button" aria-expanded="false"><h3>How long does a roast take at home?</h3></div><div><p>` + prose(2) + `</p></div>
</div></article></body></html>`
	body := bodyOf(t, "https://news.example.com/coffee", page)
	if strings.Contains(body, "Press enter") {
		t.Errorf("body keeps the zoom control's label:\n%s", body)
	}
	if !strings.Contains(body, "How long does a roast take at home?") {
		t.Errorf("body lost the accordion's question:\n%s", body)
	}
}

// TestSignupBox checks that a box asking for an email address, with a few
// lines of pitch and classes that name only its styling, is not text.
func TestSignupBox(t *testing.T) {
	page := `<html><head><meta property="og:type" content="article"></head><body><article><h1>A road trip through Oregon</h1>
<div class="entry-content"><p>` + prose(0) + `</p><p>` + prose(1) + `</p>
<div class="px-5 py-8 text-center"><p>Get more travel content</p><p>A free daily letter with the best of travel, destinations and guides to the cities you love.</p>
<form><input type="email" placeholder="Enter your address"><button type="submit">Submit</button></form><p>By signing up you agree to our terms.</p></div>
<p>` + prose(2) + `</p></div></article></body></html>`
	body := bodyOf(t, "https://news.example.com/oregon", page)
	if strings.Contains(body, "travel content") || strings.Contains(body, "free daily letter") {
		t.Errorf("body keeps the signup box:\n%s", body)
	}
	if !strings.Contains(body, prose(2)) {
		t.Errorf("body lost the text after the box:\n%s", body)
	}
}
