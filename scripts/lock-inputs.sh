#!/usr/bin/env bash
# The fingerprint of what a lock file was compiled from (scripts/lock.sh writes it into the lock;
# scripts/bootstrap.sh and scripts/test.sh compare): the requirement lines only, without comments,
# so that editing pyproject.toml's other tables leaves the locks current.
#   lock-inputs.sh app|dev|rasa
set -euo pipefail
cd "$(dirname "$0")/.."

# Lines of a TOML array that opens with `NAME = [` at the start of a line, up to its `]`.
array() { awk -v start="^$1 = \\\\[" '$0 ~ start {on=1; next} on && /^\]/ {on=0} on' pyproject.toml; }
clean() { sed -e 's/#.*//' -e 's/[[:space:]",]//g' | grep -v '^$' | LC_ALL=C sort; }

case "${1:?app, dev or rasa}" in
  app) array dependencies | clean ;;
  dev) { array dependencies; array dev; } | clean ;;
  rasa) clean <requirements/rasa.txt ;;
  *) echo "lock-inputs.sh: app, dev or rasa" >&2; exit 2 ;;
esac | sha256sum | cut -c1-16
