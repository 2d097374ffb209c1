-- Management sessions (signed cookies) issued before this instant (Unix milliseconds) are refused: set on logout,
-- password change and deletion, so a copied cookie dies with them on every node.
ALTER TABLE users ADD COLUMN sessions_valid_after bigint NOT NULL DEFAULT 0;
