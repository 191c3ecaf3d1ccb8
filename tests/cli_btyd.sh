#!/bin/sh
# cxm fit, cxm predict, cxm simulate: CDNOW numbers, outputs, exit codes, messages.
set -u
. "$top_srcdir/tests/cli_lib.sh"
data=$top_srcdir/tests/data
summary=$data/cdnow_customers_summary.csv
full=$data/cdnow_customers_summary_with_transactions.csv

# docs/models.md §1.4: r=0.243, alpha=4.414, a=0.793, b=2.426, LL -9582.4.
expect 0 '^r +0\.2425' '^$' -- fit bgnbd "$summary" -o "$tmp/bg.json"
expect 0 '^alpha +4\.4135' '^$' -- fit bgnbd "$summary"
expect 0 'log-likelihood -9582\.4' '^$' -- fit bgnbd "$summary"
expect 0 '"kind":[[:space:]]*"bgnbd"' '^$' -- fit bgnbd "$summary" --json
expect 0 '^gamma +15\.447' '^$' -- fit gg "$full" -o "$tmp/gg.json"
expect 0 'mbgnbd fitted on 2357' '^$' -- fit mbgnbd "$full"
expect 0 '^r +0\.2425' '^$' -- fit bgnbd "$full" --frequency x --recency t_x --T-column 4

# Predictions: E[Y(39) | 2, 30.43, 38.86] = 1.226; E[M] of customer 1 = 24.6586.
expect 0 '^1,2,30\.43,38\.86,0\.7266[0-9]*,1\.2259' '^$' -- predict "$tmp/bg.json" "$full" --horizon 39
expect 0 '^customer_id,frequency,recency,T,p_alive,expected_purchases,value,clv,expected_revenue$' '^$' -- \
  predict "$tmp/bg.json" "$full" --horizon 39 --clv --period 4.348 --spend-model "$tmp/gg.json"
expect 0 ',24\.6586[0-9]*,36\.' '^$' -- \
  predict "$tmp/bg.json" "$full" --horizon 39 --clv --period 4.348 --spend-model "$tmp/gg.json"
expect 0 ',dert$' '^$' -- predict "$tmp/bg.json" "$full" --horizon 39 --dert-rate 0.0027
# A holdout comparison in one file: E[Y]·E[M] = 1.2259·24.6586 = 30.23 beside the summary's columns.
expect 0 '^customer_id,frequency,recency,T,p_alive,expected_purchases,expected_revenue,zbar,x$' '^$' -- \
  predict "$tmp/bg.json" "$full" --horizon 39 --spend-model "$tmp/gg.json" --keep-columns zbar,x
expect 0 '^1,2,30\.43,38\.86,0\.7266[0-9]*,1\.2259[0-9]*,30\.2[0-9]*,22\.35,2$' '^$' -- \
  predict "$tmp/bg.json" "$full" --horizon 39 --spend-model "$tmp/gg.json" --keep-columns zbar,x
expect 0 '^1,2,22\.35,24\.6586[0-9]*,30\.43$' '^$' -- predict "$tmp/gg.json" "$full" --keep-columns t_x
expect 1 '^$' "no column 'nope' in the header" -- predict "$tmp/gg.json" "$full" --keep-columns nope
expect 2 '^$' '--keep-columns needs up to 32 column names' -- predict "$tmp/gg.json" "$full" --keep-columns 'x,,T'
# A repeat customer who spent 0 is skipped with a warning, never the end of the fit.
{ awk 1 "$full"; echo "zero,1,3,20,0"; } >"$tmp/zero.csv"
expect 0 '^gamma +15\.447' 'warning: .*zero\.csv: 1 repeat customer with a mean spend of 0 skipped' -- \
  fit gg "$tmp/zero.csv"
expect 0 '^zero,1,0,' '^$' -- predict "$tmp/gg.json" "$tmp/zero.csv"
expect 0 '^1,2,22\.35,24\.6586' '^$' -- predict "$tmp/gg.json" "$full"
"$CXM" predict "$tmp/bg.json" "$summary" --horizon 52 -o "$tmp/pred.csv" >"$out" 2>"$err"
lines=$(wc -l <"$tmp/pred.csv")
if [ "$lines" -ne 2358 ]; then echo "FAIL: predict -o wrote $lines lines"; failures=$((failures + 1)); else echo "ok: predict -o"; fi

# Simulation: reproducible, and fitted back.
"$CXM" simulate "$tmp/bg.json" --customers 20000 --seed 7 --T-min 27 --T-max 39 >"$tmp/sim1.csv"
"$CXM" simulate "$tmp/bg.json" --customers 20000 --seed 7 --T-min 27 --T-max 39 >"$tmp/sim2.csv"
if cmp -s "$tmp/sim1.csv" "$tmp/sim2.csv"; then echo "ok: same seed, same customers"; else
  echo "FAIL: simulation not reproducible"; failures=$((failures + 1)); fi
expect 0 '^r +0\.2' '^$' -- fit bgnbd "$tmp/sim1.csv"
expect 0 '^customer_id,time$' '^$' -- simulate "$tmp/bg.json" --customers 3 --seed 1 --T 39 --transactions
expect 0 '^customer_id,frequency,monetary_value$' '^$' -- simulate "$tmp/gg.json" --customers 3 --seed 1 --frequency 4

# Usage errors: exit 2; data and computation failures: exit 1.
expect 0 'usage: cxm fit' '^$' -- fit --help
expect 0 'usage: cxm predict' '^$' -- help predict
expect 2 '^$' 'MODEL and SUMMARY\.csv are required' -- fit bgnbd
expect 2 '^$' "unknown model 'pareto'" -- fit pareto "$summary"
expect 2 '^$' '--clv needs --period' -- predict "$tmp/bg.json" "$summary" --horizon 39 --clv
expect 2 '^$' '--horizon is required' -- predict "$tmp/bg.json" "$summary"
expect 2 '^$' '--customers and --seed are required' -- simulate "$tmp/bg.json" --T 39
expect 2 '^$' "unknown option '--bogus'" -- fit bgnbd "$summary" --bogus
expect 1 '^$' 'cannot open' -- fit bgnbd "$tmp/none.csv"
expect 1 '^$' "no column 'nope' in the header" -- fit bgnbd "$summary" --frequency nope
printf 'frequency,recency,T\n1,5,3\n' >"$tmp/bad.csv"
expect 1 '^$' 'bad\.csv:2: t_x 5 is greater than T 3$' -- fit bgnbd "$tmp/bad.csv"
# A row's error names the file line and the customer id, never an array position,
# also when bad rows before it were skipped.
printf 'customer_id,frequency,recency,T,monetary_value\nA,1,2,3,10\nB,x,1,2,4\n\nC,2,5,3,7\n' >"$tmp/ids.csv"
expect 1 '^$' 'ids\.csv:5: customer C: t_x 5 is greater than T 3$' -- \
  fit bgnbd "$tmp/ids.csv" --skip-bad-rows
expect 1 '^$' 'ids\.csv:5: customer C: t_x 5 is greater than T 3$' -- \
  predict "$tmp/bg.json" "$tmp/ids.csv" --horizon 3 --skip-bad-rows
printf 'customer_id,frequency,monetary_value\nA,2,10\nB,1.5,3\n' >"$tmp/ids.csv"
expect 1 '^$' 'ids\.csv:3: customer B: x 1\.5 must be a whole number >= 0$' -- fit gg "$tmp/ids.csv"
printf 'frequency,recency,T\n0,0,10\n0,0,20\n0,0,30\n' >"$tmp/flat.csv"
expect 1 '^$' 'BG/NBD fit failed' -- fit bgnbd "$tmp/flat.csv"
printf '{"format": "libcxm-model", "format_version": 1, "kind": "gg", "state": "given",\n"parameters": {"p": 2, "q": 0.8, "gamma": 10}}\n' >"$tmp/q.json"
expect 1 '^$' 'q = 0\.8' -- predict "$tmp/q.json" "$full"
expect 1 '^$' 'summary\.csv: model JSON:1:1: JSON syntax error at' -- predict "$summary" "$summary" --horizon 1

# Extreme parameters and arguments: a message and exit 1, or finite numbers; never nan or inf.
printf '{"format": "libcxm-model", "format_version": 1, "kind": "bgnbd", "state": "given",\n"parameters": {"r": 1e308, "alpha": 4.4, "a": 0.79, "b": 2.4}}\n' >"$tmp/huge.json"
expect 1 '^$' 'parameter r = 1e\+308 is outside \[1e-10, 1e\+10\]' -- predict "$tmp/huge.json" "$summary" --horizon 39
expect 0 '^1,2,30\.43,38\.86,0\.7266[0-9]*,3\.612[0-9]*e\+64,' '^$' -- \
  predict "$tmp/bg.json" "$summary" --horizon 1e308 --dert-rate 1e308
expect 1 '^$' 'discount rate 1e-300 is below 1e-200' -- predict "$tmp/bg.json" "$summary" --horizon 39 --dert-rate 1e-300
expect 1 '^$' 'beyond the largest time' -- \
  predict "$tmp/bg.json" "$full" --horizon 39 --clv --period 1e308 --periods 12
expect 1 '^$' 'lifetime value is beyond the range of a double' -- \
  predict "$tmp/bg.json" "$full" --horizon 39 --clv --period 30 --margin 1e308
head -5 "$full" >"$tmp/few.csv"
for args in "--horizon 1e308 --dert-rate 1e308" "--horizon 1e-300 --dert-rate 1e-200" \
    "--horizon 39 --clv --period 1e300 --periods 4000000000 --discount 0.05"; do
  # shellcheck disable=SC2086
  "$CXM" predict "$tmp/bg.json" "$tmp/few.csv" $args >"$out" 2>"$err"
  if [ "$(wc -l <"$out")" -ne 5 ] || grep -qi 'nan\|inf' "$out"; then
    echo "FAIL: predict $args printed nan or inf"; failures=$((failures + 1))
  else
    echo "ok: predict $args prints finite numbers"
  fi
done

finish
