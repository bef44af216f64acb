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
expect_rc 2 "a short option with '=value'" -- "$cli" orders list -o=csv
grep -q -- "--output=VALUE" "$WORK_DIR/last.err" || fail "-o=csv: the long form is not offered"
expect_rc 2 "short options run together" -- "$cli" orders list -ao
grep -q "one by one" "$WORK_DIR/last.err" || fail "-ao: not told to write them apart"
expect_rc 2 "bad date" -- "$cli" orders list --created-after yesterday
grep -q -- "--created-after" "$WORK_DIR/last.err" || fail "bad date message lacks the flag"
expect_rc 2 "a date with a fraction of a second" -- \
    "$cli" orders list --created-before 2025-01-01T00:00:00.123-0130
grep -q "whole seconds" "$WORK_DIR/last.err" || fail "the fraction is not named as the reason"
expect_rc 2 "a library validation error names the flag" -- "$cli" orders list --payment-status 9
grep -q -- "--payment-status" "$WORK_DIR/last.err" || fail "validation message lacks the flag"
expect_rc 2 "bad --output" -- "$cli" orders list --output xml
expect_rc 2 "bad --lang" -- "$cli" --lang fr whoami
expect_rc 2 "bad order id" -- "$cli" orders get 'x y'
expect_rc 2 "http to a non-loopback host" -- "$cli" --base-url http://example.invalid whoami
expect_rc 2 "missing --config file" -- "$cli" --config "$WORK_DIR/none" whoami
expect_rc 2 "--config naming a directory" -- "$cli" --config "$WORK_DIR" whoami
grep -q "$WORK_DIR is not a regular file" "$WORK_DIR/last.err" || fail "directory not named"
expect_rc 2 "APILO_CONFIG naming a directory" -- env APILO_CONFIG="$WORK_DIR" "$cli" whoami
grep -q "$WORK_DIR is not a regular file" "$WORK_DIR/last.err" || fail "directory not named"
expect_rc 2 "--timeout 0" -- "$cli" --timeout 0 whoami
grep -q "greater than 0 and at most 86400" "$WORK_DIR/last.err" || fail "timeout range unclear"

# expect_config_error LABEL PATTERN: the file "$bad" is refused (exit 2) naming PATTERN.
bad="$WORK_DIR/bad.config"
expect_config_error() {
    expect_rc 2 "$1" -- "$cli" --config "$bad" whoami
    grep -q -- "$2" "$WORK_DIR/last.err" || fail "$1: stderr does not name '$2'"
    if grep -q -- "--base-url" "$WORK_DIR/last.err"; then
        fail "$1: blames --base-url, which was not passed"
    fi
}
printf 'base_url = http://127.0.0.1:1\n[default]\n' > "$bad"
expect_config_error "a key before any section" "$bad:1: 'base_url' is outside any section"
printf '[default]\nbase_url = http://127.0.0.1:1\000x\n' > "$bad"
expect_config_error "a NUL byte in a value" "$bad:2: the line contains a NUL byte"
printf '[default]\nbase_url=http://127.0.0.1:1 # trailing\n' > "$bad"
expect_config_error "a trailing comment after base_url" "$bad:2: base_url"
printf '[default]\n\nbase_url = ftp://127.0.0.1:1\n' > "$bad"
expect_config_error "a base_url the library refuses" "config file $bad, key base_url"
printf '[default]\ntimeout = 0\n' > "$bad"
expect_config_error "timeout = 0" "$bad:2: timeout: .*greater than 0 and at most 86400"
printf '[default]\nlang = fr\n' > "$bad"
expect_config_error "lang = fr" "$bad:2: lang"
printf '[default]\nbase_url = http://127.0.0.1:1\nbase_url = http://127.0.0.1:2\n' > "$bad"
expect_config_error "a key set twice" "$bad:3: 'base_url' is set twice"
expect_rc 2 "a bad APILO_BASE_URL is blamed on the variable" -- \
    env APILO_BASE_URL=ftp://127.0.0.1:1 "$cli" whoami
grep -q "APILO_BASE_URL: " "$WORK_DIR/last.err" || fail "bad APILO_BASE_URL not named"

# ---- the sandbox's own command line: a bad one exits 2 naming the flag -----------------------
# Bounded by timeout(1) and on a free port, so a sandbox that wrongly starts fails the check
# (exit 124) instead of hanging the test.
sandbox_once() {
    timeout 10 "$APILO_SANDBOX_BIN" --quiet "$@"
}
for args in "--seed-orders -1" "--rate-limit 0" "--access-ttl x" "--now -5"; do
    # shellcheck disable=SC2086
    expect_rc 2 "apilo-sandbox $args" -- sandbox_once --listen 127.0.0.1:0 $args
    grep -q -- "apilo-sandbox: ${args%% *} wants" "$WORK_DIR/last.err" ||
        fail "apilo-sandbox $args: the message does not name the flag"
done
for listen in "127.0.0.1:99999" "127.0.0.1" "" "[::1]"; do
    expect_rc 2 "apilo-sandbox --listen '$listen'" -- sandbox_once --listen "$listen"
    grep -q -- "--listen wants ADDR:PORT" "$WORK_DIR/last.err" ||
        fail "apilo-sandbox --listen '$listen': unclear message"
done
expect_rc 1 "apilo-sandbox on a non-loopback address is a start-up failure" -- \
    sandbox_once --listen 192.0.2.1:0
for flag in --client-secret --auth-code; do
    expect_rc 2 "apilo-sandbox $flag ''" -- sandbox_once --listen 127.0.0.1:0 "$flag" ""
    grep -q -- "$flag wants a non-empty value" "$WORK_DIR/last.err" ||
        fail "apilo-sandbox $flag '': unclear message"
done

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

# A closed stdout or stderr must not lend its number to a socket or the token file's lock.
"$cli" orders list --limit 3 --output csv >&- 2> "$WORK_DIR/closed.err" && rc=0 || rc=$?
[[ "$rc" -eq 0 ]] && grep -q "standard output was closed" "$WORK_DIR/closed.err" &&
    pass "a closed stdout is reported and the command still works" ||
    fail "closed stdout: exit $rc, stderr: $(cat "$WORK_DIR/closed.err")"
"$cli" -v auth refresh 2>&- > /dev/null && rc=0 || rc=$?
[[ "$rc" -eq 0 && ! -s "$APILO_TOKEN_FILE.lock" ]] &&
    pass "with stderr closed, the trace does not land in the token file's lock" ||
    fail "closed stderr: exit $rc, lock file holds $(wc -c < "$APILO_TOKEN_FILE.lock") bytes"

expect_rc 6 "nothing listening is a transport failure" -- \
    "$cli" --base-url http://127.0.0.1:1 --timeout 5 whoami

finish
