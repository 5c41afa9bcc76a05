import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeHtml, html, SafeHtml, seg, trusted } from './html.js';

describe('html tagged template', () => {
  it('escapes every interpolated value by default', () => {
    const name = `<script>alert("x")</script>' & \``;
    expect(html`<td title="${name}">${name}</td>`.value).toBe(
      '<td title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; &amp; &#96;">' +
        '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; &amp; &#96;</td>',
    );
  });

  it('keeps nested html fragments and arrays, drops null/undefined/false', () => {
    const rows = ['<a>', 'b'].map((x) => html`<li>${x}</li>`);
    expect(html`<ul>${rows}${null}${undefined}${false}${0}</ul>`.value).toBe(
      '<ul><li>&lt;a&gt;</li><li>b</li>0</ul>',
    );
    expect(html`${trusted('<br>')}`.value).toBe('<br>');
  });

  it('never lets a string produce markup characters (property)', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const out = html`<p>${s}</p>`.value.slice(3, -4);
        expect(out).not.toMatch(/[<>"'`]/);
        expect(out.replace(/&(amp|lt|gt|quot|#39|#96);/g, '')).not.toContain('&');
      }),
    );
  });

  it('decodes back to the original text', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const back = escapeHtml(s)
          .replace(/&lt;/g, '<')
          .replace(/&gt;/g, '>')
          .replace(/&quot;/g, '"')
          .replace(/&#39;/g, "'")
          .replace(/&#96;/g, '`')
          .replace(/&amp;/g, '&');
        expect(back).toBe(s);
      }),
    );
  });

  it('encodes ids used as path segments', () => {
    expect(seg('a/../b?c')).toBe('a%2F..%2Fb%3Fc');
    expect(new SafeHtml('x').toString()).toBe('x');
  });
});
