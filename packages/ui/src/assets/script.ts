/**
 * The page's script, as text served at `/-/assets/wharf-ui.js`: progressive enhancement only
 * (every page reads and every form posts without it). Plain ES2017 with no build step and no
 * dependencies, loaded with `defer` (the CSP allows scripts of the page's origin only, so no
 * inline handlers: everything is delegated from `document`). What it adds:
 *
 * - `html.js`, which un-hides the copy buttons (`.copy`), and a polite live region for news;
 * - copy buttons (`[data-copy]`): the clipboard API, else a selected textarea and
 *   `execCommand('copy')`; "Copied" is announced;
 * - confirmations: a form with `data-confirm` opens `#wharf-confirm` (`showModal`: focus moves
 *   in, Escape cancels, focus returns to the button that opened it) and, confirmed, posts the
 *   form with `confirm=yes` (and the clicked button's name and value); without the dialog the
 *   form posts as it is and the server answers with its confirmation page;
 * - "Select all tags on this page" (`[data-select-all]`) ticks the rows and follows them;
 * - live search: typing in a `form[data-live]` waits for a pause, fetches the same URL and swaps
 *   in the new `[data-results]` (or submits the form on a page without one).
 * @module
 */
export const UI_SCRIPT = `"use strict";
(function () {
  var root = document.documentElement;
  root.classList.add('js');

  var live = document.createElement('div');
  live.className = 'vh';
  live.setAttribute('role', 'status');
  live.setAttribute('aria-live', 'polite');
  document.body.appendChild(live);
  var liveTimer = 0;
  function announce(text) {
    // Emptied first, so the same words twice are read twice.
    live.textContent = '';
    clearTimeout(liveTimer);
    liveTimer = setTimeout(function () { live.textContent = text; }, 60);
  }

  function copyByCommand(text) {
    var area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.className = 'vh';
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
    document.body.removeChild(area);
    if (!ok) throw new Error('copy refused');
  }
  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { copyByCommand(text); });
    }
    return new Promise(function (resolve) { copyByCommand(text); resolve(); });
  }
  document.addEventListener('click', function (event) {
    var button = event.target instanceof Element ? event.target.closest('button[data-copy]') : null;
    if (!button) return;
    copy(button.getAttribute('data-copy') || '').then(function () {
      button.focus();
      button.classList.add('copied');
      button.textContent = 'Copied';
      announce('Copied');
      setTimeout(function () { button.classList.remove('copied'); button.textContent = 'Copy'; }, 2000);
    }, function () {
      button.focus();
      announce('Copying did not work here: select the text and copy it.');
    });
  });

  var dialog = document.getElementById('wharf-confirm');
  var pending = null;
  function fill(id, text) { var el = document.getElementById(id); if (el) el.textContent = text; }
  function openConfirm(form, submitter, spec) {
    var confirmation = spec;
    if (spec.one && spec.many) {
      var items = [];
      if (submitter && submitter.name === 'one') items = [submitter.value];
      else form.querySelectorAll('input[name="tag"]:checked').forEach(function (box) { items.push(box.value); });
      if (items.length === 0) { announce('Select at least one tag first.'); return; }
      confirmation = items.length === 1 ? spec.one : spec.many;
      confirmation.items = items;
    }
    form.querySelectorAll('input[data-added]').forEach(function (input) { input.remove(); });
    fill('wharf-confirm-title', confirmation.title);
    fill('wharf-confirm-intro', confirmation.intro);
    var list = document.getElementById('wharf-confirm-items');
    if (list) {
      list.textContent = '';
      (confirmation.items || []).forEach(function (item) {
        var li = document.createElement('li');
        var code = document.createElement('code');
        code.textContent = item;
        li.appendChild(code);
        list.appendChild(li);
      });
    }
    var ok = dialog.querySelector('[data-dialog-confirm]');
    ok.textContent = confirmation.button;
    ok.disabled = false;
    pending = { form: form, submitter: submitter, opener: submitter || document.activeElement, confirmed: false };
    dialog.showModal();
  }
  function addField(form, name, value) {
    var input = document.createElement('input');
    input.type = 'hidden';
    input.name = name;
    input.value = value;
    input.setAttribute('data-added', '');
    form.appendChild(input);
  }
  if (dialog && typeof dialog.showModal === 'function') {
    document.addEventListener('submit', function (event) {
      var form = event.target;
      if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-confirm')) return;
      var spec;
      try { spec = JSON.parse(form.getAttribute('data-confirm')); } catch (e) { return; }
      event.preventDefault();
      openConfirm(form, event.submitter || null, spec);
    });
    dialog.querySelector('[data-dialog-cancel]').addEventListener('click', function () { dialog.close(); });
    dialog.querySelector('[data-dialog-confirm]').addEventListener('click', function (event) {
      if (!pending) return;
      pending.confirmed = true;
      event.currentTarget.disabled = true;
      addField(pending.form, 'confirm', 'yes');
      if (pending.submitter && pending.submitter.name) addField(pending.form, pending.submitter.name, pending.submitter.value);
      pending.form.submit();
    });
    dialog.addEventListener('close', function () {
      if (pending && !pending.confirmed && pending.opener && pending.opener.focus) pending.opener.focus();
    });
  }

  function syncSelectAll(form, changed) {
    var all = form.querySelector('[data-select-all]');
    if (!all) return;
    var boxes = form.querySelectorAll('input[name="tag"]');
    if (changed === all) {
      boxes.forEach(function (box) { box.checked = all.checked; });
      return;
    }
    var ticked = 0;
    boxes.forEach(function (box) { if (box.checked) ticked++; });
    all.checked = boxes.length > 0 && ticked === boxes.length;
    all.indeterminate = ticked > 0 && ticked < boxes.length;
  }

  var searchTimer = 0;
  var searchSeq = 0;
  function submit(form) { if (form.requestSubmit) form.requestSubmit(); else form.submit(); }
  function refresh(form) {
    var results = document.querySelector('[data-results]');
    if (!results || !window.fetch || !window.DOMParser) { submit(form); return; }
    var url = form.action.split('?')[0] + '?' + new URLSearchParams(new FormData(form)).toString();
    var mine = ++searchSeq;
    fetch(url, { headers: { Accept: 'text/html' }, credentials: 'same-origin' }).then(function (response) {
      if (!response.ok) throw new Error('status ' + response.status);
      return response.text();
    }).then(function (html) {
      if (mine !== searchSeq) return;
      var next = new DOMParser().parseFromString(html, 'text/html').querySelector('[data-results]');
      if (!next) { location.assign(url); return; }
      results.innerHTML = next.innerHTML;
      history.replaceState(null, '', url);
      var status = results.querySelector('[role="status"]');
      var rows = results.querySelectorAll('tbody tr').length;
      announce(status ? status.textContent : rows === 1 ? '1 result' : rows + ' results');
    }).catch(function () { if (mine === searchSeq) submit(form); });
  }
  document.addEventListener('input', function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || input.type !== 'search' || !input.form || !input.form.hasAttribute('data-live')) return;
    clearTimeout(searchTimer);
    searchTimer = setTimeout(function () { refresh(input.form); }, 350);
  });
  document.addEventListener('change', function (event) {
    var target = event.target;
    if (target instanceof HTMLSelectElement && target.form && target.form.hasAttribute('data-live')) { refresh(target.form); return; }
    if (target instanceof HTMLInputElement && target.type === 'checkbox' && target.form) syncSelectAll(target.form, target);
  });
})();
`;
