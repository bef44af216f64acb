#!/usr/bin/env bash
# C7 through the CLI: with --all, every page request carries the same filters and only the
# offset moves; C4: a "+" offset in a date filter is percent-encoded; C8: 0 is sent as a value.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

if ! have_python; then
    echo "skip [$TEST_NAME]: python3 not found; the sandbox request log cannot be read"
    exit 0
fi

start_sandbox_logged_in --seed-orders 600
cli="$APILO_CLI_BIN"
after=$(date -u -d '400 days ago' +%Y-%m-%dT%H:%M:%S)+02:00

sandbox_send DELETE /sandbox/requests > /dev/null
"$cli" orders list --created-after "$after" --status 7 --page-size 3 --all --output ndjson \
    > "$WORK_DIR/c7.ndjson"
sandbox_get /sandbox/requests > "$WORK_DIR/requests.json"

python3 - "$WORK_DIR" "$after" <<'PY' && pass "every page carried the filters (C7, C4)" ||
import json, sys, urllib.parse
from datetime import datetime
work, after = sys.argv[1], sys.argv[2]
log = json.load(open(f"{work}/requests.json"))["requests"]
pages = [r for r in log if r["path"] == "/rest/api/orders/"]
orders = [json.loads(line) for line in open(f"{work}/c7.ndjson", encoding="utf-8")]
assert len(orders) >= 4, f"only {len(orders)} orders matched; the test needs several pages"
assert len(pages) >= (len(orders) + 2) // 3, f"{len(pages)} requests for {len(orders)} orders"
encoded = urllib.parse.quote(after.replace("+02:00", "+0200"), safe="")
for number, page in enumerate(pages):
    query = urllib.parse.parse_qs(page["query"], keep_blank_values=True)
    raw = page["query"]
    assert "+" not in raw, f"page {number}: a raw '+' in {raw}"
    assert query.get("orderStatus") == ["7"], f"page {number}: orderStatus missing in {raw}"
    assert query.get("limit") == ["3"], f"page {number}: limit missing in {raw}"
    assert query.get("offset") == [str(3 * number)], f"page {number}: offset wrong in {raw}"
    got = datetime.strptime(query["createdAfter"][0], "%Y-%m-%dT%H:%M:%S%z")
    want = datetime.strptime(after.replace("+02:00", "+0200"), "%Y-%m-%dT%H:%M:%S%z")
    assert got == want, f"page {number}: createdAfter {query['createdAfter']} != {after}"
limit = datetime.strptime(after.replace("+02:00", "+0200"), "%Y-%m-%dT%H:%M:%S%z")
for order in orders:
    assert order["status"] == 7, f"order {order['id']} has status {order['status']}"
    created = datetime.strptime(order["createdAt"].replace("Z", "+0000"), "%Y-%m-%dT%H:%M:%S%z")
    assert created >= limit, f"order {order['id']} created {order['createdAt']} before {after}"
print(f"{len(pages)} page requests, {len(orders)} orders, all filtered")
PY
    fail "page requests lost their filters (see the Python message above)"

# C8 and several statuses: 0 is a value, not "unset"; --status 7,8 --status 1 is a list.
sandbox_send DELETE /sandbox/requests > /dev/null
"$cli" orders list --has-document 0 --payment-status 0 --offset 0 --status 7,8 --status 1 \
    --max-items 2 --output ndjson > /dev/null
sandbox_get /sandbox/requests > "$WORK_DIR/requests.json"
python3 - "$WORK_DIR" <<'PY' && pass "0 filters are sent; several statuses as orderStatusIds[]" ||
import json, sys, urllib.parse
log = json.load(open(f"{sys.argv[1]}/requests.json"))["requests"]
page = [r for r in log if r["path"] == "/rest/api/orders/"][0]
query = urllib.parse.parse_qs(page["query"], keep_blank_values=True)
assert query.get("isOrderDocument") == ["0"], page["query"]
assert query.get("paymentStatus") == ["0"], page["query"]
assert query.get("offset") == ["0"], page["query"]
assert sorted(query.get("orderStatusIds[]", [])) == ["1", "7", "8"], page["query"]
PY
    fail "zero-valued or list filters were not sent (see above)"

finish
