package extract

import (
	"github.com/PuerkitoBio/goquery"
	"github.com/andybalholm/cascadia"
)

// The selectors of the package's goquery queries, compiled once:
// Selection.Find compiles its string argument on every call, which on a
// small page costs as much as the query; FindMatcher takes the compiled
// selector (goquery's selector engine, cascadia).
var (
	// metaMatcher finds every element the metadata cascade reads; see
	// metaSelector.
	metaMatcher = cascadia.MustCompile(metaSelector)
	htmlMatcher = cascadia.MustCompile("html")
	bodyMatcher = cascadia.MustCompile("body")
	// figureMatcher and imgMatcher find the images a caption stands for.
	figureMatcher = cascadia.MustCompile("figure")
	imgMatcher    = goquery.Single("img")
	// linkMatcher finds the links of a related block.
	linkMatcher = cascadia.MustCompile("a")
	// itemNameMatcher finds the name inside an itemprop=author element.
	itemNameMatcher = goquery.Single("[itemprop=name i]")
)
