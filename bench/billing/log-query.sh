#!/usr/bin/env bash
# Admin log queries over 10 million rows in a real PostgreSQL.
#
# Loads OneGate's schema (the real Flyway migration files V1 + V20*), bulk-loads ROWS log rows (default 10M) with
# generate_series spread over the last 3 months (monthly partitions), ANALYZEs, then runs each admin query of
# /api/log/ several times with EXPLAIN (ANALYZE, BUFFERS) and prints the median execution time.
#
# Usage: bench/billing/log-query.sh            # starts a private PostgreSQL 15 (Debian) in a temp dir
#        PGURL=postgres://u:p@host:5432/db bench/billing/log-query.sh   # use an existing empty database
set -euo pipefail
cd "$(dirname "$0")/../.."
ROWS=${ROWS:-10000000}
RUNS=${RUNS:-5}
MIG=shared/common/src/main/resources/db/migration

if [[ -z "${PGURL:-}" ]]; then
  PGBIN=/usr/lib/postgresql/15/bin
  DIR=$(mktemp -d /tmp/onegate-logbench-XXXX)
  chown postgres "$DIR"
  PORT=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
  runuser -u postgres -- "$PGBIN/initdb" -D "$DIR/data" -U postgres >/dev/null
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w \
    -o "-p $PORT -c listen_addresses=127.0.0.1 -c shared_buffers=256MB -c work_mem=16MB -c max_wal_size=4GB -c unix_socket_directories=$DIR" start >/dev/null
  trap 'runuser -u postgres -- "$PGBIN/pg_ctl" -D "$DIR/data" -m fast stop >/dev/null; rm -rf "$DIR"' EXIT
  PGURL="postgres://postgres@127.0.0.1:$PORT/postgres"
fi
psql_() { psql "$PGURL" -v ON_ERROR_STOP=1 -q "$@"; }

echo "schema: $(ls $MIG | tr '\n' ' ')"
for f in $(ls $MIG/V*.sql | sort -V); do psql_ -f "$f" >/dev/null; done

echo "loading $ROWS rows ..."
start=$(date +%s)
psql_ <<SQL
SET synchronous_commit = off;
-- 5,000 users, 200 models, 50 channels, 3 months back from now; ids ascend with time like real inserts.
INSERT INTO logs (user_id, created_at, type, content, username, token_name, model_name, quota, prompt_tokens,
                  completion_tokens, channel_id, request_id, elapsed_time, is_stream, token_id)
SELECT 1 + (g * 7919) % 5000,
       extract(epoch FROM now())::bigint - 90 * 86400 + (g::bigint * 90 * 86400) / $ROWS,
       CASE WHEN g % 50 = 0 THEN 1 ELSE 2 END,
       'model ratio 1.25, group ratio 1.00, completion ratio 4.00',
       'user' || (1 + (g * 7919) % 5000),
       'token' || (g % 3),
       'model-' || (g % 200),
       (g % 5000),
       (g % 4000), (g % 1000),
       1 + g % 50,
       md5(g::text),
       g % 3000, g % 2 = 0, 1 + (g * 7919) % 5000 * 3 + g % 3
FROM generate_series(1, $ROWS) g;
ANALYZE logs;
SQL
echo "loaded in $(( $(date +%s) - start )) s; partitions:"
psql_ -At -c "SELECT c.relname || ' ' || c.reltuples::bigint FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'logs'::regclass ORDER BY 1"
psql_ -At -c "SELECT 'total size ' || pg_size_pretty(sum(pg_total_relation_size(inhrelid))) FROM pg_inherits WHERE inhparent = 'logs'::regclass"

NOW=$(date +%s)
WEEK=$((NOW - 7 * 86400))
MONTH=$((NOW - 30 * 86400))
COLS="id, user_id, created_at, type, content, username, token_name, model_name, quota, prompt_tokens, completion_tokens, channel_id, request_id, elapsed_time, is_stream"
declare -A Q
# GET /api/log/ (admin), newest first, 10 per page: the query shapes the management API uses.
Q[all_page1]="SELECT $COLS FROM logs ORDER BY created_at DESC, id DESC LIMIT 10"
Q[all_page50]="SELECT $COLS FROM logs ORDER BY created_at DESC, id DESC LIMIT 10 OFFSET 500"
Q[type_consume]="SELECT $COLS FROM logs WHERE type = 2 ORDER BY created_at DESC, id DESC LIMIT 10"
Q[by_username]="SELECT $COLS FROM logs WHERE username = 'user4242' ORDER BY created_at DESC, id DESC LIMIT 10"
Q[by_user_id_week]="SELECT $COLS FROM logs WHERE user_id = 4242 AND created_at BETWEEN $WEEK AND $NOW ORDER BY created_at DESC, id DESC LIMIT 10"
Q[by_token_name]="SELECT $COLS FROM logs WHERE user_id = 4242 AND token_name = 'token1' ORDER BY created_at DESC, id DESC LIMIT 10"
Q[by_model_month]="SELECT $COLS FROM logs WHERE model_name = 'model-17' AND created_at >= $MONTH ORDER BY created_at DESC, id DESC LIMIT 10"
Q[by_channel]="SELECT $COLS FROM logs WHERE channel_id = 7 ORDER BY created_at DESC, id DESC LIMIT 10"
Q[time_range_day]="SELECT $COLS FROM logs WHERE created_at BETWEEN $((NOW - 86400 * 45)) AND $((NOW - 86400 * 44)) ORDER BY created_at DESC, id DESC LIMIT 10"
Q[stat_user_week]="SELECT coalesce(sum(quota), 0) FROM logs WHERE type = 2 AND user_id = 4242 AND created_at BETWEEN $WEEK AND $NOW"
Q[self_user_model]="SELECT $COLS FROM logs WHERE user_id = 4242 AND model_name = 'model-42' ORDER BY created_at DESC, id DESC LIMIT 10"

printf "%-18s %10s   %s\n" query median_ms "plan (first line)"
for name in all_page1 all_page50 type_consume by_username by_user_id_week by_token_name by_model_month by_channel time_range_day stat_user_week self_user_model; do
  times=()
  for i in $(seq 1 "$RUNS"); do
    t=$(psql_ -At -c "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${Q[$name]}" | python3 -c 'import json,sys;print(json.load(sys.stdin)[0]["Execution Time"])')
    times+=("$t")
  done
  median=$(printf "%s\n" "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  plan=$(psql_ -At -c "EXPLAIN ${Q[$name]}" | head -3 | tr -s ' ' | tr '\n' '|' | cut -c1-110)
  printf "%-18s %10.2f   %s\n" "$name" "$median" "$plan"
done
