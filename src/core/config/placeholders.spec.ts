import { parseDocument } from 'yaml';
import { protectPlaceholders, restoreDeep } from './placeholders';

describe('protectPlaceholders', () => {
  it('hides each placeholder behind a token of the same length, which YAML reads as a plain value', () => {
    const text = 'to: { chatId: ${DUTY_CHAT_ID}, list: ${X:-a, b}, y: ${Y} }\n';
    const hidden = protectPlaceholders(text);
    expect(hidden.text).toHaveLength(text.length);
    expect(hidden.text.indexOf(', y:')).toBe(text.indexOf(', y:'));
    const doc = parseDocument(hidden.text);
    expect(doc.errors).toEqual([]);
    expect(restoreDeep(doc.toJS(), hidden.restore)).toEqual({ to: { chatId: '${DUTY_CHAT_ID}', list: '${X:-a, b}', y: '${Y}' } });
  });

  it('restores placeholders in keys and inside longer strings', () => {
    const hidden = protectPlaceholders('"${K}": "a ${V} b"\n');
    expect(restoreDeep(parseDocument(hidden.text).toJS(), hidden.restore)).toEqual({ '${K}': 'a ${V} b' });
  });

  it('leaves text without placeholders, or already holding its token characters, as it is', () => {
    expect(protectPlaceholders('a: 1\n').text).toBe('a: 1\n');
    const odd = 'a: "\uE000 ${X}"\n';
    expect(protectPlaceholders(odd).text).toBe(odd);
  });
});
