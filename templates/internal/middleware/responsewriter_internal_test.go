package middleware

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestTrackReusesWriter(t *testing.T) {
	tw := track(httptest.NewRecorder())

	if again := track(tw); again != tw {
		t.Error("track wrapped a trackingWriter again, want the same one")
	}
}

func TestTrackingWriterStarted(t *testing.T) {
	tests := []struct {
		name  string
		write func(w http.ResponseWriter)
		want  bool
	}{
		{name: "nothing written", write: func(http.ResponseWriter) {}, want: false},
		{name: "informational status", write: func(w http.ResponseWriter) { w.WriteHeader(http.StatusEarlyHints) }, want: false},
		{name: "status", write: func(w http.ResponseWriter) { w.WriteHeader(http.StatusNoContent) }, want: true},
		{name: "body", write: func(w http.ResponseWriter) { _, _ = w.Write([]byte("x")) }, want: true},
		{name: "flush", write: func(w http.ResponseWriter) { w.(http.Flusher).Flush() }, want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tw := track(httptest.NewRecorder())

			tt.write(tw)

			if got := tw.started(); got != tt.want {
				t.Errorf("started() = %v, want %v", got, tt.want)
			}
		})
	}
}
