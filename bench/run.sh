#!/usr/bin/env bash
# OneGate benchmark: direct-to-fake vs Portkey 1.15.2 vs OneGate, side by side in one run, against a fake OpenAI
# upstream with 0 ms delay. Builds what it needs, starts everything, runs the scenarios, stops what it started,
# writes bench/results/<timestamp>.md (and the raw JSON under bench/results/<timestamp>/) and prints the table.
#
#   bench/run.sh                 # full run (~8-9 minutes)
#   QUICK=1 bench/run.sh         # smoke run (~2-3 minutes): shorter phases, fewer requests
#   TARGETS="direct portkey" bench/run.sh   # leave OneGate out
#
# Scenarios (see docs/benchmarks.md):
#   S1 sequential (concurrency 1) latency, targets interleaved in rounds; added latency = target - direct. Runs after
#      S2 (S1_AFTER_S2=1, the default) once OneGate's backing services are quiet again (QUIESCE_MAX_SECONDS)
#   S2 closed-loop throughput at TP_CONNECTIONS connections (wrk), TP_WARMUP s warm-up, TP_RUNS x TP_DURATION s,
#      runs interleaved across targets, median run reported
#   S3 STREAMS concurrent streaming requests held open (fake emits SLOW_CHUNKS chunks every SLOW_INTERVAL_MS),
#      VmRSS of the gateway process sampled from /proc/<pid>/status
# Knobs (environment): TARGETS, SCENARIOS (default "s1 s2 s3"), SEQ_ROUNDS, SEQ_PER_ROUND, SEQ_WARMUP,
#   SEQ_MAX_SECONDS, TP_CONNECTIONS, TP_THREADS, TP_WARMUP, TP_DURATION, TP_RUNS, STREAMS, SLOW_CHUNKS,
#   SLOW_INTERVAL_MS, PIN_SEQ (default 0; 1: pin S1 gateway to CPU 1, fake and client to CPU 0 — on this VM every
#   request then pays four cross-CPU wake-ups, see docs/benchmarks.md), PIN_TP (same for S2; default 0
#   = whole box), ONEGATE_JAVA_OPTS, SKIP_BUILD, KEEP_DATA, RUN_TIMEOUT (seconds, whole run), ports FAKE_PORT
#   SLOW_PORT PORTKEY_PORT ONEGATE_PORT ONEGATE_PG_PORT ONEGATE_KAFKA_PORT ONEGATE_HZ_PORT ONEGATE_GW_PORT.
#   ONEGATE_MODE=split (default): the standalone runs PostgreSQL, Kafka and the workers, and a separate gateway node
#     (gateway/target/onegate-gateway.jar, NODE_TYPE=slave, JVM options ONEGATE_GW_JAVA_OPTS, default the
#     documented "-Xms64m -Xmx256m") joins it; traffic, RSS and CPU are that node's alone.
#   ONEGATE_MODE=standalone: traffic goes to the standalone launcher's gateway and RSS/CPU are those of the
#     standalone JVM (gateway + billing worker + health worker + embedded Kafka broker).
set -Eeuo pipefail
# The whole script is one brace group, so bash parses it completely before running it: editing this file while a
# run is in progress cannot change what that run executes.
{

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT_DIR="$(cd "$BENCH_DIR/.." && pwd)"

if [[ "${QUICK:-0}" == 1 ]]; then
  : "${SEQ_ROUNDS:=4}" "${SEQ_PER_ROUND:=500}" "${SEQ_WARMUP:=5000}"
  : "${TP_WARMUP:=3}" "${TP_DURATION:=8}" "${TP_RUNS:=1}" "${STREAMS:=1000}" "${SLOW_CHUNKS:=8}"
fi
: "${TARGETS:=direct portkey onegate}" "${SCENARIOS:=s1 s2 s3}"
: "${SEQ_ROUNDS:=20}" "${SEQ_PER_ROUND:=1000}" "${SEQ_WARMUP:=20000}" "${SEQ_MAX_SECONDS:=120}"
: "${TP_CONNECTIONS:=64}" "${TP_THREADS:=2}" "${TP_WARMUP:=10}" "${TP_DURATION:=30}" "${TP_RUNS:=3}"
: "${STREAMS:=1000}" "${SLOW_CHUNKS:=25}" "${SLOW_INTERVAL_MS:=1000}"
: "${S1_AFTER_S2:=1}" "${QUIESCE_MAX_SECONDS:=120}"
: "${PIN_SEQ:=0}" "${PIN_TP:=0}" "${SKIP_BUILD:=0}" "${KEEP_DATA:=0}" "${RUN_TIMEOUT:=1200}"
: "${FAKE_PORT:=19010}" "${SLOW_PORT:=19011}" "${PORTKEY_PORT:=18787}"
: "${ONEGATE_PORT:=13000}" "${ONEGATE_PG_PORT:=15433}" "${ONEGATE_KAFKA_PORT:=19092}" "${ONEGATE_HZ_PORT:=15701}"
: "${ONEGATE_JAVA_OPTS:=}" "${ONEGATE_MODE:=split}" "${ONEGATE_GW_PORT:=13010}"
: "${ONEGATE_GW_JAVA_OPTS:=-Xms64m -Xmx256m}"   # the heap documented for gateway nodes (README)
: "${ONEGATE_TOKEN:=benchtokenbenchtokenbenchtokenbenchtokenbenchtok}"   # 48 chars, seeded by onegate/seed.sql
PORTKEY_VERSION=1.15.2
MODEL=gpt-3.5-turbo            # channel 9001 -> fast fake listener
SLOW_MODEL=gpt-3.5-turbo-0125  # channel 9002 -> slow fake listener (S3)

STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
RESULTS="$BENCH_DIR/results"
RAW="$RESULTS/$STAMP"
REPORT="$RESULTS/$STAMP.md"
mkdir -p "$RAW"
LOGS="$RAW/logs"
mkdir -p "$LOGS"
T0=$(date +%s)

log() { printf '[bench %4ds] %s\n' "$(( $(date +%s) - T0 ))" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
has_target() { [[ " $TARGETS " == *" $1 "* ]]; }
has_scenario() { [[ " $SCENARIOS " == *" $1 "* ]]; }

# ---------------------------------------------------------------------------------------------------------------
# Processes we start, stopped by PID on exit (never by name).
PIDS=()
ONEGATE_PID=""
ONEGATE_GW_PID=""
ONEGATE_TARGET_PORT=""
ONEGATE_TARGET_PID=""
ONEGATE_DATA=""
stop_pid() {   # pid, grace seconds
  local pid=$1 grace=${2:-10} i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < grace * 10; i++)); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}
stop_onegate() {
  [[ -n "$ONEGATE_GW_PID" ]] && stop_pid "$ONEGATE_GW_PID" 20
  ONEGATE_GW_PID=""
  [[ -n "$ONEGATE_PID" ]] || return 0
  stop_pid "$ONEGATE_PID" 30
  ONEGATE_PID=""
  # If the JVM had to be killed, its embedded PostgreSQL may survive: stop it by the PID in its own pid file.
  local pm="$ONEGATE_DATA/postgres/postmaster.pid"
  if [[ -f "$pm" ]]; then
    local pgpid; pgpid=$(head -1 "$pm")
    # Only if that PID is still this run's postmaster (its command line names our data directory).
    if [[ "$pgpid" =~ ^[0-9]+$ ]] && tr '\0' ' ' 2>/dev/null <"/proc/$pgpid/cmdline" | grep -qF "$ONEGATE_DATA"; then
      stop_pid "$pgpid" 10
    fi
  fi
}
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  [[ -n "${WATCHDOG_PID:-}" ]] && kill "$WATCHDOG_PID" 2>/dev/null || true
  stop_onegate
  local p
  for p in "${PIDS[@]}"; do stop_pid "$p" 5; done
  if [[ -n "$ONEGATE_DATA" && "$KEEP_DATA" != 1 ]]; then rm -rf "$ONEGATE_DATA"; fi
  (( rc == 0 )) || log "stopped everything after an error (exit $rc); logs in $LOGS"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'log "run timeout or TERM"; exit 143' TERM
( trap 'kill "$s" 2>/dev/null; exit 0' TERM; sleep "$RUN_TIMEOUT" & s=$!; wait "$s" && kill -TERM $$ 2>/dev/null ) &
WATCHDOG_PID=$!

wait_http() {   # url, seconds, expected code (default 200)
  local url=$1 secs=$2 want=${3:-200} i code
  for ((i = 0; i < secs * 4; i++)); do
    code=$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$url" || true)
    [[ "$code" == "$want" ]] && return 0
    sleep 0.25
  done
  return 1
}
wait_listening() {   # url, seconds: any HTTP answer will do
  local url=$1 secs=$2 i code
  for ((i = 0; i < secs * 4; i++)); do
    code=$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$url" || true)
    [[ "$code" != 000 && -n "$code" ]] && return 0
    sleep 0.25
  done
  return 1
}
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pin() {   # cpu-list pid… : re-pin every thread of running processes
  local cpus=$1; shift
  local p
  for p in "$@"; do [[ -n "$p" ]] && taskset -a -cp "$cpus" "$p" >/dev/null 2>&1 || true; done
}
# In split mode: the standalone JVM (Kafka, workers) and its PostgreSQL processes — kept off the gateway's CPU in S1.
onegate_backing_pids() {
  [[ "$ONEGATE_MODE" == split && -n "$ONEGATE_PID" ]] || return 0
  echo "$ONEGATE_PID"
  local pm="$ONEGATE_DATA/postgres/postmaster.pid"
  if [[ -f "$pm" ]]; then
    local pgpid; pgpid=$(head -1 "$pm")
    echo "$pgpid"; pgrep -P "$pgpid" || true
  fi
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

# ---------------------------------------------------------------------------------------------------------------
log "preflight (targets: $TARGETS)"
for tool in node wrk curl taskset; do command -v "$tool" >/dev/null || die "$tool not found (wrk: apt-get install -y wrk)"; done
if has_target onegate; then
  for tool in java mvn psql; do command -v "$tool" >/dev/null || die "$tool not found (needed for the OneGate column)"; done
fi
for p in "$FAKE_PORT" "$SLOW_PORT"; do port_free "$p" || die "port $p is in use"; done
has_target portkey && { port_free "$PORTKEY_PORT" || die "port $PORTKEY_PORT is in use"; }
if has_target onegate; then
  [[ "$ONEGATE_MODE" == standalone || "$ONEGATE_MODE" == split ]] || die "ONEGATE_MODE must be standalone or split"
  for p in "$ONEGATE_PORT" "$ONEGATE_PG_PORT" "$ONEGATE_KAFKA_PORT" "$ONEGATE_HZ_PORT" "$ONEGATE_GW_PORT"; do
    port_free "$p" || die "port $p is in use (set ONEGATE_*_PORT)"
  done
fi

LOAD_START="$(loadavg)"
{
  echo "stamp=$STAMP"
  echo "cpu=$(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)"
  echo "cores=$(nproc)"
  echo "mem=$(awk '/MemTotal/{printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "kernel=$(uname -r)"
  echo "java=$(java -version 2>&1 | head -1 || true)"
  echo "node=$(node --version)"
  echo "wrk=$(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)"
  echo "commit=$(git -C "$ROOT_DIR" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "branch=$(git -C "$ROOT_DIR" rev-parse --abbrev-ref HEAD 2>/dev/null || echo unknown)"
} > "$RAW/meta.env"

# ---------------------------------------------------------------------------------------------------------------
# Build / install what is needed.
PORTKEY_DIR="$BENCH_DIR/portkey-peer"
PORTKEY_MAIN="$PORTKEY_DIR/node_modules/@portkey-ai/gateway/build/start-server.js"
if has_target portkey && [[ ! -f "$PORTKEY_MAIN" ]]; then
  log "installing Portkey $PORTKEY_VERSION into bench/portkey-peer (Hono pinned to Portkey's lockfile pair)"
  mkdir -p "$PORTKEY_DIR"
  cat > "$PORTKEY_DIR/package.json" <<EOF
{ "private": true, "dependencies": { "@portkey-ai/gateway": "$PORTKEY_VERSION" },
  "overrides": { "@hono/node-server": "1.13.5", "hono": "4.9.7" } }
EOF
  (cd "$PORTKEY_DIR" && npm install --no-audit --no-fund >"$LOGS/npm-install.log" 2>&1) || die "npm install failed, see $LOGS/npm-install.log"
fi
ONEGATE_JAR="$ROOT_DIR/deploy/target/onegate-standalone.jar"
if has_target onegate; then
  if [[ "$SKIP_BUILD" != 1 || ! -f "$ONEGATE_JAR" ]]; then
    log "building the standalone launcher (mvn -o -DskipTests package -pl deploy -am)"
    (cd "$ROOT_DIR" && mvn -o -B -q -DskipTests package -pl deploy -am >"$LOGS/mvn-build.log" 2>&1) \
      || die "build failed, see $LOGS/mvn-build.log"
  fi
fi

# ---------------------------------------------------------------------------------------------------------------
log "starting the fake upstream on 127.0.0.1:$FAKE_PORT (fast) and :$SLOW_PORT (slow: $SLOW_CHUNKS chunks x $SLOW_INTERVAL_MS ms)"
PORT=$FAKE_PORT SLOW_PORT=$SLOW_PORT DELAY_MS=0 SLOW_CHUNKS=$SLOW_CHUNKS SLOW_INTERVAL_MS=$SLOW_INTERVAL_MS \
  node "$BENCH_DIR/fake-upstream/fake-openai.js" >"$LOGS/fake.log" 2>&1 &
FAKE_PID=$!
PIDS+=("$FAKE_PID")
wait_http "http://127.0.0.1:$FAKE_PORT/stats" 20 && wait_http "http://127.0.0.1:$SLOW_PORT/stats" 5 \
  || die "fake upstream did not start, see $LOGS/fake.log"

PORTKEY_PID=""
if has_target portkey; then
  log "starting Portkey $PORTKEY_VERSION on 127.0.0.1:$PORTKEY_PORT (headless)"
  (cd "$PORTKEY_DIR" && exec node "$PORTKEY_MAIN" --port="$PORTKEY_PORT" --headless) >"$LOGS/portkey.log" 2>&1 &
  PORTKEY_PID=$!
  PIDS+=("$PORTKEY_PID")
  wait_listening "http://127.0.0.1:$PORTKEY_PORT/v1/models" 30 || die "Portkey did not start, see $LOGS/portkey.log"
fi

ONEGATE_STATUS="not in TARGETS"
start_onegate() {
  # shellcheck disable=SC2086
  env PORT="$ONEGATE_PORT" DATA_DIR="$ONEGATE_DATA" EMBEDDED_POSTGRES_PORT="$ONEGATE_PG_PORT" \
    EMBEDDED_KAFKA_PORT="$ONEGATE_KAFKA_PORT" HAZELCAST_PORT="$ONEGATE_HZ_PORT" \
    HAZELCAST_MEMBERS="127.0.0.1:$ONEGATE_HZ_PORT" HAZELCAST_CLUSTER_NAME="onegate-bench-$STAMP" \
    KAFKA_TOPIC_PREFIX="bench." BILLING_WORKER_PORT=0 HEALTH_WORKER_PORT=0 LOG_LEVEL=warn \
    java $ONEGATE_JAVA_OPTS -jar "$ONEGATE_JAR" >>"$LOGS/onegate.log" 2>&1 &
  ONEGATE_PID=$!
  wait_http "http://127.0.0.1:$ONEGATE_PORT/readyz" 120 || die "OneGate did not become ready, see $LOGS/onegate.log"
}
probe() {   # url body headers… -> prints the HTTP code
  local url=$1 body=$2; shift 2
  local args=() h
  for h in "$@"; do args+=(-H "$h"); done
  curl -s -m 10 -o "$RAW/probe.out" -w '%{http_code}' -X POST "${args[@]}" -H 'Content-Type: application/json' \
    -d "$body" "$url" || echo 000
}
BODY="{\"model\":\"$MODEL\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello.\"}]}"
FAST_STREAM_BODY="{\"model\":\"$MODEL\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Say hello.\"}]}"
STREAM_BODY="{\"model\":\"$SLOW_MODEL\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Say hello.\"}]}"
if has_target onegate; then
  ONEGATE_DATA="$(mktemp -d /tmp/onegate-bench.XXXXXX)"
  log "starting OneGate (standalone, fresh DATA_DIR $ONEGATE_DATA) for seeding"
  start_onegate
  log "seeding token and channels through psql (postgres://postgres@127.0.0.1:$ONEGATE_PG_PORT/onegate)"
  PGPASSWORD=postgres psql -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$ONEGATE_PG_PORT" -U postgres -d onegate \
    -v token_key="$ONEGATE_TOKEN" -v fast_url="http://127.0.0.1:$FAKE_PORT" -v slow_url="http://127.0.0.1:$SLOW_PORT" \
    -f "$BENCH_DIR/onegate/seed.sql" >"$LOGS/seed.log" 2>&1 || die "seeding failed, see $LOGS/seed.log"
  log "restarting OneGate so that it loads the seeded rows"
  stop_onegate
  start_onegate
  ONEGATE_TARGET_PORT=$ONEGATE_PORT
  ONEGATE_TARGET_PID=$ONEGATE_PID
  if [[ "$ONEGATE_MODE" == split ]]; then
    log "starting a separate gateway node on :$ONEGATE_GW_PORT joined to the standalone (ONEGATE_MODE=split)"
    # shellcheck disable=SC2086
    env PORT="$ONEGATE_GW_PORT" NODE_TYPE=slave \
      SQL_DSN="postgres://postgres:postgres@127.0.0.1:$ONEGATE_PG_PORT/onegate" \
      KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:$ONEGATE_KAFKA_PORT" KAFKA_TOPIC_PREFIX="bench." \
      HAZELCAST_PORT="$(( ONEGATE_HZ_PORT + 20 ))" HAZELCAST_MEMBERS="127.0.0.1:$ONEGATE_HZ_PORT" \
      HAZELCAST_CLUSTER_NAME="onegate-bench-$STAMP" SESSION_SECRET="$(cat "$ONEGATE_DATA/session.secret")" \
      LOG_LEVEL=warn java $ONEGATE_GW_JAVA_OPTS -jar "$ROOT_DIR/gateway/target/onegate-gateway.jar" \
      >>"$LOGS/onegate-gateway.log" 2>&1 &
    ONEGATE_GW_PID=$!
    wait_http "http://127.0.0.1:$ONEGATE_GW_PORT/readyz" 120 || die "gateway node not ready, see $LOGS/onegate-gateway.log"
    ONEGATE_TARGET_PORT=$ONEGATE_GW_PORT
    ONEGATE_TARGET_PID=$ONEGATE_GW_PID
  fi
  code=$(probe "http://127.0.0.1:$ONEGATE_TARGET_PORT/v1/chat/completions" "$BODY" "Authorization: Bearer sk-$ONEGATE_TOKEN")
  scode=$(curl -s -m 30 -o "$RAW/probe-stream.out" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
    -H "Authorization: Bearer sk-$ONEGATE_TOKEN" -d "$FAST_STREAM_BODY" "http://127.0.0.1:$ONEGATE_TARGET_PORT/v1/chat/completions" || echo 000)
  echo "onegate_rss_after_start=$(awk '/VmRSS/{printf "%.0f MB", $2/1024}' "/proc/$ONEGATE_TARGET_PID/status" 2>/dev/null)" >> "$RAW/meta.env"
  if [[ "$code" == 200 ]] && grep -q '"usage"' "$RAW/probe.out" && [[ "$scode" == 200 ]] && grep -q '\[DONE\]' "$RAW/probe-stream.out"; then
    ONEGATE_STATUS="ok"
  else
    ONEGATE_STATUS="relay not available (probe: HTTP $code, stream HTTP $scode)"
    log "OneGate relay probe failed: $ONEGATE_STATUS — the OneGate column is left out of this run"
    head -c 300 "$RAW/probe.out" >&2 || true; echo >&2
    stop_onegate
    TARGETS="${TARGETS//onegate/}"
  fi
fi
echo "onegate_status=$ONEGATE_STATUS" >> "$RAW/meta.env"
echo "onegate_mode=$ONEGATE_MODE" >> "$RAW/meta.env"

# Per-target request shapes, as JSON for the Node clients and as a header list for wrk.
target_port() { case $1 in direct) echo "${2:-$FAKE_PORT}";; portkey) echo "$PORTKEY_PORT";; onegate) echo "$ONEGATE_TARGET_PORT";; esac; }
target_pid() { case $1 in direct) echo "";; portkey) echo "$PORTKEY_PID";; onegate) echo "$ONEGATE_TARGET_PID";; esac; }
target_headers() {   # name, upstream port -> "|"-separated headers
  case $1 in
    direct) echo "Authorization: Bearer sk-fake-upstream";;
    portkey) echo "Authorization: Bearer sk-fake-upstream|x-portkey-provider: openai|x-portkey-custom-host: http://127.0.0.1:$2/v1";;
    onegate) echo "Authorization: Bearer sk-$ONEGATE_TOKEN";;
  esac
}
target_json() {   # name, upstream port, body
  node -e '
    const [name, port, headers, body] = process.argv.slice(1);
    const h = { "Content-Type": "application/json" };
    for (const kv of headers.split("|")) { const i = kv.indexOf(":"); h[kv.slice(0, i).trim()] = kv.slice(i + 1).trim(); }
    process.stdout.write(JSON.stringify({ name, host: "127.0.0.1", port: Number(port), path: "/v1/chat/completions", headers: h, body }));
  ' "$1" "$(target_port "$1" "$2")" "$(target_headers "$1" "$2")" "$3"
}
ACTIVE=()
for t in $TARGETS; do ACTIVE+=("$t"); done
GATEWAY_PIDS=()
for t in "${ACTIVE[@]}"; do [[ -n "$(target_pid "$t")" ]] && GATEWAY_PIDS+=("$(target_pid "$t")"); done
{
  echo "targets=${ACTIVE[*]}"
  echo "load_start=$LOAD_START"
  echo "seq=$SEQ_ROUNDS rounds x $SEQ_PER_ROUND requests per target (+$SEQ_WARMUP warm-up), pinned=$PIN_SEQ"
  echo "s1_after_s2=$( has_scenario s2 && echo "$S1_AFTER_S2" || echo 0 )"
  echo "tp=c=$TP_CONNECTIONS, wrk -t$TP_THREADS, warm-up ${TP_WARMUP}s, $TP_RUNS x ${TP_DURATION}s, pinned=$PIN_TP"
  echo "streams=$STREAMS streams, fake emits $SLOW_CHUNKS chunks every $SLOW_INTERVAL_MS ms"
  echo "java_opts=$ONEGATE_JAVA_OPTS; gateway node java_opts=$ONEGATE_GW_JAVA_OPTS"
} >> "$RAW/meta.env"

# ---------------------------------------------------------------------------------------------------------------
# S1: sequential latency. Runs after S2 by default (S1_AFTER_S2=1): S2 is the thorough warm-up of every JVM on the
# box — the gateway's and the backing services' (broker, workers), whose rarely-called paths otherwise keep the JIT
# compiling through S1 — and S1 starts once OneGate's backing services have drained S2's backlog (quiesce).
run_s1() {
log "S1 sequential latency: ${ACTIVE[*]} ($SEQ_ROUNDS rounds x $SEQ_PER_ROUND, interleaved; load $(loadavg))"
{
  echo -n "["
  sep=""
  for t in "${ACTIVE[@]}"; do echo -n "$sep"; target_json "$t" "$FAKE_PORT" "$BODY"; sep=","; done
  echo "]"
} > "$RAW/seq-targets.json"
CLIENT_CPU=""
if [[ "$PIN_SEQ" == 1 && "$(nproc)" -ge 2 ]]; then
  pin 0 "$FAKE_PID" $(onegate_backing_pids); pin 1 "${GATEWAY_PIDS[@]}"; CLIENT_CPU="taskset -c 0"
fi
$CLIENT_CPU node "$BENCH_DIR/client/seqlat.js" "$RAW/seq-targets.json" --rounds "$SEQ_ROUNDS" \
  --per-round "$SEQ_PER_ROUND" --warmup "$SEQ_WARMUP" --max-seconds "$SEQ_MAX_SECONDS" --out "$RAW/seq.json" >"$LOGS/seq.log" 2>&1 \
  || die "sequential client failed, see $LOGS/seq.log"
pin 0-$(( $(nproc) - 1 )) "$FAKE_PID" "${GATEWAY_PIDS[@]}" $(onegate_backing_pids)
echo "load_after_s1=$(loadavg)" >> "$RAW/meta.env"
}
# Waits until OneGate's backing processes (split mode: standalone JVM and PostgreSQL) use under 10 % of one core over
# 2 s — the billing worker has flushed what S2 produced — or QUIESCE_MAX_SECONDS passed.
quiesce() {
  local pids; pids=$(onegate_backing_pids | tr '\n' ' ')
  [[ -n "$pids" ]] || return 0
  local t0=$SECONDS hz; hz=$(getconf CLK_TCK)
  while (( SECONDS - t0 < QUIESCE_MAX_SECONDS )); do
    local a=0 b=0 p
    for p in $pids; do a=$(( a + $(cpu_ticks "$p") )); done
    sleep 2
    for p in $pids; do b=$(( b + $(cpu_ticks "$p") )); done
    (( (b - a) * 100 < hz * 2 * 10 )) && { log "backing services quiet after $(( SECONDS - t0 )) s"; echo "quiesce_seconds=$(( SECONDS - t0 ))" >> "$RAW/meta.env"; return 0; }
  done
  log "backing services still busy after ${QUIESCE_MAX_SECONDS} s; S1 starts anyway"
  echo "quiesce_seconds=timeout" >> "$RAW/meta.env"
}
if has_scenario s1 && [[ "$S1_AFTER_S2" != 1 ]] || ! has_scenario s2; then
  has_scenario s1 && run_s1
fi

# ---------------------------------------------------------------------------------------------------------------
# S2: throughput, closed loop.
run_wrk() {   # target, seconds, out-file
  local t=$1 secs=$2 out=$3 pid before after
  pid=$(target_pid "$t")
  before=$( [[ -n "$pid" ]] && cpu_ticks "$pid" || echo 0 )
  BENCH_BODY="$BODY" BENCH_HEADERS="$(target_headers "$t" "$FAKE_PORT")" $WRK_CPU \
    wrk -t"$TP_THREADS" -c"$TP_CONNECTIONS" -d"${secs}s" --timeout 10s -s "$BENCH_DIR/load/post.lua" \
    "http://127.0.0.1:$(target_port "$t")/v1/chat/completions" >"$out.txt" 2>&1 || true
  after=$( [[ -n "$pid" ]] && cpu_ticks "$pid" || echo 0 )
  local json; json=$(sed -n 's/^BENCH_JSON //p' "$out.txt")
  [[ -n "$json" ]] || json='{"requests":0,"rps":0,"failed":true}'
  local rss=0
  [[ -n "$pid" ]] && rss=$(awk '/VmRSS/{print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
  node -e '
    const [json, ticks, hz, secs, rss] = process.argv.slice(1);
    const o = JSON.parse(json);
    o.gateway_cpu_pct = Number(ticks) / Number(hz) / Number(secs) * 100;
    o.gateway_rss_mb = Number(rss) / 1024;
    process.stdout.write(JSON.stringify(o));
  ' "$json" "$(( after - before ))" "$(getconf CLK_TCK)" "$secs" "$rss" > "$out"
}
if has_scenario s2; then
WRK_CPU=""
if [[ "$PIN_TP" == 1 && "$(nproc)" -ge 2 ]]; then
  pin 0 "$FAKE_PID"; pin 1 "${GATEWAY_PIDS[@]}"; WRK_CPU="taskset -c 0"
fi
log "S2 throughput c=$TP_CONNECTIONS: warm-up ${TP_WARMUP}s per target (load $(loadavg))"
for t in "${ACTIVE[@]}"; do run_wrk "$t" "$TP_WARMUP" "$RAW/tp-$t-warmup.json"; done
for ((r = 1; r <= TP_RUNS; r++)); do
  for t in "${ACTIVE[@]}"; do
    log "S2 run $r/$TP_RUNS $t (${TP_DURATION}s, load $(loadavg))"
    run_wrk "$t" "$TP_DURATION" "$RAW/tp-$t-$r.json"
  done
done
pin 0-$(( $(nproc) - 1 )) "$FAKE_PID" "${GATEWAY_PIDS[@]}"
echo "load_after_s2=$(loadavg)" >> "$RAW/meta.env"
fi
if has_scenario s1 && has_scenario s2 && [[ "$S1_AFTER_S2" == 1 ]]; then
  quiesce
  run_s1
fi

# ---------------------------------------------------------------------------------------------------------------
# S3: memory with many concurrent streams.
has_scenario s3 && for t in "${ACTIVE[@]}"; do
  log "S3 $STREAMS concurrent streams through $t (load $(loadavg))"
  target_json "$t" "$SLOW_PORT" "$STREAM_BODY" > "$RAW/streams-target-$t.json"
  pid=$(target_pid "$t")
  pidargs=(--pid "fake=$FAKE_PID")
  [[ -n "$pid" ]] && pidargs+=(--pid "gateway=$pid")
  sleep 2   # let the previous scenario's connections drain
  node "$BENCH_DIR/client/streams.js" "$RAW/streams-target-$t.json" --streams "$STREAMS" "${pidargs[@]}" \
    --timeout $(( SLOW_CHUNKS * SLOW_INTERVAL_MS / 1000 + 60 )) --out "$RAW/streams-$t.json" >"$LOGS/streams-$t.log" 2>&1 \
    || log "streams client failed for $t, see $LOGS/streams-$t.log"
done
echo "load_end=$(loadavg)" >> "$RAW/meta.env"

# ---------------------------------------------------------------------------------------------------------------
node "$BENCH_DIR/report.js" "$RAW" > "$REPORT"
cat "$REPORT"
log "done in $(( $(date +%s) - T0 )) s: $REPORT (raw data in $RAW)"
exit 0
}
