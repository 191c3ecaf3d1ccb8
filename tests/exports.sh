#!/bin/sh
# The exported dynamic symbols of libcxm.so must be exactly the functions the
# public headers declare with CXM_API, all under a LIBCXM_ version node, and
# the version script (generated from the headers by scripts/exports.sh) and
# debian/libcxm0.symbols must list exactly those functions.
# It also asks that every public function be called by some C test.
set -eu
lib="$top_builddir/lib/.libs/libcxm.so"
map="$top_builddir/lib/libcxm.map"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

[ -f "$lib" ] || { echo "exports: $lib not built"; exit 1; }

cat "$top_srcdir"/include/cxm.h "$top_srcdir"/include/cxm/*.h | tr '\n' ' ' |
  grep -o 'CXM_API[^;{}]*(' | sed -n 's/.*[^A-Za-z0-9_]\(cxm_[A-Za-z0-9_]*\)[[:space:]]*($/\1/p' |
  sort -u >"$tmp/declared"

${NM:-nm} -D --defined-only "$lib" | awk '$2 != "A" { print $3 }' >"$tmp/raw"
sed 's/@.*//' "$tmp/raw" | sort -u >"$tmp/exported"

# Every name the map exports, so that one that is not a function shows too.
sed -n 's/^[[:space:]]*\([A-Za-z_][A-Za-z0-9_]*\);.*/\1/p' "$map" | sort -u >"$tmp/mapped"

status=0
if ! diff -u "$tmp/declared" "$tmp/exported" >"$tmp/diff"; then
  echo "exports: exported symbols differ from the CXM_API declarations in include/"
  echo "         (- declared but not exported, + exported but not declared):"
  sed -n '3,$p' "$tmp/diff" | grep '^[-+]'
  status=1
fi
if ! diff -u "$tmp/declared" "$tmp/mapped" >"$tmp/diff"; then
  echo "exports: lib/libcxm.map differs from the CXM_API declarations in include/:"
  sed -n '3,$p' "$tmp/diff" | grep '^[-+]'
  status=1
fi
symbols="$top_srcdir/debian/libcxm0.symbols"
if [ -f "$symbols" ]; then
  sed -n 's/^ \(cxm_[A-Za-z0-9_]*\)@LIBCXM_.*/\1/p' "$symbols" | sort -u >"$tmp/debian"
  if ! diff -u "$tmp/declared" "$tmp/debian" >"$tmp/diff"; then
    echo "exports: debian/libcxm0.symbols differs from the CXM_API declarations"
    echo "         (run 'make update-symbols' for new functions; a removed one breaks the ABI):"
    sed -n '3,$p' "$tmp/diff" | grep '^[-+]'
    status=1
  fi
fi
unversioned=$(grep -v '@@\?LIBCXM_' "$tmp/raw" || true)
if [ -n "$unversioned" ]; then
  echo "exports: symbols without a LIBCXM_ version node: $unversioned"
  status=1
fi
# Every public function is called by a C test (the project's rule: a doc
# comment, a test, and the bindings where they make sense).
untested=$(for f in $(cat "$tmp/declared"); do
  grep -qw "$f" "$top_srcdir"/tests/*.c "$top_srcdir"/tests/*.h || echo "$f"
done)
if [ -n "$untested" ]; then
  echo "exports: public functions no C test in tests/ calls:" $untested
  status=1
fi
[ "$status" -eq 0 ] && echo "exports: $(wc -l <"$tmp/declared") functions exported, all versioned"
exit "$status"
