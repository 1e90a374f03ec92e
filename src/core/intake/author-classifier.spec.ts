import { AuthorClassifier } from './author-classifier';

describe('AuthorClassifier', () => {
  const classifier = new AuthorClassifier([
    { name: 'Alice', role: 'support', identities: [{ channel: 'telegram', id: '1001' }] },
    { name: 'Sales desk', role: 'sales', identities: [{ channel: 'email', email: 'sales@acme.io' }] },
    { name: 'Acme staff', role: 'support', identities: [{ channel: 'email', domain: 'acme.io' }] },
  ]);

  it('recognizes staff by their id on the same channel only', () => {
    expect(classifier.classify('telegram', { id: '1001' })).toMatchObject({ role: 'staff', source: 'registry', staff: { name: 'Alice' } });
    expect(classifier.classify('http', { id: '1001' })).toEqual({ role: 'customer', source: 'default' });
  });

  it('prefers an exact email address over a whole domain, case-insensitively', () => {
    expect(classifier.classify('email', { id: 'SALES@acme.io' }).staff?.name).toBe('Sales desk');
    expect(classifier.classify('email', { id: 'x', email: 'bob@Acme.io' }).staff?.name).toBe('Acme staff');
    expect(classifier.classify('email', { id: 'bob@acme.io.evil.com' }).role).toBe('customer');
  });

  it('trusts a role the sender states over the registry', () => {
    expect(classifier.classify('telegram', { id: '1001', role: 'customer' })).toEqual({ role: 'customer', source: 'sender' });
  });

  it('treats an anonymous group admin as staff and automated senders as bots', () => {
    expect(classifier.classify('telegram', { id: '-100', hints: { anonymousAdmin: true } })).toEqual({ role: 'staff', source: 'hint' });
    expect(classifier.classify('telegram', { id: '7', hints: { automated: true } })).toEqual({ role: 'bot', source: 'hint' });
  });

  it('lets the registry win over an automated hint, so a staff bot account still answers', () => {
    expect(classifier.classify('telegram', { id: '1001', hints: { automated: true } }).role).toBe('staff');
  });
});
