-- Billing ledger (billing helper, V20-V29): versioned quotas for live-balance reconciliation, a time-partitioned
-- dedup table, and the functions that keep monthly partitions of logs and usage_applied ahead and drop old ones.

-- Bumped by every change of users.quota / tokens.remain_quota made through OneGate's ledger code (billing worker
-- flushes, top-ups, redemptions, admin edits through QuotaCredits). Live balances accept an absolute settled value
-- only with a version >= the one they hold, so late or reordered updates never move a balance backwards.
ALTER TABLE users ADD COLUMN quota_version bigint NOT NULL DEFAULT 0;
ALTER TABLE tokens ADD COLUMN quota_version bigint NOT NULL DEFAULT 0;

-- The dedup key of a usage event is (request_id, occurred_at): a re-sent event is the same record with the same
-- time, so it lands in the same partition and conflicts. Partitions are dropped after USAGE_DEDUP_RETENTION_DAYS
-- (longer than the Kafka retention: an event older than that can no longer be redelivered).
DROP TABLE usage_applied;
CREATE TABLE usage_applied (
    request_id   varchar(64) NOT NULL,
    occurred_at  bigint      NOT NULL,
    PRIMARY KEY (request_id, occurred_at)
) PARTITION BY RANGE (occurred_at);
CREATE TABLE usage_applied_default PARTITION OF usage_applied DEFAULT;

-- Creates the monthly partitions (UTC months, bounds in Unix seconds) of a table partitioned by range on a
-- seconds column, from the month of from_epoch for months_ahead + 1 months. Rows already in the default
-- partition for a new month's range are moved into it, so creating a partition late never fails.
CREATE OR REPLACE FUNCTION onegate_ensure_monthly_partitions(parent text, part_column text, from_epoch bigint,
                                                             months_ahead int) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
  month_start timestamp := date_trunc('month', to_timestamp(from_epoch) AT TIME ZONE 'UTC');
  lo bigint;
  hi bigint;
  part text;
  created int := 0;
BEGIN
  FOR i IN 0..months_ahead LOOP
    lo := extract(epoch FROM (month_start + make_interval(months => i)) AT TIME ZONE 'UTC')::bigint;
    hi := extract(epoch FROM (month_start + make_interval(months => i + 1)) AT TIME ZONE 'UTC')::bigint;
    part := parent || '_' || to_char(month_start + make_interval(months => i), 'YYYYMM');
    IF to_regclass(part) IS NULL THEN
      EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS)', part, parent);
      EXECUTE format('WITH moved AS (DELETE FROM %I WHERE %I >= %s AND %I < %s RETURNING *) '
                     || 'INSERT INTO %I SELECT * FROM moved', parent || '_default', part_column, lo, part_column,
                     hi, part);
      EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%s) TO (%s)', parent, part, lo, hi);
      created := created + 1;
    END IF;
  END LOOP;
  RETURN created;
END $$;

-- Drops the monthly partitions of parent whose whole range ends at or before before_epoch. Returns how many.
CREATE OR REPLACE FUNCTION onegate_drop_monthly_partitions(parent text, before_epoch bigint) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
  r record;
  upper_bound bigint;
  dropped int := 0;
BEGIN
  FOR r IN
    SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) AS bound
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = parent::regclass
  LOOP
    IF r.bound = 'DEFAULT' THEN
      CONTINUE;
    END IF;
    upper_bound := substring(r.bound FROM 'TO \(''?(-?[0-9]+)''?\)')::bigint;
    IF upper_bound IS NOT NULL AND upper_bound <= before_epoch THEN
      EXECUTE format('DROP TABLE %I', r.relname);
      dropped := dropped + 1;
    END IF;
  END LOOP;
  RETURN dropped;
END $$;

SELECT onegate_ensure_monthly_partitions('logs', 'created_at', extract(epoch FROM now())::bigint, 2);
SELECT onegate_ensure_monthly_partitions('usage_applied', 'occurred_at', extract(epoch FROM now())::bigint, 2);

