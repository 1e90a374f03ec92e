import { httpLink, MAX_LINK_LENGTH } from './index';

describe('httpLink()', () => {
  it('keeps an absolute http or https URL, normalized', () => {
    expect(httpLink('https://t.me/c/1987654321/305/4711')).toBe('https://t.me/c/1987654321/305/4711');
    expect(httpLink('http://helpdesk.internal:8080/t/1?a=1&b=2#m')).toBe('http://helpdesk.internal:8080/t/1?a=1&b=2#m');
    expect(httpLink('HTTPS://Desk.Example.COM')).toBe('https://desk.example.com/');
    // Characters that would break out of an attribute or a Slack link come out percent-encoded.
    expect(httpLink('https://desk.example.com/a"b<c>')).toBe('https://desk.example.com/a%22b%3Cc%3E');
  });

  it.each([
    ['javascript:alert(1)'],
    ['JavaScript:alert(1)'],
    ['java\tscript:alert(1)'],
    ['data:text/html,<b>x</b>'],
    ['vbscript:msgbox(1)'],
    ['file:///etc/passwd'],
    ['tg://resolve?domain=acme'],
    ['mailto:ann@customer.example'],
    ['//evil.example/x'],
    ['/relative/path'],
    ['https://'],
    ['https://user:pw@desk.example.com/'],
    ['https://user@desk.example.com/'],
    [' https://desk.example.com/'],
    ['https://desk.example.com/\u0000'],
    ['https://desk.example.com/\u0085'],
    [''],
  ])('refuses %j', (value) => {
    expect(httpLink(value)).toBeUndefined();
  });

  it('refuses what is not a string, and a URL longer than the limit', () => {
    for (const value of [undefined, null, 42, { href: 'https://x.example' }, ['https://x.example']]) expect(httpLink(value)).toBeUndefined();
    const base = 'https://desk.example.com/';
    expect(httpLink(base + 'a'.repeat(MAX_LINK_LENGTH - base.length))).toHaveLength(MAX_LINK_LENGTH);
    expect(httpLink(base + 'a'.repeat(MAX_LINK_LENGTH - base.length + 1))).toBeUndefined();
    // Within the limit as written, over it once normalized (each é becomes %C3%A9): refused.
    expect(httpLink(`${base}${'é'.repeat(1000)}`)).toBeUndefined();
  });
});
