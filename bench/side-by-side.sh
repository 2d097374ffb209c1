#!/usr/bin/env bash
# Two gateway builds side by side in one run (the fair comparison on a shared machine): one standalone (PostgreSQL,
# Kafka, workers) with two gateway nodes joined to it; S1 interleaves direct / A / B in rounds (seqlat.js), then wrk
# alternates 12 s runs between A and B. Stops what it started by PID. Results in /tmp/onegate-side-by-side/.
#
#   bench/side-by-side.sh <gateway-jar-A> <gateway-jar-B>      # each jar with its lib/ beside it
#   e.g. a build of the base commit (git archive <rev> | tar -x -C /tmp/base; mvn -o -DskipTests package there)
#        against gateway/target/onegate-gateway.jar
set -u
[[ $# -eq 2 ]] || { echo "usage: $0 <gateway-jar-A> <gateway-jar-B>"; exit 2; }
JAR_A=$1 JAR_B=$2
B="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$B/.." && pwd)"
OUT=/tmp/onegate-side-by-side; rm -rf "$OUT"; mkdir -p "$OUT"
DATA=$(mktemp -d /tmp/onegate-sbs.XXXXXX)
TOKEN=benchtokenbenchtokenbenchtokenbenchtokenbenchtok
PIDS=()
stop() {
  local p i; for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done   # they drain (DRAIN_DELAY) and exit
  for p in "${PIDS[@]}"; do for ((i = 0; i < 400; i++)); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done; done
  for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done
  local pm="$DATA/postgres/postmaster.pid"   # the embedded PostgreSQL, only if it is still this run's
  if [[ -f $pm ]]; then local pg; pg=$(head -1 "$pm"); tr '\0' ' ' <"/proc/$pg/cmdline" 2>/dev/null | grep -qF "$DATA" && kill -TERM "$pg"; fi
  sleep 2; rm -rf "$DATA"
}
trap stop EXIT
wait_http() { for _ in $(seq 1 480); do [[ "$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$1")" == 200 ]] && return 0; sleep 0.25; done; return 1; }
PORT=19010 SLOW_PORT=19011 DELAY_MS=0 SLOW_CHUNKS=5 SLOW_INTERVAL_MS=100 node "$B/fake-upstream/fake-openai.js" >"$OUT/fake.log" 2>&1 &
PIDS+=($!)
wait_http http://127.0.0.1:19010/stats || exit 1
start_standalone() {
  env PORT=13000 DATA_DIR="$DATA" EMBEDDED_POSTGRES_PORT=15433 EMBEDDED_KAFKA_PORT=19092 HAZELCAST_PORT=15701 \
    HAZELCAST_MEMBERS=127.0.0.1:15701 HAZELCAST_CLUSTER_NAME=side-by-side KAFKA_TOPIC_PREFIX=bench. \
    BILLING_WORKER_PORT=0 HEALTH_WORKER_PORT=0 LOG_LEVEL=warn java -jar "$ROOT/deploy/target/onegate-standalone.jar" \
    >>"$OUT/standalone.log" 2>&1 &
  SA=$!; wait_http http://127.0.0.1:13000/readyz || exit 1
}
start_standalone
PGPASSWORD=postgres psql -q -h 127.0.0.1 -p 15433 -U postgres -d onegate -v token_key=$TOKEN \
  -v fast_url=http://127.0.0.1:19010 -v slow_url=http://127.0.0.1:19011 -f "$B/onegate/seed.sql" >"$OUT/seed.log" 2>&1
kill -TERM "$SA"; while kill -0 "$SA" 2>/dev/null; do sleep 0.5; done
start_standalone; PIDS+=("$SA")
gateway() {   # jar port hazelcast-port
  env PORT=$2 NODE_TYPE=slave SQL_DSN=postgres://postgres:postgres@127.0.0.1:15433/onegate \
    KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:19092 KAFKA_TOPIC_PREFIX=bench. HAZELCAST_PORT=$3 \
    HAZELCAST_MEMBERS=127.0.0.1:15701 HAZELCAST_CLUSTER_NAME=side-by-side DATA_DIR="$DATA/gateway-$2" \
    SESSION_SECRET="$(cat "$DATA/session.secret")" LOG_LEVEL=warn java -Xms64m -Xmx256m -jar "$1" >>"$OUT/gateway-$2.log" 2>&1 &
  PIDS+=($!)
}
gateway "$JAR_A" 13010 15730
gateway "$JAR_B" 13020 15760
wait_http http://127.0.0.1:13010/readyz && wait_http http://127.0.0.1:13020/readyz || { echo "gateways not ready"; exit 1; }
BODY='{"model":"gpt-3.5-turbo","messages":[{"role":"user","content":"Say hello."}]}'
target() { node -e 'const [n, p, auth, body] = process.argv.slice(1); process.stdout.write(JSON.stringify({name: n,
  host: "127.0.0.1", port: Number(p), path: "/v1/chat/completions", headers: {"Content-Type": "application/json",
  Authorization: auth}, body}))' "$1" "$2" "$3" "$BODY"; }
echo "[$(target direct 19010 'Bearer sk-fake'),$(target A 13010 "Bearer sk-$TOKEN"),$(target B 13020 "Bearer sk-$TOKEN")]" >"$OUT/targets.json"
tp() { BENCH_BODY="$BODY" BENCH_HEADERS="Authorization: Bearer sk-$TOKEN" wrk -t2 -c64 -d"$2"s --timeout 10s \
  -s "$B/load/post.lua" "http://127.0.0.1:$1/v1/chat/completions" 2>&1 | sed -n 's/^BENCH_JSON //p'; }
echo "load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
for _ in 1 2; do tp 13010 8 >/dev/null; tp 13020 8 >/dev/null; done   # warm-up of both JVMs and the backing services
for r in 1 2 3; do echo "S2 run $r A: $(tp 13010 12)"; echo "S2 run $r B: $(tp 13020 12)"; done
sleep 5
node "$B/client/seqlat.js" "$OUT/targets.json" --rounds 20 --per-round 1000 --warmup 10000 --out "$OUT/seq.json" >"$OUT/seq.log" 2>&1
node -e 'const d = require(process.argv[1]); for (const n of ["direct", "A", "B"]) { const r = d[n];
  console.log(`S1 ${n}: p50 ${r.p50.toFixed(3)} p90 ${r.p90.toFixed(3)} p99 ${r.p99.toFixed(3)} ms, errors ${r.errors}`); }' "$OUT/seq.json"
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
