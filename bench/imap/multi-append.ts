import { connect, type Socket } from 'node:net';

const ANSWER_LIMIT_MS = 60_000;

/**
 * One plain-text IMAP connection that stores mail with MULTIAPPEND (RFC 3502) and LITERAL+
 * (RFC 7888): several messages in one APPEND, one round trip and one mailbox commit for all
 * of them. imapflow appends one message per command, and Dovecot takes each such APPEND as a
 * transaction of its own (mail file, uidlist lock, index, fsync): about 120 mails/s on the
 * benchmark machine, fewer with more connections — below the rates the benchmark offers.
 * Loopback and the harness Dovecot only (LOGIN in plain text).
 */
export class MultiAppendConnection {
  private buffer = '';
  private wake: (() => void) | undefined;
  private failure: Error | undefined;
  private sequence = 0;

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.buffer += chunk.toString('latin1');
      this.wake?.();
    });
    const fail = (error: Error) => {
      this.failure ??= error;
      this.wake?.();
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('the IMAP server closed the connection')));
  }

  static async open(host: string, port: number, user: string, password: string): Promise<MultiAppendConnection> {
    const socket = connect(port, host);
    const connection = new MultiAppendConnection(socket);
    try {
      await connection.line(/^\* OK[^\r]*\r\n/m);
      const answer = await connection.command(`LOGIN ${quoted(user)} ${quoted(password)}`);
      if (!/\bMULTIAPPEND\b/i.test(answer) || !/\bLITERAL\+/i.test(answer)) {
        const capabilities = await connection.command('CAPABILITY');
        if (!/\bMULTIAPPEND\b/i.test(capabilities) || !/\bLITERAL\+/i.test(capabilities)) throw new Error(`the server offers no MULTIAPPEND with LITERAL+: ${capabilities.trim()}`);
      }
    } catch (error) {
      socket.destroy();
      throw error;
    }
    return connection;
  }

  /** Stores `messages` in `mailbox` in one APPEND; the UIDs the server gave them, in order. */
  async append(mailbox: string, messages: readonly Buffer[]): Promise<number[]> {
    const tag = this.nextTag();
    const parts: Buffer[] = [Buffer.from(`${tag} APPEND ${quoted(mailbox)}`)];
    for (const message of messages) parts.push(Buffer.from(` {${message.length}+}\r\n`), message);
    parts.push(Buffer.from('\r\n'));
    this.socket.write(Buffer.concat(parts));
    const answer = await this.tagged(tag);
    const appendUid = /\[APPENDUID \d+ ([\d:,]+)\]/i.exec(answer);
    const uids = appendUid ? uidSet(appendUid[1] ?? '') : [];
    if (uids.length !== messages.length) throw new Error(`APPEND of ${messages.length} messages answered without their UIDs: ${answer.trim()}`);
    return uids;
  }

  async close(): Promise<void> {
    if (this.failure === undefined) await this.command('LOGOUT').catch(() => undefined);
    this.socket.destroy();
  }

  private command(text: string): Promise<string> {
    const tag = this.nextTag();
    this.socket.write(`${tag} ${text}\r\n`);
    return this.tagged(tag);
  }

  private nextTag(): string {
    return `b${++this.sequence}`;
  }

  /** Everything up to and including the tagged answer; refuses NO and BAD. */
  private async tagged(tag: string): Promise<string> {
    const answer = await this.line(new RegExp(`^${tag} (OK|NO|BAD)[^\\r]*\\r\\n`, 'm'));
    if (!new RegExp(`^${tag} OK`, 'm').test(answer)) throw new Error(`IMAP: ${answer.trim().split('\r\n').pop()}`);
    return answer;
  }

  private async line(pattern: RegExp): Promise<string> {
    const deadline = Date.now() + ANSWER_LIMIT_MS;
    for (;;) {
      const match = pattern.exec(this.buffer);
      if (match) {
        const end = match.index + match[0].length;
        const taken = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end);
        return taken;
      }
      if (this.failure) throw this.failure;
      if (Date.now() > deadline) throw new Error(`no IMAP answer within ${ANSWER_LIMIT_MS} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1000);
        this.wake = () => {
          clearTimeout(timer);
          this.wake = undefined;
          resolve();
        };
      });
    }
  }
}

function quoted(text: string): string {
  return `"${text.replace(/(["\\])/g, '\\$1')}"`;
}

/** `401:403,405` → [401, 402, 403, 405]. */
function uidSet(text: string): number[] {
  return text.split(',').flatMap((part) => {
    const [from, to] = part.split(':').map(Number);
    if (from === undefined || Number.isNaN(from)) return [];
    if (to === undefined) return [from];
    const [low, high] = from <= to ? [from, to] : [to, from];
    return Array.from({ length: high - low + 1 }, (_, i) => low + i);
  });
}
