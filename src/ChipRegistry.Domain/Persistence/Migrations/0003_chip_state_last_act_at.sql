-- ChipState gained last_act_at: the business time of the chip's latest accepted act (every event but observations and
-- voids), which no later act may precede. Rows folded before it get it here from their own events, voided ones
-- excepted, as the JSON the event itself carries; a row without any such event gets null. Rows still without a state
-- (written before 0002) are folded by ChipStateUpgrade, which computes it like every other fold.
update {schema}.chip_state s
set state = s.state || jsonb_build_object('last_act_at', (
    select act.data -> 'occurred_at'
    from {schema}.events act
    where act.stream_key = s.chip_id
      and act.type not in ('chip_observed', 'chip_event_voided')
      and not exists (
          select 1 from {schema}.events voided
          where voided.stream_key = act.stream_key
            and voided.type = 'chip_event_voided'
            and voided.data ->> 'voided_event_id' = act.event_id::text)
    order by act.occurred_at desc, act.version desc
    limit 1))
where s.state is not null
  and not (s.state ? 'last_act_at');
