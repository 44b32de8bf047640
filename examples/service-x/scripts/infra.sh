#!/usr/bin/env bash
# infra.sh REGION: the region's "infrastructure": records infra/template.yaml there (applying
# the same template twice changes nothing, like a stack update with no changes) and gives
# the region's service a port, kept in shared/service.env for every later release.
# Prints the port alone on stdout; everything else goes to stderr.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
template="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/infra/template.yaml"
[[ -s "$template" ]] || { echo "no template at $template" >&2; exit 1; }

mkdir -p "$target/infrastructure" "$target/shared"
applied="$target/infrastructure/template.yaml"
if [[ -f "$applied" ]] && cmp -s "$template" "$applied"; then
  echo "infrastructure in $region ($target) is up to date" >&2
else
  cp "$template" "$applied.tmp"
  mv -f "$applied.tmp" "$applied"
  echo "infrastructure in $region ($target) updated ($(sha256sum "$applied" | cut -c1-12))" >&2
fi

in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() { node -e 'const s = require("node:net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'; }

env_file="$target/shared/service.env"
port=""
[[ -f "$env_file" ]] && port="$(sed -n 's/^PORT=//p' "$env_file")"
if [[ -z "$port" ]]; then
  # A fixed port per region when it is free, so the URLs stay the same from run to run.
  case "$region" in
    eu-west-1) port=8101 ;;
    us-east-1) port=8102 ;;
    ap-southeast-2) port=8103 ;;
    *) port=8100 ;;
  esac
  in_use "$port" && port="$(free_port)"
  printf 'SERVICE_REGION=%s\nPORT=%s\n' "$region" "$port" > "$env_file.tmp"
  mv -f "$env_file.tmp" "$env_file"
  echo "service-x in $region will answer on http://127.0.0.1:$port" >&2
fi
echo "$port"
