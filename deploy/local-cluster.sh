#!/usr/bin/env bash
# The production topology as local processes on 127.0.0.1: 3 gateways, 2 billing workers, 2 health workers, a 3-node
# KRaft Kafka cluster (replication 3, min.insync.replicas 2) and PostgreSQL. Prints the URLs; Ctrl-C stops everything
# it started (by process handle, nothing by name).
#
#   deploy/local-cluster.sh [data-dir]      # default ./data/local-cluster (kept between runs)
#   SKIP_BUILD=1 deploy/local-cluster.sh    # reuse deploy/target from a previous build
set -euo pipefail
ROOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA_DIR="${1:-$ROOT_DIR/data/local-cluster}"
if [[ "${SKIP_BUILD:-0}" != 1 || ! -f "$ROOT_DIR/deploy/target/onegate-standalone.jar" ]]; then
  echo "building (mvn -o -q -DskipTests package -pl deploy -am) ..."
  (cd "$ROOT_DIR" && mvn -o -q -B -DskipTests package -pl deploy -am)
fi
# exec: Ctrl-C reaches the launcher JVM, which drains and stops its child processes and exits 0.
exec java -Xmx512m -cp "$ROOT_DIR/deploy/target/onegate-standalone.jar:$ROOT_DIR/deploy/target/lib/*" \
  io.onegate.deploy.cluster.LocalClusterMain "$DATA_DIR"
