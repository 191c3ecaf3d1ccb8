#!/bin/sh
# make bench: BG/NBD and Pareto/NBD fits against a numpy/scipy fit of the same customers
# (bench/bench_baselines.py), CXM_BENCH_BASELINE_CUSTOMERS customers (default 10^5).
set -eu
if ! "$PYTHON" -c "import scipy.optimize, scipy.special" 2>/dev/null; then
  echo "bench_baselines: skipped: python3-scipy is not installed"
  exit 0
fi
exec "$PYTHON" "$top_srcdir/bench/bench_baselines.py" \
  --customers "${CXM_BENCH_BASELINE_CUSTOMERS:-100000}"
