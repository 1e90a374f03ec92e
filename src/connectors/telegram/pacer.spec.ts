import { Pacer, splitText } from './pacer';

const DUTY = -1009000000001;
const OTHER_DUTY = -1009000000002;
const PRIVATE = 52340011;

function pacer(): Pacer {
  return new Pacer({ perChatInterval: 1000, perGroupPerMinute: 20 });
}

/** Strings with a lone half of a surrogate pair: a broken emoji. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('Pacer', () => {
  it('lets one message a second into a chat', () => {
    const p = pacer();
    expect(p.reserve(DUTY, 0)).toBe(0);
    expect(p.reserve(DUTY, 500)).toBe(500);
    expect(p.reserve(DUTY, 1000)).toBe(0);
    // The refused attempt at +500 was not counted: the next slot is 1 s after the send at +1000.
    expect(p.reserve(DUTY, 1500)).toBe(500);
    expect(p.reserve(DUTY, 2000)).toBe(0);
  });

  it('paces each chat on its own', () => {
    const p = pacer();
    expect(p.reserve(DUTY, 0)).toBe(0);
    expect(p.reserve(OTHER_DUTY, 0)).toBe(0);
    expect(p.reserve(PRIVATE, 10)).toBe(0);
  });

  it('holds the 21st message to a group within a minute until the first leaves the window', () => {
    const p = pacer();
    for (let i = 0; i < 20; i++) expect(p.reserve(DUTY, i * 1000)).toBe(0);
    expect(p.reserve(DUTY, 20_000)).toBe(40_000);
    expect(p.reserve(DUTY, 59_999)).toBe(1);
    expect(p.reserve(DUTY, 60_000)).toBe(0);
    // The window slides: the second send (at 1 s) leaves it at 61 s.
    expect(p.reserve(DUTY, 61_000)).toBe(0);
  });

  it('does not apply the per-minute group budget to private chats', () => {
    const p = pacer();
    for (let i = 0; i < 30; i++) expect(p.reserve(PRIVATE, i * 1000)).toBe(0);
  });

  it('holds a chat blocked by a retry_after until the given time, and never shortens an existing wait', () => {
    const p = pacer();
    p.block(DUTY, 30_000);
    expect(p.reserve(DUTY, 10_000)).toBe(20_000);
    expect(p.reserve(OTHER_DUTY, 10_000)).toBe(0);
    expect(p.reserve(DUTY, 30_000)).toBe(0);

    expect(p.reserve(PRIVATE, 0)).toBe(0);
    p.block(PRIVATE, 500);
    expect(p.reserve(PRIVATE, 600)).toBe(400);
  });

  it('caps sends at about 30 a second across all chats', () => {
    const p = pacer();
    for (let i = 0; i < 30; i++) expect(p.reserve(-1009000000100 - i, 0)).toBe(0);
    expect(p.reserve(-1009000000200, 0)).toBe(1000);
    expect(p.reserve(PRIVATE, 400)).toBe(600);
    expect(p.reserve(PRIVATE, 999)).toBe(1);
    expect(p.reserve(PRIVATE, 1000)).toBe(0);
    expect(p.reserve(-1009000000200, 1000)).toBe(0);
  });
});

describe('splitText', () => {
  it('keeps text up to the limit in one part', () => {
    expect(splitText('Breach: Acme Support')).toEqual(['Breach: Acme Support']);
    const exact = 'y'.repeat(4096);
    expect(splitText(exact)).toEqual([exact]);
  });

  it('splits long text at spaces, every part within the limit, words intact', () => {
    const words = Array.from({ length: 2000 }, (_, i) => `word${i}`);
    const text = words.join(' ');
    const parts = splitText(text, 4096);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(4096);
      expect(part).toBe(part.trim());
    }
    // Cut only between words: rejoining with the dropped space gives the text back.
    expect(parts.join(' ')).toBe(text);
  });

  it('splits long text at line breaks', () => {
    const lines = Array.from({ length: 400 }, (_, i) => `alert-${String(i).padStart(4, '0')}:ok`);
    const text = lines.join('\n');
    const parts = splitText(text, 1000);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(1000);
      for (const line of part.split('\n')) expect(lines).toContain(line);
    }
    expect(parts.join('\n')).toBe(text);
  });

  it('cuts hard at the limit when there is no space to cut at', () => {
    const parts = splitText('a'.repeat(10_000), 4096);
    expect(parts.map((p) => p.length)).toEqual([4096, 4096, 1808]);
  });

  it('cuts hard at the limit rather than leave a part under half the limit', () => {
    const parts = splitText(`see: ${'x'.repeat(200)}`, 100);
    expect(parts[0]).toHaveLength(100);
    expect(parts.join('')).toBe(`see: ${'x'.repeat(200)}`);
  });

  it('never splits an emoji that straddles the limit', () => {
    const text = `${'x'.repeat(4095)}😀tail`;
    expect(text.charCodeAt(4095)).toBeGreaterThanOrEqual(0xd800); // the emoji's first half sits at the last allowed index
    const parts = splitText(text);
    expect(parts).toEqual(['x'.repeat(4095), '😀tail']);
  });

  it('keeps every part well-formed for a run of emoji and an odd limit', () => {
    const text = '🔥'.repeat(40);
    const parts = splitText(text, 7);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(7);
      expect(part).not.toMatch(LONE_SURROGATE);
    }
    expect(parts.join('')).toBe(text);
  });

  it('preserves all non-whitespace content of mixed text', () => {
    const text = Array.from({ length: 300 }, (_, i) => (i % 7 === 0 ? `\n🔥 item ${i}: Acme Support — breached` : ` item ${i} waiting`)).join('');
    const parts = splitText(text, 500);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(500);
      expect(part).not.toMatch(LONE_SURROGATE);
    }
    expect(parts.join('').replace(/\s/g, '')).toBe(text.replace(/\s/g, ''));
  });
});
