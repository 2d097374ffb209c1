-- Issue 14: an admin's new balance is the balance. users.quota_generation and tokens.quota_generation count the
-- absolute quota sets (an admin's PUT /api/user/ with a new quota, a token's remain_quota or unlimited flag set with
-- PUT /api/token/). Requests carry the generation they were admitted under; the billing worker takes a charge off the
-- balance only when it is the row's current generation (docs/billing.md). Not indexed (keeps the flush's updates
-- HOT). Expand only: older nodes ignore the columns.
ALTER TABLE users ADD COLUMN quota_generation bigint NOT NULL DEFAULT 0;
ALTER TABLE tokens ADD COLUMN quota_generation bigint NOT NULL DEFAULT 0;
