#!/bin/sh
# make bench: the PostgreSQL extension (bench/bench_sql.py) with CXM_BENCH_SQL_CUSTOMERS
# customers (default 10^6). Skipped when the extension was not built.
set -eu
PG_BINDIR=${PG_BINDIR:-$(pg_config --bindir 2>/dev/null || true)}
CXM_SQL_DIR=$top_builddir/sql
export PG_BINDIR CXM_SQL_DIR
exec "$PYTHON" "$top_srcdir/bench/bench_sql.py" --customers "${CXM_BENCH_SQL_CUSTOMERS:-1000000}"
