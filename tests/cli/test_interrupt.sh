#!/usr/bin/env bash
# Ctrl-C during an export stops cleanly: exit 130, and the partial output ends at a whole line
# (every line is a complete order).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

if ! have_python; then
    echo "skip [$TEST_NAME]: python3 not found; the sandbox cannot be slowed down"
    exit 0
fi

start_sandbox_logged_in --seed-orders 2000 --no-rate-limit
sandbox_send POST /sandbox/faults '{"delayMs": 150}' > /dev/null

"$APILO_CLI_BIN" orders list --all --page-size 20 --output ndjson \
    > "$WORK_DIR/partial.ndjson" 2> "$WORK_DIR/partial.err" &
cli_pid=$!
sleep 1.5
kill -INT "$cli_pid"
rc=0
wait "$cli_pid" || rc=$?

[[ "$rc" -eq 130 ]] && pass "SIGINT ends the export with 130" || fail "exit $rc after SIGINT"
lines=$(wc -l < "$WORK_DIR/partial.ndjson")
[[ "$lines" -gt 0 && "$lines" -lt 2002 ]] && pass "a partial export of $lines orders" ||
    fail "expected a partial export, got $lines lines"
[[ $(tail -c 1 "$WORK_DIR/partial.ndjson" | od -An -c | tr -d ' ') == '\n' ]] &&
    pass "the output ends with a newline" || fail "the output ends in the middle of a line"
python3 -c '
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    json.loads(line)
' "$WORK_DIR/partial.ndjson" && pass "every line is a whole order" || fail "a broken line"

finish
