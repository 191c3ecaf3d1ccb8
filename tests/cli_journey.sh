#!/bin/sh
# cxm journey and cxm attribution: output, JSON, exit codes and messages.
set -u
. "$top_srcdir/tests/cli_lib.sh"
ex="$top_srcdir/examples/journey"
json=$tmp/out.json

expect 0 'attribution +exact Markov' '^$' -- --help
expect 0 'usage: cxm attribution' '^$' -- attribution --help
expect 0 'usage: cxm journey' '^$' -- help journey

# docs/models.md §2.3: P(conversion) 8/17, removal effects 125/208, 11/18, 7/12
expect 0 'P\(conversion\) = 0\.470588235' '^$' -- attribution "$ex/paths.csv"
expect 0 '^  A +0\.600962 +2\.67777' '^$' -- attribution "$ex/paths.csv"
expect 0 '^  A +0\.75 +3\.2 ' '^$' -- attribution "$ex/paths.csv" --order 2
expect 0 '^  A +0\.75 +3\.07692' '^$' -- attribution "$ex/paths.csv" --no-nulls
expect 0 '^  A +6 +0 +3\.16667 +3\.1 *$' '^$' -- attribution "$ex/paths.csv" --heuristics
expect 0 '^  A +3 +' '^$' -- attribution "$ex/paths.csv" --heuristics
expect 0 '"removal_effect":[[:space:]]*0\.75,' '^$' -- attribution "$ex/paths.csv" --order 2 --json
expect 0 '^  A +A +2 +0\.166667' '^$' -- attribution "$ex/paths.csv" --transitions --self-loops
expect 0 'self-loop weight 2, collapsed' '^$' -- attribution "$ex/paths.csv" --transitions
expect 2 '^$' "--order must be 1 to 4, got 5" -- attribution "$ex/paths.csv" --order 5
expect 2 '^$' "--weights needs three numbers" -- attribution "$ex/paths.csv" --weights 1,2
expect 2 '^$' "no path file given" -- attribution
expect 1 '^$' "cxm attribution: /nonexistent/p.csv: cannot open" -- attribution /nonexistent/p.csv
expect 1 '^$' "no path column" -- attribution "$ex/map.json"

# The example journeys: funnel 9 > 7 > 2, chain steps 55/28, half remember below every claim.
args="$ex/map.json $ex/events.csv --segment segment"
expect 0 '^  \(all\) +BUY +7 +0\.777778 +0\.452589 +0\.936775' '^$' -- journey $args
expect 0 '^  EXPLORE +0\.2 +0\.4 +0 +0\.4 +1\.25 +0\.714286 +0\.142857 +0\.857143 +1\.96429' '^$' -- journey $args
expect 0 '50\.0% \[15\.0%, 85\.0%\] remember it below what every touchpoint owner claims' '^$' -- journey $args
expect 0 'Pain points, most urgent first \(concentrate here\): ad' '^$' -- journey $args
expect 0 '^  store +Sales +5 +4\.6 +6 +3\.33333 +1\.26667 +0\.137931 +2\.3954 +0\.0323079' '^$' -- journey $args
expect 0 '"share_below_all":[[:space:]]*0\.5' '^$' -- journey $args --json
expect 0 'Markov order 2' '^$' -- journey $args --order 2 -o "$json"
if ! grep -q '"furthest_decision":[[:space:]]*"PROMOTE"' "$json"; then
  echo "FAIL: -o wrote no per-customer journeys"; failures=$((failures + 1))
else
  echo "ok: -o writes the JSON report"
fi
expect 0 '^  display ' '^$' -- journey $args --by-channel
expect 2 '^$' 'a journey map and an event log are required' -- journey "$ex/map.json"
expect 2 '^$' "--importance needs auto, stated, buy or promote" -- journey $args --importance felt
printf '{"touchpoints": [{"id": "ad", "rung": "KNOW"}]}' >"$json"
expect 1 '^$' "cxm journey: .*: touchpoints\[0\] \('ad'\): key 'decision' is missing" -- journey "$json" "$ex/events.csv"
printf '{"touchpoints": [{"id": "site", "decision": "EXPLORE", "rung": "DO"}]}' >"$json"
expect 1 '^$' "events\.csv:2: column 'touchpoint': touchpoint 'ad' is not in the journey map" -- journey "$json" "$ex/events.csv"
expect 1 '^$' "the JSON document ends too early" -- journey /dev/null "$ex/events.csv"

finish
