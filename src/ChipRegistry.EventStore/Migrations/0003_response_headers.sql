-- A kept HTTP response is replayed byte for byte: its headers (Content-Type, ETag, Location) and its body as
-- bytes. response_body (text) stays for responses kept before this migration; a row has one or the other.
alter table {schema}.idempotency_keys
    add column response_headers jsonb,
    add column response_content bytea;

-- As in 0001, and an expired key's re-claim forgets the new columns too.
create or replace function {schema}.claim_idempotency_key(
    p_organisation text,
    p_key          text,
    p_request_hash bytea,
    out claim_status text,
    out claim_result jsonb)
language plpgsql as $$
declare
    v_hash bytea;
begin
    insert into {schema}.idempotency_keys as k (organisation, key, request_hash)
    values (p_organisation, p_key, p_request_hash)
    on conflict (organisation, key) do update
        set request_hash = excluded.request_hash, result = null, response_status = null,
            response_body = null, response_headers = null, response_content = null,
            created_at = now(), expires_at = now() + interval '30 days'
        where k.expires_at <= now();
    if found then
        claim_status := 'claimed';
        return;
    end if;
    select k.request_hash, k.result into v_hash, claim_result
    from {schema}.idempotency_keys k
    where k.organisation = p_organisation and k.key = p_key;
    if v_hash is distinct from p_request_hash then
        claim_status := 'mismatch';
        claim_result := null;
    elsif claim_result is null then
        claim_status := 'in_use';
    else
        claim_status := 'replayed';
    end if;
end
$$;
