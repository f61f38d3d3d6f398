#!/usr/bin/env bash
# The quick-start "start" command: installs what is missing, then runs the
# Backstage backend (:7007) and frontend (:3000).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
cd "$ROOT"
echo "Starting Backstage: open http://localhost:3000 and choose 'Enter' as guest." >&2
exec $YARN dev "$@"
