#!/usr/bin/env bash
# Admin log queries over 10 million rows in a real PostgreSQL (the embedded server's binaries, or
# ONEGATE_BENCH_SQL_DSN=postgres://... for an existing empty database). Schema = OneGate's Flyway migrations; rows
# bulk-loaded with generate_series; each /api/log/ query shape timed with EXPLAIN (ANALYZE, BUFFERS).
# Knobs: -Dbench.rows=10000000 -Dbench.runs=5
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -o -B -q test -pl billing-worker -am -Dtest=LogQueryBench -Dsurefire.failIfNoSpecifiedTests=false "$@" || true
grep -ho "BENCH .*" billing-worker/target/surefire-reports/io.onegate.billing.bench.LogQueryBench-output.txt
