#!/usr/bin/env bash
# make-repo.sh DEST: makes a fresh git repository at DEST holding this example, at the
# same path as in Meridian's repository (examples/service-x/), so both pipeline
# definitions run against it unchanged:
#   npx meridian run -f examples/service-x/meridian.yaml --source src=DEST
# One commit on branch main, with a fixed author and date: the same files give the same
# commit id on every machine.
set -euo pipefail
dest="${1:?usage: make-repo.sh DEST}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [[ -e "$dest" && -n "$(ls -A "$dest" 2>/dev/null)" ]]; then
  echo "$dest exists and is not empty; pick a new folder" >&2
  exit 1
fi

mkdir -p "$dest/examples/service-x"
tar -C "$here" --exclude=./dist --exclude=./node_modules --exclude=./.meridian -cf - . \
  | tar -C "$dest/examples/service-x" -xf -

export GIT_AUTHOR_NAME="Service X" GIT_AUTHOR_EMAIL="service-x@example.com"
export GIT_COMMITTER_NAME="Service X" GIT_COMMITTER_EMAIL="service-x@example.com"
export GIT_AUTHOR_DATE="2024-01-01T00:00:00Z" GIT_COMMITTER_DATE="2024-01-01T00:00:00Z"
git -C "$dest" init --quiet --initial-branch=main
git -C "$dest" -c core.autocrlf=false add --all
git -C "$dest" -c commit.gpgsign=false commit --quiet -m "service-x example"
echo "made $dest (main at $(git -C "$dest" rev-parse --short HEAD))"
