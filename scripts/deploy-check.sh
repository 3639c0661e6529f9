#!/usr/bin/env bash
# deploy/, checked offline (`make deploy-check`, part of `make test`):
# - deploy/k8s: every manifest against the Kubernetes JSON schemas of the oldest version
#   we support (kubernetes-validate, from PyPI, carries them), strictly (an unknown or
#   misspelt field fails), and kustomization.yaml lists exactly the manifests there;
# - deploy/prometheus: the alert rules parse and pass their unit tests (promtool, from
#   Debian's prometheus package);
# - every metric the alerts and the Grafana dashboard query is one Oxcart exports
#   (server/src/metrics.rs), so a renamed metric cannot leave a silent panel or alert.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
K8S_VERSION=1.30.0

cd "$ROOT/deploy/k8s"
manifests=$(ls *.yaml | grep -vx kustomization.yaml)
kubernetes-validate --strict --quiet -k "$K8S_VERSION" $manifests
for file in $manifests; do
  grep -qx "  - $file" kustomization.yaml || { echo "deploy-check: $file is not in kustomization.yaml" >&2; exit 1; }
done
for listed in $(awk '/^resources:/ {on=1; next} /^[^ ]/ {on=0} on && /^  - / {print $2}' kustomization.yaml); do
  [ -f "$listed" ] || { echo "deploy-check: kustomization.yaml lists $listed, which does not exist" >&2; exit 1; }
done
echo "deploy-check: $(echo $manifests | wc -w) Kubernetes manifests valid against $K8S_VERSION"

cd "$ROOT/deploy/prometheus"
promtool check rules alerts.yml >/dev/null
promtool test rules alerts.test.yml >/dev/null || { promtool test rules alerts.test.yml; exit 1; }
echo "deploy-check: alert rules parse and pass their tests"

exported=$(grep -oE '"(oxcart|http)_[a-z_]+"' "$ROOT/server/src/metrics.rs" | tr -d '"' | sort -u)
used=$(cat "$ROOT/deploy/prometheus/alerts.yml" "$ROOT/deploy/grafana/oxcart-dashboard.json" \
  | grep -oE '\b(oxcart|http)_[a-z_]+' | sed -E 's/_(bucket|count|sum)$//' | sort -u)
missing=$(comm -13 <(echo "$exported") <(echo "$used"))
[ -z "$missing" ] || { echo "deploy-check: queried but not exported by server/src/metrics.rs: $missing" >&2; exit 1; }
echo "deploy-check: the $(echo "$used" | wc -l) metrics the dashboard and alerts query are all exported"
