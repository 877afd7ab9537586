/**
 * The page's one stylesheet, inlined in each page (no static files to serve or cache-bust).
 * System fonts, light and dark from `prefers-color-scheme`, a visible focus ring on everything
 * that takes focus, and tables that scroll sideways on narrow screens. Controls that need the
 * script (copy buttons) stay hidden until it marks the page (`html.js`).
 * @module
 */
export const STYLES = `
:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1f1e24; --muted: #626168; --line: #dcdcde; --soft: #f6f6f8;
  --accent: #1f75cb; --accent-fg: #ffffff; --focus: #428fdc;
  --danger: #c91c00; --danger-fg: #ffffff; --ok-bg: #ecf4ee; --ok-line: #91d4a8; --warn-bg: #fdf1dd; --warn-line: #e9be74;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
  font-size: 15px; line-height: 1.5;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #18171d; --fg: #ececef; --muted: #a4a3a8; --line: #3a383f; --soft: #232128;
    --accent: #63a6e9; --accent-fg: #18171d; --focus: #9dc7f1;
    --danger: #f57f6c; --danger-fg: #18171d; --ok-bg: #1d3326; --ok-line: #2f6b45; --warn-bg: #3b2c14; --warn-line: #8a6221;
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
.vh { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
button.danger { background: var(--danger); border-color: var(--danger); color: var(--danger-fg); }
button.secondary, a.button { background: var(--bg); color: var(--fg); border: 1px solid var(--line); }
a.button { display: inline-block; border-radius: 4px; padding: .35rem .6rem; text-decoration: none; }
button.small { padding: .15rem .5rem; font-size: .85rem; }
button:disabled { opacity: .6; cursor: progress; }
.copy { display: none; }
.js .copy { display: inline-block; padding: .05rem .45rem; font-size: .8rem; margin-left: .35rem; vertical-align: baseline;
  background: var(--soft); color: var(--fg); border: 1px solid var(--line); }
.js .copy.copied { border-color: var(--ok-line); background: var(--ok-bg); }
.title-row { display: flex; flex-wrap: wrap; justify-content: space-between; align-items: center; gap: .75rem; }
.title-row form { margin: 0; }
.flash { border: 1px solid var(--ok-line); background: var(--ok-bg); border-radius: 4px; padding: .5rem .75rem; margin: .75rem 0; }
.flash.warn { border-color: var(--warn-line); background: var(--warn-bg); }
.platforms { font-size: .85rem; color: var(--muted); }
details.cli { border: 1px solid var(--line); border-radius: 6px; padding: .5rem .9rem; margin: 1rem 0; background: var(--soft); }
details.cli summary { cursor: pointer; font-weight: 600; }
details.cli p { margin: .5rem 0; }
ul.commands { list-style: none; margin: 0; padding: 0; display: grid; gap: .35rem; }
.copyable code { background: var(--bg); border: 1px solid var(--line); border-radius: 4px; padding: .15rem .4rem; word-break: break-all; }
.toolbar { display: flex; gap: .5rem; justify-content: flex-end; margin: .5rem 0; }
th.select, td.select { width: 2.25rem; text-align: center; }
td.row-actions { text-align: right; white-space: nowrap; }
input[type=checkbox] { width: 1.05rem; height: 1.05rem; margin: 0; accent-color: var(--accent); }
ul.items { max-height: 16rem; overflow-y: auto; padding-left: 1.25rem; }
.actions { display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; }
dialog.confirm { background: var(--bg); color: var(--fg); border: 1px solid var(--line); border-radius: 8px; padding: 1.25rem 1.5rem;
  width: min(32rem, calc(100vw - 2rem)); box-shadow: 0 8px 30px rgba(0, 0, 0, .3); }
dialog.confirm::backdrop { background: rgba(0, 0, 0, .45); }
dialog.confirm h2 { margin-top: 0; font-size: 1.2rem; }
dialog.confirm .actions { justify-content: flex-end; }
section.confirm { max-width: 40rem; }
@media (max-width: 40rem) { main { padding: 1rem; } input[type=search] { min-width: 0; width: 100%; } }
`;
