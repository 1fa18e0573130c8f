// Package logging batches log output, so that a busy server does not make a
// write system call for every log line.
package logging

import (
	"bufio"
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"time"
)

// bufferSize is the maximum size of the log output that a Writer buffers.
// It is PIPE_BUF on Linux, the largest pipe write that the kernel performs
// atomically (see pipe(7)). Processes that share one stderr pipe, as under a
// container runtime or a shell, therefore never split each other's lines,
// just as with one write per line.
const bufferSize = 4096

// Writer buffers log lines in memory and writes them to its output in
// batches: when the buffer is full, at most one flush interval after the
// first buffered line, on Flush and on Close. A logger whose handler is
// wrapped by FlushOnWarn also writes every record at warn level or above at
// once.
//
// Each Write must be one whole log line, as slog handlers write them. Lines
// reach the output whole and in order. Each write to the output is either
// whole lines of at most bufferSize bytes together or one longer line.
//
// Buffered lines are lost if the process ends without Close, for example on
// SIGKILL, SIGHUP or SIGQUIT, a fatal runtime error or an unrecovered panic
// outside the main goroutine. That is at most bufferSize bytes of lines
// written within the last flush interval, and with FlushOnWarn none at warn
// level or above.
type Writer struct {
	interval time.Duration
	out      io.Writer

	mu      sync.Mutex
	buf     *bufio.Writer
	timer   *time.Timer // created by the first buffered line
	pending bool        // whether the timer is set for the buffered lines
	closed  bool
}

// NewWriter returns a Writer that writes to out and buffers each line for at
// most interval. With an interval of zero or less it writes every line at
// once.
func NewWriter(out io.Writer, interval time.Duration) *Writer {
	w := &Writer{interval: interval, out: out}
	if interval > 0 {
		w.buf = bufio.NewWriterSize(out, bufferSize)
	}
	return w
}

// Write buffers p, which must be one log line, for writing later. It writes
// p at once when the Writer has no interval or is closed, and when p is
// longer than the buffer. It is safe for concurrent use.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.buf == nil || w.closed {
		return w.out.Write(p)
	}
	// Writing the buffered lines first keeps p in one piece, because bufio
	// would split it across two writes to out.
	if len(p) > w.buf.Available() && w.buf.Buffered() > 0 {
		if err := w.flushLocked(); err != nil {
			return 0, err
		}
	}
	// A line longer than the buffer goes straight to out.
	n, err := w.buf.Write(p)
	if err != nil {
		w.buf.Reset(w.out)
		return n, err
	}
	if w.buf.Buffered() > 0 && !w.pending {
		w.pending = true
		if w.timer == nil {
			w.timer = time.AfterFunc(w.interval, w.flushOnTimer)
		} else {
			w.timer.Reset(w.interval)
		}
	}
	return n, nil
}

// Flush writes the buffered lines to the output.
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.buf == nil {
		return nil
	}
	return w.flushLocked()
}

// Close writes the buffered lines to the output. Lines written after Close
// go to the output at once, so that the log of a goroutine that outlives
// the server is not lost.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.closed = true
	if w.timer != nil {
		w.timer.Stop()
	}
	if w.buf == nil {
		return nil
	}
	return w.flushLocked()
}

func (w *Writer) flushOnTimer() {
	w.mu.Lock()
	defer w.mu.Unlock()
	// A timed write has no caller to report a failure to. The lines are
	// dropped, as a failed unbuffered write would drop them.
	_ = w.flushLocked()
}

// flushLocked writes the buffered lines to the output. The caller must
// hold w.mu.
func (w *Writer) flushLocked() error {
	w.pending = false
	err := w.buf.Flush()
	if err != nil {
		// A bufio.Writer fails every later call after its first error.
		// Dropping the buffered lines lets later lines through once the
		// output works again.
		w.buf.Reset(w.out)
	}
	return err
}

// FlushOnWarn returns a handler that passes every record to next, which
// writes to w, and flushes w after each record at warn level or above.
// Warnings and errors are therefore never delayed, because they matter most
// when the process is about to stop.
func FlushOnWarn(next slog.Handler, w *Writer) slog.Handler {
	return flushHandler{next: next, w: w}
}

type flushHandler struct {
	next slog.Handler
	w    *Writer
}

func (h flushHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.next.Enabled(ctx, level)
}

func (h flushHandler) Handle(ctx context.Context, record slog.Record) error {
	err := h.next.Handle(ctx, record)
	if record.Level >= slog.LevelWarn {
		err = errors.Join(err, h.w.Flush())
	}
	return err
}

func (h flushHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return flushHandler{next: h.next.WithAttrs(attrs), w: h.w}
}

func (h flushHandler) WithGroup(name string) slog.Handler {
	return flushHandler{next: h.next.WithGroup(name), w: h.w}
}
