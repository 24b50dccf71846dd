#!/usr/bin/env bash
# First-run set-up: install, build, start the throwaway test broker, then plan and
# apply the repository's topology.yaml against it. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund
npm run build
bash scripts/broker.sh start
eval "$(bash scripts/broker.sh env)"
echo
echo "== warren plan topology.yaml"
./bin/warren plan topology.yaml
echo
echo "== warren apply topology.yaml --auto-approve"
./bin/warren apply topology.yaml --auto-approve
