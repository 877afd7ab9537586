/**
 * Styles of the group and project pages, their usage and settings: the kind badge, status
 * notices, and the settings forms (stacked fields, hints, errors beside their field). Uses
 * the main stylesheet's colour variables, so light and dark follow it; appended to it.
 * @module
 */
export const NAMESPACE_STYLES = `
.ns-kind { display: inline-block; vertical-align: middle; margin-left: .4rem; padding: .05rem .5rem;
  font-size: .75rem; font-weight: 600; color: var(--muted); border: 1px solid var(--line); border-radius: 999px; }
.ns-links { display: flex; flex-wrap: wrap; gap: .35rem; align-items: baseline; margin: .25rem 0 1rem; }
.notice { background: var(--soft); border: 1px solid var(--line); border-left: 4px solid var(--accent);
  border-radius: 4px; padding: .6rem .9rem; }
.usage-total { font-size: 1.05rem; }
.settings-section { border-top: 1px solid var(--line); margin-top: 1.5rem; padding-top: .5rem; }
.settings-section h2 { font-size: 1.2rem; }
.settings-section h3 { font-size: 1.05rem; margin-top: 1.5rem; }
.settings-form { display: grid; gap: 1rem; max-width: 36rem; margin: 1rem 0; }
.settings-form .field { display: flex; flex-direction: column; gap: .25rem; }
.settings-form .field label { font-weight: 600; }
.settings-form .field-check { flex-direction: row; align-items: center; gap: .5rem; }
.settings-form input[type=checkbox] { width: 1.1rem; height: 1.1rem; margin: 0; }
.settings-form input.pattern { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.hint { margin: 0; font-size: .85rem; color: var(--muted); }
.field-error { margin: 0; font-size: .9rem; color: #c91c00; font-weight: 600; }
.form-error { color: #c91c00; font-weight: 600; }
[aria-invalid=true] { border-color: #c91c00; border-width: 2px; }
@media (prefers-color-scheme: dark) {
  .field-error, .form-error { color: #fd8e7a; }
  [aria-invalid=true] { border-color: #fd8e7a; }
}
.actions { display: flex; flex-wrap: wrap; gap: .75rem; }
button.secondary { background: var(--bg); color: var(--accent); }
button.danger { background: #c91c00; border-color: #c91c00; color: #ffffff; }
@media (prefers-color-scheme: dark) { button.danger { background: #ec5941; border-color: #ec5941; color: #18171d; } }
.preview-tags { columns: 16rem auto; padding-left: 1.2rem; }
.run-errors { margin: .25rem 0 0; padding-left: 1.2rem; font-size: .85rem; color: var(--muted); }
`;
