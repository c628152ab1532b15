#!/usr/bin/env python3
"""Startup time of the harness: wall time from starting a process until a line of its output matches a pattern (the
quickstart's first epoch line), or until it exits. Used for docs/performance.md, "Startup".

    python3 bench/startup.py [--repeats 7] [--pattern REGEX] [--cwd DIR] --command "CMD ARGS" [--command "CMD ARGS" ...]

In a command, {out} becomes a fresh empty folder for each run (a results root). The commands take turns, one run each
per round, so that a machine whose speed drifts (these shared 2-core ones swing by 2x within minutes) slows all of
them alike. A first round is a warm-up and is not counted (it pages libtorch's 500 MB in from disk). Prints, per
command, the median, the range and every time, and the median CPU time (user + system, of every process of the
command, until the same point): on a loaded machine the wall time mostly measures the other load, the CPU time less so.
"""
import argparse
import os
import re
import resource
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time


def group_cpu_seconds(group):
    """User + system time so far of every live process in a process group, and of the children they reaped."""
    ticks = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # After the command name: state ppid pgrp ... utime (12) stime (13) cutime (14) cstime (15), 0-based from state.
        if int(fields[2]) == group:
            ticks += sum(int(x) for x in fields[11:15])
    return ticks / os.sysconf("SC_CLK_TCK")


def once(command, pattern, cwd):
    out = tempfile.mkdtemp(prefix="harness-startup-")
    argv = [out if a == "{out}" else a for a in command]
    start = time.perf_counter()
    # Its own process group: `dotnet run` starts the harness as a child, which must stop with it.
    process = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               start_new_session=True)
    matched = None
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    for line in process.stdout:
        if pattern is not None and pattern.search(line):
            matched = time.perf_counter() - start
            cpu = group_cpu_seconds(process.pid)
            # The rest of the run does not count: stop it instead of waiting for the whole grid.
            os.killpg(process.pid, signal.SIGKILL)
            break
    process.stdout.close()
    code = process.wait()
    elapsed = time.perf_counter() - start
    if matched is None:
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    shutil.rmtree(out, ignore_errors=True)
    if pattern is not None and matched is None:
        sys.exit(f"no line matched {pattern.pattern!r} (exit code {code}): {' '.join(argv)}")
    if pattern is None and code != 0:
        sys.exit(f"exit code {code}: {' '.join(argv)}")
    return (matched if matched is not None else elapsed), cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=7, help="counted rounds (default 7)")
    parser.add_argument("--pattern", help="stop timing at the first output line matching this regex (default: at exit)")
    parser.add_argument("--cwd", default=os.getcwd(), help="working folder of the commands (default: this one)")
    parser.add_argument("--command", action="append", required=True, help="a command line, split as a shell would")
    args = parser.parse_args()
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    pattern = re.compile(args.pattern) if args.pattern else None
    commands = [shlex.split(c) for c in args.command]
    times = [[] for _ in commands]
    cpus = [[] for _ in commands]
    for round_ in range(args.repeats + 1):
        for i, command in enumerate(commands):
            t, cpu = once(command, pattern, args.cwd)
            if round_ > 0:
                times[i].append(t)
                cpus[i].append(cpu)
    for command, ts, cs in zip(commands, times, cpus):
        print(f"median {statistics.median(ts):.3f} s, range {min(ts):.3f}-{max(ts):.3f} s, CPU {statistics.median(cs):.2f} s: "
              + " ".join(f"{t:.3f}" for t in ts) + f"  [{shlex.join(command)}]")


if __name__ == "__main__":
    main()
