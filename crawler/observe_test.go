package crawler

import (
	"bytes"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

func TestMetrics(t *testing.T) {
	s := newSite(t)
	m := NewMetrics()
	reg := prometheus.NewPedanticRegistry()
	if err := m.Register(reg); err != nil {
		t.Fatal(err)
	}
	if err := m.Register(reg); err == nil {
		t.Errorf("registering twice: no error")
	}
	sink := &memSink{}
	o := testOptions(sink, s.URL+"/", "http://127.0.0.1:1/nothing-listens")
	o.Metrics = m
	st := mustRun(t, o)
	if got := value(t, m.pages.WithLabelValues("200")); int(got) != st.Pages {
		t.Errorf("pages_total{status=200} = %v, want %d", got, st.Pages)
	}
	if got := value(t, m.errors.WithLabelValues("network")); got != 1 {
		t.Errorf("errors_total{reason=network} = %v, want 1", got)
	}
	if got := value(t, m.skipped); int(got) != st.Skipped {
		t.Errorf("skipped_total = %v, want %d", got, st.Skipped)
	}
	if got := value(t, m.flight); got != 0 {
		t.Errorf("in_flight = %v after the run", got)
	}
	if mfs, err := reg.Gather(); err != nil || len(mfs) == 0 {
		t.Errorf("gather: %d metric families, %v", len(mfs), err)
	}
}

func TestProgress(t *testing.T) {
	s := newSite(t)
	var bar bytes.Buffer
	o := testOptions(&memSink{}, s.URL+"/")
	o.Progress = &bar
	o.MaxPages = 3
	mustRun(t, o)
	if !strings.Contains(bar.String(), "crawling") || !strings.Contains(bar.String(), "3/3") {
		t.Errorf("progress output %q", bar.String())
	}
}

// value reads one counter or gauge.
func value(t *testing.T, m prometheus.Metric) float64 {
	t.Helper()
	var d dto.Metric
	if err := m.Write(&d); err != nil {
		t.Fatal(err)
	}
	if d.Counter != nil {
		return d.Counter.GetValue()
	}
	return d.Gauge.GetValue()
}
