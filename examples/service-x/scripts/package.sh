#!/usr/bin/env bash
# package.sh REGION [OUT_DIR]: writes OUT_DIR/REGION/ (default dist/) with the service's
# runtime files, its control script bin/service.sh, and a release.json naming the region,
# the commit and the release id.
set -euo pipefail
usage_args="[OUT_DIR]"
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
service_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${2:-dist}/$region"

# The source artifact has no .git: the pipeline passes the commit in.
commit="${COMMIT:-${CODEBUILD_RESOLVED_SOURCE_VERSION:-unknown}}"

rm -rf "$out"
mkdir -p "$out"
release="${RELEASE_ID:-unreleased}"
mkdir -p "$out/bin"
cp "$service_dir/server.js" "$service_dir/package.json" "$out/"
cp "$service_dir/bin/service.sh" "$out/bin/"
printf '{ "region": "%s", "commit": "%s", "release": "%s", "builtAt": "%s" }\n' \
  "$region" "$commit" "$release" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" > "$out/release.json"
echo "packaged service-x $release for $region into $out (commit $commit)"
