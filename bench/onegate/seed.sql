-- Seeds a fresh OneGate database for the benchmark (run by bench/run.sh through psql after the first start).
-- psql variables: token_key (48 chars, without "sk-"), fast_url, slow_url (fake upstream base URLs, no /v1).
-- The token belongs to root (id 1, created on the first start), has a finite quota (so quota admission runs),
-- no expiry, no model or subnet restriction. Channel keys are stored as plaintext (OneGate reads a value without
-- the enc:v1: prefix as plaintext). Both models have One API default ratios, so no ModelRatio option is needed.
BEGIN;
INSERT INTO tokens (user_id, key, status, name, created_time, accessed_time, expired_time, remain_quota,
                    unlimited_quota, models, subnet)
VALUES (1, :'token_key', 1, 'bench', extract(epoch FROM now())::bigint, extract(epoch FROM now())::bigint, -1,
        1000000000000000, false, '', '');

INSERT INTO channels (id, type, key, status, name, weight, created_time, base_url, models, "group", priority)
VALUES (9001, 1, 'sk-fake-upstream-fast', 1, 'bench-fake-fast', 1, extract(epoch FROM now())::bigint,
        :'fast_url', 'gpt-3.5-turbo', 'default', 0),
       (9002, 1, 'sk-fake-upstream-slow', 1, 'bench-fake-slow', 1, extract(epoch FROM now())::bigint,
        :'slow_url', 'gpt-3.5-turbo-0125', 'default', 0);

INSERT INTO abilities ("group", model, channel_id, enabled, priority)
VALUES ('default', 'gpt-3.5-turbo', 9001, true, 0),
       ('default', 'gpt-3.5-turbo-0125', 9002, true, 0);
COMMIT;
