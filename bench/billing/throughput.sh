#!/usr/bin/env bash
# Sustained usage events/s from Kafka into PostgreSQL with ONE billing worker (real broker, durable PostgreSQL).
# Knobs (system properties): bench.backlog (300000), bench.rate (20000), bench.seconds (30), bench.interval (5),
# bench.jfr (a file: JFR profile of the backlog drain).
# Prints the BENCH lines from the run's output.
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -o -B -q test -pl billing-worker -am -Dtest=BillingThroughputBench -Dsurefire.failIfNoSpecifiedTests=false \
  "$@" || true
grep -ho "BENCH .*" billing-worker/target/surefire-reports/io.onegate.billing.bench.BillingThroughputBench-output.txt
