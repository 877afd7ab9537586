import { describe, expect, it } from 'vitest';
import { renderSignInPage } from './index.js';

describe('the sign-in page', () => {
  it('should render a labelled form that posts the secret, the redirect and the credentials', async () => {
    const html = await renderSignInPage({ base: '', action: '/-/sign_in', csrf: 'secret-abc', redirect: '/repositories/team/app' });
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<title>Sign in · Container Registry</title>');
    expect(html).toMatch(/<form method="post" action="\/-\/sign_in">/);
    expect(html).toContain('<input type="hidden" name="_csrf" value="secret-abc"/>');
    expect(html).toContain('<input type="hidden" name="redirect" value="/repositories/team/app"/>');
    expect(html).toMatch(/<label for="sign-in-username">Username<\/label>\s*<input id="sign-in-username" name="username"/);
    expect(html).toMatch(
      /<label for="sign-in-password">Password or personal access token<\/label>\s*<input id="sign-in-password" name="password" type="password"/,
    );
    expect(html).toContain('<button type="submit">Sign in</button>');
    expect(html).not.toContain('role="alert"');
    // the page's own script only: the CSP forbids inline scripts
    expect(html).toContain('<script src="/-/assets/wharf-ui.js" defer="">');
    expect(html).not.toMatch(/<script>|onclick=/);
  });

  it('should show the problem, keep the username, and escape what it is given', async () => {
    const html = await renderSignInPage({
      base: '/registry',
      action: '/registry/-/sign_in',
      csrf: 'x',
      username: '<b>alice</b>',
      error: 'Incorrect username or password.',
    });
    expect(html).toContain('<p class="problem" id="sign-in-problem" role="alert">Incorrect username or password.</p>');
    expect(html).toContain('value="&lt;b&gt;alice&lt;/b&gt;"');
    expect(html).not.toContain('<b>alice</b>');
    expect(html).toContain('aria-describedby="sign-in-problem sign-in-hint"');
    expect(html).toContain('<a href="/registry">Browse the public repositories</a>');
    expect(html).not.toContain('name="redirect"');
  });
});
