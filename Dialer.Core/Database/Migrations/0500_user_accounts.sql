-- Issue 15: local accounts for sign-in (docs/accounts.md). Passwords are stored only as ASP.NET Core PasswordHasher
-- hashes (PBKDF2 with HMAC-SHA512, a salt per password); repeated failures lock the account for a while.
CREATE TABLE user_accounts (
    id               bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username         text        NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9._@-]{2,63}$'),
    display_name     text        NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
    role             text        NOT NULL CHECK (role IN ('operator', 'supervisor', 'admin')),
    password_hash    text        NOT NULL,
    active           boolean     NOT NULL DEFAULT true,
    failed_sign_ins  integer     NOT NULL DEFAULT 0,
    locked_until     timestamptz NULL,
    created_at       timestamptz NOT NULL,
    password_set_at  timestamptz NOT NULL
);
