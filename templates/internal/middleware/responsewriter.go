package middleware

import (
	"bufio"
	"net"
	"net/http"
)

// trackingWriter records the status and body size of the response written
// through it, and whether the response has started. AccessLog, Timeout and
// Recover need the same facts, so they share one trackingWriter per request:
// the outermost of them wraps the ResponseWriter, and the others find that
// wrapper through track. That saves an allocation and a call layer per
// write for each of the other two.
type trackingWriter struct {
	http.ResponseWriter
	status   int // the final status, or 0 while none has been written
	bytes    int64
	hijacked bool
}

// track returns w itself when it is a trackingWriter, and otherwise wraps
// it in a new one. A middleware that wraps the ResponseWriter in its own
// type between two users of track costs one more trackingWriter, and both
// stay correct.
func track(w http.ResponseWriter) *trackingWriter {
	if tw, ok := w.(*trackingWriter); ok {
		return tw
	}
	return &trackingWriter{ResponseWriter: w}
}

// started reports whether a final status has been written or the
// connection hijacked. After either, no middleware may write a response of
// its own.
func (tw *trackingWriter) started() bool {
	return tw.status != 0 || tw.hijacked
}

func (tw *trackingWriter) WriteHeader(status int) {
	// 1xx responses are informational and leave the final status open.
	if tw.status == 0 && status >= 200 {
		tw.status = status
	}
	tw.ResponseWriter.WriteHeader(status)
}

func (tw *trackingWriter) Write(b []byte) (int, error) {
	// net/http sends 200 when the body comes without a status.
	if tw.status == 0 {
		tw.status = http.StatusOK
	}
	n, err := tw.ResponseWriter.Write(b)
	tw.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer for the
// methods that trackingWriter does not define, such as SetWriteDeadline.
func (tw *trackingWriter) Unwrap() http.ResponseWriter {
	return tw.ResponseWriter
}

// FlushError flushes the underlying writer. A flush sends the headers, with
// 200 when no status was written. http.ResponseController.Flush calls this
// method.
func (tw *trackingWriter) FlushError() error {
	if tw.status == 0 {
		tw.status = http.StatusOK
	}
	return http.NewResponseController(tw.ResponseWriter).Flush()
}

// Flush implements http.Flusher for handlers that assert it. It drops the
// error, as the http.Flusher interface requires.
func (tw *trackingWriter) Flush() {
	_ = tw.FlushError()
}

// Hijack takes over the connection. http.ResponseController.Hijack calls
// this method.
func (tw *trackingWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, rw, err := http.NewResponseController(tw.ResponseWriter).Hijack()
	if err == nil {
		tw.hijacked = true
	}
	return conn, rw, err
}
