/**
 * Lines that start the quoted history a mail client appends below a reply: Gmail and Apple
 * ("On … wrote:", also split over two lines), Outlook ("-----Original Message-----", or a
 * "From: … Sent: …" block), Thunderbird's forward marker, and their Russian forms.
 */
const HISTORY_START = [
  /^On .{1,200}wrote:\s*$/i,
  /^On .{1,200}$/i, // Gmail wraps long "On <date>, <name> <address>" lines; checked with the next line
  /^-{2,}\s*Original Message\s*-{2,}\s*$/i,
  /^-{2,}\s*Forwarded message\s*-{2,}\s*$/i,
  /^-{2,}\s*Исходное сообщение\s*-{2,}\s*$/i,
  /^\d{1,2}[./]\d{1,2}[./]\d{2,4}.{0,80}(пишет|написал|wrote):\s*$/i,
  /^.{0,120}(пишет|написал\(а\)|написал):\s*$/i,
] as const;
const OUTLOOK_HEADER = /^(From|От):\s/;
const OUTLOOK_NEXT = /^(Sent|Date|Отправлено|Дата):\s/;
/** RFC 3676's signature separator, and the dash line many people type by hand. */
const SIGNATURE = /^(-- ?|—|--)$/;

/**
 * The new part of a mail: the text above the quoted history and the signature, with `>`
 * lines dropped and blank runs squeezed, capped at `maxLength` characters. Falls back to the
 * whole text when stripping would leave nothing (a mail that is only a quote is still a mail).
 */
export function newPartOf(text: string, maxLength: number): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const trimmed = line.trim();
    if (SIGNATURE.test(line.trimEnd())) break;
    if (startsHistory(trimmed, (lines[i + 1] ?? '').trim())) break;
    if (trimmed.startsWith('>')) continue;
    kept.push(line.trimEnd());
  }
  const fresh = squeeze(kept.join('\n'));
  const chosen = fresh.length > 0 ? fresh : squeeze(text);
  return chosen.length > maxLength ? `${chosen.slice(0, maxLength - 1)}…` : chosen;
}

function startsHistory(line: string, next: string): boolean {
  if (OUTLOOK_HEADER.test(line) && OUTLOOK_NEXT.test(next)) return true;
  if (HISTORY_START[0].test(line)) return true;
  // "On Mon, 1 Dec 2026 at 10:00, Ann <ann@x.com>" + "wrote:" on the next line.
  if (HISTORY_START[1].test(line) && /^wrote:\s*$/i.test(next)) return true;
  return HISTORY_START.slice(2).some((pattern) => pattern.test(line));
}

function squeeze(text: string): string {
  return text
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
