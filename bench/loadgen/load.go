package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"time"
)

// scenario is one kind of request, built by newRequest for worker w and its
// i-th request, and the status every response must have.
type scenario struct {
	name       string
	wantStatus int
	newRequest func(baseURL string, w, i int, rng *rand.Rand) (*http.Request, error)
	// wrkRequest is the same request as a wrk Lua request function, for
	// -client wrk. wrkPrelude sets seeded, tag, id and sent.
	wrkRequest string
}

// result summarises one load run of a scenario against one server.
type result struct {
	requests int
	errors   int
	elapsed  time.Duration
	p50, p99 time.Duration
	// cpu is the CPU time that the server and the load generator used while
	// measuring.
	cpu cpuSample
}

func (r result) rps() float64 { return float64(r.requests) / r.elapsed.Seconds() }

// cpuPerRequest returns the server's and the load generator's CPU time per
// measured request. The load generator's share matters because it runs on
// the same cores: it spends more on a response with more headers.
func (r result) cpuPerRequest() (server, client time.Duration) {
	if r.requests == 0 {
		return 0, 0
	}
	n := time.Duration(r.requests)
	return r.cpu.server / n, r.cpu.client / n
}

// runLoad keeps `connections` requests in flight against baseURL for
// warmup+duration, or until maxRequests responses were counted, and reports
// only the responses that started after the warm-up. An error is a transport
// failure or any status other than s.wantStatus. The CPU time is counted from
// the end of the warm-up to the last response, for the server process pid and
// for this process, which includes the tail of warm-up requests in flight.
func runLoad(s scenario, baseURL string, pid, connections int, warmup, duration time.Duration, maxRequests int) (result, error) {
	transport := &http.Transport{
		MaxIdleConns:        connections,
		MaxIdleConnsPerHost: connections,
		MaxConnsPerHost:     connections,
		DisableCompression:  true,
	}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport, Timeout: 30 * time.Second}

	start := time.Now()
	measureFrom := start.Add(warmup)
	var (
		before    cpuSample
		beforeErr error
	)
	sampled := make(chan struct{})
	time.AfterFunc(warmup, func() {
		before, beforeErr = sampleCPU(pid)
		close(sampled)
	})
	deadline := measureFrom.Add(duration)
	perWorker := maxRequests/connections + 1

	var (
		mu        sync.Mutex
		latencies []time.Duration
		failures  int
		wg        sync.WaitGroup
	)
	for w := range connections {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), uint64(start.UnixNano())))
			own := make([]time.Duration, 0, 1024)
			ownErrors := 0
			for i := 0; i < perWorker; i++ {
				sent := time.Now()
				if sent.After(deadline) {
					break
				}
				ok := send(client, s, baseURL, w, i, rng)
				if sent.Before(measureFrom) {
					continue
				}
				own = append(own, time.Since(sent))
				if !ok {
					ownErrors++
				}
			}
			mu.Lock()
			latencies = append(latencies, own...)
			failures += ownErrors
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(measureFrom)
	<-sampled
	after, err := sampleCPU(pid)
	if err = errors.Join(beforeErr, err); err != nil {
		return result{}, fmt.Errorf("read CPU time: %w", err)
	}

	slices.Sort(latencies)
	return result{
		requests: len(latencies),
		errors:   failures,
		elapsed:  elapsed,
		p50:      percentile(latencies, 0.50),
		p99:      percentile(latencies, 0.99),
		cpu:      cpuSample{server: after.server - before.server, client: after.client - before.client},
	}, nil
}

func send(client *http.Client, s scenario, baseURL string, w, i int, rng *rand.Rand) bool {
	req, err := s.newRequest(baseURL, w, i, rng)
	if err != nil {
		return false
	}
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	_, copyErr := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return copyErr == nil && resp.StatusCode == s.wantStatus
}

// percentile returns the value at quantile q of sorted by the nearest-rank
// method, or 0 for no values.
func percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(q*float64(len(sorted))+0.5) - 1
	return sorted[min(max(rank, 0), len(sorted)-1)]
}

func jsonRequest(method, url, body string) (*http.Request, error) {
	req, err := http.NewRequest(method, url, bytes.NewBufferString(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	return req, nil
}

// scenarios returns the three measured request kinds. GET by ID picks a
// uniformly random seeded ID; create uses an email unique to tag, worker and
// request number.
func scenarios(seeded int, tag func() string) []scenario {
	return []scenario{
		{
			name:       "GET /v1/users/{id}",
			wantStatus: http.StatusOK,
			newRequest: func(baseURL string, _, _ int, rng *rand.Rand) (*http.Request, error) {
				return http.NewRequest(http.MethodGet, fmt.Sprintf("%s/v1/users/%d", baseURL, 1+rng.IntN(seeded)), nil)
			},
			wrkRequest: `function request() return wrk.format("GET", "/v1/users/" .. math.random(seeded)) end`,
		},
		{
			name:       "GET /v1/users?limit=20",
			wantStatus: http.StatusOK,
			newRequest: func(baseURL string, _, _ int, _ *rand.Rand) (*http.Request, error) {
				return http.NewRequest(http.MethodGet, baseURL+"/v1/users?limit=20", nil)
			},
			wrkRequest: `function request() return wrk.format("GET", "/v1/users?limit=20") end`,
		},
		{
			name:       "POST /v1/users",
			wantStatus: http.StatusCreated,
			newRequest: func(baseURL string, w, i int, _ *rand.Rand) (*http.Request, error) {
				body := fmt.Sprintf(`{"name":"Load Test","email":"load-%s-%d-%d@example.com"}`, tag(), w, i)
				return jsonRequest(http.MethodPost, baseURL+"/v1/users", body)
			},
			wrkRequest: `
local headers = {["Content-Type"] = "application/json"}
function request()
  sent = sent + 1
  local body = string.format('{"name":"Load Test","email":"load-%s-%d-%d@example.com"}', tag, id, sent)
  return wrk.format("POST", "/v1/users", headers, body)
end`,
		},
	}
}

// seed creates count users with emails seed-N@example.com through POST, with
// 50 requests in flight, and fails on any response other than 201.
func seed(baseURL string, count int) error {
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 50}}
	next := make(chan int)
	failures := make(chan error, count)
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			for n := range next {
				req, err := jsonRequest(http.MethodPost, baseURL+"/v1/users",
					fmt.Sprintf(`{"name":"Seed User","email":"seed-%d@example.com"}`, n))
				if err != nil {
					failures <- err
					continue
				}
				resp, err := client.Do(req)
				if err != nil {
					failures <- err
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusCreated {
					failures <- fmt.Errorf("seed user %d: status %d", n, resp.StatusCode)
				}
			}
		})
	}
	for n := range count {
		next <- n
	}
	close(next)
	wg.Wait()
	close(failures)
	if err, ok := <-failures; ok {
		return fmt.Errorf("%d of %d seed requests failed, first: %w", len(failures)+1, count, err)
	}
	return nil
}

// scenarioNames returns the names that -only matches against.
func scenarioNames() []string {
	var names []string
	for _, s := range scenarios(0, nil) {
		names = append(names, s.name)
	}
	return names
}
