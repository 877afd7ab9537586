/**
 * The page's one stylesheet, inlined in each page (no static files to serve or cache-bust).
 * System fonts, light and dark from `prefers-color-scheme`, a visible focus ring on everything
 * that takes focus, and tables that scroll sideways on narrow screens.
 * @module
 */
export const STYLES = `
:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1f1e24; --muted: #626168; --line: #dcdcde; --soft: #f6f6f8;
  --accent: #1f75cb; --accent-fg: #ffffff; --focus: #428fdc;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
  font-size: 15px; line-height: 1.5;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #18171d; --fg: #ececef; --muted: #a4a3a8; --line: #3a383f; --soft: #232128;
    --accent: #63a6e9; --accent-fg: #18171d; --focus: #9dc7f1;
  }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); }
a { color: var(--accent); }
.skip { position: absolute; left: -100vw; }
.skip:focus { left: 1rem; top: .5rem; z-index: 1; background: var(--bg); padding: .25rem .5rem; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; border-radius: 2px; }
header.top { display: flex; justify-content: space-between; align-items: center; gap: 1rem;
  padding: .75rem 1.5rem; border-bottom: 1px solid var(--line); background: var(--soft); }
header.top a { color: inherit; font-weight: 600; text-decoration: none; }
header.top .user { color: var(--muted); font-size: .9rem; }
main { max-width: 72rem; margin: 0 auto; padding: 1.5rem; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
.muted { color: var(--muted); }
nav.crumbs { font-size: .9rem; margin-bottom: .5rem; }
form.filters { display: flex; flex-wrap: wrap; gap: .75rem; align-items: end; margin: 1rem 0; }
form.filters label { display: flex; flex-direction: column; font-size: .85rem; color: var(--muted); gap: .2rem; }
input, select, button { font: inherit; color: var(--fg); background: var(--bg);
  border: 1px solid var(--line); border-radius: 4px; padding: .35rem .6rem; }
input[type=search] { min-width: 16rem; }
button { background: var(--accent); color: var(--accent-fg); border-color: var(--accent); cursor: pointer; }
.table-wrap { overflow-x: auto; }
table { width: 100%; border-collapse: collapse; }
caption { text-align: left; color: var(--muted); padding: .25rem 0; font-size: .9rem; }
th, td { text-align: left; padding: .55rem .75rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: .85rem; color: var(--muted); font-weight: 600; }
td.num, th.num { text-align: right; white-space: nowrap; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .85rem; }
pre { background: var(--soft); border: 1px solid var(--line); border-radius: 4px; padding: .75rem 1rem; overflow-x: auto; }
.path { color: var(--muted); word-break: break-all; }
nav.pages { display: flex; gap: 1rem; margin: 1rem 0; }
.empty { border: 1px dashed var(--line); border-radius: 6px; padding: 1.5rem; margin: 1rem 0; }
.empty h2 { margin-top: 0; font-size: 1.15rem; }
form.inline { display: inline; margin-left: .75rem; }
button.link { background: none; border: 0; padding: 0; color: var(--accent); text-decoration: underline; cursor: pointer; font: inherit; }
`;
