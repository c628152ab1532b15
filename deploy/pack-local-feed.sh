#!/usr/bin/env bash
# Packs this repository's packages into one local NuGet feed (a folder), from which they install offline:
#   LossHarness.CustomLosses    the loss library (depends on TorchSharp's managed API; the user picks the runtime)
#   LossHarness.Templates       `dotnet new loss-plugin`: a project for a loss of your own (docs/losses.md)
#   LossHarness.Tool            the `harness` command as a .NET tool: a pointer to the package for the platform,
#   LossHarness.Tool.linux-x64  which carries TorchSharp-cpu and libtorch 2.10 (docs/building.md, "Packages")
#
#   bash deploy/pack-local-feed.sh [-c Release|Debug] [feed-dir]     (default: Release into out/feed, git-ignored)
#   dotnet tool install --global LossHarness.Tool --source out/feed
#
# -c Debug packs from the Debug build (the test suite's; tests/Harness.Tests/Build/LocalFeed.cs) instead of building Release.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
configuration=Release
feed=""
while [ $# -gt 0 ]; do
  case "$1" in
    -c|--configuration) [ $# -ge 2 ] || { echo "error: $1 needs a value: Release or Debug" >&2; exit 2; }; configuration=$2; shift ;;
    -*) echo "error: unknown option '$1'; usage: bash deploy/pack-local-feed.sh [-c Release|Debug] [feed-dir]" >&2; exit 2 ;;
    *) [ -z "$feed" ] || { echo "error: one feed folder only ('$feed', then '$1')" >&2; exit 2; }; feed=$1 ;;
  esac
  shift
done
feed="${feed:-$repo/out/feed}"
mkdir -p "$feed"
feed="$(cd "$feed" && pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet pack "$repo/src/CustomLosses" -c "$configuration" -o "$feed" -nologo
dotnet pack "$repo/src/Templates" -c "$configuration" -o "$feed" -nologo
# The tool package takes every file of its publish folder, and publishing copies only files newer than the folder's
# own: an empty folder each time, so that nothing of an earlier publish (another setting, a dropped dependency) is packed.
publish="$(mktemp -d)"
trap 'rm -rf "$publish"' EXIT
dotnet pack "$repo/src/Harness" -c "$configuration" -o "$feed" -nologo -p:PublishDir="$publish/"
echo "feed: $feed"
ls -l "$feed"/LossHarness.*.nupkg
