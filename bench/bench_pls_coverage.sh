#!/bin/sh
# make bench: coverage of the PLS percentile and BCa intervals over 500
# simulated replications (bench/bench_pls_coverage.py).
set -eu
exec "$PYTHON" "$top_srcdir/bench/bench_pls_coverage.py" "$@"
