package procstat

import (
	"runtime"
	"testing"
	"time"
)

func TestStatusKiB(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("/proc/self/status is Linux's")
	}
	if kb := StatusKiB("VmRSS"); kb <= 0 {
		t.Errorf("VmRSS %d KiB, want a positive size", kb)
	}
	if kb := StatusKiB("NoSuchField"); kb != 0 {
		t.Errorf("a missing field gave %d, want 0", kb)
	}
	if kb := StatusKiB("Vm"); kb != 0 { // a prefix of field names, not a field
		t.Errorf("a field prefix gave %d, want 0", kb)
	}
}

func TestCPUTime(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" || runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		t.Skip("no getrusage")
	}
	start := CPUTime()
	for end := time.Now().Add(20 * time.Millisecond); time.Now().Before(end); {
	}
	if d := CPUTime() - start; d <= 0 {
		t.Errorf("20 ms of busy work added %v of CPU time", d)
	}
}

func TestThreadCPUTime(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the thread's CPU clock is read on Linux only")
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	t0 := ThreadCPUTime()
	if t0 <= 0 {
		t.Fatalf("thread CPU time %v, want a positive time", t0)
	}
	// Spin until the thread has used 20ms; sleeping would use none.
	start := time.Now()
	for ThreadCPUTime()-t0 < 20*time.Millisecond {
		if time.Since(start) > 10*time.Second {
			t.Fatal("the thread's CPU clock did not advance in 10s of spinning")
		}
	}
	t1 := ThreadCPUTime()
	time.Sleep(50 * time.Millisecond)
	if d := ThreadCPUTime() - t1; d > 20*time.Millisecond {
		t.Errorf("a 50ms sleep cost the thread %v of CPU, want nearly none", d)
	}
}
