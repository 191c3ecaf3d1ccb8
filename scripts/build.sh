#!/bin/sh
# Configure (once) and build libcxm in _build/ with every binding enabled.
# Extra arguments go to configure the first time.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
[ -x configure ] || autoreconf -fi
mkdir -p _build
cd _build
if [ ! -f Makefile ]; then
  ../configure PYTHON=/usr/bin/python3 --enable-python --enable-lua --enable-werror "$@"
fi
make -j"$(nproc)"
