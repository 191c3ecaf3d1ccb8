#!/bin/sh
# The C and Lua examples of the README, run from the build tree.
set -eu
out=$("$top_builddir/examples/clv")
echo "$out"
echo "$out" | grep -q 'CLV at 80% retention: 250$'
echo "$out" | grep -q 'retention 0.85 -> 314.814815'
echo "$out" | grep -q 'retention 1.5 -> invalid argument: retention 1.5 is outside \[0, 1\]'
if [ -n "${LUA:-}" ] && [ -f "$top_builddir/bindings/lua/.libs/cxm_core.so" ]; then
  out=$(${CXM_SANITIZER_PRELOAD:+env LD_PRELOAD=$CXM_SANITIZER_PRELOAD} "$LUA" "$top_srcdir/examples/clv.lua")
  echo "$out"
  echo "$out" | grep -q '^250'
  echo "$out" | grep -q 'retention 1.5 is outside \[0, 1\]'
fi
