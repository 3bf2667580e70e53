-- API keys as the authentication path reads them: maintained inline from the api_key_* events,
-- so a revocation takes effect with the commit that records it.
create table {schema}.api_keys (
    key_id          text        primary key,
    organisation_id text        not null,
    role            text        not null,
    secret_hash     text        not null unique,
    label           text        not null,
    issued_by       text        not null,
    issued_at       timestamptz not null,
    revoked_at      timestamptz,
    revoked_by      text,
    revoke_reason   text
);

create index api_keys_organisation on {schema}.api_keys (organisation_id);
