#!/usr/bin/env bash
# stop.sh [STATE_DIR]: stops the service-x servers the native example started, in every
# region under STATE_DIR/deploy/ (default: .meridian, the state dir of `meridian run`).
set -euo pipefail
state_dir="${1:-${MERIDIAN_STATE_DIR:-.meridian}}"
shopt -s nullglob
stopped=0
for root in "$state_dir"/deploy/*/; do
  root="${root%/}"
  [[ -x "$root/current/bin/service.sh" ]] || continue
  TARGET_ROOT="$root" "$root/current/bin/service.sh" stop
  stopped=$((stopped + 1))
done
echo "checked $stopped region(s) under $state_dir/deploy"
