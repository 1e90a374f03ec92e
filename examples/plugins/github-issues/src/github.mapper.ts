import { type InboundAuthor, type InboundMessage } from 'replywatch/sdk';
import { type WireComment, type WireIssue, type WireUser } from './github.wire';

/** Where a repository's issues live in Replywatch: one conversation per issue. */
export interface RepoRef {
  owner: string;
  repo: string;
}

/** `acme/widgets#42`: stable, readable, and what people type on GitHub. */
export function conversationId(ref: RepoRef, issueNumber: number): string {
  return `${ref.owner}/${ref.repo}#${issueNumber}`;
}

/** The Issues API lists pull requests too; they carry `pull_request`. */
export function isPullRequest(issue: WireIssue): boolean {
  return issue.pull_request !== undefined && issue.pull_request !== null;
}

/**
 * A comment on a pull request looks like an issue comment (its `issue_url` even says
 * `/issues/N`); its page address says `/pull/N`.
 */
export function isPullRequestComment(comment: WireComment): boolean {
  return /\/pull\/\d+#/.test(comment.html_url);
}

/** The issue number a comment belongs to, from `…/issues/{number}`. */
export function issueNumberOf(comment: WireComment): number | undefined {
  const match = /\/issues\/(\d+)$/.exec(comment.issue_url);
  return match ? Number(match[1]) : undefined;
}

/** The issue's opening post is the conversation's first message: its title and body. */
export function issueMessage(ref: RepoRef, issue: WireIssue): InboundMessage {
  const body = issue.body?.trim() ?? '';
  return {
    conversation: { id: conversationId(ref, issue.number), title: clean(issue.title) },
    id: `issue-${issue.number}`,
    // The title is part of what the customer wrote (and what policy keywords should see).
    text: clean(body ? `${issue.title}\n\n${body}` : issue.title),
    sentAt: new Date(issue.created_at),
    author: author(issue.user),
  };
}

export function commentMessage(ref: RepoRef, issueNumber: number, comment: WireComment): InboundMessage {
  return {
    conversation: { id: conversationId(ref, issueNumber) },
    id: `comment-${comment.id}`,
    text: clean(comment.body?.trim() ?? ''),
    sentAt: new Date(comment.created_at),
    author: author(comment.user),
  };
}

/**
 * Only what GitHub states for certain: a Bot account is a bot. Who is staff is the hub's call
 * (rules.yaml or the roster, by the numeric user id), so `author_association` is not turned
 * into a role: an outside collaborator or a member answering on their own behalf would be
 * misjudged, and the SDK's hints have no field for it.
 */
export function author(user: WireUser | null): InboundAuthor {
  // A deleted account: GitHub shows "ghost"; every such message shares one author.
  if (!user) return { id: 'ghost', name: 'ghost' };
  return { id: String(user.id), name: clean(user.login), ...(user.type === 'Bot' ? { role: 'bot' as const } : {}) };
}

/** The hub refuses NUL characters (PostgreSQL cannot store them); a refused message would stall the cursor. */
export function clean(text: string): string {
  return text.replaceAll('\u0000', '');
}
