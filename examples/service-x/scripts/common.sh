# Sourced by the other scripts: checks the region argument and finds the deploy root.
# The deploy root stands in for a region's hosts: ${DEPLOY_ROOT}, else the state dir's
# deploy/ folder when Meridian tells us where that is, else a folder under $TMPDIR.

usage() { echo "usage: $0 REGION${1:+ $1}" >&2; exit 64; }

region="${1:-}"
[[ "$region" =~ ^[a-z]{2}(-[a-z]+)+-[0-9]+$ ]] || usage "${usage_args:-}"

if [[ -n "${DEPLOY_ROOT:-}" ]]; then
  deploy_root="$DEPLOY_ROOT"
elif [[ -n "${MERIDIAN_STATE_DIR:-}" ]]; then
  deploy_root="$MERIDIAN_STATE_DIR/deploy"
else
  deploy_root="${TMPDIR:-/tmp}/meridian-service-x/deploy"
fi
target="$deploy_root/$region"
