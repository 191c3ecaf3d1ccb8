#!/bin/sh
# make bench: cxm.dask on a LocalCluster (bench/bench_dask.py), with
# CXM_BENCH_DASK_CUSTOMERS customers (default 10^6). Skipped without Dask.
set -eu
if ! "$PYTHON" -c "import dask.dataframe, distributed" 2>/dev/null; then
  echo "bench_dask: skipped: python3-dask and python3-distributed are not installed"
  exit 0
fi
exec "$PYTHON" "$top_srcdir/bench/bench_dask.py" --customers "${CXM_BENCH_DASK_CUSTOMERS:-1000000}"
