import { createHash } from 'node:crypto';
import {
  ConnectorError,
  type ConnectorContext,
  type Delivery,
  type DeliveryResult,
  type TicketCommentPayload,
  type TicketCreatePayload,
  type TicketRef,
  type TicketResolvePayload,
} from 'replywatch/sdk';
import { failureOf, jsonOf, notTracker } from './tracker-answer';
import { segment, type TrackerApi } from './tracker-http';
import { commentsAnswer, issueAnswer, issueOf, type TrackerComment, type TrackerIssue } from './tracker-issue';
import { type TrackerConfig, type TrackerTarget } from './tracker.config';

/** How long the issue a ticket.create made is remembered by its `unique`. */
const ISSUE_MEMORY_MS = 90 * 86_400_000;
/** Comments read per page, and the most pages read when looking for a delivery's marker. */
const COMMENTS_PER_PAGE = 100;
const MAX_COMMENT_PAGES = 50;
const SAFE_KEY = /^[A-Za-z0-9:._-]{1,200}$/;

/**
 * The three ticket events against Tracker's issues, each safe to try again:
 * - `ticket.create` sends `unique: ticket.ref`; Tracker answers a second create with 409
 *   (whether its body names the issue is not documented), so the issue is found again with
 *   `_search` by that `unique`, and also remembered (ctx.state) by it;
 * - comments have no idempotency in Tracker, so each carries a marker line with the delivery's
 *   idempotency key (an empty Markdown reference definition, which renders as nothing), and an
 *   attempt first looks for it: replays start again at attempt 1, so every attempt looks;
 * - `ticket.resolve` is done when the issue is already in a resolved status or the marker is
 *   there (a transition whose answer was lost); the comment rides on the transition itself.
 */
export class TrackerTickets {
  constructor(
    private readonly ctx: ConnectorContext<TrackerConfig>,
    private readonly api: TrackerApi,
  ) {}

  async create(delivery: Delivery<TicketCreatePayload>, target: TrackerTarget, signal: AbortSignal): Promise<DeliveryResult> {
    const { payload } = delivery;
    const unique = payload.ticket.ref;
    const remembered = await this.ctx.state.get<{ id: string; key: string }>(issueMemoryKey(unique));
    if (remembered) return this.created(remembered.value);
    const body = {
      ...payload.fields,
      queue: target.queue,
      summary: payload.summary.trim() === '' ? payload.text : payload.summary,
      description: payload.description,
      tags: payload.tags,
      ...(payload.priority === null ? {} : { priority: payload.priority }),
      ...(target.type === undefined ? {} : { type: target.type }),
      unique,
    };
    const what = `creating an issue in queue ${target.queue}`;
    const answer = await this.api.post('/v2/issues/', body, signal);
    let issue: TrackerIssue | undefined;
    if (answer.status === 409) issue = await this.findByUnique(unique, target.queue, signal);
    else if (answer.status >= 200 && answer.status < 300) issue = issueAnswer(answer) ?? this.fail(notTracker(answer, what, this.scrub));
    else this.fail(failureOf(answer, what, this.ctx.clock.now(), this.scrub));
    await this.ctx.state.set(issueMemoryKey(unique), { id: issue.id, key: issue.key }, { ttlMs: ISSUE_MEMORY_MS });
    return this.created(issue);
  }

  async comment(delivery: Delivery<TicketCommentPayload>, signal: AbortSignal): Promise<DeliveryResult> {
    const issue = issueRefOf(delivery.payload.ticket);
    const marker = markerOf(delivery.idempotencyKey);
    const earlier = await this.findMarked(issue, marker, signal);
    if (earlier) return { externalId: `${issue}:${earlier.id}` };
    const what = `commenting on issue ${issue}`;
    const answer = await this.api.post(`/v2/issues/${segment(issue)}/comments`, { text: withMarker(delivery.payload.text, marker) }, signal);
    if (answer.status < 200 || answer.status >= 300) this.fail(failureOf(answer, what, this.ctx.clock.now(), this.scrub));
    const posted = jsonOf(answer) as { id?: unknown } | undefined;
    if (typeof posted?.id !== 'number' && typeof posted?.id !== 'string') this.fail(notTracker(answer, what, this.scrub));
    return { externalId: `${issue}:${String(posted.id)}` };
  }

  async resolve(delivery: Delivery<TicketResolvePayload>, target: TrackerTarget, signal: AbortSignal): Promise<DeliveryResult> {
    const { payload } = delivery;
    const ref = issueRefOf(payload.ticket);
    const issue = await this.issue(ref, signal);
    if (issue.status !== null && this.ctx.config.resolvedStatuses.includes(issue.status)) return { externalId: issue.key };
    const marker = markerOf(delivery.idempotencyKey);
    if (await this.findMarked(issue.key, marker, signal)) return { externalId: issue.key };
    const text = withMarker(resolveText(payload), marker);
    if (target.resolveTransition === undefined) {
      const answer = await this.api.post(`/v2/issues/${segment(issue.key)}/comments`, { text }, signal);
      if (answer.status < 200 || answer.status >= 300) this.fail(failureOf(answer, `commenting on issue ${issue.key}`, this.ctx.clock.now(), this.scrub));
      return { externalId: issue.key };
    }
    const transition = target.resolveTransition;
    const what = `executing transition ${transition} on issue ${issue.key}`;
    const body = { comment: text, ...(target.resolution === undefined ? {} : { resolution: target.resolution }) };
    const answer = await this.api.post(`/v2/issues/${segment(issue.key)}/transitions/${segment(transition)}/_execute`, body, signal);
    if (answer.status === 404) this.fail(await this.transitionMissing(issue, transition, answer, signal));
    if (answer.status < 200 || answer.status >= 300) this.fail(failureOf(answer, what, this.ctx.clock.now(), this.scrub));
    if (jsonOf(answer) === undefined) this.fail(notTracker(answer, what, this.scrub));
    return { externalId: issue.key };
  }

  /** `GET /v2/issues/{key}`, or the failure as a ConnectorError. */
  async issue(ref: string, signal: AbortSignal): Promise<TrackerIssue> {
    const what = `reading issue ${ref}`;
    const answer = await this.api.get(`/v2/issues/${segment(ref)}`, signal);
    if (answer.status !== 200) this.fail(failureOf(answer, what, this.ctx.clock.now(), this.scrub));
    return issueAnswer(answer) ?? this.fail(notTracker(answer, what, this.scrub));
  }

  /** The issue's comments after the comment `after` (Tracker's `id` cursor), oldest first, page by page. */
  async *comments(ref: string, after: number | undefined, signal: AbortSignal): AsyncGenerator<TrackerComment[]> {
    let cursor = after;
    for (let page = 0; page < MAX_COMMENT_PAGES; page++) {
      const query = `perPage=${COMMENTS_PER_PAGE}${cursor === undefined ? '' : `&id=${cursor}`}`;
      const what = `reading the comments of issue ${ref}`;
      const answer = await this.api.get(`/v2/issues/${segment(ref)}/comments?${query}`, signal);
      if (answer.status !== 200) this.fail(failureOf(answer, what, this.ctx.clock.now(), this.scrub));
      const comments = commentsAnswer(answer) ?? this.fail(notTracker(answer, what, this.scrub));
      if (comments.length > 0) yield comments;
      const last = comments.at(-1);
      if (comments.length < COMMENTS_PER_PAGE || last === undefined) return;
      cursor = last.id;
    }
  }

  private async findMarked(issue: string, marker: string, signal: AbortSignal): Promise<TrackerComment | undefined> {
    for await (const page of this.comments(issue, undefined, signal)) {
      const found = page.find((c) => c.text.includes(marker));
      if (found) return found;
    }
    return undefined;
  }

  /** 409 on create: the issue with this `unique` exists (a retry after a lost answer); find it. */
  private async findByUnique(unique: string, queue: string, signal: AbortSignal): Promise<TrackerIssue> {
    const what = `finding the issue created earlier in queue ${queue}`;
    const answer = await this.api.post('/v2/issues/_search', { filter: { unique } }, signal);
    if (answer.status !== 200) this.fail(failureOf(answer, what, this.ctx.clock.now(), this.scrub));
    const found = jsonOf(answer);
    if (!Array.isArray(found)) this.fail(notTracker(answer, what, this.scrub));
    const issue = found.map(issueOf).find((i) => i !== undefined);
    if (issue) return issue;
    // Tracker's search can lag behind a create by a moment: the next attempt finds it.
    throw new ConnectorError('TEMPORARY', `Tracker answered 409 (an issue with this ticket's unique value exists) but its search does not find that issue in queue ${queue} yet`);
  }

  /** A transition Tracker does not offer from the issue's status: name the ones it does. */
  private async transitionMissing(issue: TrackerIssue, transition: string, answer: Parameters<typeof failureOf>[0], signal: AbortSignal): Promise<ConnectorError> {
    const offered = await this.api.get(`/v2/issues/${segment(issue.key)}/transitions`, signal).catch(() => undefined);
    const list = offered?.status === 200 ? jsonOf(offered) : undefined;
    const ids = Array.isArray(list) ? list.map((t: unknown) => (typeof t === 'object' && t !== null && 'id' in t ? String(t.id) : '')).filter((id) => id !== '') : [];
    const base = failureOf(answer, `executing transition ${transition} on issue ${issue.key}`, this.ctx.clock.now(), this.scrub);
    const hint = ids.length > 0 ? `; from status ${issue.status ?? '?'} it offers: ${ids.join(', ')}` : '';
    return new ConnectorError('NOT_FOUND', `${base.message}${hint}; check resolveTransition of the ticket target`);
  }

  private created(issue: { id: string; key: string }): DeliveryResult {
    const web = this.ctx.config.webUrl.replace(/\/+$/, '');
    return { ticket: { id: issue.id, key: issue.key, url: `${web}/${issue.key}` }, externalId: issue.key };
  }

  private readonly scrub = (text: string): string => this.api.scrub(text);

  private fail(error: ConnectorError): never {
    throw error;
  }
}

/** How a ticket payload names its issue in a URL: the key, else Tracker's id. */
function issueRefOf(ticket: TicketRef): string {
  const ref = ticket.key ?? ticket.id;
  if (ref === null || ref === '') throw new ConnectorError('INVALID_PAYLOAD', `ticket ${ticket.ref} has neither a Tracker key nor an id: it was never created in Tracker`);
  return ref;
}

function issueMemoryKey(unique: string): string {
  return `issue:${unique}`;
}

/** The marker a delivery leaves in what it posts: its idempotency key, or a hash of an unusual one. */
export function markerOf(idempotencyKey: string): string {
  const key = SAFE_KEY.test(idempotencyKey) ? idempotencyKey : `sha256-${digest(idempotencyKey)}`;
  return `replywatch-delivery:${key}`;
}

/** `text`, then the marker as a Markdown reference definition: Tracker shows nothing of it. */
export function withMarker(text: string, marker: string): string {
  return `${text}\n\n[//]: # (${marker})`;
}

function resolveText(payload: TicketResolvePayload): string {
  return payload.text.includes(payload.by) ? payload.text : `${payload.text}\nResolved in Replywatch by ${payload.by}.`;
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}
