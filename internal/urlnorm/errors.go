package urlnorm

import "errors"

// ErrNotHTTP is returned by Normalize, Clean and the Resolve functions for
// URLs that are not absolute http(s) URLs with a host.
var ErrNotHTTP = errors.New("not an absolute http(s) URL")
