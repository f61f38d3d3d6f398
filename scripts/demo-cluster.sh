#!/usr/bin/env bash
# Sourced by start.sh: runs the five demo clusters (OSSM 2, upstream Istio
# with revisions, Sail, and the pre-istiod Istio 1.0 and Maistra 0.9) on the
# ports app-config.yaml points at, and writes a kubeconfig for kubectl. They
# stop when the sourcing shell exits.

DEMO_DIR="$ROOT/.demo"
DEMO_PORT="${DEMO_CLUSTER_PORT:-6551}"

start_demo_clusters() {
  mkdir -p "$DEMO_DIR"
  # A fresh token per start; the backend reads it from the environment.
  DEMO_CLUSTER_TOKEN="${DEMO_CLUSTER_TOKEN:-$(node -p 'require("crypto").randomBytes(24).toString("hex")')}"
  export DEMO_CLUSTER_TOKEN
  rm -f "$DEMO_DIR/kubeconfig"
  (
    cd "$ROOT/packages/demo-cluster" &&
      exec node --require @backstage/cli/config/nodeTransform.cjs src/cli.ts \
        --scenario ossm2,istio-revisions,sail,istio-1.0,maistra-0.9 --port "$DEMO_PORT" \
        --token "$DEMO_CLUSTER_TOKEN" --kubeconfig "$DEMO_DIR/kubeconfig" --faults
  ) > "$DEMO_DIR/demo-cluster.log" 2>&1 &
  DEMO_CLUSTER_PID=$!
  trap 'kill "$DEMO_CLUSTER_PID" 2>/dev/null || true' EXIT
  trap 'exit 130' INT TERM

  log "Starting demo clusters on ports $DEMO_PORT-$((DEMO_PORT + 4)) (log: .demo/demo-cluster.log)"
  local waited=0
  until [ -f "$DEMO_DIR/kubeconfig" ]; do
    if ! kill -0 "$DEMO_CLUSTER_PID" 2>/dev/null; then
      log "The demo clusters failed to start:"
      tail -n 20 "$DEMO_DIR/demo-cluster.log" >&2
      exit 1
    fi
    if [ "$waited" -ge 120 ]; then
      log "The demo clusters did not start within 120 s; see .demo/demo-cluster.log"
      exit 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
  grep 'ready at' "$DEMO_DIR/demo-cluster.log" >&2 || true
  log "kubectl: export KUBECONFIG=$DEMO_DIR/kubeconfig (contexts demo-ossm2, demo-istio-revisions, demo-sail, demo-istio-1.0, demo-maistra-0.9)"
}
