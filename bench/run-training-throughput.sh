#!/usr/bin/env bash
# Training throughput, side by side in one session: the harness's trainer, a bare TorchSharp loop over the same
# model/batches/loss, and PyTorch (Debian's python3-torch with OpenBLAS) on the same network, batch and threads.
# Writes results/benchmarks/training-throughput.md. Needs Fashion-MNIST (apt-get install dataset-fashion-mnist)
# and, for the PyTorch column, python3-torch and libopenblas0-pthread. Not part of the test suite.
#   bash bench/run-training-throughput.sh [epochs=4] [rounds=3] [threads="1 2"]
set -euo pipefail
cd "$(dirname "$0")/.."
epochs=${1:-4}; rounds=${2:-3}; threads=${3:-"1 2"}
out=results/benchmarks; mkdir -p "$out"
raw=$(mktemp)
dotnet build bench/TrainingThroughput -c Release -nologo -v q >/dev/null
for t in $threads; do
  dotnet bench/TrainingThroughput/bin/Release/net10.0/TrainingThroughput.dll "$epochs" "$rounds" "$t" | grep '^{' >> "$raw"
  if /usr/bin/python3 -c "import torch" 2>/dev/null; then
    for r in $(seq "$rounds"); do
      OMP_WAIT_POLICY=passive /usr/bin/python3 bench/pytorch/mlp_throughput.py "$epochs" "$t" | sed "s/^{/{\"round\": $r, /" >> "$raw"
    done
  fi
done
/usr/bin/python3 - "$raw" "$out/training-throughput.md" "$epochs" "$rounds" <<'PY'
import json, statistics, sys, platform, subprocess, datetime
rows = [json.loads(l) for l in open(sys.argv[1])]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
blas = subprocess.run(["bash", "-c", "readlink -f /etc/alternatives/libblas.so.3-x86_64-linux-gnu 2>/dev/null || echo unknown"], capture_output=True, text=True).stdout.strip()
lines = [
    "# Training throughput: harness vs bare TorchSharp loop vs PyTorch",
    "",
    f"Fashion-MNIST (60,000 training images), MLP 784-256-128-10, Adam 1e-3, cross-entropy, batch 128; samples/s of the "
    f"training steps only, median over epochs 2..{sys.argv[3]} of {sys.argv[4]} alternating rounds (epoch 1 is warm-up).",
    "",
    f"Machine: {cpu}, {subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()} CPUs, {platform.platform()}; "
    f"PyTorch BLAS: {blas}. Measured {datetime.date.today()} with `bash bench/run-training-throughput.sh`.",
    "",
    "| threads | bare TorchSharp loop | harness trainer | harness / bare | PyTorch | harness / PyTorch | harness RSS (MB), first..last epoch | live tensors, first..last epoch |",
    "|---:|---:|---:|---:|---:|---:|---|---|",
]
for t in sorted({r["threads"] for r in rows}):
    def med(runner):
        v = [r["samples_per_second"] for r in rows if r["runner"] == runner and r["threads"] == t and r["epoch"] > 1]
        return statistics.median(v) if v else None
    bare, harness, torch_ = med("bare"), med("harness"), med("pytorch")
    h = [r for r in rows if r["runner"] == "harness" and r["threads"] == t and r.get("round") == 1]
    rss = f"{h[0]['rss_mb']}..{h[-1]['rss_mb']}" if h else "-"
    live = f"{h[0]['live_tensors']}..{h[-1]['live_tensors']}" if h else "-"
    f = lambda v: f"{v:,.0f}" if v else "-"
    ratio = lambda a, b: f"{a / b:.2f}x" if a and b else "-"
    lines.append(f"| {t} | {f(bare)} | {f(harness)} | {ratio(harness, bare)} | {f(torch_)} | {ratio(harness, torch_)} | {rss} | {live} |")
lines += ["", "Raw rows (JSON lines) are printed by the script; timings on shared machines swing by 2-3x between runs, so only ratios measured side by side mean anything."]
open(sys.argv[2], "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
rm -f "$raw"
