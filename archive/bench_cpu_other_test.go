//go:build !unix

package archive_test

import "time"

// cpuTime is not measured here.
func cpuTime() time.Duration { return 0 }

// rssKiB is not measured here.
func rssKiB() int64 { return 0 }
