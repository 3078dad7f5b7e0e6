#!/usr/bin/env bash
# Fetch the map's JavaScript/CSS from the npm registry into .cache/web (never committed).
# Used by the dashboard's offline mode and by the browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=.cache/web
mkdir -p "$dest"
fetch() {  # fetch NAME VERSION
  local name=$1 version=$2
  [ -f "$dest/$name/package.json" ] && grep -q "\"version\": \"$version\"" "$dest/$name/package.json" && return 0
  if ! command -v npm >/dev/null 2>&1; then
    echo "setup: npm not found; offline map mode will not have $name" >&2
    return 0
  fi
  local tmp
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "$name@$version" >/dev/null)
  rm -rf "${dest:?}/$name" && mkdir -p "$dest/$name"
  tar -xzf "$tmp"/*.tgz -C "$dest/$name" --strip-components=1
  rm -rf "$tmp"
}
fetch leaflet 1.9.3
