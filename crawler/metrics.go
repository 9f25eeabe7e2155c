package crawler

import (
	"errors"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the crawler's Prometheus metrics. Make one with NewMetrics,
// register it once (Register), and give it to every Crawler through
// Options.Metrics; the counters add up across Runs and jobs.
type Metrics struct {
	pages    *prometheus.CounterVec
	errors   *prometheus.CounterVec
	skipped  prometheus.Counter
	retries  prometheus.Counter
	bytes    prometheus.Counter
	duration prometheus.Histogram
	flight   prometheus.Gauge
}

// NewMetrics makes the metrics, named newsarchive_crawler_*.
func NewMetrics() *Metrics {
	const ns, sub = "newsarchive", "crawler"
	return &Metrics{
		pages: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Subsystem: sub,
			Name: "pages_total", Help: "Pages emitted to the archive, by HTTP status."}, []string{"status"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Subsystem: sub,
			Name: "errors_total", Help: "Failed fetches, by reason."}, []string{"reason"}),
		skipped: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Subsystem: sub,
			Name: "skipped_total", Help: "URLs not emitted on purpose (robots.txt, content type)."}),
		retries: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Subsystem: sub,
			Name: "retries_total", Help: "Retries after 429, 502, 503 or 504."}),
		bytes: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Subsystem: sub,
			Name: "body_bytes_total", Help: "Response body bytes received."}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: ns, Subsystem: sub,
			Name: "fetch_seconds", Help: "Time of one fetch, body included.",
			Buckets: prometheus.ExponentialBuckets(0.01, 2.5, 10)}),
		flight: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Subsystem: sub,
			Name: "in_flight", Help: "Requests in flight."}),
	}
}

// Register registers every metric with reg.
func (m *Metrics) Register(reg prometheus.Registerer) error {
	for _, c := range m.collectors() {
		if err := reg.Register(c); err != nil {
			return err
		}
	}
	return nil
}

func (m *Metrics) collectors() []prometheus.Collector {
	return []prometheus.Collector{m.pages, m.errors, m.skipped, m.retries, m.bytes, m.duration, m.flight}
}

// metrics returns the Run's metrics; the nil *Metrics ignores everything.
func (r *run) metrics() *Metrics { return r.cfg.Metrics }

func (m *Metrics) fetched(status, bytes int, d time.Duration) {
	if m == nil {
		return
	}
	m.bytes.Add(float64(bytes))
	m.duration.Observe(d.Seconds())
}

func (m *Metrics) page(status int) {
	if m != nil {
		m.pages.WithLabelValues(strconv.Itoa(status)).Inc()
	}
}

func (m *Metrics) failed(err error) {
	if m == nil {
		return
	}
	reason := "network"
	var se *StatusError
	switch {
	case errors.Is(err, ErrRetryBudget):
		reason = "retry_budget"
	case errors.As(err, &se):
		reason = "status"
	case errors.Is(err, ErrPrivateAddress):
		reason = "private_address"
	case errors.Is(err, ErrTimeout):
		reason = "timeout"
	case errors.Is(err, ErrBodyTooLarge):
		reason = "body_too_large"
	case errors.Is(err, ErrTooManyRedirects), errors.Is(err, ErrRedirectNotAllowed):
		reason = "redirect"
	}
	m.errors.WithLabelValues(reason).Inc()
}

func (m *Metrics) skippedPage() {
	if m != nil {
		m.skipped.Inc()
	}
}

func (m *Metrics) retried() {
	if m != nil {
		m.retries.Inc()
	}
}

func (m *Metrics) inFlight(d int) {
	if m != nil {
		m.flight.Add(float64(d))
	}
}
