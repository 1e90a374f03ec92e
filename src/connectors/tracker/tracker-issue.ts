import { type HttpAnswer } from 'replywatch/sdk';
import { isObject, jsonOf } from './tracker-answer';

/** What the connector reads of a Tracker issue. */
export interface TrackerIssue {
  id: string;
  key: string;
  status: string | null;
  /** Who last changed the issue, or resolved it, as Tracker shows them. */
  resolvedBy: string | null;
}

/** What the connector reads of a Tracker comment. */
export interface TrackerComment {
  id: number;
  text: string;
  authorId: string | null;
  author: string | null;
  createdAt: string;
}

/** A Tracker user's ids as `GET /v2/myself` gives them: `createdBy.id` is one of these, as text. */
export interface TrackerUser {
  ids: string[];
  display: string;
}

export function issueOf(value: unknown): TrackerIssue | undefined {
  if (!isObject(value) || typeof value.key !== 'string' || value.key === '') return undefined;
  const id = typeof value.id === 'string' || typeof value.id === 'number' ? String(value.id) : value.key;
  const status = isObject(value.status) && typeof value.status.key === 'string' ? value.status.key : null;
  return { id, key: value.key, status, resolvedBy: displayOf(value.resolvedBy) ?? displayOf(value.updatedBy) };
}

export function issueAnswer(answer: HttpAnswer): TrackerIssue | undefined {
  return issueOf(jsonOf(answer));
}

export function commentsAnswer(answer: HttpAnswer): TrackerComment[] | undefined {
  const body = jsonOf(answer);
  if (!Array.isArray(body)) return undefined;
  const comments: TrackerComment[] = [];
  for (const item of body) {
    if (!isObject(item) || typeof item.id !== 'number') continue;
    comments.push({
      id: item.id,
      text: typeof item.text === 'string' ? item.text : '',
      authorId: isObject(item.createdBy) && (typeof item.createdBy.id === 'string' || typeof item.createdBy.id === 'number') ? String(item.createdBy.id) : null,
      author: displayOf(item.createdBy),
      createdAt: typeof item.createdAt === 'string' ? item.createdAt : '',
    });
  }
  return comments;
}

export function userAnswer(answer: HttpAnswer): TrackerUser | undefined {
  const body = jsonOf(answer);
  if (!isObject(body)) return undefined;
  const ids = ['uid', 'trackerUid', 'passportUid', 'cloudUid', 'id']
    .map((field) => body[field])
    .filter((v): v is string | number => (typeof v === 'string' && v !== '') || typeof v === 'number')
    .map(String);
  if (ids.length === 0) return undefined;
  const display = typeof body.display === 'string' ? body.display : typeof body.login === 'string' ? body.login : ids[0] ?? '';
  return { ids: [...new Set(ids)], display };
}

/**
 * Tracker's timestamps (`2026-12-02T14:00:00.000+0000`) as a Date; JavaScript reads
 * `+0000` only with a colon, so one is put in.
 */
export function trackerTime(text: string): Date | undefined {
  const date = new Date(text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function displayOf(user: unknown): string | null {
  if (!isObject(user)) return null;
  if (typeof user.display === 'string' && user.display !== '') return user.display;
  return typeof user.id === 'string' ? user.id : null;
}
