#!/usr/bin/env bash
# Set-up that `npm test` runs first. As root it installs, non-interactively, the
# Debian packages the tests need (tshark and friends, headless Chromium for the
# HTML report check, and the lab DUTs through scripts/lab-install.sh). Without
# root it installs nothing and says which tests need root.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ]; then
  npm ci
fi

if [ "$(id -u)" -ne 0 ]; then
  cat <<'TXT'
dpd-harness setup: not root, so no Debian packages were installed.
  Tests marked @root (lab namespaces, strongSwan/Libreswan DUTs, interop) and tests
  needing tshark / ike-scan / chromium that are missing will be skipped here and
  say so. To run everything:   sudo npm test
  To run only what needs no root:   npm run test:unit
TXT
  exit 0
fi

packages=(tshark tcpdump ike-scan iproute2 iptables chromium gcc libc6-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "dpd-harness setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

bash scripts/lab-install.sh
