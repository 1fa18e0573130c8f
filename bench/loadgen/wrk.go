package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// wrkPrelude numbers wrk's threads, so that each thread's Lua state has its
// own id for unique emails. Every script gets the arguments seeded, the
// number of seeded users, and tag, which is unique to a round and phase.
const wrkPrelude = `
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end
function init(args)
  seeded = tonumber(args[1])
  tag = args[2]
  sent = 0
  math.randomseed(os.time() * 100 + id)
end
`

// runWrk loads baseURL with wrk instead of this program's own client, so
// that the client spends far less CPU per request than Go's net/http client,
// whose cost grows with the number of response headers. It runs wrk twice:
// for the warm-up and then for the measured part. wrk stops after the given
// time; unlike the Go client, it has no request cap.
//
// wrk counts a socket error or a status of 400 or above as an error. The Go
// client counts any status other than the expected one. The load
// generator's CPU time is wrk's own, from its rusage.
func runWrk(s scenario, baseURL string, pid, connections, seeded, round int, warmup, duration time.Duration) (result, error) {
	script := filepath.Join(os.TempDir(), fmt.Sprintf("loadgen-%d.lua", os.Getpid()))
	if err := os.WriteFile(script, []byte(wrkPrelude+s.wrkRequest), 0o600); err != nil {
		return result{}, err
	}
	defer os.Remove(script)

	tag := fmt.Sprintf("wrk%d", round)
	if _, _, err := wrk(script, baseURL, connections, warmup, strconv.Itoa(seeded), tag+"w"); err != nil {
		return result{}, fmt.Errorf("warm-up: %w", err)
	}
	before, err := sampleCPU(pid)
	if err != nil {
		return result{}, err
	}
	out, clientCPU, err := wrk(script, baseURL, connections, duration, strconv.Itoa(seeded), tag)
	if err != nil {
		return result{}, err
	}
	after, err := sampleCPU(pid)
	if err != nil {
		return result{}, err
	}
	r, err := parseWrk(out)
	if err != nil {
		return result{}, err
	}
	r.cpu = cpuSample{server: after.server - before.server, client: clientCPU}
	return r, nil
}

// wrk runs one thread of wrk with connections open for d and returns its
// output and its CPU time, user plus system.
func wrk(script, baseURL string, connections int, d time.Duration, args ...string) ([]byte, time.Duration, error) {
	cmdArgs := []string{
		"-t1", "-c" + strconv.Itoa(connections), "-d" + strconv.Itoa(int(d.Seconds())) + "s",
		"--timeout", "30s", "--latency", "-s", script, baseURL, "--",
	}
	cmd := exec.Command("wrk", append(cmdArgs, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, 0, fmt.Errorf("wrk: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	return out, cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), nil
}

// parseWrk reads the request count, the elapsed time, the 50th and 99th
// percentile latency and the errors from wrk's output with --latency.
func parseWrk(out []byte) (result, error) {
	var r result
	var sawCount bool
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) == 2 && f[0] == "50%":
			r.p50, _ = time.ParseDuration(f[1])
		case len(f) == 2 && f[0] == "99%":
			r.p99, _ = time.ParseDuration(f[1])
		case len(f) >= 4 && f[1] == "requests" && f[2] == "in":
			n, err := strconv.Atoi(f[0])
			if err != nil {
				return result{}, fmt.Errorf("parse wrk request count %q: %w", f[0], err)
			}
			elapsed, err := time.ParseDuration(strings.TrimSuffix(f[3], ","))
			if err != nil {
				return result{}, fmt.Errorf("parse wrk duration %q: %w", f[3], err)
			}
			r.requests, r.elapsed, sawCount = n, elapsed, true
		case len(f) == 10 && f[0] == "Socket" && f[1] == "errors:":
			// Socket errors: connect 0, read 0, write 0, timeout 0
			for _, i := range []int{3, 5, 7, 9} {
				n, _ := strconv.Atoi(strings.TrimSuffix(f[i], ","))
				r.errors += n
			}
		case len(f) == 5 && f[0] == "Non-2xx":
			n, _ := strconv.Atoi(f[4])
			r.errors += n
		}
	}
	if !sawCount {
		return result{}, fmt.Errorf("no request count in wrk output:\n%s", out)
	}
	return r, nil
}
