// One flag: its sentence, its facts, the evidence events with their chips, and the review actions.
import { ApiError, get, post, seg } from '../api.js';
import { el, facts, instant, link, section, table } from '../dom.js';
import { chipHref } from '../route.js';
import { reviewText, subjectLink } from './flags.js';

const actions = [['acknowledge', 'Acknowledge'], ['escalate', 'Escalate'], ['dismiss', 'Dismiss']];

function reviewForm(flagId, onReviewed) {
  const reason = el('textarea', { id: 'review-reason', name: 'reason', rows: 3, required: true, maxlength: 2000 });
  const outcome = el('p', { id: 'review-outcome', role: 'status' });
  return el('form', {
    class: 'review',
    onsubmit: async (event) => {
      event.preventDefault();
      const action = new FormData(event.target).get('action');
      if (!reason.value.trim()) { outcome.textContent = 'Give a reason for the review.'; return; }
      try {
        const flag = await post(`/flags/${seg(flagId)}/reviews`, { action, reason: reason.value });
        outcome.textContent = `Recorded: the flag is now ${reviewText(flag)}.`;
        onReviewed(flag);
      } catch (failure) {
        outcome.textContent = failure instanceof ApiError ? `Not recorded: ${failure.message}` : 'Not recorded: the registry could not be reached.';
      }
    },
  },
  el('fieldset', {}, el('legend', {}, 'Action'),
    actions.map(([value, text], index) => el('label', { class: 'choice' },
      el('input', { type: 'radio', name: 'action', value, checked: index === 0 }), ' ', text))),
  el('label', { for: 'review-reason' }, 'Reason (recorded with the review)'),
  reason,
  el('button', { type: 'submit' }, 'Record review'),
  outcome);
}

export const flag = (flagId) => async () => {
  const { flag: answer, events } = await get(`/flags/${seg(flagId)}`);
  const reviewState = el('span', { id: 'review-state' }, reviewText(answer));
  const latest = answer.latestReview;
  return [
    el('h1', { tabindex: -1 }, `Flag ${answer.id}`),
    el('p', { class: 'sentence', id: 'flag-sentence' }, answer.explanation),
    facts([
      ['Rule', String(answer.rule)],
      ['Severity', answer.severity],
      ['Status', el('span', { id: 'flag-status' }, answer.status)],
      ['Review', reviewState],
      ['Latest review', latest ? `${latest.action} by ${latest.reviewedBy} on ${instant(latest.reviewedAt)}: ${latest.reason}` : null],
      ['Subject', subjectLink(answer.subject)],
      ['Country', answer.country],
      ['Opened', instant(answer.openedAt)],
      ['Closed', answer.closedAt ? instant(answer.closedAt) : null],
    ]),
    section('Chips', el('ul', { class: 'chips' }, answer.chips.map((chipId) => el('li', {}, link(chipHref(chipId), chipId))))),
    section('Evidence', table({
      id: 'evidence-table',
      caption: 'Evidence events',
      rows: events,
      columns: [
        { label: 'Seq', numeric: true, value: (e) => e.seqId, cell: (e) => String(e.seqId) },
        { label: 'Event', value: (e) => e.type, cell: (e) => e.type.replaceAll('_', ' ') },
        { label: 'Stream', value: (e) => e.stream, cell: (e) => (e.data?.chipId ? link(chipHref(e.data.chipId), e.stream) : e.stream) },
        { label: 'Occurred', value: (e) => e.occurredAt, cell: (e) => instant(e.occurredAt) },
        { label: 'Recorded', value: (e) => e.recordedAt, cell: (e) => instant(e.recordedAt) },
      ],
    })),
    section('Review', reviewForm(answer.id, (reviewed) => { reviewState.textContent = reviewText(reviewed); })),
  ];
};
