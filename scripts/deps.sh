#!/usr/bin/env bash
# Install the Debian packages libapilo needs to build, test and demo. Idempotent: when every
# package is already installed it does nothing (not even apt-get update).
set -euo pipefail

packages=(cmake make gcc g++ pkg-config libcurl4-openssl-dev libjansson-dev libsimdjson-dev
          libmicrohttpd-dev libsqlite3-dev libcmocka-dev "$@")

missing=()
for pkg in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done

if [[ ${#missing[@]} -eq 0 ]]; then
    exit 0
fi

echo "deps: installing ${missing[*]}" >&2
sudo=""
[[ $(id -u) -eq 0 ]] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
