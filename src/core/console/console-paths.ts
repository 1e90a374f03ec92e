/** The console's URLs under its configured prefix (`/` or `/replywatch`). */
export interface ConsolePaths {
  /** '' for `/`, else the prefix without a trailing slash: every URL is `${base}/…`. */
  base: string;
  home: string;
  cookiePath: string;
  signIn: string;
  signOut: string;
  events: string;
  rows: string;
  asset(file: string): string;
  command(inquiryId: string, command: string): string;
  inquiry(inquiryId: string): string;
  runbook: string;
  deliveries: string;
  replay: string;
  figures: string;
  figuresCsv: string;
}

export function consolePaths(prefix: string): ConsolePaths {
  const base = prefix === '/' ? '' : prefix.replace(/\/+$/, '');
  return {
    base,
    home: `${base}/`,
    cookiePath: base === '' ? '/' : base,
    signIn: `${base}/sign-in`,
    signOut: `${base}/sign-out`,
    events: `${base}/events`,
    rows: `${base}/queue/rows`,
    asset: (file) => `${base}/assets/${file}`,
    command: (inquiryId, command) => `${base}/inquiries/${encodeURIComponent(inquiryId)}/${command}`,
    inquiry: (inquiryId) => `${base}/inquiries/${encodeURIComponent(inquiryId)}`,
    runbook: `${base}/runbook`,
    deliveries: `${base}/deliveries`,
    replay: `${base}/deliveries/replay`,
    figures: `${base}/figures`,
    figuresCsv: `${base}/figures/csv`,
  };
}
