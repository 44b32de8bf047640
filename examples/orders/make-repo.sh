#!/usr/bin/env bash
# make-repo.sh DEST: makes a fresh git repository at DEST holding the orders service
# (the content of repo/ beside this script), one commit on branch main with a fixed author
# and date, so the same files give the same commit id on every machine. Point the
# template's GitHub source at it:
#   npx meridian run -f examples/orders/orders.template.yaml --source fetch=DEST
set -euo pipefail
dest="${1:?usage: make-repo.sh DEST}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [[ -e "$dest" && -n "$(ls -A "$dest" 2>/dev/null)" ]]; then
  echo "$dest exists and is not empty; pick a new folder" >&2
  exit 1
fi

mkdir -p "$dest"
tar -C "$here/repo" -cf - . | tar -C "$dest" -xf -

export GIT_AUTHOR_NAME="Orders" GIT_AUTHOR_EMAIL="orders@example.com"
export GIT_COMMITTER_NAME="Orders" GIT_COMMITTER_EMAIL="orders@example.com"
export GIT_AUTHOR_DATE="2024-01-01T00:00:00Z" GIT_COMMITTER_DATE="2024-01-01T00:00:00Z"
git -C "$dest" init --quiet --initial-branch=main
git -C "$dest" -c core.autocrlf=false add --all
git -C "$dest" -c commit.gpgsign=false commit --quiet -m "orders service"
echo "made $dest (main at $(git -C "$dest" rev-parse --short HEAD))"
