#!/bin/sh
# The cxm program: output, exit codes and messages.
set -u
failures=0
out=$(mktemp)
err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT

# matches PATTERN FILE: the pattern '^$' means the file must be empty.
matches() {
  if [ "$1" = '^$' ]; then [ ! -s "$2" ]; else grep -Eq -- "$1" "$2"; fi
}

# expect EXIT_CODE STDOUT_PATTERN STDERR_PATTERN -- ARGS...
expect() {
  code=$1 stdout_pattern=$2 stderr_pattern=$3
  shift 4
  "$CXM" "$@" >"$out" 2>"$err"
  got=$?
  if [ "$got" -ne "$code" ] || ! matches "$stdout_pattern" "$out" ||
     ! matches "$stderr_pattern" "$err"; then
    echo "FAIL: cxm $*"
    echo "  exit $got (expected $code)"
    echo "  stdout: $(cat "$out")"
    echo "  stderr: $(cat "$err")"
    failures=$((failures + 1))
  else
    echo "ok: cxm $*"
  fi
}

expect 0 '^cxm \(libcxm\) [0-9]+\.[0-9]+\.[0-9]+$' '^$' -- --version
expect 0 'clv +closed-form' '^$' -- --help
expect 0 'usage: cxm clv' '^$' -- help clv
expect 0 'usage: cxm clv' '^$' -- clv --help
expect 2 '^$' 'usage: cxm' --
expect 2 '^$' "no command 'frobnicate'" -- frobnicate

# MODELS.md 1.1: m=100, d=0.12.
expect 0 '^250$' '^$' -- clv --margin 100 --retention 0.8 --discount 0.12
expect 0 '^314\.814815$' '^$' -- clv --margin 100 --retention 0.85 --discount 0.12
expect 0 '^409\.090909$' '^$' -- clv --margin 100 --retention 0.90 --discount 0.12
expect 0 '^350$' '^$' -- clv --margin 100 --retention 0.8 --discount 0.12 --prepaid
expect 0 '"elasticity":[[:space:]]*3\.50*[0-9]*,' '^$' -- clv --margin 100 --retention 0.8 --discount 0.12 --json
expect 0 '"clv":[[:space:]]*250,' '^$' -- clv --json --margin 100 --retention 0.8 --discount 0.12
expect 0 '^200$' '^$' -- clv --margin 100 --retention 1 --discount 0 --horizon 2 --prepaid

# Bad arguments: a clear one-line reason, exit 2; an infinite value: exit 1.
expect 2 '^$' 'retention 1\.5 is outside \[0, 1\]' -- clv --margin 100 --retention 1.5 --discount 0.12
expect 2 '^$' 'discount -0\.1 must not be negative' -- clv --margin 100 --retention 0.8 --discount -0.1
expect 2 '^$' "--margin needs a finite number, got 'lots'" -- clv --margin lots --retention 0.8 --discount 0.1
expect 2 '^$' 'all required' -- clv --margin 100 --retention 0.8
expect 2 '^$' "unknown option '--bogus'" -- clv --bogus
expect 2 '^$' '--margin needs a value' -- clv --retention 0.8 --discount 0.1 --margin
expect 2 '^$' "unexpected argument 'extra'" -- clv --margin 1 --retention 0.5 --discount 0.1 extra
expect 1 '^$' 'infinite' -- clv --margin 100 --retention 1 --discount 0

expect 0 'Lifetime value' '^$' -- demo
expect 2 '^$' "unexpected argument" -- demo extra

if [ "$failures" -ne 0 ]; then
  echo "$failures CLI checks failed"
  exit 1
fi
