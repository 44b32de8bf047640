#!/usr/bin/env bash
# activate.sh REGION: points the region's `current` symlink at the pending release. The
# symlink is made beside it and renamed over it, so `current` is never missing.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
[[ -f "$target/pending" ]] || { echo "nothing prepared in $region; run prepare.sh $region first" >&2; exit 1; }
id="$(<"$target/pending")"
[[ -f "$target/releases/$id/release.json" ]] || { echo "release $id is missing in $region" >&2; exit 1; }

ln -sfn "releases/$id" "$target/current.tmp"
mv -T "$target/current.tmp" "$target/current"
rm -f "$target/pending"
echo "activated release $id in $region ($target/current)"
