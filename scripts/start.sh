#!/usr/bin/env bash
# The quick-start "start" command: installs what is missing, starts the demo
# clusters (unless DEMO_CLUSTER=off), then the Backstage backend (:7007) and
# frontend (:3000).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
cd "$ROOT"

if [ "${DEMO_CLUSTER:-on}" != off ]; then
  source "$ROOT/scripts/demo-cluster.sh"
  start_demo_clusters
fi

echo "Starting Backstage: open http://localhost:3000 and choose 'Enter' as guest." >&2
# Not exec: the demo clusters are stopped when Backstage exits.
$YARN dev "$@"
