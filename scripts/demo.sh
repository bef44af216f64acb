#!/usr/bin/env bash
# make demo: start a local apilo-sandbox with generated orders, log the CLI in with a one-time
# code, show the token status and the key, list the last 30 days' orders, then export every
# order as NDJSON and report how many, how long it took and the CLI's peak memory.
# Everything talks to 127.0.0.1 only; the sandbox is stopped on exit, even after a failure.
set -euo pipefail

build_dir=${1:-build}
cli="$build_dir/apilo"
sandbox="$build_dir/apilo-sandbox"
seed_orders=${DEMO_ORDERS:-5000}

for binary in "$cli" "$sandbox"; do
    if [[ ! -x "$binary" ]]; then
        echo "demo: $binary is missing; run 'make build' first" >&2
        exit 1
    fi
done

tmp=$(mktemp -d)
sandbox_pid=""
cleanup() {
    if [[ -n "$sandbox_pid" ]]; then
        kill "$sandbox_pid" 2>/dev/null || true
        wait "$sandbox_pid" 2>/dev/null || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT

bold="" plain=""
if [[ -t 1 ]]; then
    bold=$'\033[1m' plain=$'\033[0m'
fi
step() {
    printf '\n%s== %s%s\n' "$bold" "$*" "$plain"
}

show() {
    printf '$ %s\n' "$*"
}

# ---- the sandbox -----------------------------------------------------------------------------
# A random one-time code, registered at start, so no HTTP client is needed to mint one.
code=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')

step "Starting apilo-sandbox with $seed_orders generated orders (plus the official samples)"
"$sandbox" --listen 127.0.0.1:0 --seed-orders "$seed_orders" --auth-code "$code" \
    > "$tmp/sandbox.out" 2> "$tmp/sandbox.err" &
sandbox_pid=$!

line=""
for _ in $(seq 1 200); do
    line=$(head -n 1 "$tmp/sandbox.out" 2>/dev/null || true)
    [[ "$line" == *"listening on http://"* ]] && break
    if ! kill -0 "$sandbox_pid" 2>/dev/null; then
        cat "$tmp/sandbox.err" >&2
        echo "demo: apilo-sandbox stopped before it was listening" >&2
        exit 1
    fi
    sleep 0.05
done
base_url="http://${line##*http://}"
if [[ "$base_url" != http://127.0.0.1:* ]]; then
    echo "demo: could not read the sandbox address (got '$line')" >&2
    exit 1
fi
echo "$line"

# The CLI's configuration: environment only, nothing from the user's own config or tokens.
unset APILO_PROFILE APILO_CONFIG APILO_LANG
export XDG_CONFIG_HOME="$tmp/config" XDG_STATE_HOME="$tmp/state"
export APILO_BASE_URL="$base_url" APILO_CLIENT_ID=1 APILO_CLIENT_SECRET=sandbox-secret
export APILO_TOKEN_FILE="$tmp/tokens.json"
echo "APILO_BASE_URL=$APILO_BASE_URL APILO_CLIENT_ID=1 APILO_CLIENT_SECRET=(sandbox secret)"
echo "APILO_TOKEN_FILE=$APILO_TOKEN_FILE"

# ---- log in and look around ------------------------------------------------------------------
step "Log in with the one-time authorization code"
show "apilo auth login --code <one-time code>"
"$cli" auth login --code "$code"

step "Token status (expiry instants only; the tokens are never printed)"
show "apilo auth status"
"$cli" auth status

step "Who am I"
show "apilo whoami"
"$cli" whoami

# ---- the last 30 days ------------------------------------------------------------------------
step "Orders created in the last 30 days (first 20 rows, newest first)"
show "apilo orders list --created-after 30d --sort createdAtDesc --max-items 20 --output table"
[[ -t 1 ]] || export COLUMNS=${COLUMNS:-120}
"$cli" orders list --created-after 30d --sort createdAtDesc --max-items 20 --output table

# ---- export everything -----------------------------------------------------------------------
step "Export every order as NDJSON"
total=$("$cli" orders list --limit 1 --output table |
        sed -n 's/^1 of \([0-9,]*\) matching orders shown$/\1/p' | tr -d ,)
show "apilo --stats orders list --all --output ndjson > orders.ndjson"
started=$(date +%s.%N)
"$cli" --stats orders list --all --output ndjson > "$tmp/orders.ndjson" 2> "$tmp/export.err"
finished=$(date +%s.%N)
exported=$(wc -l < "$tmp/orders.ndjson")
bytes=$(wc -c < "$tmp/orders.ndjson")

grep -v '^apilo: stats:' "$tmp/export.err" >&2 || true
stats=$(grep '^apilo: stats:' "$tmp/export.err" || true)
elapsed=$(awk -v a="$started" -v b="$finished" 'BEGIN { printf "%.2f", b - a }')
peak=$(sed -n 's/.*peak RSS \([0-9.]* MiB\).*/\1/p' <<< "$stats")
requests=$(sed -n 's/.* \([0-9]*\) requests,.*/\1/p' <<< "$stats")

echo "exported orders:    $exported (the API's totalCount: ${total:-unknown})"
echo "file size:          $((bytes / 1024)) KiB"
echo "wall time:          $elapsed s"
echo "HTTP requests:      ${requests:-?}"
echo "CLI peak memory:    ${peak:-unknown} (getrusage maxrss of the apilo process)"
echo "first order:        $(head -n 1 "$tmp/orders.ndjson" | cut -c 1-110)..."

if [[ -n "$total" && "$exported" -ne "$total" ]]; then
    echo "demo: exported $exported orders but the API reported $total" >&2
    exit 1
fi

step "Done; stopping the sandbox"
