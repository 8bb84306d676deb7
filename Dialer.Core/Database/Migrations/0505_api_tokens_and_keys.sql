-- Issue 15: personal API tokens for IT's scripts, and ASP.NET Data Protection keys shared by every API replica
-- (docs/accounts.md). A token's secret is stored only as its SHA-256: it is 256 random bits, so a slow hash adds nothing.
CREATE TABLE api_tokens (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id       bigint      NOT NULL REFERENCES user_accounts (id),
    name          text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    role          text        NOT NULL CHECK (role IN ('operator', 'supervisor', 'admin')),
    secret_sha256 bytea       NOT NULL UNIQUE CHECK (length(secret_sha256) = 32),
    created_by    text        NOT NULL,
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz NULL,
    revoked_at    timestamptz NULL,
    last_used_at  timestamptz NULL
);

CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- The key ring that protects sign-in cookies and antiforgery tokens: one XML element per key, as ASP.NET writes it.
CREATE TABLE data_protection_keys (
    id             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    friendly_name  text        NOT NULL UNIQUE,
    xml            text        NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now()
);

-- Role changes and deactivation end existing sessions: the cookie carries the stamp it was issued with.
ALTER TABLE user_accounts ADD COLUMN security_stamp uuid NOT NULL DEFAULT gen_random_uuid();
