#!/usr/bin/env bash
# Exit codes and messages: configuration and usage errors (2), auth (3), not found (4), API
# rejection (5), transient (6); --help on every command; the secret is refused on argv.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

cli="$APILO_CLI_BIN"

# ---- before any sandbox: configuration and usage ------------------------------------------
expect_rc 2 "no base URL configured" -- "$cli" whoami
grep -q "no base URL configured" "$WORK_DIR/last.err" || fail "missing-config message unclear"
expect_rc 2 "no command" -- "$cli"
expect_rc 2 "unknown command" -- "$cli" frobnicate
expect_rc 2 "unknown flag" -- "$cli" orders list --bogus
expect_rc 2 "bad date" -- "$cli" orders list --created-after yesterday
grep -q -- "--created-after" "$WORK_DIR/last.err" || fail "bad date message lacks the flag"
expect_rc 2 "a library validation error names the flag" -- "$cli" orders list --payment-status 9
grep -q -- "--payment-status" "$WORK_DIR/last.err" || fail "validation message lacks the flag"
expect_rc 2 "bad --output" -- "$cli" orders list --output xml
expect_rc 2 "bad --lang" -- "$cli" --lang fr whoami
expect_rc 2 "bad order id" -- "$cli" orders get 'x y'
expect_rc 2 "http to a non-loopback host" -- "$cli" --base-url http://example.invalid whoami
expect_rc 2 "missing --config file" -- "$cli" --config "$WORK_DIR/none" whoami

expect_rc 2 "--client-secret on the command line is refused" -- \
    "$cli" --client-secret hunter2-secret auth login --code x
grep -q "not accepted" "$WORK_DIR/last.err" || fail "no refusal message for --client-secret"
expect_rc 2 "--client-secret=VALUE is refused" -- "$cli" --client-secret=hunter2-secret whoami
if grep -q hunter2 "$WORK_DIR/last.out" "$WORK_DIR/last.err"; then
    fail "the refused secret was echoed"
fi

for command in "" "auth" "auth login" "auth refresh" "auth status" "whoami" "orders" \
               "orders list" "orders get" "orders maps" "version"; do
    # shellcheck disable=SC2086
    expect_rc 0 "apilo $command --help" -- "$cli" $command --help
    grep -q "Usage:" "$WORK_DIR/last.out" || fail "apilo $command --help shows no usage"
done
expect_rc 0 "apilo help orders list" -- "$cli" help orders list
grep -q "orders list" "$WORK_DIR/last.out" || fail "'apilo help orders list' is not its help"

# ---- a config file with profiles -----------------------------------------------------------
start_sandbox --seed-orders 50
mkdir -p "$XDG_CONFIG_HOME/apilo"
config="$XDG_CONFIG_HOME/apilo/config"
cat > "$config" <<EOF
# apilo test config
[default]
base_url = http://127.0.0.1:1

[profile sandbox]
base_url = $SANDBOX_URL
client_id = 1
client_secret = sandbox-secret
token_file = $WORK_DIR/profile.tokens.json
EOF
chmod 644 "$config"
expect_rc 2 "a config file holding a secret must not be readable by others" -- \
    env -u APILO_BASE_URL "$cli" --profile sandbox auth status
chmod 600 "$config"
expect_rc 3 "profile from the config file, not logged in" -- \
    env -u APILO_BASE_URL -u APILO_TOKEN_FILE -u APILO_CLIENT_SECRET \
    "$cli" --profile sandbox whoami
expect_rc 2 "unknown profile" -- env -u APILO_BASE_URL "$cli" --profile nosuch whoami
rm -f "$config"

# ---- with the sandbox ----------------------------------------------------------------------
expect_rc 3 "not logged in" -- "$cli" orders list --max-items 1
grep -q "auth login" "$WORK_DIR/last.err" || fail "no login hint"

code=$(random_code)
kill "$SANDBOX_PID"
wait "$SANDBOX_PID" 2>/dev/null || true
SANDBOX_PID=""
start_sandbox --seed-orders 50 --auth-code "$code"
expect_rc 0 "login" -- "$cli" auth login --code "$code"

expect_rc 4 "unknown order" -- "$cli" orders get ZZ00000000
expect_rc 2 "orders get without an id" -- "$cli" orders get

if have_python; then
    sandbox_send POST /sandbox/faults \
        '{"status": 400, "count": 1, "path": "/rest/api/orders/"}' > /dev/null
    expect_rc 5 "a 400 with an error body is an API rejection" -- \
        "$cli" orders list --max-items 1
    grep -q "apilo: error: .*400" "$WORK_DIR/last.err" || fail "API error lacks the HTTP status"

    sandbox_send POST /sandbox/faults \
        '{"status": 429, "count": 20, "retryAfter": "0", "path": "/rest/api/orders/"}' \
        > /dev/null
    expect_rc 6 "429 after the retries is transient" -- "$cli" orders list --max-items 1
    sandbox_send DELETE /sandbox/faults > /dev/null
else
    echo "skip [$TEST_NAME]: python3 not found, fault injection checks skipped"
fi

expect_rc 6 "nothing listening is a transport failure" -- \
    "$cli" --base-url http://127.0.0.1:1 --timeout 5 whoami

finish
