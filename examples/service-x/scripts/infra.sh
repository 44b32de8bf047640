#!/usr/bin/env bash
# infra.sh REGION: "applies" infra/template.yaml to a region by recording it there.
# Applying the same template twice changes nothing, like a stack update with no changes.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
template="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/infra/template.yaml"
[[ -s "$template" ]] || { echo "no template at $template" >&2; exit 1; }

mkdir -p "$target/infrastructure"
applied="$target/infrastructure/template.yaml"
if [[ -f "$applied" ]] && cmp -s "$template" "$applied"; then
  echo "infrastructure in $region ($target) is up to date"
  exit 0
fi
cp "$template" "$applied.tmp"
mv -f "$applied.tmp" "$applied"
echo "infrastructure in $region ($target) updated ($(sha256sum "$applied" | cut -c1-12))"
