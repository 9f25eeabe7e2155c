// Package extract turns one fetched page into an article record: a
// newsarchive.Page goes in, a newsarchive.Article comes out.
//
// It sits between the archive and the export in the pipeline: the archive
// stores the raw snapshot and asks an Extractor (through a func field that
// cmd wires) for the record it keeps and versions.
//
// What it does, in order, on one parse of the document:
//
//   - decodes the body to UTF-8 (HTTP Content-Type, byte-order mark, meta
//     charset, sniffing, UTF-16 without a byte-order mark known by its
//     markup; a declaration the bytes contradict is ignored),
//     and puts back text a server encoded twice ("â€™" for "’");
//   - reads the metadata cascade: JSON-LD (NewsArticle and friends, inside
//     @graph and arrays), Open Graph and article:* meta, Dublin Core,
//     itemprop, <time datetime>, visible bylines in many languages, dates in
//     the URL path, and the feed or sitemap hints of the Page;
//   - finds the main content by scoring text density, removes boilerplate
//     (navigation, share bars, newsletter boxes, site-wide teaser lists such
//     as "Hot this week" or "Most read", blocks repeated in the page or, with
//     a site profile, across the site), keeps captions once and apart from
//     the paragraphs, and keeps article-specific link blocks ("Related
//     Articles", "See also") as structured related links;
//   - hashes the normalised headline, paragraphs and captions, so a
//     re-capture that only differs in the header date or the teasers has the
//     same ContentHash.
//
// An Extractor is pure (no I/O, no globals) and safe for concurrent use.
//
// # HTML: goquery over one parse
//
// This is the only package that imports github.com/PuerkitoBio/goquery,
// and its types never leave it: Extract takes a newsarchive.Page and
// returns a newsarchive.Article. The decoded text is parsed once, by
// goquery.NewDocumentFromReader (x/net/html underneath); a document
// nested deeper than x/net/html accepts is flattened (flatten.go) and
// parsed once more. Every step then works on that one tree:
//
//   - queries are goquery selectors on the document: the metadata is a
//     single selector group (metaSelector: html, title, meta, link, script,
//     h1, time, rel links, RDFa [property][content], microdata [itemprop]),
//     so the document is traversed once and the matches come in document
//     order, which the first-value-wins cascade relies on; the alt text of
//     uncaptioned figures, the links of related blocks and the itemprop
//     name of an author are queries too. The selectors are compiled once
//     (query.go, with cascadia, goquery's own selector engine) and run with
//     FindMatcher, as Find would compile them on every call;
//   - tree algorithms walk the *html.Node values goquery wraps
//     (Document.Nodes, Selection.Nodes) directly, for work no selector
//     expresses: the text statistics and
//     block pass (body.go), the content scoring (content.go), captions as
//     blocks, the date and byline zones. Going through Selection values
//     there would allocate per node on the hot path for no gain.
//
// Class heuristics (a "caption", "related" or "share" in a class or id)
// stay functions of a node (isCaptionNode, classID), shared by the walks
// and the queries, so both agree on what a caption or furniture is.
//
// The publication date is chosen by weighted votes of its sources
// (structured metadata, the article's <time> and the byline under the
// headline count most, a date found anywhere outside the header,
// navigation and footer least). Then what the reader is shown wins: a
// structured date that no line or <time> of the page shows gives way to
// the article's byline, and a UTC time late in the evening gives way to
// the next day when that is what the byline says. Dates are kept as
// written, in their own zone, never converted to UTC. This is our own code
// rather than go-htmldate: measured on the development benchmark
// (bench/README.md) it is more accurate than go-htmldate's original-date
// mode on every source at a fraction of its cost per page.
//
// # Caveats
//
// The site header's "today" date is never taken as the publication date:
// dates in header, navigation and footer are rejected, as are dates after
// Page.FetchedAt, and the fetch day itself loses against any other
// candidate. A page that shows only its "Updated" day while its metadata
// holds an older, hidden publication day is dated by the updated day;
// annotated benchmarks disagree on which of the two is right. Pages that are HTML but not articles (index, tag, search, 404,
// paywall stubs) give a record with IsArticle false and empty body fields,
// not an error; bodies that are not HTML give ErrNotHTML.
package extract
