#!/usr/bin/env bash
# The whole suite, as `make test` and CI run it: train once, validate the Rasa data, run the Rasa
# test stories, lint, then pytest (unit, store on SQLite and PostgreSQL, end to end).
set -euo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
started=$(date +%s)

step "Rasa model (trained only if its inputs changed)"
.venv/bin/shuoshi train

step "rasa data validate"
mkdir -p var
validated=0
.venv-rasa/bin/rasa data validate --config config.yml --domain domain --data nlu_data stories --fail-on-warnings \
  >var/validate.log 2>&1 || validated=$?
grep -v -e DeprecationWarning -e declare_namespace -e 'import pkg_resources' -e xla_computation -e '^  ' var/validate.log || true
[ "$validated" -eq 0 ] || { echo "rasa data validate failed"; exit 1; }

step "Rasa test stories (tests/rasa)"
rm -rf var/rasa-test
.venv-rasa/bin/rasa test core --model models/shuoshi.tar.gz --stories tests/rasa --fail-on-prediction-errors \
  --out var/rasa-test/core >var/rasa-test.log 2>&1 || { tail -40 var/rasa-test.log; echo "Rasa test stories failed (var/rasa-test/core)"; exit 1; }
grep -E "Correct:|Failed stories|Accuracy" var/rasa-test.log | head -5 || true

step "ruff, mypy and the layer contract (lint-imports)"
.venv/bin/ruff check .
.venv/bin/mypy
.venv/bin/lint-imports

step "deployment files (Kubernetes schemas; docker compose config and image builds where docker works)"
bash scripts/check-deploy.sh

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
