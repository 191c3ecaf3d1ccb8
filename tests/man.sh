#!/bin/sh
# Manual pages: no formatting problems (mandoc -Tlint), and cxm(1) up to date
# with the program: its command sections are generated from `cxm help
# COMMAND` (docs/gen-man.py); after changing a command's usage text, run
# `make update-man` and commit docs/cxm.1.
set -u
status=0
python=${PYTHON:-python3}
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
fresh=$(mktemp)
trap 'rm -f "$fresh"' EXIT
if "$python" "$top_srcdir/docs/gen-man.py" "$CXM" "$top_srcdir/docs/cxm.1.in" >"$fresh"; then
  if ! diff -u "$top_srcdir/docs/cxm.1" "$fresh"; then
    echo "man: docs/cxm.1 is stale: run 'make update-man' and commit it"
    status=1
  fi
else
  echo "man: docs/gen-man.py failed"
  status=1
fi
[ "$status" -eq 0 ] && echo "man: pages lint clean, cxm(1) documents every command"
exit "$status"
