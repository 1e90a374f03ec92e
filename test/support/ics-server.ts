import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';

/** A real HTTP server on loopback serving an iCalendar feed, with switchable faults. */
export class IcsServer {
  body = '';
  status = 200;
  requests = 0;
  private server: Server | undefined;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      this.requests++;
      res.writeHead(this.status, { 'content-type': 'text/calendar' });
      res.end(this.status === 200 ? this.body : 'Service Unavailable');
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/private/feed-secret-key.ics`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

export function icsWithHolidays(...dates: string[]): string {
  const events = dates.flatMap((date, i) => {
    const compact = date.replaceAll('-', '');
    return ['BEGIN:VEVENT', `UID:h${i}`, `DTSTART;VALUE=DATE:${compact}`, `SUMMARY:Holiday ${date}`, 'END:VEVENT'];
  });
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//replywatch test//EN', ...events, 'END:VCALENDAR'].join('\r\n');
}
