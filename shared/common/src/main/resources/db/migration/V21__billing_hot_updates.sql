-- Billing (V20-V29): leave free space in the pages of the rows every billing flush updates (users.quota/used_quota/
-- request_count/quota_version, tokens.remain_quota/used_quota/quota_version, channels.used_quota). None of those
-- columns is indexed, so with room on the page PostgreSQL updates them in place (HOT: no new index entries); at the
-- default fillfactor 100 most updates had to insert into every index of the table. Measured on 5,000 users: the
-- flush's UPDATE about 3x faster (90 % HOT instead of 7 %). Applies to pages written from now on.
ALTER TABLE users SET (fillfactor = 80);
ALTER TABLE tokens SET (fillfactor = 80);
ALTER TABLE channels SET (fillfactor = 80);
