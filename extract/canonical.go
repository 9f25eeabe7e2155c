package extract

import (
	"slices"

	"github.com/newsarchive/newsarchive/internal/urlnorm"
)

// identity returns the record URL and the URLs the page was fetched under.
// The canonical URL (rel=canonical, then og:url) is the identity unless it
// points to another site: then the normalised fetch URL stays the identity,
// so one site's page can never overwrite another site's record. The fetch
// URLs are kept as fetched (urlnorm.Clean: tracking parameters included),
// so a record lists every URL it was seen under.
func identity(p pageURLs, canonical, ogURL string) (string, []string) {
	fetch, err := urlnorm.Normalize(p.url)
	if err != nil {
		fetch = p.url
	}
	var urls []string
	for _, u := range [...]string{p.url, p.requested} {
		if c, err := urlnorm.Clean(u); err == nil && !slices.Contains(urls, c) {
			urls = append(urls, c)
		}
	}
	if len(urls) == 0 && fetch != "" {
		urls = []string{fetch}
	}
	for _, c := range [...]string{canonical, ogURL} {
		if c == "" {
			continue
		}
		u, err := urlnorm.Resolve(p.url, c)
		if err != nil {
			continue
		}
		if fetch != "" && !urlnorm.SameSite(u, fetch) {
			continue
		}
		return u, urls
	}
	return fetch, urls
}

type pageURLs struct{ url, requested string }
