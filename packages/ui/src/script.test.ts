import { describe, expect, it } from 'vitest';
import { everythingVisible } from '@wharf/core';
import { UI_SCRIPT } from './assets/script.js';
import { testbed } from './test-support.js';

describe('the page script', () => {
  it('should parse as a script', () => {
    expect(() => new Function(UI_SCRIPT)).not.toThrow();
    expect(UI_SCRIPT.startsWith('"use strict";')).toBe(true);
  });

  it('should be served from the page’s origin with a JavaScript content type, and loaded by every page', async () => {
    const t = testbed();
    const r = await t.host.request('/registry/-/assets/wharf-ui.js');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await r.text()).toBe(UI_SCRIPT);
    expect(await t.page('/registry/')).toContain('<script src="/registry/-/assets/wharf-ui.js" defer=""></script>');
  });

  it('should know every hook the repository page gives it (data attributes and dialog ids)', async () => {
    const t = testbed({ userExtra: { deletable: everythingVisible } });
    await t.push('team/app', 'v1');
    const html = await t.page('/registry/repositories/team/app');
    const hooks = new Set([...html.matchAll(/ (data-[a-z-]+)=/g)].map((m) => m[1] as string));
    const ids = new Set([...html.matchAll(/ id="(wharf-[a-z-]+)"/g)].map((m) => m[1] as string));
    expect([...hooks].sort()).toEqual([
      'data-confirm',
      'data-copy',
      'data-dialog-cancel',
      'data-dialog-confirm',
      'data-live',
      'data-results',
      'data-select-all',
    ]);
    expect([...ids].sort()).toEqual(['wharf-confirm', 'wharf-confirm-intro', 'wharf-confirm-items', 'wharf-confirm-title']);
    for (const hook of [...hooks, ...ids]) expect(UI_SCRIPT, hook).toContain(hook);
  });

  it('should mark the page for the script-only styles and use the clipboard with a fallback', () => {
    expect(UI_SCRIPT).toContain("root.classList.add('js')");
    expect(UI_SCRIPT).toContain('navigator.clipboard.writeText');
    expect(UI_SCRIPT).toContain("document.execCommand('copy')");
    expect(UI_SCRIPT).toContain("setAttribute('aria-live', 'polite')");
    expect(UI_SCRIPT).toContain("announce('Copied')");
  });
});
