#!/usr/bin/env bash
# Reproduces every committed study under results/: runs each experiment config with the Release build,
# replacing its results folder. Needs dataset-fashion-mnist (apt-get install dataset-fashion-mnist).
# About an hour on 2 cores. Pass config names to run only some: bash experiments/run-studies.sh quickstart
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build src/Harness -c Release -nologo -v q >/dev/null
harness="dotnet src/Harness/bin/Release/net10.0/harness.dll"
if [ "$#" -gt 0 ]; then configs=("$@"); else
  configs=(quickstart activation-loss-pairing
           binary-breast-cancer-linear binary-breast-cancer-mlp
           robust-regression-diabetes-outliers0 robust-regression-diabetes-outliers10 robust-regression-diabetes-outliers30
           robust-regression-synthetic-outliers0 robust-regression-synthetic-outliers10 robust-regression-synthetic-outliers30
           fashion-mnist-losses class-imbalance-fashion-mnist
           label-noise-fashion-mnist-noise0 label-noise-fashion-mnist-noise20 label-noise-fashion-mnist-noise40 label-noise-fashion-mnist-noise60)
fi
for name in "${configs[@]}"; do
  echo "== $name"
  $harness run "experiments/$name.json" --force
done
