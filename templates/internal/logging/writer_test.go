package logging

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// output is a thread-safe io.Writer that records each Write call, and fails
// while err is set.
type output struct {
	mu     sync.Mutex
	writes []string
	err    error
}

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.err != nil {
		return 0, o.err
	}
	o.writes = append(o.writes, string(p))
	return len(p), nil
}

func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return strings.Join(o.writes, "")
}

// all returns the bytes of each Write call.
func (o *output) all() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]string(nil), o.writes...)
}

func (o *output) calls() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.writes)
}

func (o *output) fail(err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.err = err
}

// waitFor polls until cond holds, and fails the test after 5 seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s did not happen within 5s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestWriterBuffersUntilInterval(t *testing.T) {
	out := &output{}
	w := NewWriter(out, 50*time.Millisecond)
	defer func() { _ = w.Close() }()

	start := time.Now()
	for i := range 3 {
		if _, err := fmt.Fprintf(w, "line %d\n", i); err != nil {
			t.Fatalf("write: %v", err)
		}
	}
	if got := out.String(); got != "" && time.Since(start) < 50*time.Millisecond {
		t.Fatalf("output before the interval = %q, want nothing", got)
	}

	waitFor(t, "the timed flush", func() bool { return out.calls() > 0 })
	if elapsed := time.Since(start); elapsed < 50*time.Millisecond {
		t.Errorf("lines written after %s, want at least the 50ms interval", elapsed)
	}
	if got, want := out.String(), "line 0\nline 1\nline 2\n"; got != want {
		t.Errorf("output = %q, want %q", got, want)
	}
	if got := out.calls(); got != 1 {
		t.Errorf("output got %d writes, want the three lines in one", got)
	}

	// The next buffered line sets the timer again.
	_, _ = w.Write([]byte("line 3\n"))
	waitFor(t, "the second timed flush", func() bool { return out.calls() == 2 })
}

func TestWriterWritesAtOnce(t *testing.T) {
	tests := []struct {
		name     string
		interval time.Duration
		write    func(w *Writer)
		want     string
	}{
		{
			name:     "zero interval",
			interval: 0,
			write:    func(w *Writer) { _, _ = w.Write([]byte("line\n")) },
			want:     "line\n",
		},
		{
			name:     "flush",
			interval: time.Hour,
			write: func(w *Writer) {
				_, _ = w.Write([]byte("line\n"))
				_ = w.Flush()
			},
			want: "line\n",
		},
		{
			name:     "close",
			interval: time.Hour,
			write: func(w *Writer) {
				_, _ = w.Write([]byte("line\n"))
				_ = w.Close()
			},
			want: "line\n",
		},
		{
			name:     "line after close",
			interval: time.Hour,
			write: func(w *Writer) {
				_ = w.Close()
				_, _ = w.Write([]byte("late\n"))
			},
			want: "late\n",
		},
		{
			name:     "full buffer",
			interval: time.Hour,
			write: func(w *Writer) {
				line := strings.Repeat("x", bufferSize/2-1) + "\n"
				for range 3 {
					_, _ = w.Write([]byte(line))
				}
			},
			// Two lines fill the buffer. The third does not fit, so the
			// first two are written.
			want: strings.Repeat(strings.Repeat("x", bufferSize/2-1)+"\n", 2),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := &output{}
			w := NewWriter(out, tt.interval)
			t.Cleanup(func() { _ = w.Close() })

			tt.write(w)

			if got := out.String(); got != tt.want {
				t.Errorf("output has %d bytes, want %d", len(got), len(tt.want))
			}
		})
	}
}

func TestWriterKeepsLinesWhole(t *testing.T) {
	out := &output{}
	w := NewWriter(out, time.Hour)
	short := "short\n"
	long := strings.Repeat("y", bufferSize+10) + "\n"

	_, _ = w.Write([]byte(short))
	_, _ = w.Write([]byte(long))
	_ = w.Close()

	writes := out.all()
	want := []string{short, long}
	if len(writes) != len(want) {
		t.Fatalf("output got %d writes, want %d: the buffered line, then the long line whole", len(writes), len(want))
	}
	for i := range want {
		if writes[i] != want[i] {
			t.Errorf("write %d has %d bytes, want %d", i, len(writes[i]), len(want[i]))
		}
	}
}

func TestWriterSplitsOnlyAtLineEnds(t *testing.T) {
	out := &output{}
	w := NewWriter(out, time.Hour)
	line := strings.Repeat("l", 299) + "\n"

	for range 100 {
		_, _ = w.Write([]byte(line))
	}
	_ = w.Close()

	for i, write := range out.all() {
		if len(write) > bufferSize {
			t.Errorf("write %d has %d bytes, want at most %d", i, len(write), bufferSize)
		}
		if len(write)%len(line) != 0 {
			t.Errorf("write %d has %d bytes, want whole lines of %d", i, len(write), len(line))
		}
	}
	if got, want := out.String(), strings.Repeat(line, 100); got != want {
		t.Errorf("output has %d bytes, want %d", len(got), len(want))
	}
}

func TestWriterFailedFlushBeforeLongLine(t *testing.T) {
	out := &output{}
	w := NewWriter(out, time.Hour)
	broken := errors.New("disk full")

	_, _ = w.Write([]byte("lost\n"))
	out.fail(broken)
	_, err := w.Write([]byte(strings.Repeat("x", bufferSize) + "\n"))
	if !errors.Is(err, broken) {
		t.Fatalf("Write = %v, want %v from writing the buffered line", err, broken)
	}
	out.fail(nil)
	_, _ = w.Write([]byte("kept\n"))
	if err := w.Close(); err != nil {
		t.Fatalf("Close = %v, want nil once the output works again", err)
	}

	if got, want := out.String(), "kept\n"; got != want {
		t.Errorf("output = %q, want %q", got, want)
	}
}

func TestWriterTimerAfterFlush(t *testing.T) {
	out := &output{}
	w := NewWriter(out, 20*time.Millisecond)
	defer func() { _ = w.Close() }()

	_, _ = w.Write([]byte("first\n"))
	if err := w.Flush(); err != nil {
		t.Fatalf("Flush: %v", err)
	}
	_, _ = w.Write([]byte("second\n"))

	waitFor(t, "the timed flush after Flush", func() bool { return out.String() == "first\nsecond\n" })
}

func TestWriterRecoversAfterOutputError(t *testing.T) {
	out := &output{}
	w := NewWriter(out, time.Hour)
	broken := errors.New("disk full")

	_, _ = w.Write([]byte("lost\n"))
	out.fail(broken)
	if err := w.Flush(); !errors.Is(err, broken) {
		t.Fatalf("Flush = %v, want %v", err, broken)
	}
	out.fail(nil)
	_, _ = w.Write([]byte("kept\n"))
	if err := w.Close(); err != nil {
		t.Fatalf("Close = %v, want nil once the output works again", err)
	}

	if got, want := out.String(), "kept\n"; got != want {
		t.Errorf("output = %q, want %q", got, want)
	}
}

func TestWriterConcurrentLinesStayWhole(t *testing.T) {
	out := &output{}
	w := NewWriter(out, time.Millisecond)
	logger := slog.New(slog.NewJSONHandler(w, nil))

	const goroutines, lines = 8, 500
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range lines {
				logger.Info("line", slog.Int("goroutine", g), slog.Int("i", i),
					slog.String("pad", strings.Repeat("z", 200)))
			}
		})
	}
	wg.Wait()
	_ = w.Close()

	got := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(got) != goroutines*lines {
		t.Fatalf("output has %d lines, want %d", len(got), goroutines*lines)
	}
	// next holds the i that each goroutine's next line must carry, which
	// also rules out duplicates.
	next := make(map[int]int)
	for _, line := range got {
		var entry struct {
			Goroutine int `json:"goroutine"`
			I         int `json:"i"`
		}
		if err := json.Unmarshal([]byte(line), &entry); err != nil {
			t.Fatalf("line %q is not a whole JSON object: %v", line, err)
		}
		if entry.I != next[entry.Goroutine] {
			t.Fatalf("goroutine %d logged line %d, want %d", entry.Goroutine, entry.I, next[entry.Goroutine])
		}
		next[entry.Goroutine]++
	}
}

func TestFlushOnWarn(t *testing.T) {
	tests := []struct {
		level     slog.Level
		wantWrite bool
	}{
		{level: slog.LevelDebug, wantWrite: false},
		{level: slog.LevelInfo, wantWrite: false},
		{level: slog.LevelWarn, wantWrite: true},
		{level: slog.LevelError, wantWrite: true},
	}
	for _, tt := range tests {
		t.Run(tt.level.String(), func(t *testing.T) {
			out := &output{}
			w := NewWriter(out, time.Hour)
			t.Cleanup(func() { _ = w.Close() })
			handler := slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug})
			logger := slog.New(FlushOnWarn(handler, w)).With("service", "test").WithGroup("g")

			logger.Info("buffered")
			logger.Log(t.Context(), tt.level, "record")

			got := out.String()
			if !tt.wantWrite {
				if got != "" {
					t.Errorf("output = %q, want nothing before the interval", got)
				}
				return
			}
			buffered, record := strings.Index(got, "msg=buffered"), strings.Index(got, "msg=record")
			if buffered < 0 {
				t.Errorf("output = %q lacks the line logged before the record", got)
			}
			if record < buffered {
				t.Errorf("output = %q, want the record after the line logged before it", got)
			}
			if !strings.Contains(got, "service=test") {
				t.Errorf("output = %q lacks the attribute added by With", got)
			}
		})
	}
}
