#!/usr/bin/env bash
# The whole suite, as `make test` and CI run it: train once (validating the Rasa data, linting and
# checking the deployment files meanwhile), run the Rasa test stories, then pytest (unit, store on
# SQLite and PostgreSQL, end to end).
set -euo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
started=$(date +%s)

# Training keeps one core busy; the checks that do not need the model run beside it on the
# other (their output is shown after the training's, in this order).
mkdir -p var/checks
rm -f var/checks/*
check() {  # NAME COMMAND...: the command's output and exit status into var/checks/NAME.{log,rc}
  local name=$1 rc=0
  shift
  "$@" >"var/checks/$name.log" 2>&1 || rc=$?
  echo "$rc" >"var/checks/$name.rc"
}
validate_data() {  # Rasa's own warnings about its dependencies left out of what is shown
  local rc=0
  .venv-rasa/bin/python -m rasa_ext data validate --config config.yml --domain domain --data nlu_data stories \
    --fail-on-warnings >var/checks/validate.raw 2>&1 || rc=$?
  grep -v -e DeprecationWarning -e declare_namespace -e 'import pkg_resources' -e xla_computation -e '^  ' \
    var/checks/validate.raw || true
  return "$rc"
}
lint() { .venv/bin/ruff check . && .venv/bin/mypy && .venv/bin/lint-imports; }
checks() {
  check validate validate_data
  check lint lint
  check deploy bash scripts/check-deploy.sh
}
checks &
checking=$!

step "Rasa model (trained only if its inputs changed)"
.venv/bin/shuoshi train
wait "$checking" || true

failed=0
show() {  # step title, check name
  step "$1"
  cat "var/checks/$2.log" 2>/dev/null || true
  [ "$(cat "var/checks/$2.rc" 2>/dev/null || echo 1)" -eq 0 ] || { echo "FAILED: $1"; failed=1; }
}
show "rasa data validate" validate
show "ruff, mypy and the layer contract (lint-imports)" lint
show "deployment files (Kubernetes schemas; docker compose config and image builds where docker works)" deploy
[ "$failed" -eq 0 ] || exit 1

step "Rasa test stories (tests/rasa)"
rm -rf var/rasa-test
.venv-rasa/bin/python -m rasa_ext test core --model models/shuoshi.tar.gz --stories tests/rasa --fail-on-prediction-errors \
  --out var/rasa-test/core >var/rasa-test.log 2>&1 || { tail -40 var/rasa-test.log; echo "Rasa test stories failed (var/rasa-test/core)"; exit 1; }
grep -E "Correct:|Failed stories|Accuracy" var/rasa-test.log | head -5 || true

step "pytest"
# The store tests also run on PostgreSQL when this machine's server answers (a throwaway
# database is created and dropped by the fixtures).
if [ -z "${SHUOSHI_TEST_POSTGRES_URL:-}" ] && command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h 127.0.0.1; then
  export SHUOSHI_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
fi
# Two workers (SHUOSHI_TEST_WORKERS; 0 runs in this process), each test file on one of them: most
# of the end-to-end tests wait on Rasa or on a restart, and the other worker uses that time. Each
# worker that runs end-to-end tests starts its own installation (about 1.2 GB) on free ports; the
# model is the one trained above.
.venv/bin/pytest -n "${SHUOSHI_TEST_WORKERS:-2}" --dist loadfile "$@"

echo "make test took $(( $(date +%s) - started )) s"
