package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// clockTick is the unit of the CPU times in /proc/PID/stat: USER_HZ, which is
// 100 on x86 and arm64 Linux.
const clockTick = 10 * time.Millisecond

// cpuSample is the CPU time, user plus system, that the server and this
// process had used at one moment.
type cpuSample struct {
	server, client time.Duration
}

// sampleCPU reads the CPU time of the process pid from /proc/PID/stat, summed
// over its threads, and this process's own from getrusage.
func sampleCPU(pid int) (cpuSample, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return cpuSample{}, err
	}
	// The command name, field 2, is in parentheses and may contain spaces,
	// so the fields are counted from the last ')'. utime and stime are
	// fields 14 and 15, the 12th and 13th after it.
	fields := strings.Fields(string(data[strings.LastIndexByte(string(data), ')')+1:]))
	if len(fields) < 13 {
		return cpuSample{}, fmt.Errorf("/proc/%d/stat has %d fields after the name", pid, len(fields))
	}
	var ticks int64
	for _, f := range fields[11:13] {
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return cpuSample{}, fmt.Errorf("parse /proc/%d/stat: %w", pid, err)
		}
		ticks += n
	}

	var self syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &self); err != nil {
		return cpuSample{}, err
	}
	client := time.Duration(self.Utime.Nano() + self.Stime.Nano())
	return cpuSample{server: time.Duration(ticks) * clockTick, client: client}, nil
}
