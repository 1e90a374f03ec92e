import { escapeHtml, html, raw } from './html';

describe('html', () => {
  it('escapes every interpolation by default, attributes included', () => {
    const title = `<img src=x onerror=alert(1)> "q" 'a' & \``;
    expect(html`<td title="${title}">${title}</td>`.value).toBe(
      '<td title="&lt;img src=x onerror=alert(1)&gt; &quot;q&quot; &#39;a&#39; &amp; &#96;">&lt;img src=x onerror=alert(1)&gt; &quot;q&quot; &#39;a&#39; &amp; &#96;</td>',
    );
  });

  it('inserts nested templates and raw() markup as they are, and escapes arrays item by item', () => {
    const items = ['<b>', html`<i>${'<u>'}</i>`];
    expect(html`<p>${items}${raw('<br>')}</p>`.value).toBe('<p>&lt;b&gt;<i>&lt;u&gt;</i><br></p>');
  });

  it('renders nothing for null, undefined and false, and numbers as text', () => {
    expect(html`${null}${undefined}${false}${0}${true}`.value).toBe('0true');
  });

  it('escapeHtml leaves plain text alone', () => {
    expect(escapeHtml('Acme support 42')).toBe('Acme support 42');
  });
});
