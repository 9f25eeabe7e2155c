//go:build !linux

package procstat

import "time"

// ThreadCPUTime is not measured here: 0.
func ThreadCPUTime() time.Duration { return 0 }
