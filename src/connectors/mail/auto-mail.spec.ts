import { automatedReason, type HeaderLine } from './auto-mail';

const line = (key: string, value: string): HeaderLine => ({ key, line: `${key}: ${value}` });

describe('automatedReason', () => {
  it.each([
    [[line('auto-submitted', 'auto-replied')], 'Auto-Submitted: auto-replied'],
    [[line('auto-submitted', 'auto-generated; type=vacation')], 'Auto-Submitted: auto-generated; type=vacation'],
    [[line('precedence', 'bulk')], 'Precedence: bulk'],
    [[line('x-autoreply', 'yes')], 'x-autoreply header'],
    [[line('x-autorespond', '1')], 'x-autorespond header'],
    [[line('list-id', '<news.example.com>')], 'list mail (List-Id)'],
    [[line('return-path', '<>')], 'a bounce (empty Return-Path)'],
  ])('recognizes %j', (lines, reason) => {
    expect(automatedReason(lines, 'ann@customer.example', 'hello', 'text/plain')).toBe(reason);
  });

  it('recognizes bounces and delivery reports by sender and type', () => {
    expect(automatedReason([], 'mailer-daemon@mx.example.com', 'Undelivered Mail', 'text/plain')).toBe('sent by mailer-daemon@mx.example.com');
    expect(automatedReason([], 'ann@customer.example', 'x', 'multipart/report; report-type=delivery-status')).toBe('a delivery report');
  });

  it('recognizes out-of-office subjects', () => {
    expect(automatedReason([], 'ann@customer.example', 'Automatic reply: Invoice', 'text/plain')).toBe('an out-of-office subject');
    expect(automatedReason([], 'ann@customer.example', 'Автоответ: счёт', 'text/plain')).toBe('an out-of-office subject');
  });

  it('lets a person’s mail through, including Auto-Submitted: no and no-reply contact forms', () => {
    expect(automatedReason([line('auto-submitted', 'no')], 'ann@customer.example', 'Out of office printer broken', 'text/plain')).toBeUndefined();
    expect(automatedReason([line('return-path', '<ann@customer.example>')], 'noreply@forms.example.com', 'Contact form', 'text/plain')).toBeUndefined();
  });
});
