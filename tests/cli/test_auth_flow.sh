#!/usr/bin/env bash
# auth login / status / refresh / whoami through the CLI; no token or secret ever appears in
# anything the CLI prints, even with --verbose.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

code=$(random_code)
second_code=$(random_code)
start_sandbox --auth-code "$code" --auth-code "$second_code"
all_output="$WORK_DIR/all-output.txt"
: > "$all_output"

snapshots=0
# Keep what the CLI printed, and every token pair it ever stored (refreshes rotate them).
keep() {
    cat "$WORK_DIR/last.out" "$WORK_DIR/last.err" >> "$all_output"
    if [[ -s "$APILO_TOKEN_FILE" ]]; then
        snapshots=$((snapshots + 1))
        cp "$APILO_TOKEN_FILE" "$WORK_DIR/tokens.$snapshots"
    fi
}

expect_rc 3 "whoami before login is an auth error" -- "$APILO_CLI_BIN" whoami
keep
grep -q "auth login" "$WORK_DIR/last.err" || fail "no login hint before login"

expect_rc 3 "auth status before login" -- "$APILO_CLI_BIN" auth status
keep

# A token path that cannot take the file is refused before the one-time code is spent.
mkdir -p "$WORK_DIR/dir.json"
expect_rc 7 "login to a token path that is a directory" -- \
    "$APILO_CLI_BIN" --token-file "$WORK_DIR/dir.json" auth login --code "$code"
keep
grep -q "code is still unused" "$WORK_DIR/last.err" || fail "no word that the code was kept"

expect_rc 0 "auth login --code" -- "$APILO_CLI_BIN" -v auth login --code "$code"
keep
grep -q "access token:   valid until" "$WORK_DIR/last.out" || fail "login shows no expiry"
[[ -s "$APILO_TOKEN_FILE" ]] || fail "no token file after login"
mode=$(stat -c %a "$APILO_TOKEN_FILE")
[[ "$mode" == "600" ]] || fail "token file mode is $mode, expected 600"
chmod 644 "$APILO_TOKEN_FILE"
expect_rc 0 "auth status with a token file others can read" -- "$APILO_CLI_BIN" auth status
grep -q "readable by other users" "$WORK_DIR/last.err" || fail "no warning for a 0644 token file"
chmod 600 "$APILO_TOKEN_FILE"

expect_rc 3 "the same one-time code a second time is refused" -- \
    "$APILO_CLI_BIN" auth login --code "$code"
keep

expect_rc 0 "auth status" -- "$APILO_CLI_BIN" auth status
keep
grep -q "refresh token:  valid until .*left" "$WORK_DIR/last.out" ||
    fail "status lacks refresh expiry"

expect_rc 0 "whoami" -- "$APILO_CLI_BIN" -v whoami
keep
grep -q "key name:" "$WORK_DIR/last.out" || fail "whoami shows no key name"

expect_rc 0 "auth refresh" -- "$APILO_CLI_BIN" --verbose auth refresh
keep
expect_rc 0 "whoami after refresh" -- "$APILO_CLI_BIN" whoami
keep

# The code read from stdin, the secret from a file (mode 600) instead of the environment.
secret_file="$WORK_DIR/secret"
printf 'sandbox-secret\n' > "$secret_file"
chmod 600 "$secret_file"
expect_rc 0 "login with --code - and --client-secret-file" -- \
    env -u APILO_CLIENT_SECRET "$APILO_CLI_BIN" --client-secret-file "$secret_file" \
    auth login --code - < <(printf '%s\n' "$second_code")
keep

expect_rc 0 "refresh with --client-secret-stdin" -- \
    env -u APILO_CLIENT_SECRET "$APILO_CLI_BIN" --client-secret-stdin auth refresh \
    < <(printf 'sandbox-secret\n')
keep

expect_rc 2 "a refresh without any client secret is a configuration error" -- \
    env -u APILO_CLIENT_SECRET "$APILO_CLI_BIN" auth refresh
keep

expect_rc 3 "a wrong client secret is an auth error" -- \
    env APILO_CLIENT_SECRET=wrong-secret "$APILO_CLI_BIN" auth refresh
keep

# Nothing secret in any output: the current tokens, every code, the client secret.
if have_python; then
    python3 - "$WORK_DIR"/tokens.* > "$WORK_DIR/secrets.txt" <<'PY'
import json, sys
for path in sys.argv[1:]:
    text = open(path).read()
    if not text.strip():
        continue  # the store exists but holds nothing yet
    for value in json.loads(text).values():
        if isinstance(value, str) and len(value) > 16:
            print(value)
PY
else
    cat "$WORK_DIR"/tokens.* | grep -oE '"[A-Za-z0-9._-]{20,}"' | tr -d '"' \
        > "$WORK_DIR/secrets.txt"
fi
[[ -s "$WORK_DIR/secrets.txt" ]] || fail "found no tokens in the token file to look for"
printf '%s\n%s\nsandbox-secret\n' "$code" "$second_code" >> "$WORK_DIR/secrets.txt"
leaked=0
while IFS= read -r secret; do
    [[ -z "$secret" ]] && continue
    if grep -qF -- "$secret" "$all_output"; then
        fail "a secret (${#secret} chars) appears in the CLI's output"
        leaked=1
    fi
done < "$WORK_DIR/secrets.txt"
output_lines=$(wc -l < "$all_output")
[[ "$leaked" -eq 0 ]] && pass "no token, code or client secret in $output_lines output lines"

finish
