#!/bin/sh
# The first command for a newcomer: install what libcxm needs, build it,
# install it under /usr/local and run the demo.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/install-deps.sh"
"$top/scripts/build.sh"
cd "$top/_build"
make install
command -v ldconfig >/dev/null && ldconfig 2>/dev/null || true
PATH="/usr/local/bin:$PATH" cxm demo
