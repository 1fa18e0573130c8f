package main

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// server is one HTTP server under test, started as a child process.
type server struct {
	name      string
	cmd       *exec.Cmd
	baseURL   string
	startup   time.Duration
	idleRSSKB int64
}

// startServer runs binary with PORT, HOST and DATABASE_URL set, its output
// appended to logPath, and polls readyPath every 2 ms. startup is the time
// from starting the process to the first 200 on readyPath.
func startServer(name, binary string, port int, databaseURL, readyPath, logPath string) (*server, error) {
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(binary)
	cmd.Env = append(os.Environ(),
		"HOST=127.0.0.1",
		"PORT="+strconv.Itoa(port),
		"DATABASE_URL="+databaseURL,
		"LOG_FORMAT=json",
		// The load comes from one loopback address. A limit this high keeps
		// the rate limiter's cost in the measurement without rejecting
		// requests; the baseline ignores these variables.
		"RATE_LIMIT_RPS=1000000",
		"RATE_LIMIT_BURST=1000000",
	)
	cmd.Stdout, cmd.Stderr = logFile, logFile

	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", binary, err)
	}
	s := &server{name: name, cmd: cmd, baseURL: fmt.Sprintf("http://127.0.0.1:%d", port)}
	client := &http.Client{Timeout: time.Second}
	for time.Since(start) < 30*time.Second {
		resp, err := client.Get(s.baseURL + readyPath)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				s.startup = time.Since(start)
				return s, nil
			}
		}
		time.Sleep(2 * time.Millisecond)
	}
	s.stop()
	return nil, fmt.Errorf("%s did not return 200 on %s within 30 s; see %s", name, readyPath, logPath)
}

// stop sends SIGTERM and waits up to 15 s before killing the process.
func (s *server) stop() {
	_ = s.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
	}
}

// memoryKB returns a field of /proc/PID/status in KiB: VmRSS is the resident
// set size now, VmHWM its peak since the process started.
func (s *server) memoryKB(field string) (int64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			return strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
		}
	}
	return 0, fmt.Errorf("no %s in /proc/%d/status", field, s.cmd.Process.Pid)
}
