/**
 * `1:05:09`, `12:04`, `3 d 4 h`: how long, to the second under a day. The browser script
 * (assets/console.js) formats the same way as it ticks; the server's text is what a page
 * shows before the script runs.
 */
export function formatDuration(ms: number): string {
  const total = Math.floor(Math.abs(ms) / 1000);
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  if (days > 0) return `${days} d ${hours} h`;
  const mm = String(minutes).padStart(hours > 0 ? 2 : 1, '0');
  const ss = String(seconds).padStart(2, '0');
  return hours > 0 ? `${hours}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** Fills `{t}` of a client string (`in {t}`, `{t} overdue`). */
export function relative(template: string, ms: number): string {
  return template.replace('{t}', formatDuration(ms));
}

/** `2026-12-03 14:05:09 UTC`: an instant as operators compare it with logs (which are in UTC). */
export function formatInstant(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
