package extract

import "log/slog"

// Options configure an Extractor. The zero value of each field has the
// meaning documented on it; DefaultOptions gives the recommended values.
type Options struct {
	// Logger receives debug lines about extraction decisions. Nil means
	// discard.
	Logger *slog.Logger

	// MaxBodyBytes is the largest body Extract accepts; larger bodies give
	// ErrTooLarge. Zero means no limit.
	MaxBodyBytes int

	// MinArticleChars is how many characters of body text a page needs to
	// count as an article. Zero means 250.
	MinArticleChars int

	// BoilerplateShare is the share of a site's pages (Page.SitePages) on
	// which a text block must have been seen to count as boilerplate when
	// Page.SiteBlocks is set. Zero means 0.5.
	BoilerplateShare float64

	// MinSitePages is how many pages a site profile must have counted
	// before it is used at all. Zero means 5.
	MinSitePages int
}

// DefaultOptions returns the recommended options: a 16 MiB body limit and
// the documented defaults for everything else.
func DefaultOptions() Options {
	return Options{
		MaxBodyBytes:     16 << 20,
		MinArticleChars:  250,
		BoilerplateShare: 0.5,
		MinSitePages:     5,
	}
}

func (o Options) withDefaults() Options {
	if o.MinArticleChars <= 0 {
		o.MinArticleChars = 250
	}
	if o.BoilerplateShare <= 0 {
		o.BoilerplateShare = 0.5
	}
	if o.MinSitePages <= 0 {
		o.MinSitePages = 5
	}
	return o
}
