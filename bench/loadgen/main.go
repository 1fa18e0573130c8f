// Command loadgen runs the serve benchmark. It starts a generated server and
// the hand-written baseline side by side on loopback and seeds both through
// their API. Then it loads each with the same scenarios in alternating rounds
// and prints Markdown tables with the medians of the rounds and the ratios.
//
// It only connects to 127.0.0.1, and every load run stops after a fixed time
// or a fixed number of requests, whichever comes first.
package main

import (
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

type config struct {
	server, baseline     string
	serverDB, baselineDB string
	label, logDir        string
	only, client         string
	seed, connections    int
	rounds, maxRequests  int
	warmup, duration     time.Duration
}

func main() {
	var cfg config
	flag.StringVar(&cfg.server, "server", "", "path of the generated server binary (required)")
	flag.StringVar(&cfg.baseline, "baseline", "", "path of the baseline binary (required)")
	flag.StringVar(&cfg.serverDB, "server-db", "", "DATABASE_URL for the generated server; must be an empty database (required)")
	flag.StringVar(&cfg.baselineDB, "baseline-db", "", "DATABASE_URL for the baseline; must be an empty database (required)")
	flag.StringVar(&cfg.label, "label", "", "database name printed in the table, such as sqlite")
	flag.StringVar(&cfg.logDir, "log-dir", os.TempDir(), "folder for the servers' logs")
	flag.StringVar(&cfg.only, "only", "", "run only the requests whose name contains this text, such as {id}; the names are "+
		strings.Join(scenarioNames(), ", "))
	flag.StringVar(&cfg.client, "client", "go", "what sends the load: go, this program's net/http client, or wrk, which must be on PATH "+
		"and spends less CPU per request; -max-requests does not apply to wrk, and its -warmup and -duration must be whole seconds")
	flag.IntVar(&cfg.seed, "seed", 10000, "users created through POST before the load runs")
	flag.IntVar(&cfg.connections, "connections", 50, "requests in flight during each load run")
	flag.IntVar(&cfg.rounds, "rounds", 3, "load runs per scenario and server; the table shows the median")
	flag.IntVar(&cfg.maxRequests, "max-requests", 2_000_000, "upper bound on requests per load run")
	flag.DurationVar(&cfg.warmup, "warmup", 2*time.Second, "load before measuring, per run")
	flag.DurationVar(&cfg.duration, "duration", 10*time.Second, "measured time per run")
	flag.Parse()
	if cfg.server == "" || cfg.baseline == "" || cfg.serverDB == "" || cfg.baselineDB == "" {
		fmt.Fprintln(os.Stderr, "loadgen: -server, -baseline, -server-db and -baseline-db are required")
		flag.Usage()
		os.Exit(2)
	}
	if err := checkClient(cfg); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(2)
	}
	if err := run(cfg); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

func run(cfg config) error {
	round := 0
	tag := func() string { return strconv.Itoa(round) }
	all := slices.DeleteFunc(scenarios(cfg.seed, tag), func(s scenario) bool {
		return !strings.Contains(s.name, cfg.only)
	})
	// The filter is checked before the servers start, because seeding fills
	// the databases and a second run on them would fail with duplicate emails.
	if len(all) == 0 {
		return fmt.Errorf("no request name contains %q; the names are %s", cfg.only, strings.Join(scenarioNames(), ", "))
	}

	generated, err := start("generated", cfg.server, cfg.serverDB, "/readyz", cfg.logDir)
	if err != nil {
		return err
	}
	defer generated.stop()
	baseline, err := start("baseline", cfg.baseline, cfg.baselineDB, "/healthz", cfg.logDir)
	if err != nil {
		return err
	}
	defer baseline.stop()
	servers := []*server{generated, baseline}

	for _, s := range servers {
		fmt.Fprintf(os.Stderr, "seeding %s with %d users\n", s.name, cfg.seed)
		if err := seed(s.baseURL, cfg.seed); err != nil {
			return fmt.Errorf("seed %s: %w", s.name, err)
		}
	}

	// results[scenario][server] contains one result per round.
	results := make([][][]result, len(all))
	for i, sc := range all {
		results[i] = make([][]result, len(servers))
		for round = range cfg.rounds {
			// Alternate which server goes first, so that drift on the machine
			// affects both equally.
			order := []int{0, 1}
			if round%2 == 1 {
				order = []int{1, 0}
			}
			for _, j := range order {
				s := servers[j]
				var r result
				if cfg.client == "wrk" {
					r, err = runWrk(sc, s.baseURL, s.cmd.Process.Pid, cfg.connections, cfg.seed, round, cfg.warmup, cfg.duration)
				} else {
					r, err = runLoad(sc, s.baseURL, s.cmd.Process.Pid, cfg.connections, cfg.warmup, cfg.duration, cfg.maxRequests)
				}
				if err != nil {
					return fmt.Errorf("%s %s: %w", s.name, sc.name, err)
				}
				serverCPU, clientCPU := r.cpuPerRequest()
				fmt.Fprintf(os.Stderr, "%s %s round %d: %.0f req/s, p50 %s, p99 %s, %d errors, CPU per request %s server, %s load generator\n",
					s.name, sc.name, round+1, r.rps(), r.p50, r.p99, r.errors, serverCPU, clientCPU)
				results[i][j] = append(results[i][j], r)
			}
		}
	}

	peak := make([]int64, len(servers))
	for j, s := range servers {
		if peak[j], err = s.memoryKB("VmHWM"); err != nil {
			return err
		}
	}
	printTables(cfg, all, servers, results, peak)
	return nil
}

// checkClient rejects an unknown -client, and for wrk a missing binary or
// times that wrk cannot take.
func checkClient(cfg config) error {
	switch cfg.client {
	case "go":
		return nil
	case "wrk":
	default:
		return fmt.Errorf("-client must be go or wrk, not %q", cfg.client)
	}
	if _, err := exec.LookPath("wrk"); err != nil {
		return fmt.Errorf("-client wrk: %w; on Debian, apt-get install wrk", err)
	}
	for _, d := range []time.Duration{cfg.warmup, cfg.duration} {
		if d < time.Second || d%time.Second != 0 {
			return fmt.Errorf("-client wrk needs -warmup and -duration in whole seconds, not %s", d)
		}
	}
	return nil
}

func start(name, binary, databaseURL, readyPath, logDir string) (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	s, err := startServer(name, binary, port, databaseURL, readyPath, filepath.Join(logDir, name+".log"))
	if err != nil {
		return nil, err
	}
	// Let start-up garbage settle before reading the idle size.
	time.Sleep(500 * time.Millisecond)
	if s.idleRSSKB, err = s.memoryKB("VmRSS"); err != nil {
		s.stop()
		return nil, err
	}
	return s, nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// median returns the result with the median throughput.
func median(rs []result) result {
	sorted := slices.Clone(rs)
	slices.SortFunc(sorted, func(a, b result) int {
		switch {
		case a.rps() < b.rps():
			return -1
		case a.rps() > b.rps():
			return 1
		}
		return 0
	})
	return sorted[len(sorted)/2]
}

func printTables(cfg config, all []scenario, servers []*server, results [][][]result, peak []int64) {
	rounds := fmt.Sprintf("%d rounds of %s after %s warm-up, medians of the rounds", cfg.rounds, cfg.duration, cfg.warmup)
	if cfg.rounds == 1 {
		rounds = fmt.Sprintf("1 round of %s after %s warm-up", cfg.duration, cfg.warmup)
	}
	fmt.Printf("\n%s: %d seeded users, %d connections, %s, load from %s\n\n", cfg.label, cfg.seed, cfg.connections, rounds, clientName(cfg.client))
	fmt.Println("| Request | Server | Requests/s | p50 | p99 | Errors | Server CPU per request | Load generator CPU per request | Throughput vs baseline |")
	fmt.Println("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
	for i, sc := range all {
		base := median(results[i][1])
		for j, s := range servers {
			m := median(results[i][j])
			errors := 0
			for _, r := range results[i][j] {
				errors += r.errors
			}
			serverCPU, clientCPU := m.cpuPerRequest()
			fmt.Printf("| `%s` | %s | %.0f | %s | %s | %d | %.1f µs | %.1f µs | %.1f%% |\n",
				sc.name, s.name, m.rps(), round(m.p50), round(m.p99), errors,
				micros(serverCPU), micros(clientCPU), 100*m.rps()/base.rps())
		}
	}

	fmt.Println()
	fmt.Println("| Server | Start-up to ready | Idle RSS | Peak RSS |")
	fmt.Println("| --- | --- | --- | --- |")
	for j, s := range servers {
		fmt.Printf("| %s | %s | %.1f MiB | %.1f MiB |\n",
			s.name, round(s.startup), float64(s.idleRSSKB)/1024, float64(peak[j])/1024)
	}

	// The goal is set for reading one user only.
	if all[0].name != "GET /v1/users/{id}" {
		return
	}
	ratio := median(results[0][0]).rps() / median(results[0][1]).rps()
	verdict := "met"
	if ratio < 0.85 {
		verdict = "NOT met"
	}
	// Two decimals, so that a ratio just under the goal never prints as 85.0%.
	fmt.Printf("\nGoal for %s: generated server at least 85%% of the baseline's throughput: %.2f%%, %s",
		all[0].name, 100*ratio, verdict)
	if cfg.rounds < minRoundsForGoal {
		// Single rounds on a 2-core machine move by several points either way.
		fmt.Printf(" (%d rounds; docs/benchmarks.md judges the goal on %d)", cfg.rounds, minRoundsForGoal)
	}
	fmt.Println(".")
}

// minRoundsForGoal is the number of rounds that docs/benchmarks.md uses to
// judge the goal. With fewer, the verdict is marked as not conclusive.
const minRoundsForGoal = 9

func clientName(client string) string {
	if client == "wrk" {
		return "wrk (one thread)"
	}
	return "the Go client"
}

func micros(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }

// round shortens a duration for the table: microseconds below 10 ms,
// otherwise tenths of a millisecond.
func round(d time.Duration) time.Duration {
	if d < 10*time.Millisecond {
		return d.Round(time.Microsecond)
	}
	return d.Round(100 * time.Microsecond)
}
