#!/bin/sh
# The cxm program: output, exit codes and messages.
set -u
. "$top_srcdir/tests/cli_lib.sh"

expect 0 '^cxm \(libcxm\) [0-9]+\.[0-9]+\.[0-9]+$' '^$' -- --version
expect 0 'clv +closed-form' '^$' -- --help
expect 0 'usage: cxm clv' '^$' -- help clv
expect 0 'usage: cxm clv' '^$' -- clv --help
expect 2 '^$' 'usage: cxm' --
expect 2 '^$' "no command 'frobnicate'" -- frobnicate

# docs/models.md §1.1: m=100, d=0.12.
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

finish
