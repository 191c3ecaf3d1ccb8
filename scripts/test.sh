#!/bin/sh
# The whole test suite: C (Check), Python, Lua, CLI, exported symbols and ABI.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/install-deps.sh"
"$top/scripts/build.sh"
cd "$top/_build"
if ! make -j"$(nproc)" check; then
  cat test-suite.log
  exit 1
fi
echo "Check runners:"
grep -h '^[0-9]*%: Checks:' tests/*.log
