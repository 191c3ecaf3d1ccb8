#!/bin/sh
# Compare the built libcxm.so with the committed baseline abi/libcxm.abi.
# Any difference except added functions fails: removed or changed functions,
# changed struct layouts, changed enum values. Regenerate the baseline only on
# purpose (`make abi-baseline`, see docs/ABI.md).
set -u
lib="$top_builddir/lib/.libs/libcxm.so"
baseline="$top_srcdir/abi/libcxm.abi"

if [ -z "${ABIDIFF:-}" ] || [ -z "${ABIDW:-}" ]; then
  echo "##########################################################################"
  echo "## ABI CHECK NOT RUN: abidiff/abidw not found. Install abigail-tools.  ##"
  echo "## Without it, incompatible ABI changes go unnoticed.                  ##"
  echo "##########################################################################"
  exit 77
fi
if ! readelf -S "$lib" | grep -q '\.debug_info'; then
  echo "## ABI CHECK NOT RUN: $lib has no debug information (build with -g). ##"
  exit 77
fi

"$ABIDIFF" --no-added-syms --headers-dir2 "$top_srcdir/include" \
  --headers-dir2 "$top_builddir/include" "$baseline" "$lib" >abi.diff 2>&1
status=$?
if [ "$status" -ne 0 ]; then
  echo "abi: libcxm.so is not ABI-compatible with $baseline (abidiff exit $status):"
  cat abi.diff
  exit 1
fi
echo "abi: compatible with the baseline"
rm -f abi.diff
