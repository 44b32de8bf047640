# Sourced by the other scripts: checks the region argument and finds the region's root,
# which stands in for the region's hosts: the state dir's deploy/<region>/ when Meridian
# runs the script (it passes MERIDIAN_STATE_DIR), else a folder under $TMPDIR.

usage() { echo "usage: $0 REGION${1:+ $1}" >&2; exit 64; }

region="${1:-}"
[[ "$region" =~ ^[a-z]{2}(-[a-z]+)+-[0-9]+$ ]] || usage "${usage_args:-}"

if [[ -n "${MERIDIAN_STATE_DIR:-}" ]]; then
  deploy_root="$MERIDIAN_STATE_DIR/deploy"
else
  deploy_root="${TMPDIR:-/tmp}/meridian-service-x/deploy"
fi
target="$deploy_root/$region"
