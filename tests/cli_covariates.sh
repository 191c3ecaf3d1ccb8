#!/bin/sh
# cxm fit --purchase-covariates/--dropout-covariates and cxm predict with a
# model with covariates (docs/models.md §1.11): recovery of known effects on
# simulated customers, predictions per customer with its own parameters,
# and errors that name the file, the line and the column.
set -u
. "$top_srcdir/tests/cli_lib.sh"

# model_json KIND Z R ALPHA P3 P4 GP GD: the model of customers whose covariate
# sum on both processes is Z, in CLVTools' parameterisation (docs/models.md
# §1.11): alpha·exp(−gp·z); BG/NBD a·exp(gd·z), b·exp(gd·z); Pareto/NBD s and
# beta·exp(−gd·z).
model_json() {
  awk -v k="$1" -v z="$2" -v r="$3" -v al="$4" -v p3="$5" -v p4="$6" -v gp="$7" -v gd="$8" 'BEGIN {
    if (k == "pnbd") { n3 = "s"; n4 = "beta"; v3 = p3; v4 = p4 * exp(-gd * z) }
    else { n3 = "a"; n4 = "b"; v3 = p3 * exp(gd * z); v4 = p4 * exp(gd * z) }
    printf "{\"format\":\"libcxm-model\",\"format_version\":1,\"kind\":\"%s\",\"state\":\"given\",", k
    printf "\"parameters\":{\"r\":%.17g,\"alpha\":%.17g,\"%s\":%.17g,\"%s\":%.17g}}\n",
           r, al * exp(-gp * z), n3, v3, n4, v4 }'
}

# simulate KIND R ALPHA P3 P4 GP GD: 20000 customers with Channel 0 and 20000
# with Channel 1 (the effects GP and GD), each with a Gender of 0 or 1 that has
# no effect (alternate ids), observed for 26 to 52 weeks, into $tmp/KIND.csv.
simulate() {
  kind=$1
  shift
  model_json "$kind" 0 "$@" >"$tmp/$kind-0.json"
  model_json "$kind" 1 "$@" >"$tmp/$kind-1.json"
  {
    "$CXM" simulate "$tmp/$kind-0.json" --customers 20000 --seed 11 --T-min 26 --T-max 52 |
      awk -F, 'NR == 1 { print $0 ",Gender,Channel"; next } { print "a" $0 "," ($1 % 2) ",0" }'
    "$CXM" simulate "$tmp/$kind-1.json" --customers 20000 --seed 12 --T-min 26 --T-max 52 |
      awk -F, 'NR > 1 { print "b" $0 "," ($1 % 2) ",1" }'
  } >"$tmp/$kind.csv"
}

# recovered NAME=TRUTH...: every named parameter of the last fit's table
# ($out) within three standard errors of the simulation's truth.
recovered() {
  for pair in "$@"; do
    name=${pair%%=*} truth=${pair#*=}
    if awk -v name="$name" -v truth="$truth" '
         $1 == name { found = 1; d = $2 - truth; if (d < 0) d = -d; bad = !(d <= 3 * $3) }
         END { exit !(found && !bad) }' "$out"; then
      echo "ok: $name within 3 SE of $truth"
    else
      echo "FAIL: $name: $(grep "^$name " "$out") (truth $truth)"
      failures=$((failures + 1))
    fi
  done
}

# GGompertz/NBD by CLVTools' name (ggomnbd): alpha·exp(−gp·z), beta·exp(−gd·z).
for z in 0 1; do
  awk -v z=$z 'BEGIN { printf "{\"format\":\"libcxm-model\",\"format_version\":1,\"kind\":\"ggomnbd\",\"state\":\"given\",\"parameters\":{\"r\":0.8,\"alpha\":%.17g,\"b\":0.05,\"s\":1.2,\"beta\":%.17g}}\n", 6 * exp(-0.5 * z), 3 * exp(0.4 * z) }' >"$tmp/gg-$z.json"
done
{
  "$CXM" simulate "$tmp/gg-0.json" --customers 20000 --seed 21 --T-min 26 --T-max 52 |
    awk -F, 'NR == 1 { print $0 ",Channel"; next } { print "a" $0 ",0" }'
  "$CXM" simulate "$tmp/gg-1.json" --customers 20000 --seed 22 --T-min 26 --T-max 52 |
    awk -F, 'NR > 1 { print "b" $0 ",1" }'
} >"$tmp/gg.csv"
expect 0 '^dropout\.Channel ' '^$' -- fit ggomnbd "$tmp/gg.csv" --purchase-covariates Channel \
  --dropout-covariates Channel -o "$tmp/gg-cov.json"
recovered r=0.8 alpha=6 b=0.05 s=1.2 beta=3 purchase.Channel=0.5 dropout.Channel=-0.4
expect 0 '^b1,' '^$' -- predict "$tmp/gg-cov.json" "$tmp/gg.csv" --horizon 52 --dert-rate 0.01

simulate bgnbd 0.8 6 0.6 2.5 0.5 0.4
expect 0 '^dropout\.Channel ' '^$' -- fit bgnbd "$tmp/bgnbd.csv" --purchase-covariates Gender,Channel \
  --dropout-covariates Channel -o "$tmp/bgnbd-cov.json"
recovered r=0.8 alpha=6 a=0.6 b=2.5 purchase.Gender=0 purchase.Channel=0.5 dropout.Channel=0.4
simulate pnbd 0.8 6 0.6 8 -0.5 0.7
expect 0 '^dropout\.Channel ' '^$' -- fit pnbd "$tmp/pnbd.csv" --purchase-covariates Gender,Channel \
  --dropout-covariates Channel,Gender -o "$tmp/pnbd-cov.json"
recovered r=0.8 alpha=6 s=0.6 beta=8 purchase.Gender=0 purchase.Channel=-0.5 \
  dropout.Channel=0.7 dropout.Gender=0
expect 0 '^purchase\.Channel ' '^$' -- fit mbgnbd "$tmp/bgnbd.csv" --purchase-covariates Channel
# The model file keeps the covariates for cxm predict.
if grep -q '"dropout\.Channel"' "$tmp/bgnbd-cov.json"; then echo "ok: effects saved"; else
  echo "FAIL: effects not saved"; failures=$((failures + 1)); fi
expect 0 '^purchase\.Channel .*[0-9]$' '^$' -- fit bgnbd "$tmp/bgnbd.csv" --purchase-covariates Channel \
  --purchase-penalty 10

# Predictions: each customer with the parameters of its covariates, in the
# summary's order: a customer with Gender 1 and Channel 1 of a model with
# purchase effects -0.3 and 0.5 and a dropout effect 0.4 on Channel is
# predicted as the plain model with alpha·exp(-0.2), a·exp(0.4), b·exp(0.4).
cat >"$tmp/given.json" <<'EOF'
{"format":"libcxm-model","format_version":1,"kind":"bgnbd","state":"given",
 "covariates":{"purchase":["Gender","Channel"],"dropout":["Channel"]},
 "parameters":{"r":0.8,"alpha":6,"a":0.6,"b":2.5,
               "purchase.Gender":-0.3,"purchase.Channel":0.5,"dropout.Channel":0.4}}
EOF
awk 'BEGIN { printf "{\"format\":\"libcxm-model\",\"format_version\":1,\"kind\":\"bgnbd\",\"state\":\"given\",\"parameters\":{\"r\":0.8,\"alpha\":%.17g,\"a\":%.17g,\"b\":%.17g}}\n", 6 * exp(-0.2), 0.6 * exp(0.4), 2.5 * exp(0.4) }' >"$tmp/c11.json"
printf 'customer_id,frequency,recency,T,Gender,Channel\nc1,3,20,40,1,1\nc2,3,20,40,0,0\nc3,5,30,40,1,1\nc4,0,0,40,0,1\n' >"$tmp/few.csv"
printf 'customer_id,frequency,recency,T\nc1,3,20,40\nc3,5,30,40\n' >"$tmp/c11.csv"
"$CXM" predict "$tmp/given.json" "$tmp/few.csv" --horizon 52 --dert-rate 0.01 >"$tmp/pred.csv" 2>"$err"
"$CXM" predict "$tmp/c11.json" "$tmp/c11.csv" --horizon 52 --dert-rate 0.01 >"$tmp/pred11.csv"
if [ "$(grep -E '^c[13],' "$tmp/pred.csv")" = "$(grep -E '^c[13],' "$tmp/pred11.csv")" ] &&
   [ "$(sed -n 1p "$tmp/pred.csv")" = 'customer_id,frequency,recency,T,p_alive,expected_purchases,dert' ] &&
   [ "$(cut -d, -f1 "$tmp/pred.csv" | tr '\n' ' ')" = 'customer_id c1 c2 c3 c4 ' ] && [ ! -s "$err" ]; then
  echo "ok: predict with covariates"
else
  echo "FAIL: predict with covariates: $(cat "$tmp/pred.csv" "$err")"
  failures=$((failures + 1))
fi
# A shared effect (one effect of Gender on both processes), with the dropout
# covariates in another order than the purchase ones: Pareto/NBD with
# shared.Gender -0.3, purchase.Channel 0.5, dropout.Channel 0.7 predicts a
# customer with Gender 1 and Channel 1 as alpha·exp(-0.2), beta·exp(-0.4).
cat >"$tmp/shared.json" <<'EOF'
{"format":"libcxm-model","format_version":1,"kind":"pnbd","state":"given",
 "covariates":{"purchase":["Gender","Channel"],"dropout":["Channel","Gender"],"shared":["Gender"]},
 "parameters":{"r":0.8,"alpha":6,"s":0.6,"beta":8,
               "shared.Gender":-0.3,"purchase.Channel":0.5,"dropout.Channel":0.7}}
EOF
awk 'BEGIN { printf "{\"format\":\"libcxm-model\",\"format_version\":1,\"kind\":\"pnbd\",\"state\":\"given\",\"parameters\":{\"r\":0.8,\"alpha\":%.17g,\"s\":0.6,\"beta\":%.17g}}\n", 6 * exp(-0.2), 8 * exp(-0.4) }' >"$tmp/shared11.json"
"$CXM" predict "$tmp/shared.json" "$tmp/few.csv" --horizon 52 >"$tmp/pred.csv"
"$CXM" predict "$tmp/shared11.json" "$tmp/c11.csv" --horizon 52 >"$tmp/pred11.csv"
if [ "$(grep -E '^c[13],' "$tmp/pred.csv")" = "$(grep -E '^c[13],' "$tmp/pred11.csv")" ]; then
  echo "ok: predict with a shared effect"
else
  echo "FAIL: predict with a shared effect: $(cat "$tmp/pred.csv" "$tmp/pred11.csv")"
  failures=$((failures + 1))
fi
expect 0 '^shared\.Channel ' '^$' -- fit pnbd "$tmp/pnbd.csv" --purchase-covariates Gender,Channel \
  --dropout-covariates Channel --shared-covariates Channel
expect 1 '^$' 'Gender' -- fit pnbd "$tmp/pnbd.csv" --purchase-covariates Gender,Channel \
  --dropout-covariates Channel --shared-covariates Gender
# The base customer (all covariates 0) is the plain model's.
expect 0 '^c2,3,20,40,0\.46178' '^$' -- predict "$tmp/given.json" "$tmp/few.csv" --horizon 52
# A fitted model predicts the customers it was fitted on.
expect 0 '^b1,' '^$' -- predict "$tmp/pnbd-cov.json" "$tmp/pnbd.csv" --horizon 52

# Errors name the file, the line and the column.
printf 'customer_id,frequency,recency,T,Gender,Channel\nc1,3,20,40,1,1\nc2,3,20,40,male,0\n' >"$tmp/bad.csv"
printf 'customer_id,frequency,recency,T,Gender,Channel\nc1,3,20,40,1,1\nc2,3,20,40,,0\n' >"$tmp/empty.csv"
expect 1 '^$' "bad\.csv:3: column 'Gender': 'male' is not a number" -- \
  fit bgnbd "$tmp/bad.csv" --purchase-covariates Gender
expect 1 '^$' "bad\.csv:3: column 'Gender': 'male' is not a number" -- \
  predict "$tmp/given.json" "$tmp/bad.csv" --horizon 52
expect 1 '^$' "empty\.csv:3: column 'Gender': the value is empty" -- \
  fit pnbd "$tmp/empty.csv" --dropout-covariates Gender
expect 1 '^$' "few\.csv: no column 'Region' in the header" -- \
  fit bgnbd "$tmp/few.csv" --purchase-covariates Gender,Region
expect 1 '^$' "c11\.csv: no column 'Gender' in the header" -- \
  predict "$tmp/given.json" "$tmp/c11.csv" --horizon 52
expect 2 '^$' '--dropout-covariates needs up to 32 column names' -- \
  fit bgnbd "$tmp/few.csv" --dropout-covariates 'Gender,,Channel'
expect 1 '^$' 'purchase_penalty and dropout_penalty weigh covariate effects' -- fit bgnbd "$tmp/few.csv" --purchase-penalty 1
printf 'customer_id,frequency,monetary_value,Gender\nc1,3,20,1\nc2,3,20,0\n' >"$tmp/gg.csv"
expect 1 '^$' 'gg\.csv: the Gamma-Gamma model takes no covariates' -- fit gg "$tmp/gg.csv" --purchase-covariates Gender
expect 2 '^$' 'the sBG model takes no covariates' -- fit sbg "$tmp/gg.csv" --purchase-covariates Gender
# A row's error names its line, also inside a group of customers who share covariates.
printf 'c6,2,45,40,1,1\n' >>"$tmp/few.csv"
expect 1 '^$' 'few\.csv:6: customer c6: t_x 45 is greater than T 40' -- predict "$tmp/given.json" "$tmp/few.csv" --horizon 52
expect 1 '^$' 'few\.csv:6: customer c6: t_x 45 is greater than T 40' -- fit bgnbd "$tmp/few.csv" --purchase-covariates Gender
# A covariate that never varies leaves its effect unidentified: a failure, not numbers.
expect 1 '^$' 'covariate purchase\.T has the same value for every customer' -- \
  fit bgnbd "$tmp/c11.csv" --purchase-covariates T

finish
