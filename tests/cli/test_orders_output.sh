#!/usr/bin/env bash
# orders list / get / maps output formats: NDJSON line count equals totalCount, JSON is one
# array, CSV has its header and RFC 4180 quoting, --max-items, a closed pipe ends quietly.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

start_sandbox_logged_in --seed-orders 3000
cli="$APILO_CLI_BIN"

# totalCount for a filter, from the table footer ("1 of N matching orders shown").
"$cli" orders list --status 7 --limit 1 --output table > "$WORK_DIR/footer.txt"
total=$(sed -n 's/^1 of \([0-9,]*\) matching orders shown$/\1/p' "$WORK_DIR/footer.txt" | tr -d ,)
[[ -n "$total" && "$total" -gt 3 ]] ||
    fail "no usable totalCount in the table footer (got '$total')"

"$cli" orders list --status 7 --all --page-size 4 --output ndjson > "$WORK_DIR/s7.ndjson"
lines=$(wc -l < "$WORK_DIR/s7.ndjson")
if [[ "$lines" -eq "$total" ]]; then
    pass "--all NDJSON has totalCount ($total) lines"
else
    fail "--all NDJSON has $lines lines, totalCount is $total"
fi

"$cli" orders list --max-items 3 > "$WORK_DIR/piped.out"
[[ $(wc -l < "$WORK_DIR/piped.out") -eq 3 && $(head -c 1 "$WORK_DIR/piped.out") == "{" ]] &&
    pass "NDJSON is the default on a pipe, --max-items 3 gives 3 lines" ||
    fail "piped default output is not 3 NDJSON lines"

# Without --all one request at most: a limit above the API's 512 is clamped, not paged through.
"$cli" orders list --limit 99999 --output ndjson > "$WORK_DIR/clamped.out" 2> "$WORK_DIR/clamped.err"
[[ $(wc -l < "$WORK_DIR/clamped.out") -eq 512 ]] && pass "--limit 99999 without --all gives 512" ||
    fail "--limit 99999 without --all gave $(wc -l < "$WORK_DIR/clamped.out") lines"

"$cli" orders list --all --page-size 100 --max-items 7 --output ndjson > "$WORK_DIR/max.out"
[[ $(wc -l < "$WORK_DIR/max.out") -eq 7 ]] && pass "--all --max-items 7 stops at 7" ||
    fail "--all --max-items 7 gave $(wc -l < "$WORK_DIR/max.out") lines"

"$cli" orders list --status 7 --all --page-size 4 --output json > "$WORK_DIR/s7.json"
"$cli" orders list --max-items 20 --sort createdAtAsc --output csv > "$WORK_DIR/list.csv"
"$cli" orders list --max-items 20 --sort createdAtAsc --output ndjson > "$WORK_DIR/list.ndjson"
"$cli" orders maps carrier --output csv > "$WORK_DIR/carriers.csv"

header=$(head -n 1 "$WORK_DIR/list.csv" | tr -d '\r')
want="id,status_id,status,id_external,created_at,ordered_at,platform_id,platform,payment_status"
want+=",currency,total_with_tax,customer_name,email,country,items_count"
[[ "$header" == "$want" ]] && pass "CSV header" || fail "CSV header is '$header'"

grep -qF '"Inpost (Kurier, Paczkomaty, Allegro)"' "$WORK_DIR/carriers.csv" &&
    pass "a CSV field with commas is quoted" || fail "CSV field with commas is not quoted"
"$cli" orders maps carrier --output table > "$WORK_DIR/carriers.table"
head -n 1 "$WORK_DIR/carriers.table" | grep -q "^ *ID  KEY .*NAME .*DESCRIPTION$" &&
    pass "a map as a table has a header row" ||
    fail "map table header: $(head -n 1 "$WORK_DIR/carriers.table")"

if have_python; then
    python3 - "$WORK_DIR" "$total" <<'PY' && pass "JSON array, CSV rows and NDJSON agree" ||
import csv, json, sys
work, total = sys.argv[1], int(sys.argv[2])
orders = json.load(open(f"{work}/s7.json"))
assert isinstance(orders, list), "JSON output is not an array"
assert len(orders) == total, f"JSON array has {len(orders)} orders, totalCount {total}"
assert all(order["status"] == 7 for order in orders), "an order outside --status 7"
rows = list(csv.reader(open(f"{work}/list.csv", newline="", encoding="utf-8")))
assert all(len(row) == 15 for row in rows), "a CSV row without 15 fields"
lines = [json.loads(line) for line in open(f"{work}/list.ndjson", encoding="utf-8")]
assert [row[0] for row in rows[1:]] == [o["id"] for o in lines], "CSV and NDJSON ids differ"
for row, order in zip(rows[1:], lines):
    name = (order.get("addressCustomer") or {}).get("name")
    assert name is None or row[11] == name, f"customer name {row[11]!r} != {name!r}"
carriers = list(csv.reader(open(f"{work}/carriers.csv", newline="", encoding="utf-8")))
assert ["3", "CARRIER_253", "Inpost (Kurier, Paczkomaty, Allegro)"] == carriers[1][:3], \
    f"carrier row {carriers[1]}"
PY
        fail "JSON/CSV checks (see the Python message above)"
else
    echo "skip [$TEST_NAME]: python3 not found, JSON and CSV parsing checks skipped"
fi

# orders get: pretty JSON by default, one line with --output ndjson, 4 for an unknown id.
first_id=$(head -n 1 "$WORK_DIR/list.ndjson" | sed 's/.*"id":"\([^"]*\)".*/\1/')
expect_rc 0 "orders get $first_id" -- "$cli" orders get "$first_id"
grep -q "^  \"id\": \"$first_id\"" "$WORK_DIR/last.out" || fail "orders get is not pretty JSON"
if have_python; then
    python3 -c 'import json,sys; json.load(sys.stdin)' < "$WORK_DIR/last.out" &&
        pass "orders get prints valid JSON" || fail "orders get output does not parse"
fi
expect_rc 0 "orders get --output ndjson" -- "$cli" orders get "$first_id" --output ndjson
[[ $(wc -l < "$WORK_DIR/last.out") -eq 1 ]] || fail "orders get --output ndjson is not one line"
expect_rc 0 "orders get --output table" -- "$cli" orders get "$first_id" --output table
grep -q "^Order $first_id" "$WORK_DIR/last.out" || fail "detail view lacks its title"

# A consumer that stops reading (head) ends the export quietly: no error text, exit 0.
set +e
"$cli" orders list --all --output ndjson 2> "$WORK_DIR/pipe.err" | head -n 1 > "$WORK_DIR/head.out"
statuses=("${PIPESTATUS[@]}")
set -e
head_lines=$(wc -l < "$WORK_DIR/head.out")
if [[ "${statuses[0]}" -eq 0 && ! -s "$WORK_DIR/pipe.err" && "$head_lines" -eq 1 ]]; then
    pass "'| head -n 1' ends quietly"
else
    fail "'| head -n 1': exit ${statuses[0]}, stderr: $(head -c 300 "$WORK_DIR/pipe.err")"
fi

# The table on a pseudo-terminal (util-linux script), when available.
if command -v script > /dev/null 2>&1; then
    COLUMNS=100 script -qec "$cli orders list --max-items 3" /dev/null > "$WORK_DIR/tty.out" \
        2>&1 || true
    if grep -q "^ID  " "$WORK_DIR/tty.out" && grep -q "3 of .* matching orders shown" \
        "$WORK_DIR/tty.out"; then
        pass "a terminal gets a table by default"
    else
        fail "no table on a terminal: $(head -c 300 "$WORK_DIR/tty.out")"
    fi
    too_wide=$(tr -d '\r' < "$WORK_DIR/tty.out" | python3 -c '
import sys, unicodedata
print(sum(1 for line in sys.stdin if len(line.rstrip("\n")) > 100))' 2>/dev/null || echo 0)
    [[ "$too_wide" -eq 0 ]] && pass "table rows fit 100 columns" ||
        fail "$too_wide table rows are wider than the terminal"
else
    echo "skip [$TEST_NAME]: 'script' not found, terminal table check skipped"
fi

finish
