// Package procstat reads what the running process uses, for benchmarks and
// tests: its CPU time (Unix), the CPU time of one of its threads (Linux)
// and the memory fields of /proc/self/status (Linux). Where a value cannot
// be read it is 0, and a benchmark reports nothing rather than a wrong
// number.
package procstat

import (
	"bytes"
	"os"
	"strconv"
)

// StatusKiB returns a field of /proc/self/status given in kB ("VmRSS",
// "VmHWM", "RssAnon", "RssFile"...), in KiB, or 0 when it cannot be read.
func StatusKiB(field string) int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range bytes.Lines(data) {
		rest, ok := bytes.CutPrefix(line, []byte(field+":"))
		if !ok {
			continue
		}
		kb, err := strconv.ParseInt(string(bytes.TrimSpace(bytes.TrimSuffix(bytes.TrimSpace(rest), []byte("kB")))), 10, 64)
		if err != nil {
			return 0
		}
		return kb
	}
	return 0
}
