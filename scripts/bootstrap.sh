#!/usr/bin/env bash
# Creates or refreshes the two virtual environments (see DESIGN.md, "Two Python environments"):
#   .venv-rasa  Python 3.10, the Rasa server only (requirements/rasa.lock, from rasa.txt)
#   .venv       Python 3.11, everything of ours (requirements/dev.lock, from pyproject.toml)
# Both are installed at once, exactly as the lock files say (hashes checked; `make lock`
# regenerates them), with uv (`uv pip install --require-hashes`; uv from PATH, or installed from
# PyPI into .tools/uv) or, when uv cannot be had or fails, with pip. A missing interpreter is looked for on PATH, then in pyenv, and otherwise
# installed with uv (`uv python install`, which downloads it). Idempotent: a venv is rebuilt only
# when its inputs changed, so a second run takes a second.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }
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

# uv_command → a uv to run: the one on PATH, or one installed from PyPI into .tools/uv.
uv_command() {
  if command -v uv >/dev/null 2>&1; then command -v uv; return 0; fi
  local tools=.tools/uv
  mkdir -p .tools
  # Both venvs are set up at once: the first to need uv installs it, the other waits for it.
  (
    flock 9 2>/dev/null || true
    if [ ! -x "$tools/bin/uv" ]; then
      base=$(command -v python3 || true)
      [ -n "$base" ] || { say "there is no python3 to install uv with (apt-get install python3 python3-venv)"; exit 1; }
      say "installing uv from PyPI into $tools (it installs the missing Python)"
      rm -rf "$tools"
      if ! { "$base" -m venv "$tools" >&2 && pip_quiet "$tools/bin/pip" install --quiet uv >&2; }; then
        say "could not install uv from PyPI: this needs the network (and, on Debian/Ubuntu, python3-venv:"
        say "  apt-get install python3-venv)"
        exit 1
      fi
    fi
  ) 9>.tools/.install-lock || return 1
  echo "$tools/bin/uv"
}

# python_for 3.10 → an interpreter of that minor version: found (PATH, pyenv), or installed by uv.
python_for() {
  local want=$1 uv found
  if find_python "$want"; then return 0; fi
  say "no Python $want on PATH or in pyenv: installing one with uv (uv python install $want)"
  uv=$(uv_command) || return 1
  if ! "$uv" python install "$want" >&2; then
    say "uv could not install Python $want: this needs the network (uv downloads the interpreter)."
    say "Connect this machine to the network and run again, or install Python $want yourself"
    say "(pyenv install $want), then run again."
    return 1
  fi
  found=$("$uv" python find "$want") && [ -x "$found" ] || { say "uv installed Python $want but cannot find it"; return 1; }
  echo "$found"
}

# lock_is_current LOCK WHICH: the lock was compiled from the inputs as they are now.
lock_is_current() {
  [ -f "$1" ] && [ "$(sed -n 's/^# inputs: //p' "$1")" = "$(bash scripts/lock-inputs.sh "$2")" ]
}

# Runs pip quietly, dropping this machine's harmless warnings about absent local indexes.
pip_quiet() {
  "$@" 2>&1 | grep -v -e 'is ignored: it is neither a file nor a directory' -e 'DEPRECATION:' || true
  return "${PIPESTATUS[0]}"
}

stamp_of() { cat "$@" | sha256sum | cut -c1-16; }

# install_locked DIR LOCK [EDITABLE]: exactly the lock's versions and hashes into the venv DIR (and
# EDITABLE, e.g. ".", without dependencies). With uv when there is one or it can be installed
# (about half a minute for Rasa's venv, against several with pip); with pip otherwise (which also
# works offline from pip's own cache).
install_locked() {
  local dir=$1 lock=$2 editable=${3:-} uv
  if uv=$(uv_command 2>/dev/null) &&
     "$uv" pip install --quiet --require-hashes --compile-bytecode --python "$dir/bin/python" -r "$lock" &&
     { [ -z "$editable" ] || "$uv" pip install --quiet --no-deps --python "$dir/bin/python" -e "$editable"; }; then
    return 0
  fi
  say "uv could not install $lock into $dir; installing with pip"
  pip_quiet "$dir/bin/pip" install --quiet --require-hashes -r "$lock" || return 1
  [ -z "$editable" ] || pip_quiet "$dir/bin/pip" install --quiet --no-deps -e "$editable"
}

# ensure_venv DIR VERSION STAMP INSTALL-COMMAND...
ensure_venv() {
  local dir=$1 version=$2 stamp=$3; shift 3
  if [ -f "$dir/.shuoshi-stamp" ] && [ "$(cat "$dir/.shuoshi-stamp")" = "$stamp" ] &&
     [ -x "$dir/bin/python" ]; then
    return 0
  fi
  local python
  python=$(python_for "$version") || die "No Python $version interpreter (looked on PATH, in pyenv, then tried uv; see above)."
  if [ ! -x "$dir/bin/python" ] ||
     [ "$("$dir/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')" != "$version" ]; then
    say "creating $dir with $python"
    rm -rf "$dir"
    "$python" -m venv "$dir"
  fi
  say "installing into $dir (a minute or two the first time)"
  "$@" || die "installing into $dir failed; see the messages above"
  echo "$stamp" > "$dir/.shuoshi-stamp"
}

main() {
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

# Hash-locked installs. A lock older than its inputs (a dependency added without `make lock`)
# is not used: the inputs are installed unlocked, with a warning, and `make test` fails on it.
# The two venvs are installed at the same time (unpacking and compiling keep one core busy each).
(
if lock_is_current requirements/rasa.lock rasa; then
  ensure_venv .venv-rasa 3.10 "$(stamp_of requirements/rasa.lock)" \
    install_locked .venv-rasa requirements/rasa.lock
else
  say "WARNING: requirements/rasa.lock is older than requirements/rasa.txt; installing unlocked (run: make lock)"
  ensure_venv .venv-rasa 3.10 "$(stamp_of requirements/rasa.txt)" \
    pip_quiet .venv-rasa/bin/pip install --quiet -r requirements/rasa.txt
fi
) &
local rasa_setup=$!
if lock_is_current requirements/dev.lock dev; then
  ensure_venv .venv 3.11 "$(stamp_of requirements/dev.lock pyproject.toml)" \
    install_locked .venv requirements/dev.lock .
else
  say "WARNING: requirements/dev.lock is older than pyproject.toml's dependencies; installing unlocked (run: make lock)"
  ensure_venv .venv 3.11 "$(stamp_of pyproject.toml)" \
    pip_quiet .venv/bin/pip install --quiet -e '.[dev]'
fi
wait "$rasa_setup" || die "setting up .venv-rasa failed; see the messages above"
}

# Sourced (tests/test_bootstrap.py), it only defines the functions.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  main "$@"
fi
