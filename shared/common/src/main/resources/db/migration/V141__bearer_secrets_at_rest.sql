-- Relay keys and access tokens at rest (issue 14, TokenVault): a keyed digest (HMAC-SHA256 under a key derived
-- from CRYPTO_SECRET) to find the row by the presented secret, and the secret sealed (AES-256-GCM) for display to
-- its owner. Expand step only: the plaintext columns stay, since a node of the previous version still reads and
-- writes them during a rolling upgrade. OneGate gateways convert rows (SecretsAtRest: at start-up and every few
-- seconds) and then keep a placeholder ("-" + digest, never a presentable key) in tokens.key and NULL in
-- users.access_token. A later release drops both plaintext columns (contract).
ALTER TABLE tokens ADD COLUMN key_digest varchar(64);
ALTER TABLE tokens ADD COLUMN key_sealed text;
CREATE UNIQUE INDEX idx_tokens_key_digest ON tokens (key_digest);
CREATE INDEX idx_tokens_key_unconverted ON tokens (id) WHERE key_digest IS NULL;

ALTER TABLE users ADD COLUMN access_token_digest varchar(64);
ALTER TABLE users ADD COLUMN access_token_sealed text;
CREATE UNIQUE INDEX idx_users_access_token_digest ON users (access_token_digest);
CREATE INDEX idx_users_access_token_unconverted ON users (id) WHERE access_token IS NOT NULL;
