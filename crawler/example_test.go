package crawler_test

import (
	"context"
	"fmt"
	"log"
	"net/http/httptest"
	"sync/atomic"

	"github.com/newsarchive/newsarchive"
	"github.com/newsarchive/newsarchive/crawler"
	"github.com/newsarchive/newsarchive/fixtures"
)

// A crawl of the bundled demo site from its sitemap and feed: the pages
// they list, and nothing else (Depth 0). cmd passes the archive as the Sink,
// with its Validators, History and Frontier.
func Example() {
	site := httptest.NewServer(fixtures.Handler())
	defer site.Close()

	var pages, hinted atomic.Int32
	opts := crawler.DefaultOptions()
	opts.Seeds = []string{site.URL + "/sitemap.xml", site.URL + "/rss.xml"}
	opts.Depth = 0
	opts.Delay = 0           // a local test site; keep the default for real ones
	opts.AllowPrivate = true // httptest listens on 127.0.0.1
	opts.Sink = crawler.SinkFunc(func(ctx context.Context, p *newsarchive.Page) error {
		pages.Add(1)
		if len(p.Hints) > 0 {
			hinted.Add(1)
		}
		return nil
	})
	c, err := crawler.New(opts)
	if err != nil {
		log.Fatal(err)
	}
	st, err := c.Run(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("one page per article:", st.Pages == len(fixtures.Articles()) && int(pages.Load()) == st.Pages)
	fmt.Println("sitemaps and feeds read:", st.Feeds)
	fmt.Println("pages with a date or title from the feed:", hinted.Load() > 0)
	// Output:
	// one page per article: true
	// sitemaps and feeds read: 2
	// pages with a date or title from the feed: true
}
