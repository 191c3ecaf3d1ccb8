#!/bin/sh
# Install the built packages into this machine and use them as a user would:
# the C example through pkg-config, Python, Lua and the cxm program.
# usage: scripts/test-deb.sh [DEBDIR]     (default: _deb)   — needs root.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
debs=${1:-$top/_deb}
apt-get install -y --no-install-recommends "$debs"/*.deb
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc "$top/examples/clv.c" $(pkg-config --cflags --libs libcxm) -o "$tmp/clv"
"$tmp/clv" | grep -q 'CLV at 80% retention: 250'
/usr/bin/python3 -c 'import cxm; assert abs(cxm.clv(100, 0.8, 0.12) - 250) < 1e-9; print("python3-cxm", cxm.__version__)'
# Type checkers use the package's hints only where its py.typed marker is (PEP 561).
/usr/bin/python3 -c 'import cxm, os; assert os.path.isfile(os.path.join(os.path.dirname(cxm.__file__), "py.typed"))'
lua5.4 -e 'local cxm = require "cxm"; assert(math.abs(cxm.clv(100, 0.8, 0.12) - 250) < 1e-9); print("lua-cxm", cxm.version)'
/usr/bin/cxm demo >/dev/null
/usr/bin/cxm --version
man -w cxm >/dev/null && man -w 3 libcxm >/dev/null
echo "test-deb: the installed packages work"
