#!/bin/sh
# cxm fit / cxm predict with Pareto/NBD, BG/BB and sBG: published numbers, outputs, errors.
set -u
. "$top_srcdir/tests/cli_lib.sh"
data=$top_srcdir/tests/data
summary=$data/cdnow_customers_summary.csv
donations=$data/donations.csv

# docs/models.md §1.6: r=0.553, alpha=10.578, s=0.606, beta=11.669, LL -9595.0.
expect 0 '^r +0\.553' '^$' -- fit pnbd "$summary" -o "$tmp/pnbd.json"
expect 0 '^alpha +10\.57' '^$' -- fit pareto-nbd "$summary"
expect 0 'log-likelihood -9594\.97' '^$' -- fit pnbd "$summary"
expect 0 '^1,2,30\.43,38\.86,0\.869' '^$' -- predict "$tmp/pnbd.json" "$summary" --horizon 39
expect 0 'dert' '^$' -- predict "$tmp/pnbd.json" "$summary" --horizon 39 --dert-rate 0.0027

# docs/models.md §1.8: donations, 6 opportunities (the periods column is found by name).
expect 0 '^alpha +1\.2035' '^$' -- fit bgbb "$donations" -o "$tmp/bgbb.json"
expect 0 '^delta +2\.783' '^$' -- fit bgbb "$donations"
expect 0 'log-likelihood -33225\.58' '^$' -- fit bgbb "$donations"
expect 0 '^22,6,6,6,0\.930' '^$' -- predict "$tmp/bgbb.json" "$donations" --horizon 5
printf 'frequency,recency,periods\n3,2,6\n' >"$tmp/bad.csv"
expect 1 '^$' 'bad\.csv:2: x 3 is greater than t_x 2' -- fit bgbb "$tmp/bad.csv"

# docs/models.md §1.2: the Regular cohort, years 0..7; the year-12 projection about 170.
printf 'survivors\n1000\n631\n468\n382\n326\n289\n262\n241\n' >"$tmp/regular.csv"
expect 0 '^alpha +0\.7040' '^$' -- fit sbg "$tmp/regular.csv" -o "$tmp/sbg.json"
expect 0 '^12,0\.170' '^$' -- predict "$tmp/sbg.json" --periods 12 --discount 0.1
expect 0 '^t,survival,retention,churn_probability,derl,value$' '^$' -- predict "$tmp/sbg.json"
printf 'periods,active,weight\n1,0,369\n2,0,163\n3,0,86\n4,0,56\n5,0,37\n6,0,27\n7,0,21\n7,1,241\n' \
  >"$tmp/tenures.csv"
expect 0 '^beta +1\.1820' '^$' -- fit sbg "$tmp/tenures.csv"
printf 'survivors\n100\n120\n' >"$tmp/grows.csv"
expect 1 '^$' 'cannot grow' -- fit sbg "$tmp/grows.csv"
printf 'x\n1\n' >"$tmp/none.csv"
expect 1 '^$' "needs a column 'survivors'" -- fit sbg "$tmp/none.csv"
printf 'periods,active\n3,1\n0,0\n2,1\n' >"$tmp/tenure0.csv"
expect 1 '^$' 'tenure0\.csv:3: a customer who cancelled has a tenure of at least 1' -- fit sbg "$tmp/tenure0.csv"
expect 2 '^$' 'SUMMARY.csv are required' -- predict "$tmp/pnbd.json"

finish
