#!/usr/bin/env python3
"""Grid throughput: wall time of whole `harness run` grids, sequential (--jobs 1) against --jobs 2, and against the
same grid run sequentially by a plain PyTorch script (bench/pytorch/grid.py); plus the CLI's start-to-first-epoch
time (bench/startup.py). Writes a Markdown table (default results/benchmarks/grid-throughput.md) and the raw rows
beside it (.jsonl). Needs python3-torch and libopenblas0-pthread for the PyTorch column, Fashion-MNIST for its grid
(apt-get install dataset-fashion-mnist). Not part of the test suite.

    python3 bench/grid-throughput.py [--harness "dotnet src/Harness/bin/Release/net10.0/harness.dll"]
        [--grids quickstart,tabular,fashion] [--repeats 3] [--fashion-repeats 3] [--startup-repeats 5]
        [--output results/benchmarks/grid-throughput.md] [--raw FILE] [--from-raw FILE]

--harness is the command that stands for `harness` (split as a shell would); without it the script builds the Release
dll and uses it, so a change to --jobs is measured by rerunning this script at the new commit. --from-raw FILE writes
the table from the rows of an earlier run without measuring anything (the commit, machine and command it names are the
ones recorded in the rows).

The grids: the quickstart (experiments/quickstart.json as is: digits, 4 losses, tuned rates, 36 runs), the tabular
grid with learning-rate tuning (experiments/csv-regression.json as is: 3 losses, 33 runs) and the 24-run
Fashion-MNIST MLP grid (bench/grids/fashion-mnist-grid24.json: 8 losses x 3 seeds, 1 epoch each). Variants of each:
`harness run CONFIG --jobs 1`, `--jobs 2`, and the PyTorch script; for Fashion-MNIST also `--jobs 1 --set threads=2`,
so that --jobs 2 is compared with the best sequential thread setting. The harness writes its whole results folder
and report (what a user's run does; --quiet only shortens the console), into a fresh temporary root every time.

Why the design: on these shared 2-core machines the same command takes anywhere from 1x to 2x minutes apart, so each
repeat runs every variant of a grid once, back to back, in an order that rotates from repeat to repeat, and the
ratios are taken within a repeat (then the median and range over repeats). The wall time is of the whole command,
process start included, because that is what --jobs must beat. The CPU time of each command (user + system of it and
its children) is recorded too: under load it says what the work cost when the wall time mostly measures the others.
"""
import argparse
import datetime
import json
import os
import platform
import re
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RELEASE_DLL = "src/Harness/bin/Release/net10.0/harness.dll"
GRIDS = {
    "quickstart": "experiments/quickstart.json",
    "tabular": "experiments/csv-regression.json",
    "fashion": "bench/grids/fashion-mnist-grid24.json",
}
TITLES = {
    "harness-j1": "`--jobs 1`", "harness-j1-t2": "`--jobs 1`, threads 2", "harness-j2": "`--jobs 2`", "pytorch": "PyTorch script",
}


def variants(grid):
    """Variant name -> (argv after the harness command, or None for the PyTorch script)."""
    v = {"harness-j1": ["--jobs", "1"], "harness-j2": ["--jobs", "2"], "pytorch": None}
    if grid == "fashion":
        v["harness-j1-t2"] = ["--jobs", "1", "--set", "threads=2"]
    return v


def run_count(config_path):
    with open(os.path.join(ROOT, config_path)) as f:
        c = json.load(f)
    tuning = c.get("tuning", {})
    per_loss = len(c.get("seeds", [0, 1, 2])) + len(tuning.get("learningRates", [])) * len(tuning.get("seeds", []))
    return len(c["losses"]) * per_loss


def timed(argv, env=None):
    """Wall and CPU seconds of a command, its exit code, and the one-minute load average when it started."""
    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return wall, cpu, result.returncode, load, result.stderr[-2000:]


def measure(args, harness, rows, have_torch, record):
    # Every grid here trains with 1 torch thread. Debian's OpenBLAS (the pthread build) starts threads of its own,
    # which torch.set_num_threads does not reach: without this the script used more than one core.
    torch_env = dict(os.environ, OMP_WAIT_POLICY="passive", OPENBLAS_NUM_THREADS="1")
    for grid in args.grids:
        config = GRIDS[grid]
        names = [n for n in variants(grid) if n != "pytorch" or have_torch]
        repeats = args.fashion_repeats if grid == "fashion" else args.repeats
        for r in range(repeats):
            # Rotate which variant goes first, so none always runs on the machine the previous one warmed (or loaded).
            for name in names[r % len(names):] + names[:r % len(names)]:
                extra = variants(grid)[name]
                out = tempfile.mkdtemp(prefix="grid-throughput-")
                if extra is None:
                    argv, env = ["/usr/bin/python3", "bench/pytorch/grid.py", config, "--quiet"], torch_env
                else:
                    argv, env = harness + ["run", config, "--output", out, "--force", "--quiet"] + extra, None
                print(f"{grid}, repeat {r + 1} of {repeats}: {name}...", file=sys.stderr, flush=True)
                wall, cpu, code, load, err = timed(argv, env)
                shutil.rmtree(out, ignore_errors=True)
                if code != 0:
                    sys.exit(f"exit code {code}: {shlex.join(argv)}\n{err}")
                record({"kind": "grid", "grid": grid, "variant": name, "repeat": r + 1, "seconds": round(wall, 3),
                        "cpu_seconds": round(cpu, 3), "load1": round(load, 2)})
    if args.startup_repeats > 0:
        print(f"startup: {args.startup_repeats} rounds...", file=sys.stderr, flush=True)
        command = shlex.join(harness + ["run", "experiments/quickstart.json", "--output", "{out}", "--verbose"])
        load = os.getloadavg()[0]
        result = subprocess.run([sys.executable, "bench/startup.py", "--repeats", str(args.startup_repeats), "--pattern", "epoch 1/",
                                 "--command", command], cwd=ROOT, capture_output=True, text=True)
        if result.returncode != 0:
            sys.exit(f"bench/startup.py failed: {result.stderr}")
        line = result.stdout.strip().splitlines()[-1]
        times = [float(t) for t in line.split(": ", 1)[1].split("  [")[0].split()]
        cpu = float(re.search(r"CPU ([0-9.]+) s", line).group(1))
        record({"kind": "startup", "seconds": times, "cpu_seconds_median": cpu, "load1": round(load, 2)})


def machine():
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    return f"{cpu}, {os.cpu_count()} CPUs, {platform.platform()}"


def git(*args):
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def report(rows, output):
    meta = next(r for r in rows if r["kind"] == "meta")
    grid_rows = [r for r in rows if r["kind"] == "grid"]
    med = statistics.median
    x = lambda v: f"{v:.2f}x"
    spread = lambda vs: f"{min(vs):.2f}-{max(vs):.2f}"
    cell = lambda vs: f"{x(med(vs))} ({spread(vs)})" if vs else "-"

    def times(grid, variant):
        return {r["repeat"]: r for r in grid_rows if r["grid"] == grid and r["variant"] == variant}

    def ratios(grid, num, den):
        """num / den within each repeat that has both; num may be a function of the repeat (the best sequential)."""
        n, d = (num if callable(num) else (lambda rep, v=num: times(grid, v).get(rep, {}).get("seconds"))), times(grid, den)
        return [n(rep) / d[rep]["seconds"] for rep in d if n(rep) is not None]

    def best_sequential(grid):
        a, b = times(grid, "harness-j1"), times(grid, "harness-j1-t2")
        return lambda rep: min(a[rep]["seconds"], b[rep]["seconds"]) if rep in a and rep in b else None

    loads = [r["load1"] for r in rows if "load1" in r]
    lines = [
        "# Grid throughput: whole grids, `--jobs 1` vs `--jobs 2` vs a sequential PyTorch script",
        "",
        "Wall time of the whole command, process start to exit, with its results folder and report (`harness run CONFIG "
        "--output TMP --force --quiet --jobs N`), against `bench/pytorch/grid.py CONFIG`, which runs the same grid "
        "sequentially in PyTorch (same data and split, networks, initial weights, sample order, epochs, optimizer, "
        "per-epoch validation and test evaluation, tuning then evaluation at the chosen rates; no results files). Each "
        "repeat runs every variant once, back to back, the first one rotating; ratios are taken within a repeat, then "
        "the median (range) over repeats. Times are medians (range) in seconds; CPU is the median user + system time of "
        "the command and its children.",
        "",
        f"Machine: {meta['machine']}; load average (1 min) {min(loads):.1f}-{max(loads):.1f} at the commands' starts. "
        f"Harness: `{meta['harness']}`. PyTorch {meta.get('torch', '?')} (OMP_WAIT_POLICY=passive). Measured "
        f"{meta['date']} at commit {meta['commit']} with `{meta['command']}`.",
        "",
        "| grid | runs | variant | wall (s) | CPU (s) | `--jobs 1` / this | PyTorch / this |",
        "|---|---:|---|---|---:|---|---|",
    ]
    targets = []
    for grid in [g for g in GRIDS if any(r["grid"] == g for r in grid_rows)]:
        for variant in [v for v in variants(grid) if times(grid, v)]:
            t = times(grid, variant)
            walls, cpus = [r["seconds"] for r in t.values()], [r["cpu_seconds"] for r in t.values()]
            seq = ratios(grid, "harness-j1", variant) if variant != "harness-j1" else []
            torch_ = ratios(grid, "pytorch", variant) if variant != "pytorch" else []
            lines.append(f"| {grid} ({GRIDS[grid]}) | {meta['runs'][grid]} | {TITLES[variant]} | {med(walls):.1f} ({spread(walls)}) | "
                         f"{med(cpus):.1f} | {cell(seq)} | {cell(torch_)} |")
        ok = lambda v, goal: "met" if v >= goal else "missed"
        if grid == "fashion":
            speedup = ratios(grid, best_sequential(grid), "harness-j2")
            if speedup:
                targets.append(f"- fashion: best sequential (threads 1 or 2, per repeat) / `--jobs 2` {x(med(speedup))} "
                               f"({spread(speedup)}); target 1.25x: {ok(med(speedup), 1.25)}.")
        else:
            speedup = ratios(grid, "harness-j1", "harness-j2")
            if speedup:
                targets.append(f"- {grid}: `--jobs 1` / `--jobs 2` {x(med(speedup))} ({spread(speedup)}); target 1.7x: {ok(med(speedup), 1.7)}.")
        versus = ratios(grid, "pytorch", "harness-j2")
        if versus:
            targets.append(f"- {grid}: PyTorch / `--jobs 2` {x(med(versus))} ({spread(versus)}); target 2x: {ok(med(versus), 2.0)}.")
    lines += ["", "Targets (issue 19):", ""] + targets
    startup = [r for r in rows if r["kind"] == "startup"]
    if startup:
        s = startup[-1]["seconds"]
        lines += ["", f"Start to first epoch (`bench/startup.py --pattern \"epoch 1/\"`, the quickstart with `--verbose`, "
                      f"{len(s)} runs after a warm-up, load {startup[-1]['load1']:.1f}): median {med(s):.2f} s "
                      f"({min(s):.2f}-{max(s):.2f}), CPU {startup[-1]['cpu_seconds_median']:.2f} s."]
    lines += ["", "On these shared machines the wall times swing with the other load; only the ratios within a repeat "
                  "compare like with like."]
    with open(output, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--harness", help=f"the harness command (default: dotnet {RELEASE_DLL}, built first)")
    parser.add_argument("--grids", default="quickstart,tabular,fashion", help="comma-separated: quickstart, tabular, fashion")
    parser.add_argument("--repeats", type=int, default=3, help="repeats of the quickstart and tabular grids (default 3)")
    parser.add_argument("--fashion-repeats", type=int, default=3, help="repeats of the Fashion-MNIST grid (default 3)")
    parser.add_argument("--startup-repeats", type=int, default=5, help="counted rounds of bench/startup.py (0: skip; default 5)")
    parser.add_argument("--output", default="results/benchmarks/grid-throughput.md", help="the Markdown table")
    parser.add_argument("--raw", help="the raw rows (default: the output with .jsonl)")
    parser.add_argument("--from-raw", help="write the table from these rows without measuring")
    args = parser.parse_args()
    output = os.path.join(ROOT, args.output) if not os.path.isabs(args.output) else args.output
    if args.from_raw:
        with open(args.from_raw) as f:
            report([json.loads(l) for l in f if l.strip()], output)
        return
    args.grids = [g.strip() for g in args.grids.split(",") if g.strip()]
    unknown = [g for g in args.grids if g not in GRIDS]
    if unknown or args.repeats < 1 or args.fashion_repeats < 1 or args.startup_repeats < 0:
        parser.error(f"unknown grids {unknown}" if unknown else "repeats must be at least 1 (startup: at least 0)")
    if args.harness:
        harness = shlex.split(args.harness)
    else:
        print("building the Release harness...", file=sys.stderr, flush=True)
        subprocess.run(["dotnet", "build", "src/Harness", "-c", "Release", "-nologo", "-v", "q"], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
        harness = ["dotnet", RELEASE_DLL]
    torch_version = subprocess.run(["/usr/bin/python3", "-c", "import torch; print(torch.__version__)"],
                                   capture_output=True, text=True).stdout.strip() or "not installed"
    dirty = " (with uncommitted changes)" if git("status", "--porcelain", "--untracked-files=no") else ""
    rows = [{"kind": "meta", "commit": (git("rev-parse", "--short", "HEAD") or "unknown") + dirty, "machine": machine(),
             "harness": shlex.join(harness), "torch": torch_version, "date": str(datetime.date.today()),
             "command": shlex.join(["python3", "bench/grid-throughput.py"] + sys.argv[1:]),
             "runs": {g: run_count(GRIDS[g]) for g in GRIDS}}]
    raw = args.raw or os.path.splitext(output)[0] + ".jsonl"
    os.makedirs(os.path.dirname(output), exist_ok=True)
    # Each row is written as it is measured, so an interrupted session keeps what it measured (see --from-raw).
    with open(raw, "w") as f:
        def record(row):
            rows.append(row)
            f.write(json.dumps(row) + "\n")
            f.flush()
        record(rows.pop())
        measure(args, harness, rows, torch_version != "not installed", record)
    report(rows, output)


if __name__ == "__main__":
    main()
