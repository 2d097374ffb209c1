-- Scheduled channel-test rounds claimed by a health worker. round_id = floor(epoch seconds / period_s): the primary
-- key makes a round run at most once in the cluster, even if two workers briefly both believe they lead.
CREATE TABLE health_test_rounds (
    round_id     bigint       NOT NULL,
    period_s     integer      NOT NULL,
    claimed_at   bigint       NOT NULL,
    claimed_by   varchar(128) NOT NULL,
    finished_at  bigint       NOT NULL DEFAULT 0,
    tested       integer      NOT NULL DEFAULT 0,
    failed       integer      NOT NULL DEFAULT 0,
    PRIMARY KEY (period_s, round_id)
);
