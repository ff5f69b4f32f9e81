#!/usr/bin/env bash
# Compiles and lints infra/main.bicep with the Bicep CLI from NuGet (no network beyond NuGet).
# Fails on any error and on any warning: the rules that matter are raised to errors in
# bicepconfig.json, and a compiler warning (e.g. BCP037, an unknown property) is a bug too.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version=0.49.2

dotnet restore "$root/tools/bicep" --verbosity quiet >/dev/null
packages="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
bicep="$packages/azure.bicep.commandline.linux-x64/$version/tools/bicep"
[[ -x "$bicep" ]] || chmod +x "$bicep"

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
status=0
for step in build lint; do
  start=$(date +%s%N)
  if [[ $step == build ]]; then
    "$bicep" build "$root/infra/main.bicep" --outfile "$out/main.json" 2>"$out/$step.log" || status=1
  else
    "$bicep" lint "$root/infra/main.bicep" 2>"$out/$step.log" || status=1
  fi
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  if [[ -s "$out/$step.log" ]]; then
    cat "$out/$step.log" >&2
    status=1
  fi
  echo "bicep $step: ${ms} ms"
done
if [[ $status -ne 0 ]]; then
  echo "infra/check.sh: Bicep diagnostics above" >&2
fi
exit $status
