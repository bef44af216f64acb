#!/usr/bin/env bash
# Ctrl-C during an export stops cleanly: exit 130, and the partial output ends at a whole line
# (every line is a complete order). Ctrl-C during a wait (a retry's back-off, a slow answer)
# ends it at once, not when the wait is over.
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

# SIGINT (and SIGTERM) while the client waits for a request, or waits to retry one.
interrupt_during() {
    local what=$1 fault=$2 signal=$3 started elapsed rc=0
    sandbox_send DELETE /sandbox/faults > /dev/null
    sandbox_send POST /sandbox/faults "$fault" > /dev/null
    started=$SECONDS
    "$APILO_CLI_BIN" orders list --limit 5 --output ndjson > /dev/null 2> "$WORK_DIR/wait.err" &
    cli_pid=$!
    sleep 1
    kill "-$signal" "$cli_pid"
    wait "$cli_pid" || rc=$?
    elapsed=$((SECONDS - started))
    [[ "$rc" -eq 130 && "$elapsed" -lt 4 ]] && pass "SIG$signal during $what: 130 in ${elapsed}s" ||
        fail "SIG$signal during $what: exit $rc after ${elapsed}s (the wait was 5 to 20 s)"
    ! grep -q "error" "$WORK_DIR/wait.err" && pass "no error line after SIG$signal" ||
        fail "stderr after SIG$signal: $(cat "$WORK_DIR/wait.err")"
}
interrupt_during "a retry's back-off" \
    '{"status": 429, "count": 3, "retryAfter": "20", "path": "/rest/api/orders/"}' INT
interrupt_during "a slow answer" '{"delayMs": 5000}' TERM

finish
