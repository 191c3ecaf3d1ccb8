#!/bin/sh
# Build the C example against an installed libcxm with pkg-config and run it,
# then run the installed cxm program. Used by `make installcheck`.
# usage: clv.sh EXAMPLE.c LIBDIR CXM
set -eu
src=$1 libdir=$2 cxm=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
${CC:-cc} "$src" $(pkg-config --cflags libcxm) $(pkg-config --libs libcxm) -o "$tmp/clv"
LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$tmp/clv" | tee "$tmp/out"
grep -q 'CLV at 80% retention: 250' "$tmp/out"
grep -q 'retention 0.90 -> 409.090909' "$tmp/out"
grep -q 'retention 1.5 is outside \[0, 1\]' "$tmp/out"
LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$cxm" clv --margin 100 --retention 0.8 --discount 0.12 | grep -qx 250
echo "installcheck: C example and cxm program work against the installed library"
