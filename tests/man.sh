#!/bin/sh
# Manual pages: no formatting errors (mandoc -Tlint), and every command of
# `cxm --help` documented in cxm(1).
set -u
status=0
if [ -z "${MANDOC:-}" ]; then
  echo "## MANUAL PAGE LINT NOT RUN: mandoc not found (Debian: mandoc) ##"
  exit 77
fi
for page in "$top_srcdir/docs/cxm.1" "$top_srcdir/docs/libcxm.3"; do
  if ! "$MANDOC" -Tlint -W warning "$page"; then
    echo "man: $page has formatting problems"
    status=1
  fi
done
for command in $("$CXM" --help | sed -n 's/^  \([a-z][a-z-]*\)  .*/\1/p'); do
  if ! grep -q "^\.SS $command\$" "$top_srcdir/docs/cxm.1"; then
    echo "man: 'cxm $command' is not documented in docs/cxm.1 (add a .SS $command section)"
    status=1
  fi
done
[ "$status" -eq 0 ] && echo "man: pages lint clean, every command documented"
exit "$status"
