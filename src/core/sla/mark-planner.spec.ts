import { renderMarkMessage, renderMessage } from './mark-planner';

const values = { title: 'Acme', policy: 'standard', left: '15 min', overdue: '0 min' };

describe('renderMarkMessage', () => {
  it('fills {title}, {left}, {overdue}, {policy} and {link}', () => {
    expect(renderMarkMessage('⚡ {left} left — {title} ({policy}, {overdue}) {link}', { ...values, link: 'https://t.me/c/1987654321/4711' })).toBe(
      '⚡ 15 min left — Acme (standard, 0 min) https://t.me/c/1987654321/4711',
    );
  });

  it('fills {link} with nothing where no link is known, and drops the space it leaves at the end', () => {
    expect(renderMarkMessage('SLA MISS — {title} {link}', { ...values, link: null })).toBe('SLA MISS — Acme');
    expect(renderMarkMessage('SLA MISS — {title} {link}', values)).toBe('SLA MISS — Acme');
    expect(renderMarkMessage('Open {link} now — {title}', values)).toBe('Open  now — Acme');
  });

  it('never puts anything but an http(s) URL into the text', () => {
    expect(renderMarkMessage('SLA MISS — {title} {link}', { ...values, link: 'javascript:alert(1)' })).toBe('SLA MISS — Acme');
  });

  it('keeps a placeholder it does not know as written, and does not touch a message without {link}', () => {
    expect(renderMarkMessage('{title}: {unknown} ', values)).toBe('Acme: {unknown} ');
    expect(renderMessage('{a} {b}', { a: 'x' })).toBe('x {b}');
  });
});
