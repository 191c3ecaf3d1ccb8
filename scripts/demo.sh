#!/bin/sh
# The first command for a newcomer: install what libcxm needs, build it,
# install it under /usr/local and run the demo. The build's output goes to
# a log file, shown only when a step fails, so that what the newcomer reads
# is the demo's report.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$top/_build"
log="$top/_build/demo-build.log"
: >"$log"

# One step, quiet: its output to the log; on failure the end of the log and where the rest is.
step() {
  what=$1
  shift
  printf 'demo: %s ... ' "$what"
  if "$@" >>"$log" 2>&1; then
    echo "done"
  else
    code=$?
    echo "failed (exit $code)"
    if grep -q -E 'error|Error|^E: ' "$log"; then
      echo "---- the errors in $log:" >&2
      grep -E 'error|Error|^E: ' "$log" | head -n 20 >&2
    fi
    echo "---- the last 40 lines of $log:" >&2
    tail -n 40 "$log" >&2
    echo "---- the whole log: $log" >&2
    exit "$code"
  fi
}

step "installing the Debian packages libcxm needs" "$top/scripts/install-deps.sh"
step "building libcxm (a few minutes the first time)" "$top/scripts/build.sh"
step "installing it under /usr/local" make -C "$top/_build" install
command -v ldconfig >/dev/null && ldconfig 2>/dev/null || true
echo "demo: build log in $log"
echo
PATH="/usr/local/bin:$PATH" cxm demo
