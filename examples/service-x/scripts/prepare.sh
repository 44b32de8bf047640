#!/usr/bin/env bash
# prepare.sh REGION PACKAGE_DIR: copies a region's package into releases/<id> (the release
# id is the execution id) without touching what is live, and marks it pending.
set -euo pipefail
usage_args="PACKAGE_DIR"
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
package="${2:-}"
[[ -n "$package" ]] || usage "$usage_args"
[[ -f "$package/release.json" ]] || { echo "$package has no release.json; did the build package $region?" >&2; exit 1; }
grep -q "\"region\": \"$region\"" "$package/release.json" || { echo "$package/release.json is not for $region" >&2; exit 1; }
node --check "$package/server.js"

id="${RELEASE_ID:-${MERIDIAN_EXECUTION_ID:-$(date -u +%Y%m%dT%H%M%SZ)}}"
releases="$target/releases"
mkdir -p "$releases"
rm -rf "$releases/$id.tmp"
cp -R "$package" "$releases/$id.tmp"
rm -rf "$releases/$id"
mv -T "$releases/$id.tmp" "$releases/$id"
printf '%s\n' "$id" > "$target/pending.tmp"
mv -f "$target/pending.tmp" "$target/pending"
echo "prepared release $id in $region ($releases/$id)"
