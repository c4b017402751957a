#!/usr/bin/env bash
# The deployment files cannot rot (scripts/test.sh runs this; so can you):
# - the Kubernetes manifests against Kubernetes' own schemas (kubernetes-validate, whose schemas
#   ship inside the package: no network), strictly (an unknown field is an error);
# - deploy/compose.yaml against the Compose Specification's JSON schema (vendored, offline);
# - where docker and its compose plugin are installed: `docker compose config`; where a Docker
#   daemon answers too, building both images. Each is skipped, saying so, when it cannot run.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "kubernetes-validate --strict deploy/k8s/*.yaml"
.venv/bin/kubernetes-validate --strict --quiet deploy/k8s/*.yaml
echo "  $(ls deploy/k8s/*.yaml | wc -l) manifests valid"

echo "deploy/compose.yaml against the Compose Specification's schema (deploy/schema/)"
.venv/bin/python - <<'PY'
import json, sys
import jsonschema, yaml
schema = json.load(open("deploy/schema/compose-spec.json", encoding="utf-8"))
errors = [e.message for e in jsonschema.Draft7Validator(schema).iter_errors(yaml.safe_load(open("deploy/compose.yaml", encoding="utf-8")))]
print("\n".join(errors) if errors else "  valid")
sys.exit(1 if errors else 0)
PY

if ! command -v docker >/dev/null 2>&1 || ! docker compose version >/dev/null 2>&1; then
  echo "SKIPPED docker compose config and the image builds: docker with its compose plugin is not installed"
  exit 0
fi
# Placeholders only: compose refuses to render without the secrets (`:?` in compose.yaml).
placeholders=$(mktemp)
trap 'rm -f "$placeholders"' EXIT
sed -n 's/^\([A-Z_]*\)=.*/\1=placeholder-for-ci-0123456789abcdef0123456789/p' deploy/env.example >"$placeholders"
echo "docker compose config"
docker compose -f deploy/compose.yaml --env-file "$placeholders" config --quiet
if ! docker info >/dev/null 2>&1; then
  echo "SKIPPED building the images: no Docker daemon answers (docker info failed)"
  exit 0
fi
[ -f models/shuoshi.tar.gz ] || .venv/bin/shuoshi train  # the Rasa image copies the model in
echo "docker compose build (the app and Rasa images)"
docker compose -f deploy/compose.yaml --env-file "$placeholders" build --quiet migrate rasa-0
