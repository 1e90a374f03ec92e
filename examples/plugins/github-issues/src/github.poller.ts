import { ConnectorError, type ConnectorContext, type MessageSink } from 'replywatch/sdk';
import { type z } from 'zod';
import { GithubClient, type ListKind } from './github.client';
import { type GithubConfig } from './github.config';
import { advance, createdEarlier, initialCursor, isSeen, sameCursor, type Cursor, type ListCursor } from './github.cursor';
import { commentMessage, conversationId, isPullRequest, isPullRequestComment, issueMessage, issueNumberOf, type RepoRef } from './github.mapper';
import { commentSchema, issueSchema, type WireComment, type WireIssue } from './github.wire';

export const CURSOR_KEY = 'cursor';

export interface PassResult {
  /** Messages handed to accept() (duplicates included). */
  accepted: number;
  /** Lists GitHub answered 304 to. */
  unchanged: number;
}

/**
 * One pass over the repository: issues first (so a conversation has its title before its
 * comments), then comments. The cursor is written after each page, only once every accept()
 * of that page resolved, and with compareAndSet: a replica that lost the lease mid-pass stops
 * instead of overwriting the new holder's progress.
 */
export class IssuePoller {
  private readonly client: GithubClient;
  private readonly ref: RepoRef;

  constructor(private readonly ctx: ConnectorContext<GithubConfig>) {
    this.client = new GithubClient(ctx.config, ctx.clock);
    this.ref = { owner: ctx.config.owner, repo: ctx.config.repo };
  }

  async pass(sink: MessageSink, signal: AbortSignal): Promise<PassResult> {
    const stored = await this.ctx.state.get<Cursor>(CURSOR_KEY);
    let cursor = stored?.value;
    let version = stored?.version;
    if (!cursor) {
      // Fixed on the first start, so a retry or a restart does not move the window.
      cursor = initialCursor(this.ctx.clock.now(), this.ctx.config.lookBack);
      version = await this.write(cursor, undefined);
    }
    const run: Run = { cursor, version, result: { accepted: 0, unchanged: 0 }, pullRequests: new Set() };
    await this.readList(run, 'issues', issueSchema, signal, (issue, start) => this.onIssue(run, sink, issue, start));
    if (!signal.aborted) await this.readList(run, 'comments', commentSchema, signal, (comment, start) => this.onComment(run, sink, comment, start));
    return run.result;
  }

  private async onIssue(run: Run, sink: MessageSink, issue: WireIssue, start: ListCursor): Promise<void> {
    if (isPullRequest(issue)) {
      run.pullRequests.add(issue.number);
      return;
    }
    if (createdEarlier(start, issue.created_at, String(issue.id))) {
      // Listed again because it changed (a comment, a label, a new title): keep the title current.
      await sink.conversationTitle(conversationId(this.ref, issue.number), issue.title);
      return;
    }
    await this.hand(sink, issueMessage(this.ref, issue));
    run.result.accepted++;
  }

  private async onComment(run: Run, sink: MessageSink, comment: WireComment, start: ListCursor): Promise<void> {
    const issueNumber = issueNumberOf(comment);
    if (issueNumber === undefined || isPullRequestComment(comment) || run.pullRequests.has(issueNumber)) return;
    // An edited comment is listed again; its text was handed over when it was new.
    if (createdEarlier(start, comment.created_at, String(comment.id))) return;
    await this.hand(sink, commentMessage(this.ref, issueNumber, comment));
    run.result.accepted++;
  }

  /**
   * A message the hub refuses for good (INVALID_PAYLOAD) is logged and passed over, so one bad
   * comment cannot stall the cursor; anything else fails the pass and the page comes again.
   */
  private async hand(sink: MessageSink, message: Parameters<MessageSink['accept']>[0]): Promise<void> {
    try {
      await sink.accept(message);
    } catch (error) {
      if (!ConnectorError.is(error) || error.code !== 'INVALID_PAYLOAD') throw error;
      this.ctx.logger.warn(`skipped ${message.conversation.id} message ${message.id}: ${error.message}`);
    }
  }

  private async readList<T extends { id: number; updated_at: string }>(
    run: Run,
    kind: ListKind,
    schema: z.ZodType<T>,
    signal: AbortSignal,
    handle: (item: T, start: ListCursor) => Promise<void>,
  ): Promise<void> {
    const start = run.cursor[kind];
    const firstUrl = this.client.firstPageUrl(kind, start.since);
    const etag = start.etag?.url === firstUrl ? start.etag.value : undefined;
    let page = await this.client.list(firstUrl, schema, { signal, ...(etag ? { etag } : {}) });
    if (page.notModified) {
      run.result.unchanged++;
      return;
    }
    const firstEtag = page.etag;
    const firstPageFull = page.items.length >= this.ctx.config.pageSize;
    let pages = 1;
    for (;;) {
      let list = run.cursor[kind];
      try {
        for (const item of page.items) {
          if (signal.aborted) break;
          const id = String(item.id);
          if (isSeen(list, item.updated_at, id)) continue;
          await handle(item, start);
          list = advance(list, item.updated_at, id);
        }
      } finally {
        // Also after a failed accept(): what was accepted before it stays done.
        await this.save(run, kind, list);
      }
      if (signal.aborted || page.next === undefined) break;
      page = await this.client.list(page.next, schema, { signal });
      pages++;
      if (page.notModified) break;
    }
    // An ETag speaks for its page only. It is kept when that page was the whole list with room to
    // spare (so anything new would change it rather than start a second page) and the URL stays
    // the same for the next pass (the cursor did not move to another second).
    const now = run.cursor[kind];
    if (pages === 1 && !firstPageFull && firstEtag && !signal.aborted && now.since === start.since) await this.save(run, kind, { ...now, etag: { url: firstUrl, value: firstEtag } });
  }

  private async save(run: Run, kind: ListKind, list: ListCursor): Promise<void> {
    const current = run.cursor[kind];
    // A moved cursor means another first-page URL, so an older validator no longer applies.
    const next = list.since === current.since ? list : { since: list.since, seen: list.seen };
    if (sameCursor(next, current)) return;
    const cursor = { ...run.cursor, [kind]: next };
    run.version = await this.write(cursor, run.version);
    run.cursor = cursor;
  }

  private async write(cursor: Cursor, expected: number | undefined): Promise<number> {
    const version = await this.ctx.state.compareAndSet(CURSOR_KEY, expected, cursor);
    if (version === false) throw new ConnectorError('TEMPORARY', 'the cursor was moved by another replica; this pass stops');
    return version;
  }
}

interface Run {
  cursor: Cursor;
  version: number | undefined;
  result: PassResult;
  /** Pull requests seen in this pass: their comments are skipped too. */
  pullRequests: Set<number>;
}
