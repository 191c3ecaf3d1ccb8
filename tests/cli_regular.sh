#!/bin/sh
# cxm fit bgcnbd / mbgcnbd (docs/models.md §1.12): customers simulated with
# Erlang-3 inter-purchase times by `cxm simulate --transactions`, summarised
# here with litt = the sum of the logs of each customer's inter-purchase
# times, are fitted back: k = 3 is chosen and every parameter lies within
# three standard errors of the truth; --regularity fixes k.
set -u
. "$top_srcdir/tests/cli_lib.sh"

cat >"$tmp/truth.json" <<'EOF'
{"format":"libcxm-model","format_version":1,"kind":"bgcnbd","state":"given",
 "parameters":{"r":1.2,"alpha":3.0,"a":0.8,"b":2.5,"k":3}}
EOF
expect 0 '^customer_id,time$' '^$' -- simulate "$tmp/truth.json" --customers 20000 --seed 7 \
  --T 52 --transactions
cp "$out" "$tmp/log.csv"
# customer_id,frequency,recency,T,litt from the log (times in order per customer).
# The fit's table ($out below) has a row per parameter: name, estimate, SE.
awk -F, 'function row() { printf "%s,%d,%.17g,52,%.17g\n", id, x, last, litt }
  NR == 1 { print "customer_id,frequency,recency,T,litt"; next }
  $1 != id { if (id != "") row(); id = $1; x = 0; last = 0; litt = 0; next }
  { x++; litt += log($2 - last); last = $2 }
  END { row() }' "$tmp/log.csv" >"$tmp/summary.csv"

expect 0 '^k +3\.000000 ' '^$' -- fit bgcnbd "$tmp/summary.csv"
for pair in r=1.2 alpha=3.0 a=0.8 b=2.5; do
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
expect 0 '^k +1\.000000 ' '^$' -- fit mbgcnbd "$tmp/summary.csv" --regularity 1

# Without the litt column the fit says which column is missing.
cut -d, -f1-4 "$tmp/summary.csv" >"$tmp/no-litt.csv"
expect 1 '^$' 'litt' -- fit bgcnbd "$tmp/no-litt.csv"

finish
