// Command gentime compares project generation by scaffold and go-blueprint in
// one run: it alternates the tools run by run and prints the median wall time
// of each and their ratio. It also times the path from an empty folder to a
// passing `go test ./...` for each tool, with the module and build caches
// already warm from an untimed first round.
//
// go-blueprint reads from a terminal, so it runs under `script`, which gives
// it a pseudo-terminal. `script` running `true` is timed in the same rotation,
// so its own cost can be subtracted.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

func main() {
	scaffold := flag.String("scaffold", "", "path of the scaffold binary (required)")
	blueprint := flag.String("blueprint", "", "path of the go-blueprint binary (required)")
	runs := flag.Int("runs", 20, "timed generations per tool")
	testRuns := flag.Int("test-runs", 3, "timed generate-and-test runs per tool")
	work := flag.String("work", "", "empty folder to generate into (required)")
	flag.Parse()
	if *scaffold == "" || *blueprint == "" || *work == "" {
		fmt.Fprintln(os.Stderr, "gentime: -scaffold, -blueprint and -work are required")
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*scaffold, *blueprint, *work, *runs, *testRuns); err != nil {
		fmt.Fprintln(os.Stderr, "gentime:", err)
		os.Exit(1)
	}
}

// tool generates a project called name in the work folder and returns its
// path.
type tool struct {
	name     string
	generate func(work, name string) (string, error)
}

func run(scaffoldBin, blueprintBin, work string, runs, testRuns int) error {
	tools := []tool{
		{name: "scaffold", generate: func(work, name string) (string, error) {
			return filepath.Join(work, name), command(work, scaffoldBin, "new", name, "--no-git", "-q")
		}},
		{name: "go-blueprint", generate: func(work, name string) (string, error) {
			create := strconv.Quote(blueprintBin) + " create --name " + name +
				" --framework standard-library --driver sqlite --git skip"
			return filepath.Join(work, name), command(work, "script", "-qec", create, "/dev/null")
		}},
		{name: "script running true", generate: func(work, _ string) (string, error) {
			return "", command(work, "script", "-qec", "true", "/dev/null")
		}},
	}

	// One untimed round fills the module and build caches for both tools.
	for i, t := range tools[:2] {
		if _, err := generateAndTest(t, work, fmt.Sprintf("warmup%d", i)); err != nil {
			return err
		}
	}

	generation := make([][]time.Duration, len(tools))
	for i := range runs {
		for k := range tools {
			// Rotate the starting tool each run, so that drift on the machine
			// affects every tool alike.
			j := (i + k) % len(tools)
			name := fmt.Sprintf("gen%d%c", i, 'a'+j)
			start := time.Now()
			dir, err := tools[j].generate(work, name)
			elapsed := time.Since(start)
			if err != nil {
				return fmt.Errorf("%s run %d: %w", tools[j].name, i+1, err)
			}
			if dir != "" {
				if err := checkProject(dir); err != nil {
					return fmt.Errorf("%s run %d: %w", tools[j].name, i+1, err)
				}
				if err := os.RemoveAll(dir); err != nil {
					return err
				}
			}
			generation[j] = append(generation[j], elapsed)
		}
	}

	toGreen := make([][]time.Duration, 2)
	for i := range testRuns {
		for k := range 2 {
			j := (i + k) % 2
			elapsed, err := generateAndTest(tools[j], work, fmt.Sprintf("test%d%c", i, 'a'+j))
			if err != nil {
				return err
			}
			toGreen[j] = append(toGreen[j], elapsed)
		}
	}

	s, b, overhead := median(generation[0]), median(generation[1]), median(generation[2])
	fmt.Printf("| Measurement | Runs | scaffold | go-blueprint | go-blueprint / scaffold |\n")
	fmt.Printf("| --- | --- | --- | --- | --- |\n")
	fmt.Printf("| Generate, median wall time | %d | %s | %s | %.1f× |\n", runs, ms(s), ms(b), ratio(b, s))
	fmt.Printf("| Generate, minus `script` (median %s) | %d | %s | %s | %.1f× |\n",
		ms(overhead), runs, ms(s), ms(b-overhead), ratio(b-overhead, s))
	st, bt := median(toGreen[0]), median(toGreen[1])
	fmt.Printf("| Generate, then `go test -count=1 ./...` passes | %d | %s | %s | %.1f× |\n", testRuns, ms(st), ms(bt), ratio(bt, st))
	return nil
}

// generateAndTest generates a project, runs its tests and returns the wall
// time of both steps together.
func generateAndTest(t tool, work, name string) (time.Duration, error) {
	start := time.Now()
	dir, err := t.generate(work, name)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", t.name, err)
	}
	if err := command(dir, "go", "test", "-count=1", "./..."); err != nil {
		return 0, fmt.Errorf("go test in the project of %s: %w", t.name, err)
	}
	elapsed := time.Since(start)
	return elapsed, os.RemoveAll(dir)
}

// command runs name with args in dir and returns an error with its output if
// it fails.
func command(dir, name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local", "NO_COLOR=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s failed: %w\n%s", name, strings.Join(args, " "), err, out)
	}
	return nil
}

// checkProject fails unless dir contains a go.mod, so that a tool that exits
// 0 without generating anything is not timed as fast.
func checkProject(dir string) error {
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		return fmt.Errorf("no go.mod generated: %w", err)
	}
	return nil
}

func median(ds []time.Duration) time.Duration {
	sorted := slices.Clone(ds)
	slices.Sort(sorted)
	return sorted[len(sorted)/2]
}

func ratio(a, b time.Duration) float64 { return float64(a) / float64(b) }

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64) + " ms"
}
