-- Operators' attestation keys and agencies' signing requirements as the request path reads them:
-- maintained inline from their events, so a retirement takes effect with the commit that records it.
create table {schema}.attestation_keys (
    organisation_id text        not null,
    key_id          text        not null,
    public_key_pem  text        not null,
    valid_from      timestamptz not null,
    valid_until     timestamptz,
    registered_by   text        not null,
    registered_at   timestamptz not null,
    primary key (organisation_id, key_id)
);

create table {schema}.signing_requirements (
    organisation_id text        primary key,
    required_from   timestamptz not null,
    required_by     text        not null
);

-- Nonces are protocol state, not registry facts (the attestation event records what came of one): issued
-- to one operator, single use, short-lived. consumed_by names the attestation event that used it, so a
-- command that is refused after claiming its nonce can give it back.
create table {schema}.attestation_nonces (
    nonce           text        primary key,
    organisation_id text        not null,
    issued_at       timestamptz not null,
    expires_at      timestamptz not null,
    consumed_at     timestamptz,
    consumed_by     uuid
);

create index attestation_nonces_expiry on {schema}.attestation_nonces (expires_at);
