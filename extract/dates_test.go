package extract_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/newsarchive/newsarchive"
	"github.com/newsarchive/newsarchive/extract"
)

// datePage builds a small article page: head holds the metadata, byline
// the line under the headline.
func datePage(head, byline string) string {
	para := strings.Repeat("The council met on the budget and argued about the bridge for a long while. ", 6)
	return `<!doctype html><html lang="en"><head><title>Bridge vote</title>` + head + `</head><body>
<header><nav><a href="/">Home</a> <span class="date">Monday, June 1, 2026</span></nav></header>
<main><article><h1>Council votes on the bridge</h1>
<div class="byline">` + byline + `</div>
<p>` + para + `</p><p>` + para + `</p><p>` + para + `</p>
</article></main>
<footer><p>© 2026 Example News</p></footer></body></html>`
}

// TestDateChoice pins which candidate wins when the page's sources
// disagree.
func TestDateChoice(t *testing.T) {
	fetched := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name, head, byline string
		url                string // default https://news.example.com/bridge-vote
		aside              string // a column beside the article
		before             string // a column before the article
		end                string // the end of the article
		kicker             string // a line above the headline
		wantDate, wantSrc  string
	}{
		{
			name:     "metadata and byline agree",
			head:     `<meta property="article:published_time" content="2020-01-03T09:48:24Z">`,
			byline:   `By Ann Lee, January 3, 2020`,
			wantDate: "2020-01-03T09:48:24Z", wantSrc: "meta",
		},
		{
			// The byline is what the reader was shown; a metadata date
			// that appears nowhere on the page is often a template's or
			// a first draft's.
			name:     "byline wins over a metadata date the page never shows",
			head:     `<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2020-01-03T09:48:24Z"}</script>`,
			byline:   `Monday, 6 January 2020`,
			wantDate: "2020-01-06", wantSrc: "text",
		},
		{
			name:     "metadata date also shown on the page wins over an update line",
			head:     `<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2020-01-03T09:48:24Z"}</script>`,
			byline:   `<span class="date">Updated January 6, 2020</span></div><div class="posted">Posted January 3, 2020`,
			wantDate: "2020-01-03T09:48:24Z", wantSrc: "json-ld",
		},
		{
			// 23:01 UTC is already the next day where the paper is printed.
			name:     "a UTC time late in the evening and the local byline day",
			head:     `<meta property="article:published_time" content="2023-11-01T23:01:00Z">`,
			byline:   `02 Novembre 2023`,
			wantDate: "2023-11-02", wantSrc: "text",
		},
		{
			// The URL's day is the publisher's when the UTC time is not
			// shown; here the byline shows it.
			name:     "a UTC time the byline shows beats the URL's day",
			url:      "https://news.example.com/2020/07/08/bridge-vote",
			head:     `<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2020-07-09T10:04:04Z"}</script>`,
			byline:   `July 9, 2020 at 6:04 a.m. EDT`,
			wantDate: "2020-07-09T10:04:04Z", wantSrc: "json-ld",
		},
		{
			name:     "a UTC time early in the day is the URL's day",
			url:      "https://news.example.com/2020/07/08/bridge-vote",
			head:     `<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2020-07-09T02:04:04Z"}</script>`,
			byline:   `By Ann Lee`,
			wantDate: "2020-07-08", wantSrc: "json-ld",
		},
		{
			// The <time> shows the local day of its UTC value.
			name:     "a <time> repeating the UTC value under a byline in local time",
			head:     `<meta property="article:published_time" content="2023-11-01T23:01:00Z">`,
			byline:   `<time datetime="2023-11-01T23:01:00Z">02 Novembre 2023</time>`,
			wantDate: "2023-11-02", wantSrc: "time",
		},
		{
			// 04:13 UTC is still the 23rd where the site is, as its
			// <time> says to the reader.
			name:     "a <time> in UTC whose text shows the day before",
			byline:   `By Ann Lee · <time datetime="2026-02-24T04:13:00Z">February 23, 2026</time>`,
			wantDate: "2026-02-23", wantSrc: "time",
		},
		{
			name:     "a UTC time at noon keeps its day",
			head:     `<meta property="article:published_time" content="2023-11-01T12:01:00Z">`,
			byline:   `<time datetime="2023-11-01T12:01:00Z">1 November 2023</time> · Updated 2 November 2023`,
			wantDate: "2023-11-01T12:01:00Z", wantSrc: "meta",
		},
		{
			name:     "a day-first date in the URL",
			url:      "https://news.example.com/meldungen/29-10-2021",
			head:     ``,
			byline:   `By Ann Lee`,
			wantDate: "2021-10-29", wantSrc: "url",
		},
		{
			name:     "a month name in the URL",
			url:      "https://news.example.com/blog/2023/october/03/bridge-vote",
			byline:   `By Ann Lee`,
			wantDate: "2023-10-03", wantSrc: "url",
		},
		{
			name:     "a month and day of one digit in the URL",
			url:      "https://news.example.com/home/2017/7/12/bridge-vote",
			byline:   `By Ann Lee`,
			wantDate: "2017-07-12", wantSrc: "url",
		},
		{
			name:     "not a date: a year and two ids in the URL",
			url:      "https://news.example.com/home/2017/7/123/bridge-vote",
			byline:   `By Ann Lee`,
			wantDate: "", wantSrc: "",
		},
		{
			// 03/10/2023 reads as March 10 in English, but the URL says
			// which of its two readings the site meant.
			name:     "the URL decides how a numeric byline date reads",
			url:      "https://news.example.com/blog/2023/october/03/bridge-vote",
			byline:   `Ann Lee · 03/10/2023`,
			wantDate: "2023-10-03", wantSrc: "text",
		},
		{
			// The page says in words which date is the publication's.
			name:     "a date labelled published wins over a metadata date",
			head:     `<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2025-08-21"}</script>`,
			byline:   `By Claire Wilson, Published Apr 26, 2023`,
			aside:    `<p>Site news, August 21, 2025: our new look</p>`,
			wantDate: "2023-04-26", wantSrc: "text",
		},
		{
			name:     "a publication label in an element of its own",
			head:     `<meta property="article:published_time" content="2021-10-15">`,
			byline:   `<span class="label">Erschienen am:</span></div><div class="x">13.10.2021`,
			aside:    `<p>Termine: 15.10.2021 Sitzung des Vorstands</p>`,
			wantDate: "2021-10-13", wantSrc: "text",
		},
		{
			name:     "published, not updated, in a line with both",
			head:     `<meta property="article:published_time" content="2024-02-01">`,
			byline:   `Updated March 3, 2025 · Originally published on 26 Sep 2019`,
			wantDate: "2019-09-26", wantSrc: "text",
		},
		{
			name:     "the <time> of an embedded post is not the article's",
			byline:   `Dienstag, 29. Januar 2019`,
			end:      `<blockquote class="instagram-media"><p>Ein Beitrag geteilt von Vreni Frost am <time datetime="2018-03-12T19:30:12+00:00">Mär 12, 2018</time></p></blockquote>`,
			wantDate: "2019-01-29", wantSrc: "text",
		},
		{
			// Cards of related articles, each with its itemprop date.
			name:     "the itemprop dates of a list of teasers",
			head:     `<meta name="date" content="March 27, 2025">`,
			byline:   `By Ann Lee`,
			aside:    `<div class="card"><span itemprop="datePublished" content="2026-03-13T12:00:00+00:00">Mar 13, 2026</span></div><div class="card"><span itemprop="datePublished" content="2026-03-13T11:00:00+00:00">Mar 13, 2026</span></div><div class="card"><span itemprop="datePublished" content="2026-03-10T14:09:58+00:00">Mar 10, 2026</span></div>`,
			wantDate: "2025-03-27", wantSrc: "meta",
		},
		{
			name:     "a date a script writes into the site header is not the article's",
			head:     ``,
			byline:   `By Ann Lee</div></article></main><header><script>showDate("2020/04/17")</script></header><main><article><div>`,
			wantDate: "", wantSrc: "",
		},
		{
			name:     "the article's <time> over a date-classed line in it",
			head:     ``,
			byline:   `Posted on a <time datetime="2024-12-20">Friday</time></div><div class="post-date">August 28, 2024`,
			wantDate: "2024-12-20", wantSrc: "time",
		},
		{
			name:     "the byline under the headline over a date-classed line before the article",
			before:   `<p class="post-date">Aug 01, 2024</p>`,
			byline:   `April 19, 2025`,
			wantDate: "2025-04-19", wantSrc: "text",
		},
		{
			name:     "a date-classed line in the article over one in a column before it",
			before:   `<p class="post-date">November 25, 2025</p>`,
			byline:   `By Ann Lee`,
			end:      `<p class="post-date">December 17, 2025</p>`,
			wantDate: "2025-12-17", wantSrc: "text",
		},
		{
			name:     "a two-digit year on a short line of the article",
			byline:   `Photo: Ann Lee`,
			end:      `<p>von Klaus-Peter Schöppner, 8.5.12</p>`,
			wantDate: "2012-05-08", wantSrc: "text",
		},
		{
			name:     "JSON-LD too broken to parse still gives its date",
			head:     `<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Bridge", "datePublished": "2020-10-26T18:10:00+01:00",, }</script>`,
			byline:   `By Ann Lee`,
			wantDate: "2020-10-26T18:10:00+01:00", wantSrc: "json-ld",
		},
		{
			name:     "header today never wins",
			head:     ``,
			byline:   `By Ann Lee`,
			wantDate: "", wantSrc: "",
		},
		{
			name:     "future byline is dropped",
			head:     `<meta property="article:published_time" content="2021-03-02">`,
			byline:   `March 2, 2027`,
			wantDate: "2021-03-02", wantSrc: "meta",
		},
		{
			name:     "a meta name of the site's own that says published",
			head:     `<meta name="w-published-date" content="2025-05-27T06:03:43.274Z"><meta name="modified-date" content="2025-11-02">`,
			byline:   `By Ann Lee`,
			wantDate: "2025-05-27T06:03:43Z", wantSrc: "meta",
		},
		{
			name:     "a publication date in a script's state object",
			head:     `<script>window.__STATE__={"review":{"publishedDate":"2016-11-04T20:37:27Z","updatedDate":"2016-11-05T20:39:47Z"}}</script>`,
			byline:   `By Ann Lee`,
			wantDate: "2016-11-04T20:37:27Z", wantSrc: "json-ld",
		},
		{
			name:     "the modification date when nothing else dates the page",
			head:     `<meta property="article:modified_time" content="2023-06-12T10:39:42+00:00">`,
			byline:   `By Ann Lee`,
			wantDate: "2023-06-12T10:39:42Z", wantSrc: "meta",
		},
		{
			name:     "the day in the path of the page's image",
			head:     `<meta property="og:image" content="https://news.example.com/files/2016/05/04/bridge.png">`,
			byline:   `By Ann Lee`,
			wantDate: "2016-05-04", wantSrc: "url",
		},
		{
			name:     "a timestamped image name",
			head:     `<meta property="og:image" content="https://img.example.com/large/20201007120909561.jpg">`,
			byline:   `By Ann Lee`,
			wantDate: "2020-10-07", wantSrc: "url",
		},
		{
			name:     "a date a small inline script writes",
			head:     ``,
			byline:   `By Ann Lee <script>showDate("2020/04/17 01:43:09")</script>`,
			wantDate: "2020-04-17", wantSrc: "text",
		},
		{
			// A shop's image URL carries its upload time as a version.
			name:     "the upload time in the version of the page's image",
			head:     `<meta property="og:image" content="http://shop.example.com/cdn/shop/articles/bridge.png?v=1718993696">`,
			byline:   `By Ann Lee`,
			wantDate: "2024-06-21T18:14:56Z", wantSrc: "url",
		},
		{
			name:     "JSON-LD in the content of a meta tag",
			head:     `<meta name="script:ld+json" content='{"@type":"Article","headline":"Bridge","datePublished":"2025-11-17T10:00:00Z"}'>`,
			byline:   `By Ann Lee`,
			wantDate: "2025-11-17T10:00:00Z", wantSrc: "json-ld",
		},
		{
			name:     "the title of an abbr stamp",
			head:     ``,
			byline:   `Visit Austria · <abbr title="Freitag, 6. Oktober 2017 um 04:00" data-utime="1507287600"><span>6. Oktober</span></abbr>`,
			wantDate: "2017-10-06", wantSrc: "time",
		},
		{
			// The only date of the page is in its footer: better than none,
			// unless it is the day of the fetch (a clock).
			name:     "a dated footer line when nothing else dates the page",
			head:     ``,
			byline:   `By Ann Lee`,
			aside:    `<footer><p>Copyright © 19.12.2019 - 12:14 h by Example GmbH</p></footer>`,
			wantDate: "2019-12-19", wantSrc: "text",
		},
		{
			name:     "a date in the description when nothing else dates the page",
			head:     `<meta name="description" content="ORSO MARSICANO: 2019 UN ANNO DA RECORD (Notizia del 14 Gennaio 2020)">`,
			byline:   `By Ann Lee`,
			wantDate: "2020-01-14", wantSrc: "meta",
		},
		{
			// A forum thread: the first post's stamp, with a two-digit year.
			name:     "a date-classed stamp with a two-digit year when nothing else dates the page",
			byline:   `By Ann Lee`,
			aside:    `<div class="comments"><span class="CommentTime"><span>28.09.19</span><span>12:44</span></span><p>` + strings.Repeat("Hat jemand eine Idee, was ich tun kann? ", 8) + `</p></div>`,
			wantDate: "2019-09-28", wantSrc: "text",
		},
		{
			// The JSON-LD's day is never shown; the line above the
			// headline is the article's dateline.
			name:     "a dateline just above the headline",
			head:     `<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2025-06-24T09:00:00Z"}</script>`,
			byline:   `By Ann Lee`,
			kicker:   `<p class="subline">21. Jan 2022 // Dominik Ricker</p>`,
			wantDate: "2022-01-21", wantSrc: "text",
		},
		{
			name:     "a <time> marked up as the modification date",
			byline:   `<time itemprop="dateModified" class="hidden">2018-08-29 14:15:57</time> <time itemprop="datePublished" datetime="2018-06-22 10:20:00" class="hidden">2018-06-22 10:20:00</time>`,
			wantDate: "2018-06-22T10:20:00Z", wantSrc: "time",
		},
		{
			// A theme's hidden hAtom stamp of the last edit is not a
			// byline the reader is shown.
			name:     "a line that is all an \"updated\" stamp",
			head:     `<script type="application/ld+json">{"@type":"BlogPosting","datePublished":"2025-06-01T08:42:15-04:00","dateModified":"2025-10-30T10:45:07-04:00"}</script>`,
			byline:   `By Ann Lee`,
			end:      `<div class="entry-meta"><span class="updated rich-snippet-hidden">2025-10-30T10:45:07-04:00</span></div>`,
			wantDate: "2025-06-01T08:42:15-04:00", wantSrc: "json-ld",
		},
		{
			name:     "an \"updated\" stamp before the date the reader sees",
			head:     `<meta property="article:published_time" content="2024-03-22T05:15:06+00:00">`,
			byline:   `<span class="vcard"><a href="/author/tom/">Tom</a></span><span class="updated rich-snippet-hidden">2024-04-18T13:00:39+00:00</span><span>March 22nd, 2024</span>`,
			wantDate: "2024-03-22T05:15:06Z", wantSrc: "meta",
		},
		{
			// The site lists the article itself among its teasers, with
			// its date; the article's header shows none.
			name:     "the date of a teaser that links to the page itself",
			byline:   `By Ann Lee`,
			aside:    `<div class="teaser-list"><div class="teaser"><h2><a href="/other-story">Another story</a></h2><span class="teaser__date">July 1, 2020</span></div><div class="teaser"><h2><a href="https://news.example.com/bridge-vote">Council votes on the bridge</a></h2><span class="teaser__date">March 18, 2020</span></div></div>`,
			wantDate: "2020-03-18", wantSrc: "text",
		},
		{
			// The picture was filed in October 2024, with the article;
			// the June 2025 byline is a revision's.
			name:     "the image's upload month sides with a metadata date the page never shows",
			head:     `<meta property="og:image" content="https://news.example.com/wp-content/uploads/2024/10/bridge.jpg"><script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2024-10-15T18:50:03Z","dateModified":"2025-06-18T16:35:00Z"}</script>`,
			byline:   `By Ann Lee · Updated on June 18, 2025`,
			wantDate: "2024-10-15T18:50:03Z", wantSrc: "json-ld",
		},
		{
			name:     "an image filed under the metadata date's day",
			head:     `<meta property="og:image" content="https://assets.example.com/2025/12/08/mice.png?width=1280"><meta property="article:published_time" content="2025-12-08T22:31:00Z">`,
			byline:   `By Ann Lee · Updated: Dec 31, 2025 8:51pm UTC`,
			wantDate: "2025-12-08T22:31:00Z", wantSrc: "meta",
		},
		{
			name:     "an image filed in the shown date's month leaves the byline's date",
			head:     `<meta property="og:image" content="https://news.example.com/wp-content/uploads/2025/06/bridge.jpg"><script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2024-10-15T18:50:03Z"}</script>`,
			byline:   `By Ann Lee · June 18, 2025`,
			wantDate: "2025-06-18", wantSrc: "text",
		},
		{
			// A dated line beside the article (an event list) is not the
			// article's byline.
			name:     "a date-classed line outside the article does not overrule the metadata",
			head:     `<meta property="article:published_time" content="2020-02-11">`,
			byline:   `By Ann Lee`,
			aside:    `<div class="event-date">29.02.2020 18:00 Uhr Portugal vs Spanien</div>`,
			wantDate: "2020-02-11", wantSrc: "meta",
		},
		{
			// The metadata's day is mentioned only in passing, in a
			// column beside the article; the byline, whose date class
			// and place under the headline agree, is what the reader
			// is shown.
			name:     "a metadata date mentioned only in passing does not count as shown against an unambiguous byline",
			head:     `<meta property="article:published_time" content="2020-04-29T11:52:23Z">`,
			byline:   `<span class="date">April 28, 2020</span>`,
			aside:    `<p>Most read: the shareholders' meeting, moved to April 29, 2020 after the vote</p>`,
			wantDate: "2020-04-28", wantSrc: "text",
		},
		{
			// A card of another column links its heading and its date;
			// the article's date opens its first paragraph.
			name:     "the date of a teaser card that links elsewhere is not the article's",
			byline:   `</div><p>A column by Ann Lee on the bridge, 31 October 2023. The council met again on Tuesday night to argue about the bridge and its costs, which have grown for years and are still growing.</p><div>`,
			aside:    `<a href="/columns/pseudonyms"><h3>Column: on pseudonyms</h3><div class="date">24 October 2023</div></a>`,
			wantDate: "2023-10-31", wantSrc: "text",
		},
		{
			// An aside is furniture by its tag, but one whose class
			// says it is the meta box holds the article's own date.
			name:     "the <time> in the article's meta aside",
			head:     `<meta property="article:published_time" content="2022-01-26">`,
			byline:   `By Ann Lee`,
			end:      `<div class="article__wrap"><div class="row"><aside class="meta" role="complementary"><p class="meta__content"><time datetime="2022-01-21">21.01.2022 - 13:30</time></p></aside></div></div>`,
			wantDate: "2022-01-21", wantSrc: "time",
		},
	}
	x := extract.New(extract.DefaultOptions())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := tt.url
			if u == "" {
				u = "https://news.example.com/bridge-vote"
			}
			p := &newsarchive.Page{URL: u, Status: 200, Header: http.Header{}, Body: []byte(strings.NewReplacer("</main>", "</main><div class=\"col\">"+tt.aside+"</div>", "<main>", "<div class=\"col\">"+tt.before+"</div><main>", "</article>", tt.end+"</article>", "<h1>", tt.kicker+"<h1>").Replace(datePage(tt.head, tt.byline))), FetchedAt: fetched}
			a, err := x.Extract(p)
			if err != nil {
				t.Fatal(err)
			}
			if a.DatePublished != tt.wantDate || a.DateSource != tt.wantSrc {
				t.Errorf("date = %q from %q, want %q from %q", a.DatePublished, a.DateSource, tt.wantDate, tt.wantSrc)
			}
		})
	}
}

// TestDateInArticleHeader pins that a date in the block holding the
// article's headline is read even when that block looks like the site's
// header: a "header__attributed" class, or a <header> outside the text
// the extractor chose, holding the page's only h1. It is the article's
// own.
func TestDateInArticleHeader(t *testing.T) {
	para := strings.Repeat("The council met on the budget and argued about the bridge for a long while. ", 6)
	body := `<p>` + para + `</p><p>` + para + `</p><p>` + para + `</p>`
	tests := []struct {
		name, page        string
		wantDate, wantSrc string
	}{
		{
			name: "a header class in the headline's block",
			page: `<!doctype html><html lang="en"><head><title>Bridge vote</title>
<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2025-06-24"}</script></head><body>
<div class="main"><div class="blog__header-contain">
<div class="header__attributed"><div class="staff__wrap"><div class="text__author">Shauna Mitchell</div><div class="text__date">August 25, 2024</div></div></div>
<h1>Council votes on the bridge</h1><p class="blog-summary">How the council voted.</p></div>
<div class="blog-body">` + body + `</div></div></body></html>`,
			wantDate: "2024-08-25", wantSrc: "text",
		},
		{
			// The JSON-LD's 2012 date is never shown; the hero shows 2021.
			name: "a <time> in a hero header that holds the only h1",
			page: `<!doctype html><html lang="en"><head><title>Bridge vote</title>
<script type="application/ld+json">{"@type":"Article","datePublished":"2012-09-12T16:45:28+00:00","dateModified":"2021-09-08T18:02:10+00:00"}</script></head><body>
<div class="template"><header class="article-hero"><div class="meta-top"><a href="/travel/">Travel</a> <span class="sep"></span> <time class="article-date" datetime="2021-09-08T18:02:10+00:00">September 8, 2021</time></div>
<h1 class="article-title">Council votes on the bridge</h1><div class="meta"><a href="/experts/ann-lee/" rel="author">Ann Lee</a></div></header>
<div class="featured-image"><img src="/rent.jpg" alt="A bridge"></div>
<div class="layout"><main class="article-content"><div class="article-body">` + body + `</div></main>
<aside class="sidebar"><p>Get our newsletter every morning.</p></aside></div></div></body></html>`,
			wantDate: "2021-09-08T18:02:10Z", wantSrc: "time",
		},
		{
			// The headline's text is in a block of its own inside the h1;
			// the byline zone under it was never opened.
			name: "the byline under an h1 that wraps a block",
			page: `<!doctype html><html lang="fr"><head><title>Le pont</title></head><body>
<div class="header-top"><p>Édition du 12 octobre 2020</p></div>
<div class="panel-display zen-one-sidebar-second clearfix"><div class="panel-content">
<div class="panel-content-header-inner"><h1 class="pane-node-title"><div class="pane-content">Le conseil vote sur le pont</div></h1>
<div class="pane-node-terms"><a href="/actualites/avocat" rel="tag">AVOCAT</a></div></div>
<div class="panel-content-inner"><div class="panel-pane"><div class="pane-content"><div class="view"><div class="views-row"><div class="node-signature"><span class="field-contributor">Par Ann Lee</span> <span class="field-published-at">le 07 Mai 2020</span></div>
<div class="node-body">` + body + `</div></div></div></div></div></div></div></div></body></html>`,
			wantDate: "2020-05-07", wantSrc: "text",
		},
	}
	x := extract.New(extract.DefaultOptions())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := x.Extract(&newsarchive.Page{URL: "https://news.example.com/bridge-vote", Status: 200, Header: http.Header{}, Body: []byte(tt.page), FetchedAt: time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)})
			if err != nil {
				t.Fatal(err)
			}
			if a.DatePublished != tt.wantDate || a.DateSource != tt.wantSrc {
				t.Errorf("date = %q from %q, want %q from %q", a.DatePublished, a.DateSource, tt.wantDate, tt.wantSrc)
			}
		})
	}
}
