#!/bin/sh
# The API reference builds with no undocumented public symbol (make docs),
# checked in every make check so that a branch finds out before CI does.
set -u
if [ -z "${DOXYGEN:-}" ]; then
  echo "## API REFERENCE CHECK NOT RUN: doxygen not found (Debian: doxygen) ##"
  exit 77
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
sed -e "s|^OUTPUT_DIRECTORY .*|OUTPUT_DIRECTORY = $out|" \
    -e "s|^WARN_LOGFILE .*|WARN_LOGFILE = $out/warnings.log|" \
    "$top_builddir/docs/Doxyfile" >"$out/Doxyfile"
if ! "$DOXYGEN" "$out/Doxyfile" >/dev/null 2>&1 || [ -s "$out/warnings.log" ]; then
  echo "docs: the API reference has problems (every public symbol and parameter needs a doc comment):"
  cat "$out/warnings.log"
  exit 1
fi
echo "docs: every public symbol is documented"
