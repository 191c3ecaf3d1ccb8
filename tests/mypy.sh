#!/bin/sh
# The Python package's type hints (issue 16): mypy in strict mode
# (bindings/python/mypy.ini) on every module of bindings/python/cxm but the
# SWIG-generated cxm.core, so that a public function without type hints, or
# with hints its code contradicts, fails make check.
set -u
if [ -z "${MYPY:-}" ]; then
  echo "## PYTHON TYPE CHECK NOT RUN: mypy not found (Debian: mypy) ##"
  exit 77
fi
cache=$(mktemp -d)
trap 'rm -rf "$cache"' EXIT
cd "$top_srcdir/bindings/python" || exit 1
# numpy's type information comes from the interpreter the package is built for.
"$MYPY" --config-file mypy.ini --cache-dir "$cache" --python-executable "${PYTHON:-python3}" cxm
