#!/usr/bin/env bash
# Refresh the vendored axe-core from the npm registry: tests/e2e/update-axe.sh [version]
set -euo pipefail
cd "$(dirname "$0")"
tmp="$(mktemp -d)"
(cd "$tmp" && npm pack "axe-core@${1:-4}" >/dev/null && tar xzf axe-core-*.tgz)
cp "$tmp/package/axe.min.js" vendor/axe.min.js
rm -rf "$tmp"
head -1 vendor/axe.min.js
