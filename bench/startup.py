#!/usr/bin/env python3
"""Startup time of the harness: wall time from starting a process until a line of its output matches a pattern (the
quickstart's first epoch line), or until it exits. Used for docs/performance.md, "Startup".

    python3 bench/startup.py [--repeats 7] [--pattern REGEX] [--cwd DIR] --command "CMD ARGS" [--command "CMD ARGS" ...]

In a command, {out} becomes a fresh empty folder for each run (a results root). The commands take turns, one run each
per round, so that a machine whose speed drifts (these shared 2-core ones swing by 2x within minutes) slows all of
them alike. A first round is a warm-up and is not counted (it pages libtorch's 500 MB in from disk). Prints, per
command, the median, the range and every time.
"""
import argparse
import os
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time


def once(command, pattern, cwd):
    out = tempfile.mkdtemp(prefix="harness-startup-")
    argv = [out if a == "{out}" else a for a in command]
    start = time.perf_counter()
    # Its own process group: `dotnet run` starts the harness as a child, which must stop with it.
    process = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               start_new_session=True)
    matched = None
    for line in process.stdout:
        if pattern is not None and pattern.search(line):
            matched = time.perf_counter() - start
            # The rest of the run does not count: stop it instead of waiting for the whole grid.
            os.killpg(process.pid, signal.SIGKILL)
            break
    process.stdout.close()
    code = process.wait()
    elapsed = time.perf_counter() - start
    shutil.rmtree(out, ignore_errors=True)
    if pattern is not None and matched is None:
        sys.exit(f"no line matched {pattern.pattern!r} (exit code {code}): {' '.join(argv)}")
    if pattern is None and code != 0:
        sys.exit(f"exit code {code}: {' '.join(argv)}")
    return matched if matched is not None else elapsed


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
    for round_ in range(args.repeats + 1):
        for i, command in enumerate(commands):
            t = once(command, pattern, args.cwd)
            if round_ > 0:
                times[i].append(t)
    for command, ts in zip(commands, times):
        print(f"median {statistics.median(ts):.3f} s, range {min(ts):.3f}-{max(ts):.3f} s: "
              + " ".join(f"{t:.3f}" for t in ts) + f"  [{shlex.join(command)}]")


if __name__ == "__main__":
    main()
