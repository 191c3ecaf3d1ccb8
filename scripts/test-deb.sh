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
# The SQLite extension by its name, from the library path.
sqlite3 :memory: '.load libcxm_sqlite' \
  "SELECT cxm_rfm('a', d, 10, 'day', '2020-01-31') FROM (SELECT '2020-01-01' AS d UNION ALL
   SELECT '2020-01-11')" | grep -q '"frequency":1,"recency":10,"T":30'
# The PostgreSQL extension: CREATE EXTENSION in a throw-away cluster (Unix socket only).
pgbin=/usr/lib/postgresql/15/bin
mkdir "$tmp/pg" && chown postgres "$tmp/pg" && chmod 755 "$tmp"
runuser -u postgres -- "$pgbin/initdb" -D "$tmp/pg/data" -A trust -U cxm --no-sync >/dev/null
runuser -u postgres -- "$pgbin/pg_ctl" -D "$tmp/pg/data" -l "$tmp/pg/log" -w \
  -o "-k $tmp/pg -c listen_addresses=''" start >/dev/null
value=$("$pgbin/psql" -X -q -A -t -h "$tmp/pg" -U cxm -d postgres -v ON_ERROR_STOP=1 -c \
  "CREATE EXTENSION cxm;" -c "SELECT (cxm_rfm('a', d, 10, 'day', date '2020-01-31')).frequency
   FROM (VALUES (date '2020-01-01'), (date '2020-01-11')) v(d);" 2>&1) || true
runuser -u postgres -- "$pgbin/pg_ctl" -D "$tmp/pg/data" -m immediate stop >/dev/null
[ "$value" = "1" ] || { echo "test-deb: CREATE EXTENSION cxm failed: $value"; exit 1; }
echo "test-deb: the installed packages work"
