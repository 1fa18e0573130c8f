package middleware

import (
	"context"
	"log/slog"
)

// LogHandler wraps next so that every record logged with a context from a
// request that passed through RequestID carries the attribute request_id.
// Use the Context variants of the slog.Logger methods (InfoContext,
// LogAttrs and so on) with r.Context() to get it. Records logged after
// WithGroup get request_id inside that group.
func LogHandler(next slog.Handler) slog.Handler {
	return requestIDHandler{next: next}
}

type requestIDHandler struct {
	next slog.Handler
}

func (h requestIDHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.next.Enabled(ctx, level)
}

func (h requestIDHandler) Handle(ctx context.Context, record slog.Record) error {
	if id := RequestIDFrom(ctx); id != "" {
		record = record.Clone()
		record.AddAttrs(slog.String("request_id", id))
	}
	return h.next.Handle(ctx, record)
}

func (h requestIDHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return requestIDHandler{next: h.next.WithAttrs(attrs)}
}

func (h requestIDHandler) WithGroup(name string) slog.Handler {
	return requestIDHandler{next: h.next.WithGroup(name)}
}
