package crawler

import (
	"io"
	"log/slog"
	"net/netip"
)

func newTestLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func netipParse(s string) (netip.Addr, error) { return netip.ParseAddr(s) }
