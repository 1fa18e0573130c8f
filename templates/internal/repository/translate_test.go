package repository

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"testing"
{% if database == "postgres" %}
	"github.com/jackc/pgx/v5/pgconn"
{% endif %}
	"{{ module_path }}/internal/service"
)

func TestTranslate(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	tests := []struct {
		name string
		err  error
		want error // nil means the error passes through unchanged
	}{
		{name: "no rows", err: sql.ErrNoRows, want: service.ErrNotFound},
		{name: "connection refused", err: fmt.Errorf("failed to connect: %w", refused), want: service.ErrUnavailable},
		{name: "bad connection", err: driver.ErrBadConn, want: service.ErrUnavailable},
		{name: "connection reset", err: fmt.Errorf("read: %w", syscall.ECONNRESET), want: service.ErrUnavailable},
		{name: "unexpected EOF", err: io.ErrUnexpectedEOF, want: service.ErrUnavailable},
{%- if database == "postgres" %}
		{name: "pooled connection closed", err: fmt.Errorf("failed to deallocate cached statement(s): %w", pgconn.ErrConnClosed), want: service.ErrUnavailable},
{%- endif %}
		// A request out of time is not a database outage, so these pass
		// through and the API reports them as timeouts.
		{name: "deadline exceeded", err: context.DeadlineExceeded},
		{name: "driver timeout", err: fmt.Errorf("timeout: %w", context.DeadlineExceeded)},
		{name: "cancelled", err: context.Canceled},
		{name: "other error", err: errors.New("syntax error")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := translate(tt.err)

			if tt.want == nil {
				if got != tt.err {
					t.Errorf("translate(%v) = %v, want it unchanged", tt.err, got)
				}
				return
			}
			if !errors.Is(got, tt.want) {
				t.Errorf("translate(%v) = %v, want %v", tt.err, got, tt.want)
			}
			if tt.want != service.ErrNotFound && !errors.Is(got, tt.err) {
				t.Errorf("translate(%v) = %v, want it to wrap the driver error", tt.err, got)
			}
		})
	}
}
