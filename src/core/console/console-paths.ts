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
  /** The parts of an inquiry's page that live updates fetch again. */
  inquiryLive(inquiryId: string): string;
  runbook: string;
  deliveries: string;
  replay: string;
  /** The part of the deliveries page that live updates fetch again. */
  deliveriesLive: string;
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
    inquiryLive: (inquiryId) => `${base}/inquiries/${encodeURIComponent(inquiryId)}/live`,
    runbook: `${base}/runbook`,
    deliveries: `${base}/deliveries`,
    replay: `${base}/deliveries/replay`,
    deliveriesLive: `${base}/deliveries/live`,
    figures: `${base}/figures`,
    figuresCsv: `${base}/figures/csv`,
  };
}
