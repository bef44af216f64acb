# Shared helpers of the CLI tests (sourced, not a test itself). Each test starts its own
# apilo-sandbox on 127.0.0.1 with a free port and a private temp dir; an EXIT trap stops the
# sandbox and removes the dir whatever happens.
#
# Environment (set by CTest): APILO_CLI_BIN, APILO_SANDBOX_BIN, APILO_FIXTURES_DIR.

: "${APILO_CLI_BIN:?APILO_CLI_BIN must name the apilo binary}"
: "${APILO_SANDBOX_BIN:?APILO_SANDBOX_BIN must name the apilo-sandbox binary}"

TEST_NAME=$(basename "$0" .sh)
WORK_DIR=$(mktemp -d)
SANDBOX_PID=""
SANDBOX_URL=""
FAILURES=0

cleanup() {
    if [[ -n "$SANDBOX_PID" ]]; then
        kill "$SANDBOX_PID" 2>/dev/null || true
        wait "$SANDBOX_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK_DIR"
}
trap cleanup EXIT

# Nothing from the caller's own Apilo setup may leak into a test.
unset APILO_BASE_URL APILO_CLIENT_ID APILO_CLIENT_SECRET APILO_TOKEN_FILE APILO_PROFILE \
      APILO_CONFIG APILO_LANG
export HOME="$WORK_DIR/home" XDG_CONFIG_HOME="$WORK_DIR/home/.config" \
       XDG_STATE_HOME="$WORK_DIR/home/.local/state"
mkdir -p "$HOME"

fail() {
    echo "FAIL [$TEST_NAME]: $*" >&2
    FAILURES=$((FAILURES + 1))
}

pass() {
    echo "ok   [$TEST_NAME]: $*"
}

finish() {
    if [[ "$FAILURES" -gt 0 ]]; then
        echo "$TEST_NAME: $FAILURES check(s) failed" >&2
        exit 1
    fi
    echo "$TEST_NAME: all checks passed"
}

# A random one-time code (hex from /dev/urandom), so no HTTP client is needed to mint one.
random_code() {
    od -An -N16 -tx1 /dev/urandom | tr -d ' \n'
}

# start_sandbox [extra sandbox args...]: start it, wait for its first stdout line, export the
# CLI's configuration (base URL, client id 1, secret in the environment, token file in WORK_DIR).
start_sandbox() {
    local out="$WORK_DIR/sandbox.out"
    : > "$out"
    "$APILO_SANDBOX_BIN" --listen 127.0.0.1:0 --quiet "$@" > "$out" 2> "$WORK_DIR/sandbox.err" &
    SANDBOX_PID=$!

    local line="" waited=0
    while [[ $waited -lt 200 ]]; do
        line=$(head -n 1 "$out" 2>/dev/null || true)
        [[ "$line" == *"listening on http://"* ]] && break
        if ! kill -0 "$SANDBOX_PID" 2>/dev/null; then
            cat "$WORK_DIR/sandbox.err" >&2
            echo "apilo-sandbox exited before listening" >&2
            exit 1
        fi
        sleep 0.05
        waited=$((waited + 1))
    done
    SANDBOX_URL="http://${line##*http://}"
    if [[ "$SANDBOX_URL" != http://127.0.0.1:* ]]; then
        echo "could not read the sandbox URL (got '$line')" >&2
        exit 1
    fi

    export APILO_BASE_URL="$SANDBOX_URL" APILO_CLIENT_ID=1 APILO_CLIENT_SECRET=sandbox-secret
    export APILO_TOKEN_FILE="$WORK_DIR/tokens.json"
}

# login: start a sandbox with a pre-registered code and log in with it.
start_sandbox_logged_in() {
    local code
    code=$(random_code)
    start_sandbox --auth-code "$code" "$@"
    "$APILO_CLI_BIN" auth login --code "$code" > "$WORK_DIR/login.out" 2>&1 ||
        { cat "$WORK_DIR/login.out" >&2; echo "login failed" >&2; exit 1; }
}

# expect_rc CODE LABEL -- command...: run, keep stdout/stderr in $WORK_DIR/last.{out,err}.
expect_rc() {
    local want=$1 label=$2
    shift 3
    local got=0
    "$@" > "$WORK_DIR/last.out" 2> "$WORK_DIR/last.err" || got=$?
    if [[ "$got" -eq "$want" ]]; then
        pass "$label (exit $got)"
    else
        fail "$label: exit $got, expected $want; stderr: $(head -c 400 "$WORK_DIR/last.err")"
    fi
}

have_python() {
    command -v python3 > /dev/null 2>&1
}

# sandbox_get PATH: GET a /sandbox/ control endpoint with python3 (no curl needed).
sandbox_get() {
    python3 - "$SANDBOX_URL$1" <<'PY'
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=10) as answer:
    sys.stdout.write(answer.read().decode("utf-8"))
PY
}

# sandbox_send METHOD PATH [JSON]: another control call; prints the body.
sandbox_send() {
    python3 - "$1" "$SANDBOX_URL$2" "${3:-}" <<'PY'
import sys, urllib.request
method, url, body = sys.argv[1], sys.argv[2], sys.argv[3]
data = body.encode("utf-8") if body else None
request = urllib.request.Request(url, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
with urllib.request.urlopen(request, timeout=10) as answer:
    sys.stdout.write(answer.read().decode("utf-8"))
PY
}
