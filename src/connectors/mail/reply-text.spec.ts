import { newPartOf } from './reply-text';

describe('newPartOf', () => {
  it('drops Gmail-style history, also when "wrote:" wraps to the next line', () => {
    expect(newPartOf('Thanks!\n\nOn Mon, 30 Nov 2026 at 10:00, Support <support@example.com> wrote:\n> old', 100)).toBe('Thanks!');
    expect(newPartOf('Thanks!\nOn Mon, 30 Nov 2026 at 10:00, Support Team <support@example.com>\nwrote:\n> old', 100)).toBe('Thanks!');
  });

  it('drops Outlook history blocks and the signature', () => {
    expect(newPartOf('New question\n\n-----Original Message-----\nFrom: x', 100)).toBe('New question');
    expect(newPartOf('New question\nFrom: Support <s@example.com>\nSent: Monday\nSubject: Re', 100)).toBe('New question');
    expect(newPartOf('Please call me\n-- \nAnn Lee\nACME', 100)).toBe('Please call me');
  });

  it('drops Russian quote headers and > lines', () => {
    expect(newPartOf('Спасибо\n\n30.11.2026, 10:00, Поддержка пишет:\n> старое', 100)).toBe('Спасибо');
    expect(newPartOf('a\n> quoted\nb', 100)).toBe('a\nb');
  });

  it('keeps a mail that is only a quote, and caps long text', () => {
    expect(newPartOf('> only quoted', 100)).toBe('> only quoted');
    expect(newPartOf('x'.repeat(500), 100)).toHaveLength(100);
  });
});
