#!/usr/bin/env bash
# Creates or refreshes the two virtual environments (see DESIGN.md, "Two Python environments"):
#   .venv-rasa  Python 3.10, the Rasa server only (requirements/rasa.txt)
#   .venv       Python 3.11, everything of ours (pyproject.toml)
# Idempotent: a venv is rebuilt only when its inputs changed, so a second run takes a second.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }
die() { printf '\033[31m[setup] %s\033[0m\n' "$*" >&2; exit 1; }

# find_python 3.10 → path of an interpreter of that minor version: PATH first, then pyenv.
find_python() {
  local want=$1 candidate
  for candidate in "python$want" python3 python; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       [ "$("$candidate" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)" = "$want" ]; then
      command -v "$candidate"; return 0
    fi
  done
  if command -v pyenv >/dev/null 2>&1; then
    local version
    version=$(pyenv versions --bare 2>/dev/null | grep -E "^${want//./\\.}(\.[0-9]+)?$" | sort -V | tail -n 1 || true)
    if [ -n "$version" ] && [ -x "$(pyenv root)/versions/$version/bin/python$want" ]; then
      echo "$(pyenv root)/versions/$version/bin/python$want"; return 0
    fi
  fi
  return 1
}

# Runs pip quietly, dropping this machine's harmless warnings about absent local indexes.
pip_quiet() {
  "$@" 2>&1 | grep -v -e 'is ignored: it is neither a file nor a directory' -e 'DEPRECATION:' || true
  return "${PIPESTATUS[0]}"
}

stamp_of() { cat "$@" | sha256sum | cut -c1-16; }

# ensure_venv DIR VERSION STAMP INSTALL-COMMAND...
ensure_venv() {
  local dir=$1 version=$2 stamp=$3; shift 3
  if [ -f "$dir/.shuoshi-stamp" ] && [ "$(cat "$dir/.shuoshi-stamp")" = "$stamp" ] &&
     [ -x "$dir/bin/python" ]; then
    return 0
  fi
  local python
  python=$(find_python "$version") || die "No Python $version interpreter found (looked for python$version on PATH and in pyenv).
  Install one, for example:  pyenv install $version   or   apt-get install python$version python$version-venv
  then run this command again."
  if [ ! -x "$dir/bin/python" ] ||
     [ "$("$dir/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')" != "$version" ]; then
    say "creating $dir with $python"
    rm -rf "$dir"
    "$python" -m venv "$dir"
  fi
  say "installing into $dir (a few minutes the first time)"
  pip_quiet "$dir/bin/pip" install --quiet --upgrade pip
  pip_quiet "$@" || die "installing into $dir failed; see the messages above"
  echo "$stamp" > "$dir/.shuoshi-stamp"
}

# Browser tests drive Debian's Chromium (browsers cannot be downloaded here). Only `make test`
# asks for it (SHUOSHI_NEED_BROWSER=1), and only root can install it.
if [ "${SHUOSHI_NEED_BROWSER:-0}" = 1 ] && ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing Debian's chromium for the browser tests"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } ||
      die "could not install chromium (apt-get install chromium); the browser tests need it"
  else
    say "chromium is not installed; the browser tests will be skipped (install it: apt-get install chromium)"
  fi
fi

# Chinese glyphs for the browser screenshots (test-artifacts/); without them they show boxes.
if [ "${SHUOSHI_NEED_BROWSER:-0}" = 1 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 &&
   ! fc-list :lang=zh 2>/dev/null | grep -q .; then
  say "installing a Chinese font for the browser screenshots"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-zenhei >/dev/null 2>&1 ||
    say "could not install fonts-wqy-zenhei; screenshots will show boxes for Chinese (tests are unaffected)"
fi

ensure_venv .venv-rasa 3.10 "$(stamp_of requirements/rasa.txt)" \
  .venv-rasa/bin/pip install --quiet -r requirements/rasa.txt
ensure_venv .venv 3.11 "$(stamp_of pyproject.toml)" \
  .venv/bin/pip install --quiet -e '.[dev]'
