package extract

// The line filters of paragraphs: short lines that are furniture
// wherever they stand, labels that open or close the article's text,
// notices about the page. Each takes a block's text or its normalised
// key (normKey: lower case, letters and digits only, single spaces).

import (
	"slices"
	"strings"
)

// boilerLines are short lines that are page furniture wherever they are.
var boilerLines = [...]string{
	"advertisement", "advertisements", "ad", "sponsored", "share", "share this", "share this article",
	"share on facebook", "share on twitter", "tweet", "email", "print", "click here", "read more",
	"continue reading", "sign up", "subscribe", "follow us", "skip to content", "skip to main content",
	"loading", "comments", "leave a comment", "leave a reply", "related", "back to top", "menu",
	"scroll to continue with content", "story continues below advertisement", "copy link", "link copied",
	"like this", "like loading", "loading paragraph", "loading image", "share this story", "print this page",
	"learn more", "book now", "shop now", "buy now", "read full review", "jump to details", "read reviews",
	"check price", "see price", "view deal", "see details", "view details", "see more", "show more",
	"view more", "load more", "best prices today", "advertising", "map",
	"pin it", "pin it here", "pin this for later", "pin for later", "was this helpful",
	"comments are closed", "comments are closed for this post",
}

// contentsLabels title a page's list of links to its own sections.
var contentsLabels = [...]string{
	"table of contents", "contents", "on this page", "in this article", "jump to", "jump to section",
	"article contents", "inhaltsverzeichnis", "sommaire", "índice", "indice", "contenido",
}

func isContentsLabel(key string) bool { return slices.Contains(contentsLabels[:], key) }

// endLabels are headings that follow the end of an article's text.
var endLabels = [...]string{
	"about the author", "about the authors", "about the reviewer", "about the writer", "author bio",
	"comments", "leave a reply", "leave a comment", "reader interactions", "join the conversation",
	"post a comment", "add a comment", "disclaimer",
	"über den autor", "kommentare", "à propos de l auteur", "commentaires", "sobre el autor", "comentarios",
	"responses", "reader comments", "留言", "留言列表", "评论", "評論", "コメント", "댓글",
	// The list of links a web article cites; "References" is not here:
	// papers keep their references with the text.
	"sources", "article sources",
	"about the contributor", "about the contributors",
	"thanks for reading", "thank you for reading", "thanks for visiting",
}

// isEndLabel reports a heading after which no article text follows; a
// count may lead or follow ("109 Comments", "Comments (42)").
func isEndLabel(key string) bool {
	return slices.Contains(endLabels[:], strings.Trim(key, "0123456789 "))
}

// looksLikeData reports a block that is serialised data (a JSON object
// rendered as text by a script-driven page), not prose.
func looksLikeData(s string) bool {
	if len(s) < 20 || (s[0] != '{' && s[0] != '[') {
		return false
	}
	return strings.Count(s, "\":") >= 3
}

// disclosures are phrases of affiliate and sponsorship notices and of
// photo credits: notices about the page, not the article.
var disclosures = [...]string{
	"may earn a commission", "earn a commission", "may earn commission",
	"earn a small commission", "small commission", "independently selected",
	"may contain affiliate", "purchases made through links", "as an amazon associate",
	"we may receive a commission", "we may earn", "i may earn", "i may receive a",
}

// disclosureTopics are phrases of disclosures that are also what
// marketing articles are about ("add affiliate links to your pins",
// "reach without paid promotion"): a notice only where the text speaks of
// itself or its writer.
var disclosureTopics = [...]string{"affiliate link", "paid promotion"}

// isDisclosure reports an affiliate or sponsorship notice, or a line that
// is only a photo credit.
func isDisclosure(s string) bool {
	low := strings.ToLower(s)
	for _, d := range disclosures {
		if strings.Contains(low, d) {
			return true
		}
	}
	for _, d := range disclosureTopics {
		if strings.Contains(low, d) && selfReference(low) {
			return true
		}
	}
	if len(s) < 150 {
		for _, p := range [...]string{"image credit", "photo credit", "image source", "photo:", "image:", "credit:"} {
			if strings.HasPrefix(low, p) {
				return true
			}
		}
	}
	return false
}

// selfReference reports a lower-case text that speaks of its writer or of
// the page it is on ("we", "my", "this post").
func selfReference(low string) bool {
	for _, w := range strings.FieldsFunc(low, func(r rune) bool { return !(r >= 'a' && r <= 'z') }) {
		switch w {
		case "i", "we", "us", "our", "my", "me":
			return true
		}
	}
	for _, p := range [...]string{"this post", "this article", "this page", "this site", "this website", "this blog", "this video"} {
		if strings.Contains(low, p) {
			return true
		}
	}
	return false
}

func isBoilerLine(key string) bool {
	if strings.HasPrefix(key, "advertisement ") {
		// The label over an ad slot: "Advertisement - Continue
		// reading below", "Advertisement - Page continues below".
		return true
	}
	if strings.HasPrefix(key, "check price ") {
		// A shop button: "Check Price on Amazon", "Check price at REI".
		return true
	}
	return slices.Contains(boilerLines[:], key)
}

// callToAction reports a linked line that invites the reader further
// ("Learn more about WebIDE", "Read the full review"): the link of a
// paragraph, not the headline of a teaser.
func callToAction(key string) bool {
	for _, p := range [...]string{"learn more", "read more", "find out more", "read the full", "see more", "view more", "discover more", "more about", "continue reading"} {
		if strings.HasPrefix(key, p) {
			return true
		}
	}
	return false
}

// postFooter reports the line a blog prints under a post: who posted it
// when, or where it was filed.
func postFooter(key string) bool {
	for _, p := range [...]string{"posted by ", "posted in ", "filed under "} {
		if strings.HasPrefix(key, p) {
			return true
		}
	}
	return false
}

// bylineLine reports a line of the article's header that slipped into
// the content: "Written by Jane Doe", "5 min read".
func bylineLine(key string) bool {
	if strings.HasPrefix(key, "written by ") && len(strings.Fields(key)) <= 6 {
		return true
	}
	f := strings.Fields(key)
	if n := len(f); n >= 3 && f[n-1] == "read" {
		switch f[n-2] {
		case "min", "mins", "minute", "minutes":
			return strings.Trim(f[n-3], "0123456789") == ""
		}
	}
	return false
}
