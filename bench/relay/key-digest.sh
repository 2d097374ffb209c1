#!/usr/bin/env bash
# Cost of the relay's key lookup by keyed digest (TokenVault: HMAC-SHA256, per-thread Mac) versus by plaintext key,
# over 100,000 tokens. Knobs: bench.rounds (5), bench.lookups (2000000). Prints the BENCH lines.
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -o -B -q test -pl shared/common -am -Dtest=TokenDigestBench -Dsurefire.failIfNoSpecifiedTests=false "$@" || true
grep -ho "BENCH .*" shared/common/target/surefire-reports/io.onegate.common.bench.TokenDigestBench-output.txt
