'use strict';
// The faas dashboard: one page, routes in the URL's fragment, every figure read from the API of the server that
// served it. The API key lives in sessionStorage only and travels only as an Authorization header to this origin
// (never in a cookie or a URL). Text from the server (names, results, logs, problems) is only ever put in the page
// as text (textContent, text nodes), never parsed as HTML. The server enforces every role: hiding what a role may not
// do only spares the user a refusal.
(function () {
  const KEY = 'faas.apiKey';
  const PAGE_SIZE = 20;
  const NAME_PAGES_MAX = 20;
  const STATS_EVERY_MS = 2000;
  const main = document.getElementById('main');
  const state = { session: null, openapi: null, route: null, timers: [], names: null, query: '', page: 0 };

  // ---- small helpers -------------------------------------------------------------------------------------------

  /** An element with attributes (on* are listeners) and children (strings become text nodes). */
  function el(tag, attributes, ...children) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === null || value === undefined || value === false) {
        continue;
      }
      if (name.startsWith('on')) {
        element.addEventListener(name.slice(2), value);
      } else if (name === 'text') {
        element.textContent = String(value);
      } else if (value === true) {
        element.setAttribute(name, '');
      } else {
        element.setAttribute(name, String(value));
      }
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) {
        continue;
      }
      element.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return element;
  }

  function clear(node) {
    while (node.firstChild) {
      node.removeChild(node.firstChild);
    }
    return node;
  }

  function isAdmin() {
    return state.session !== null && state.session.role === 'admin';
  }

  function number(value, digits) {
    if (value === null || value === undefined || Number.isNaN(value)) {
      return '–';
    }
    return Number(value).toLocaleString('en-US', { maximumFractionDigits: digits === undefined ? 0 : digits });
  }

  function ms(value) {
    return value ? number(value, value < 10 ? 2 : 1) + ' ms' : '–';
  }

  function encode(segment) {
    return encodeURIComponent(segment);
  }

  let idCounter = 0;
  function uid(prefix) {
    idCounter += 1;
    return prefix + '-' + idCounter;
  }

  // ---- the API ---------------------------------------------------------------------------------------------------

  /** Calls the API with the stored key; answers {status, ok, json, text, headers}, never throws for an HTTP status. */
  async function api(method, path, options) {
    const opts = options || {};
    const headers = Object.assign({}, opts.headers || {});
    const key = sessionStorage.getItem(KEY);
    if (key) {
      headers.Authorization = 'Bearer ' + key;
    }
    let body;
    if (opts.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    }
    let response;
    try {
      response = await fetch(path, { method: method, headers: headers, body: body, credentials: 'omit', cache: 'no-store', redirect: 'error' });
    } catch (e) {
      return { status: 0, ok: false, json: null, text: '', headers: new Headers(), networkError: String(e) };
    }
    const text = await response.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch (e) {
      json = null;
    }
    if (response.status === 401 && path !== '/session' && sessionStorage.getItem(KEY)) {
      // The key was revoked meanwhile: back to the sign-in form.
      sessionStorage.removeItem(KEY);
      state.session = null;
      setTimeout(start, 0);
    }
    return { status: response.status, ok: response.ok, json: json, text: text, headers: response.headers };
  }

  /** A problem document (or any failed answer) as a panel the user can read: title, detail, line, error, logs. */
  function problemPanel(answer, heading) {
    const panel = el('div', { class: 'panel error', role: 'alert' });
    const problem = answer.json && typeof answer.json === 'object' ? answer.json : null;
    panel.append(el('strong', {}, heading || 'The server refused'));
    if (answer.status === 0) {
      panel.append(el('p', {}, 'The server did not answer: ' + (answer.networkError || 'network error')));
      return panel;
    }
    const title = problem && problem.title ? problem.title : 'HTTP ' + answer.status;
    panel.append(el('p', { class: 'problem-title' }, title + ' (' + answer.status + ')'));
    if (problem && problem.detail) {
      panel.append(el('p', { class: 'problem-detail' }, problem.detail));
    }
    if (problem && problem.field) {
      panel.append(el('p', {}, 'Field: ', el('code', {}, problem.field)));
    }
    const error = problem && problem.error && typeof problem.error === 'object' ? problem.error : null;
    if (error) {
      if (error.line) {
        panel.append(el('p', { class: 'problem-line' }, 'Line ' + error.line));
      }
      if (error.type || error.message) {
        panel.append(el('p', { class: 'problem-error' }, [error.type, error.message].filter(Boolean).join(': ')));
      }
      if (error.traceback) {
        panel.append(el('pre', { class: 'problem-traceback' }, error.traceback));
      }
    }
    if (problem && typeof problem.logs === 'string' && problem.logs) {
      panel.append(el('p', {}, 'Logs'), el('pre', { class: 'problem-logs' }, problem.logs));
    }
    if (problem && problem.type) {
      panel.append(el('p', { class: 'hint' }, problem.type + (problem.requestId ? ' · request ' + problem.requestId : '')));
    } else if (!problem && answer.text) {
      panel.append(el('pre', {}, answer.text.slice(0, 2000)));
    }
    return panel;
  }

  /** The served OpenAPI document (once), to show only the fields and features this server has. */
  async function openapi() {
    if (state.openapi === null) {
      const answer = await api('GET', '/openapi.json');
      state.openapi = answer.ok && answer.json ? answer.json : {};
    }
    return state.openapi;
  }

  async function registerProperties() {
    const document = await openapi();
    const schema = document.components && document.components.schemas && document.components.schemas.RegisterRequest;
    return schema && schema.properties ? schema.properties : {};
  }

  async function hasPath(path) {
    const document = await openapi();
    return Boolean(document.paths && document.paths[path]);
  }

  // ---- start, sign-in, navigation ------------------------------------------------------------------------------

  async function start() {
    const answer = await api('GET', '/session');
    if (answer.status === 200 && answer.json) {
      state.session = answer.json;
      showSession();
      route();
      return;
    }
    state.session = null;
    showSession();
    if (answer.status === 401) {
      signInPage(sessionStorage.getItem(KEY) ? 'That API key was refused.' : null);
      return;
    }
    show('Dashboard unavailable', problemPanel(answer, 'The server refused the dashboard'));
  }

  function showSession() {
    const who = document.getElementById('who');
    const signOut = document.getElementById('signout');
    const signedIn = state.session !== null;
    who.textContent = !signedIn ? '' : state.session.keyRequired ? 'Signed in · role ' + state.session.role
      : 'No API key needed (loopback server)';
    signOut.hidden = !signedIn || !state.session.keyRequired;
    document.querySelectorAll('[data-role="admin"]').forEach(function (element) {
      element.hidden = !isAdmin();
    });
    document.querySelectorAll('nav a[data-nav]').forEach(function (element) {
      element.style.display = signedIn ? '' : 'none';
    });
  }

  function signInPage(message) {
    stopTimers();
    const input = el('input', { type: 'password', id: 'api-key', name: 'api-key', autocomplete: 'off', required: true,
      'aria-describedby': 'api-key-hint', spellcheck: 'false' });
    const feedback = el('div', { id: 'signin-feedback', role: 'alert' }, message ? el('p', { class: 'panel error' }, message) : null);
    const form = el('form', { id: 'signin', onsubmit: async function (event) {
      event.preventDefault();
      const key = input.value.trim();
      if (!key) {
        input.setAttribute('aria-invalid', 'true');
        clear(feedback).append(el('p', { class: 'panel error' }, 'Enter an API key.'));
        return;
      }
      sessionStorage.setItem(KEY, key);
      const answer = await api('GET', '/session');
      if (answer.status === 200 && answer.json) {
        state.session = answer.json;
        input.value = '';
        showSession();
        if (!location.hash || location.hash === '#/signin') {
          location.hash = '#/functions';
        }
        route();
      } else {
        sessionStorage.removeItem(KEY);
        input.setAttribute('aria-invalid', 'true');
        clear(feedback).append(answer.status === 401 ? el('p', { class: 'panel error' }, 'That API key was refused.')
          : problemPanel(answer));
      }
    } },
    el('label', { for: 'api-key' }, 'API key'),
    input,
    el('p', { class: 'hint', id: 'api-key-hint' }, 'Kept in this tab only (sessionStorage) and sent as a bearer token; closing the tab forgets it.'),
    el('p', {}, el('button', { type: 'submit', id: 'signin-submit' }, 'Sign in')),
    feedback);
    show('Sign in', form);
    input.focus();
  }

  document.getElementById('signout').addEventListener('click', function () {
    sessionStorage.removeItem(KEY);
    state.session = null;
    state.names = null;
    showSession();
    signInPage('Signed out.');
  });

  /** Replaces the main area with a heading and content, and says so to screen readers. */
  function show(title, ...content) {
    clear(main);
    main.append(el('h1', { id: 'page-title' }, title), ...content);
    document.title = title + ' · faas';
  }

  function stopTimers() {
    state.timers.forEach(function (timer) { clearInterval(timer); });
    state.timers = [];
  }

  function route() {
    stopTimers();
    if (state.session === null) {
      signInPage(null);
      return;
    }
    const hash = location.hash.replace(/^#\/?/, '');
    const parts = hash.split('/').filter(Boolean).map(decodeURIComponent);
    const page = parts[0] || 'functions';
    document.querySelectorAll('nav a[data-nav]').forEach(function (link) {
      if (link.dataset.nav === page) {
        link.setAttribute('aria-current', 'page');
      } else {
        link.removeAttribute('aria-current');
      }
    });
    if (page === 'functions' && parts.length >= 2) {
      functionPage(parts[1], parts[2] ? Number(parts[2]) : null);
    } else if (page === 'register') {
      registerPage();
    } else if (page === 'invoke' && parts.length >= 3) {
      invokePage(parts[1], Number(parts[2]));
    } else if (page === 'node') {
      nodePage();
    } else {
      functionsPage();
    }
    main.focus({ preventScroll: true });
  }

  window.addEventListener('hashchange', route);

  // ---- functions list --------------------------------------------------------------------------------------------

  /** Every name, a page of 1000 at a time, at most NAME_PAGES_MAX pages. */
  async function loadNames() {
    const names = [];
    let after = null;
    for (let page = 0; page < NAME_PAGES_MAX; page++) {
      const answer = await api('GET', '/functions?limit=1000' + (after ? '&after=' + encode(after) : ''));
      if (!answer.ok) {
        return { error: answer };
      }
      names.push(...answer.json.functions);
      after = answer.json.next;
      if (!after) {
        return { names: names, complete: true };
      }
    }
    return { names: names, complete: false };
  }

  async function stats() {
    const answer = await api('GET', '/stats');
    return answer.ok ? answer.json : null;
  }

  /** The stats of every version, summed by name; p50/p99 are the latest version's. */
  function byName(node, latest) {
    const sums = {};
    (node ? node.functions : []).forEach(function (f) {
      const sum = sums[f.name] || (sums[f.name] = { warm: 0, busy: 0, calls: 0, errors: 0, p50Ms: 0, p99Ms: 0 });
      sum.warm += f.warm;
      sum.busy += f.busy;
      sum.calls += f.calls;
      sum.errors += f.errors;
      if (latest[f.name] === f.version) {
        sum.p50Ms = f.p50Ms;
        sum.p99Ms = f.p99Ms;
      }
    });
    return sums;
  }

  async function functionsPage() {
    const search = el('input', { type: 'search', id: 'search', value: state.query, 'aria-controls': 'functions-table',
      placeholder: 'part of a name' });
    const summary = el('p', { id: 'functions-summary', role: 'status' }, 'Loading…');
    const tableArea = el('div', { class: 'table-wrap' });
    const pager = el('div', { class: 'pager' });
    show('Functions',
      el('div', { class: 'row' }, el('div', {}, el('label', { for: 'search' }, 'Search names'), search)),
      summary, tableArea, pager);
    const [loaded, node] = await Promise.all([loadNames(), stats()]);
    if (loaded.error) {
      clear(summary);
      tableArea.append(problemPanel(loaded.error, 'Could not list functions'));
      return;
    }
    state.names = loaded.names;
    const latest = {};
    loaded.names.forEach(function (f) { latest[f.name] = f.latestVersion; });
    const figures = byName(node, latest);
    const runtimes = {};

    function render() {
      const query = state.query.toLowerCase();
      const matching = loaded.names.filter(function (f) { return f.name.toLowerCase().includes(query); });
      const pages = Math.max(1, Math.ceil(matching.length / PAGE_SIZE));
      state.page = Math.min(state.page, pages - 1);
      const visible = matching.slice(state.page * PAGE_SIZE, (state.page + 1) * PAGE_SIZE);
      summary.textContent = matching.length + ' of ' + loaded.names.length + ' function' + (loaded.names.length === 1 ? '' : 's')
        + (loaded.complete ? '' : ' (only the first ' + loaded.names.length + ' names were loaded)')
        + (node ? '' : '; statistics unavailable');
      const body = el('tbody');
      visible.forEach(function (f) {
        const stat = figures[f.name] || { warm: 0, busy: 0, calls: 0, errors: 0, p50Ms: 0, p99Ms: 0 };
        const runtimeCell = el('td', { 'data-runtime': f.name }, runtimes[f.name] || '…');
        body.append(el('tr', { 'data-function': f.name },
          el('td', {}, el('a', { href: '#/functions/' + encode(f.name) }, f.name)),
          el('td', { class: 'num' }, f.latestVersion),
          runtimeCell,
          el('td', { class: 'num' }, stat.warm),
          el('td', { class: 'num' }, stat.busy),
          el('td', { class: 'num' }, number(stat.calls)),
          el('td', { class: 'num' }, number(stat.errors)),
          el('td', { class: 'num hide-narrow' }, ms(stat.p50Ms)),
          el('td', { class: 'num hide-narrow' }, ms(stat.p99Ms))));
        if (!runtimes[f.name]) {
          api('GET', '/functions/' + encode(f.name) + '/versions/' + f.latestVersion).then(function (answer) {
            runtimes[f.name] = answer.ok && answer.json ? (answer.json.runtime || 'python3') : '?';
            runtimeCell.textContent = runtimes[f.name];
          });
        }
      });
      if (visible.length === 0) {
        body.append(el('tr', {}, el('td', { colspan: 9 }, loaded.names.length === 0
          ? 'No function yet.' : 'No name contains “' + state.query + '”.')));
      }
      const minutes = node ? Math.round(node.windowSeconds / 60) : 5;
      clear(tableArea).append(el('table', { id: 'functions-table' },
        el('caption', {}, 'Instances are this node’s now; calls and errors count every version on this node over the last '
          + minutes + ' minutes; p50 and p99 are the latest version’s.'),
        el('thead', {}, el('tr', {},
          el('th', { scope: 'col' }, 'Name'), el('th', { scope: 'col', class: 'num' }, 'Latest'),
          el('th', { scope: 'col' }, 'Runtime'), el('th', { scope: 'col', class: 'num' }, 'Warm'),
          el('th', { scope: 'col', class: 'num' }, 'Busy'), el('th', { scope: 'col', class: 'num' }, 'Calls'),
          el('th', { scope: 'col', class: 'num' }, 'Errors'), el('th', { scope: 'col', class: 'num hide-narrow' }, 'p50'),
          el('th', { scope: 'col', class: 'num hide-narrow' }, 'p99'))),
        body));
      clear(pager);
      if (pages > 1) {
        pager.append(
          el('button', { type: 'button', class: 'secondary', id: 'previous-page', disabled: state.page === 0,
            onclick: function () { state.page -= 1; render(); } }, 'Previous'),
          el('span', { role: 'status' }, 'Page ' + (state.page + 1) + ' of ' + pages),
          el('button', { type: 'button', class: 'secondary', id: 'next-page', disabled: state.page >= pages - 1,
            onclick: function () { state.page += 1; render(); } }, 'Next'));
      }
    }

    search.addEventListener('input', function () {
      state.query = search.value;
      state.page = 0;
      render();
    });
    render();
  }

  // ---- one function --------------------------------------------------------------------------------------------

  function describeValue(value) {
    if (value === null || value === undefined) {
      return '–';
    }
    if (typeof value === 'object') {
      if (Array.isArray(value)) {
        return value.length ? value.join(', ') : '(none)';
      }
      const entries = Object.entries(value);
      return entries.length ? entries.map(function (e) { return e[0] + ': ' + (typeof e[1] === 'object' ? JSON.stringify(e[1]) : e[1]); }).join(', ') : '(none)';
    }
    return String(value);
  }

  const METADATA_LABELS = { id: 'Id', handler: 'Handler', runtime: 'Runtime', network: 'Network', env: 'Environment',
    secrets: 'Secrets', createdAt: 'Created', codeSha256: 'Code SHA-256', limits: 'Limits' };

  /** Every member of a version's metadata but the code: fields this dashboard does not know yet show as they are. */
  function metadataList(version) {
    const list = el('dl', { class: 'meta', id: 'version-metadata' });
    Object.keys(version).filter(function (k) { return k !== 'code' && k !== 'name' && k !== 'version'; }).forEach(function (k) {
      let value = version[k];
      if (k === 'limits' && value) {
        value = 'timeout ' + number(value.timeoutMs) + ' ms, memory ' + number(value.memoryMb) + ' MB, at most '
          + number(value.maxInstances) + ' instances' + describeExtra(value, ['timeoutMs', 'memoryMb', 'maxInstances']);
      } else if (k === 'env' && value && !Array.isArray(value) && typeof value === 'object') {
        value = Object.keys(value).length ? Object.keys(value).join(', ') + ' (values hidden)' : '(none)';
      }
      list.append(el('dt', {}, METADATA_LABELS[k] || k), el('dd', { 'data-field': k }, describeValue(value)));
    });
    return list;
  }

  function describeExtra(object, known) {
    const extra = Object.keys(object).filter(function (k) { return !known.includes(k); });
    return extra.length ? ', ' + extra.map(function (k) { return k + ' ' + describeValue(object[k]); }).join(', ') : '';
  }

  function modeOf(runtime) {
    return runtime && runtime.startsWith('node') ? 'javascript' : 'python';
  }

  function codeViewer(code, runtime) {
    const holder = el('div', { class: 'editor readonly', id: 'code-view' });
    if (window.CodeMirror) {
      const editor = window.CodeMirror(holder, { value: code, mode: modeOf(runtime), readOnly: true, lineNumbers: true,
        viewportMargin: Infinity, screenReaderLabel: 'Code (read only)' });
      setTimeout(function () { editor.refresh(); }, 0);
    } else {
      holder.append(el('pre', {}, code));
    }
    return holder;
  }

  /** A delete button that asks first, in the page (keyboard reachable, no browser dialog). */
  function deleteControl(label, question, onConfirm, id) {
    const area = el('div', { class: 'actions' });
    const button = el('button', { type: 'button', class: 'danger', id: id, onclick: function () {
      const yes = el('button', { type: 'button', class: 'danger', id: id + '-confirm', onclick: async function () {
        yes.disabled = true;
        await onConfirm(area);
      } }, 'Yes, delete');
      const no = el('button', { type: 'button', class: 'secondary', onclick: function () {
        clear(area).append(button);
        button.focus();
      } }, 'Cancel');
      clear(area).append(el('div', { class: 'panel confirm', role: 'alertdialog', 'aria-label': question },
        el('p', {}, question), el('div', { class: 'actions' }, yes, no)));
      yes.focus();
    } }, label);
    area.append(button);
    return area;
  }

  async function functionPage(name, wanted) {
    show('Function ' + name, el('p', {}, 'Loading…'));
    const [answer, node] = await Promise.all([api('GET', '/functions/' + encode(name)), stats()]);
    if (!answer.ok) {
      show('Function ' + name, problemPanel(answer, 'Could not read ' + name), el('p', {}, el('a', { href: '#/functions' }, 'All functions')));
      return;
    }
    const versions = answer.json.versions;
    const latest = versions[versions.length - 1];
    const selected = versions.find(function (v) { return v.version === wanted; }) || latest;
    const perVersion = {};
    (node ? node.functions : []).forEach(function (f) { perVersion[f.id] = f; });
    const rows = el('tbody');
    versions.slice().reverse().forEach(function (v) {
      const s = perVersion[v.id] || { warm: 0, busy: 0, calls: 0, errors: 0, p50Ms: 0, p99Ms: 0 };
      rows.append(el('tr', { 'data-version': v.id, 'aria-current': v.id === selected.id ? 'true' : null },
        el('td', {}, el('a', { href: '#/functions/' + encode(name) + '/' + v.version }, v.id)),
        el('td', { class: 'hide-narrow' }, v.createdAt),
        el('td', {}, v.runtime || 'python3'),
        el('td', { class: 'num' }, s.warm), el('td', { class: 'num' }, s.busy),
        el('td', { class: 'num' }, number(s.calls)), el('td', { class: 'num' }, number(s.errors)),
        el('td', { class: 'num hide-narrow' }, ms(s.p50Ms)), el('td', { class: 'num hide-narrow' }, ms(s.p99Ms)),
        el('td', {}, el('a', { href: '#/invoke/' + encode(name) + '/' + v.version, class: 'invoke-link' }, 'Invoke'))));
    });
    const content = [
      el('p', {}, el('a', { href: '#/functions' }, '← All functions')),
      el('h2', {}, 'Versions'),
      el('div', { class: 'table-wrap' }, el('table', { id: 'versions-table' },
        el('caption', {}, 'Instances are this node’s now; calls over the last ' + (node ? Math.round(node.windowSeconds / 60) : 5) + ' minutes.'),
        el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Version'), el('th', { scope: 'col', class: 'hide-narrow' }, 'Created'),
          el('th', { scope: 'col' }, 'Runtime'), el('th', { scope: 'col', class: 'num' }, 'Warm'),
          el('th', { scope: 'col', class: 'num' }, 'Busy'), el('th', { scope: 'col', class: 'num' }, 'Calls'),
          el('th', { scope: 'col', class: 'num' }, 'Errors'), el('th', { scope: 'col', class: 'num hide-narrow' }, 'p50'),
          el('th', { scope: 'col', class: 'num hide-narrow' }, 'p99'), el('th', { scope: 'col' }, el('span', { class: 'visually-hidden' }, 'Actions')))),
        rows)),
      el('h2', {}, 'Version ' + selected.id),
      el('p', {}, el('a', { class: 'button', href: '#/invoke/' + encode(name) + '/' + selected.version, id: 'invoke-selected' }, 'Invoke ' + selected.id))
    ];
    const detail = await api('GET', '/functions/' + encode(name) + '/versions/' + selected.version);
    const version = detail.ok ? detail.json : selected;
    content.push(metadataList(version));
    content.push(el('h2', {}, 'Code'));
    if (typeof version.code === 'string') {
      content.push(codeViewer(version.code, version.runtime));
    } else {
      content.push(el('p', { class: 'hint', id: 'code-hidden' }, 'The code is shown to admin keys only.'));
    }
    if (isAdmin()) {
      const feedback = el('div', { role: 'status' });
      content.push(el('h2', {}, 'Delete'),
        deleteControl('Delete version ' + selected.id, 'Delete ' + selected.id + '? Its instances stop and calls to it fail; the number is never reused.',
          async function (area) {
            const result = await api('DELETE', '/functions/' + encode(name) + '/versions/' + selected.version);
            if (result.ok) {
              state.names = null;
              location.hash = versions.length > 1 ? '#/functions/' + encode(name) : '#/functions';
            } else {
              clear(area).append(problemPanel(result, 'Could not delete ' + selected.id));
            }
          }, 'delete-version'),
        deleteControl('Delete every version of ' + name, 'Delete all ' + versions.length + ' version(s) of ' + name + '?',
          async function (area) {
            const result = await api('DELETE', '/functions/' + encode(name));
            if (result.ok) {
              state.names = null;
              location.hash = '#/functions';
            } else {
              clear(area).append(problemPanel(result, 'Could not delete ' + name));
            }
          }, 'delete-all'),
        feedback);
    }
    show('Function ' + name, ...content);
  }

  // ---- register --------------------------------------------------------------------------------------------------

  const SAMPLE = 'def user_function(name="World"):\n    print("called with", name)\n    return f"Hello, {name}!"\n';

  function field(id, labelText, input, hint) {
    const hintId = hint ? id + '-hint' : null;
    if (hintId) {
      input.setAttribute('aria-describedby', hintId);
    }
    return el('div', {}, el('label', { for: id }, labelText), input, hint ? el('p', { class: 'hint', id: hintId }, hint) : null);
  }

  async function registerPage() {
    if (!isAdmin()) {
      show('Register a function', el('p', { class: 'panel', id: 'register-forbidden' },
        'Registering functions needs an admin key; this key has the invoke role.'));
      return;
    }
    const properties = await registerProperties();
    const name = el('input', { type: 'text', id: 'reg-name', required: true, autocomplete: 'off', spellcheck: 'false',
      pattern: '[A-Za-z][A-Za-z0-9_\\-]{0,63}' });
    const handler = el('input', { type: 'text', id: 'reg-handler', value: 'user_function', spellcheck: 'false' });
    const timeout = el('input', { type: 'number', id: 'reg-timeout', min: 1, inputmode: 'numeric' });
    const memory = el('input', { type: 'number', id: 'reg-memory', min: 1, inputmode: 'numeric' });
    const instances = el('input', { type: 'number', id: 'reg-instances', min: 1, inputmode: 'numeric' });
    const codeArea = el('textarea', { id: 'reg-code', rows: 14, spellcheck: 'false' }, SAMPLE);
    const result = el('div', { id: 'register-result', role: 'status', 'aria-live': 'polite' });
    const extras = [];
    const extraFields = {};
    if (properties.runtime) {
      let options = properties.runtime.enum || [];
      if (await hasPath('/runtimes')) {
        const answer = await api('GET', '/runtimes');
        if (answer.ok && answer.json) {
          const list = Array.isArray(answer.json) ? answer.json : (answer.json.runtimes || []);
          options = list.map(function (r) { return typeof r === 'string' ? r : r.name || r.id; }).filter(Boolean);
        }
      }
      const select = el('select', { id: 'reg-runtime' }, (options.length ? options : ['python3']).map(function (o) { return el('option', { value: o }, o); }));
      extraFields.runtime = function () { return select.value; };
      extras.push(field('reg-runtime', 'Runtime', select));
    }
    if (properties.network) {
      const options = properties.network.enum || ['none', 'egress'];
      const select = el('select', { id: 'reg-network' }, options.map(function (o) { return el('option', { value: o }, o); }));
      extraFields.network = function () { return select.value; };
      extras.push(field('reg-network', 'Network', select));
    }
    if (properties.env) {
      const area = el('textarea', { id: 'reg-env', rows: 3, spellcheck: 'false' });
      extraFields.env = function () {
        const env = {};
        area.value.split('\n').map(function (l) { return l.trim(); }).filter(Boolean).forEach(function (line) {
          const at = line.indexOf('=');
          env[at < 0 ? line : line.slice(0, at)] = at < 0 ? '' : line.slice(at + 1);
        });
        return Object.keys(env).length ? env : undefined;
      };
      extras.push(field('reg-env', 'Environment', area, 'One NAME=value per line.'));
    }
    if (properties.secrets) {
      const input = el('input', { type: 'text', id: 'reg-secrets', spellcheck: 'false' });
      extraFields.secrets = function () {
        const list = input.value.split(',').map(function (s) { return s.trim(); }).filter(Boolean);
        return list.length ? list : undefined;
      };
      extras.push(field('reg-secrets', 'Secrets', input, 'Secret names, separated by commas.'));
    }
    if (properties.requirements) {
      const area = el('textarea', { id: 'reg-requirements', rows: 3, spellcheck: 'false' });
      extraFields.requirements = function () { return area.value.trim() ? area.value : undefined; };
      extras.push(field('reg-requirements', 'Requirements', area, 'requirements.txt lines.'));
    }
    let archiveBase64 = null;
    if (properties.archive) {
      const file = el('input', { type: 'file', id: 'reg-archive', accept: '.zip,application/zip' });
      file.addEventListener('change', function () {
        archiveBase64 = null;
        const chosen = file.files && file.files[0];
        if (!chosen) {
          return;
        }
        const reader = new FileReader();
        reader.onload = function () {
          const bytes = new Uint8Array(reader.result);
          let binary = '';
          for (let i = 0; i < bytes.length; i += 0x8000) {
            binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
          }
          archiveBase64 = btoa(binary);
        };
        reader.readAsArrayBuffer(chosen);
      });
      extraFields.archive = function () { return archiveBase64 || undefined; };
      extras.push(field('reg-archive', 'Archive (zip, instead of code)', file));
    }
    const submit = el('button', { type: 'submit', id: 'register-submit' }, 'Register');
    const form = el('form', { id: 'register-form', novalidate: true },
      el('div', { class: 'row' },
        field('reg-name', 'Name', name, 'A letter, then letters, digits, _ or -; at most 64. Registering a name again makes a new version.'),
        field('reg-handler', 'Handler', handler)),
      el('label', { for: 'reg-code', id: 'reg-code-label' }, 'Code'),
      el('div', { class: 'editor', id: 'reg-editor' }, codeArea),
      el('fieldset', { class: 'panel' }, el('legend', {}, 'Limits (empty: the server’s defaults)'),
        el('div', { class: 'row' }, field('reg-timeout', 'Timeout (ms)', timeout), field('reg-memory', 'Memory (MB)', memory),
          field('reg-instances', 'Max instances', instances))),
      extras,
      el('p', {}, submit),
      result);
    show('Register a function', form);
    let editor = null;
    if (window.CodeMirror) {
      editor = window.CodeMirror.fromTextArea(codeArea, { mode: 'python', lineNumbers: true, indentUnit: 4,
        extraKeys: { Tab: function (cm) { cm.replaceSelection('    '); }, 'Shift-Tab': false, Esc: function (cm) { cm.getInputField().blur(); } },
        screenReaderLabel: 'Code' });
      editor.getInputField().setAttribute('aria-labelledby', 'reg-code-label');
    }
    let marked = null;
    form.addEventListener('submit', async function (event) {
      event.preventDefault();
      if (editor) {
        editor.save();
        if (marked !== null) {
          editor.removeLineClass(marked, 'background', 'error-line');
          marked = null;
        }
      }
      const body = { name: name.value.trim(), code: codeArea.value, handler: handler.value.trim() || undefined };
      const limits = {};
      [['timeoutMs', timeout], ['memoryMb', memory], ['maxInstances', instances]].forEach(function (pair) {
        if (pair[1].value !== '') {
          limits[pair[0]] = Number(pair[1].value);
        }
      });
      if (Object.keys(limits).length) {
        body.limits = limits;
      }
      Object.keys(extraFields).forEach(function (k) {
        const value = extraFields[k]();
        if (value !== undefined) {
          body[k] = value;
        }
      });
      if (body.archive) {
        delete body.code;
      }
      submit.disabled = true;
      clear(result).append(el('p', {}, 'Registering…'));
      const answer = await api('POST', '/register', { body: body });
      submit.disabled = false;
      clear(result);
      if (answer.ok && answer.json && answer.json.result) {
        const id = String(answer.json.result);
        const cut = id.lastIndexOf('-');
        const fname = id.slice(0, cut);
        const version = id.slice(cut + 1);
        state.names = null;
        result.append(el('div', { class: 'panel success', id: 'register-success' },
          el('p', {}, 'Registered ', el('strong', { id: 'registered-id' }, id), '.'),
          el('div', { class: 'actions' },
            el('a', { class: 'button', href: '#/invoke/' + encode(fname) + '/' + version, id: 'invoke-registered' }, 'Invoke it'),
            el('a', { class: 'button secondary', href: '#/functions/' + encode(fname) + '/' + version }, 'Open ' + id))));
      } else {
        result.append(problemPanel(answer, 'Not registered'));
        const line = answer.json && answer.json.error && answer.json.error.line;
        if (editor && line && line >= 1 && line <= editor.lineCount()) {
          marked = editor.addLineClass(line - 1, 'background', 'error-line');
          editor.setCursor({ line: line - 1, ch: 0 });
          editor.scrollIntoView({ line: line - 1, ch: 0 }, 80);
        }
      }
    });
  }

  // ---- invoke ----------------------------------------------------------------------------------------------------

  function validateParams(text) {
    if (text.trim() === '') {
      return { ok: true, value: {} };
    }
    let value;
    try {
      value = JSON.parse(text);
    } catch (e) {
      return { ok: false, message: 'Not JSON: ' + e.message };
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return { ok: false, message: 'The params must be a JSON object, such as {"name": "World"}: its members are the handler’s keyword arguments.' };
    }
    return { ok: true, value: value };
  }

  async function invokePage(name, version) {
    const id = name + '-' + version;
    const params = el('textarea', { id: 'params', rows: 6, spellcheck: 'false', 'aria-describedby': 'params-hint params-error' }, '{}');
    const paramsError = el('p', { id: 'params-error', class: 'hint', role: 'alert' });
    const submit = el('button', { type: 'submit', id: 'invoke-submit' }, 'Invoke ' + id);
    const output = el('div', { id: 'invoke-output', 'aria-live': 'polite' });
    const asyncSupported = await hasPath('/activations/{id}');
    const asyncBox = asyncSupported ? el('input', { type: 'checkbox', id: 'invoke-async' }) : null;
    function check() {
      const verdict = validateParams(params.value);
      params.setAttribute('aria-invalid', verdict.ok ? 'false' : 'true');
      paramsError.textContent = verdict.ok ? '' : verdict.message;
      submit.disabled = !verdict.ok;
      return verdict;
    }
    params.addEventListener('input', check);
    const form = el('form', { id: 'invoke-form' },
      el('p', {}, el('a', { href: '#/functions/' + encode(name) + '/' + version }, '← ' + id)),
      el('label', { for: 'params' }, 'Params (a JSON object)'),
      params,
      el('p', { class: 'hint', id: 'params-hint' }, 'Its members become the handler’s keyword arguments. Checked before sending.'),
      paramsError,
      asyncBox ? el('div', {}, el('label', { for: 'invoke-async' }, asyncBox, ' Run asynchronously (an activation record)')) : null,
      el('p', {}, submit),
      output);
    form.addEventListener('submit', async function (event) {
      event.preventDefault();
      const verdict = check();
      if (!verdict.ok) {
        params.focus();
        return;
      }
      submit.disabled = true;
      clear(output).append(el('p', {}, 'Calling…'));
      const headers = asyncBox && asyncBox.checked ? { Prefer: 'respond-async' } : {};
      const path = '/functions/' + encode(name) + '/versions/' + version + '/invoke' + (asyncBox && asyncBox.checked ? '' : '?logs=true');
      const answer = await api('POST', path, { body: JSON.stringify(verdict.value), headers: headers });
      submit.disabled = false;
      clear(output);
      if (answer.status === 202 && answer.json) {
        output.append(activationPanel(answer));
      } else if (answer.ok && answer.json) {
        output.append(resultPanel(answer));
      } else {
        output.append(problemPanel(answer, 'The call failed'));
      }
    });
    show('Invoke ' + id, form);
    check();
  }

  function resultPanel(answer) {
    const h = function (name) { return answer.headers.get(name); };
    const timings = el('dl', { class: 'meta', id: 'invoke-timings' },
      el('dt', {}, 'Version'), el('dd', { id: 'invoke-function' }, h('X-Faas-Function') || '–'),
      el('dt', {}, 'Start'), el('dd', { id: 'invoke-start' }, h('X-Faas-Start') || '–'),
      el('dt', {}, 'Total'), el('dd', { id: 'invoke-duration' }, (h('X-Faas-Duration-Ms') || '–') + ' ms'),
      el('dt', {}, 'Starting and loading'), el('dd', {}, (h('X-Faas-Init-Ms') || '–') + ' ms'),
      el('dt', {}, 'Waiting for an instance'), el('dd', {}, (h('X-Faas-Wait-Ms') || '–') + ' ms'),
      el('dt', {}, 'Request id'), el('dd', {}, h('X-Request-Id') || '–'));
    const logs = typeof answer.json.logs === 'string' ? answer.json.logs : '';
    return el('div', { class: 'panel success' },
      el('h2', {}, 'Result'),
      el('pre', { id: 'invoke-result' }, JSON.stringify(answer.json.result, null, 2)),
      el('h2', {}, 'Logs'),
      el('pre', { id: 'invoke-logs' }, logs || '(nothing printed)'),
      answer.json.logsTruncated ? el('p', { class: 'hint' }, 'The logs were cut at 64 KiB.') : null,
      el('h2', {}, 'How it was served'),
      timings);
  }

  function activationPanel(answer) {
    const panel = el('div', { class: 'panel', id: 'activation' },
      el('h2', {}, 'Accepted'),
      el('p', {}, 'Activation ', el('code', { id: 'activation-id' }, String(answer.json.activationId || '?'))));
    const location = answer.headers.get('Location');
    if (location && location.startsWith('/')) {
      const record = el('pre', { id: 'activation-record' }, '…');
      panel.append(el('h2', {}, 'Record'), record);
      let polls = 0;
      const timer = setInterval(async function () {
        polls += 1;
        const got = await api('GET', location);
        record.textContent = got.json ? JSON.stringify(got.json, null, 2) : got.text;
        const status = got.json && got.json.status;
        if (polls > 60 || (status && status !== 'queued' && status !== 'running')) {
          clearInterval(timer);
        }
      }, 1000);
      state.timers.push(timer);
    }
    return panel;
  }

  // ---- node ------------------------------------------------------------------------------------------------------

  function card(label, value, id) {
    return el('div', { class: 'card' }, el('div', { class: 'value', id: id }, value), el('div', { class: 'label' }, label));
  }

  function makeChart(holder, title, series, data) {
    if (!window.uPlot) {
      holder.append(el('p', { class: 'hint' }, 'Charts unavailable.'));
      return null;
    }
    const width = Math.max(260, holder.clientWidth - 16);
    return new window.uPlot({
      title: title,
      width: width,
      height: 200,
      scales: { x: { time: true } },
      axes: [{}, { size: 50 }],
      series: [{}].concat(series)
    }, data, holder);
  }

  function chartData(series, keys) {
    const x = series.calls.map(function (_, i) { return series.startEpochSeconds + i; });
    return [x].concat(keys.map(function (k) { return series[k]; }));
  }

  async function nodePage() {
    const cards = el('div', { class: 'cards', id: 'node-cards' });
    const callsChart = el('div', { class: 'chart', id: 'chart-calls', role: 'img', 'aria-label': 'Calls and errors per second over the last five minutes' });
    const latencyChart = el('div', { class: 'chart', id: 'chart-latency', role: 'img', 'aria-label': 'Median and 99th percentile call time per second' });
    const startsChart = el('div', { class: 'chart', id: 'chart-starts', role: 'img', 'aria-label': 'Cold, pre-warmed and warm starts per second' });
    const versionsArea = el('div', { class: 'table-wrap', id: 'node-functions' });
    const updated = el('p', { class: 'hint', id: 'node-updated', role: 'status' });
    show('Node', updated, cards, el('h2', {}, 'Last five minutes'),
      el('div', { class: 'charts' }, callsChart, latencyChart, startsChart),
      el('h2', {}, 'Function versions on this node'), versionsArea);
    const charts = {};
    async function refresh() {
      if (document.hidden) {
        return;
      }
      const node = await stats();
      if (!main.contains(cards)) {
        return;
      }
      if (!node) {
        updated.textContent = 'Statistics unavailable.';
        return;
      }
      updated.textContent = 'Node ' + node.node + ' · updated ' + new Date(node.at).toLocaleTimeString();
      clear(cards).append(
        card('Node id', node.node, 'node-id'),
        card('Warm (idle)', node.instances.warm, 'node-warm'),
        card('Busy', node.instances.busy, 'node-busy'),
        card('Pre-warmed stock (target ' + node.prewarm.target + ')', node.prewarm.stock, 'node-prewarmed'),
        card('Instances of max ' + node.capacity.maxInstances, node.instances.total, 'node-total'),
        card('Queued calls', node.capacity.queuedCalls, 'node-queued'),
        el('div', { class: 'card' },
          el('div', { class: 'value' }, number(node.capacity.memoryReservedMb) + ' MB'),
          el('label', { for: 'memory-meter', class: 'label' }, 'Memory reserved of ' + number(node.capacity.memoryBudgetMb) + ' MB'),
          el('meter', { id: 'memory-meter', min: 0, max: node.capacity.memoryBudgetMb || 1, value: node.capacity.memoryReservedMb })));
      const s = node.series;
      const data = {
        calls: chartData(s, ['calls', 'errors']),
        latency: chartData(s, ['p50Ms', 'p99Ms']),
        starts: chartData(s, ['cold', 'prewarmed', 'warm'])
      };
      if (!charts.calls) {
        charts.calls = makeChart(callsChart, 'Calls per second', [
          { label: 'calls', stroke: '#1d4ed8', width: 2 }, { label: 'errors', stroke: '#b91c1c', width: 2 }], data.calls);
        charts.latency = makeChart(latencyChart, 'Call time (ms)', [
          { label: 'p50', stroke: '#047857', width: 2 }, { label: 'p99', stroke: '#7c3aed', width: 2 }], data.latency);
        charts.starts = makeChart(startsChart, 'Starts per second', [
          { label: 'cold', stroke: '#b45309', width: 2 }, { label: 'pre-warmed', stroke: '#0e7490', width: 2 },
          { label: 'warm', stroke: '#4d7c0f', width: 2 }], data.starts);
      } else {
        ['calls', 'latency', 'starts'].forEach(function (k) {
          if (charts[k]) {
            charts[k].setData(data[k]);
          }
        });
      }
      const rows = el('tbody');
      node.functions.forEach(function (f) {
        rows.append(el('tr', { 'data-node-function': f.id },
          el('td', {}, el('a', { href: '#/functions/' + encode(f.name) + '/' + f.version }, f.id)),
          el('td', { class: 'num' }, f.warm), el('td', { class: 'num' }, f.busy),
          el('td', { class: 'num' }, number(f.calls)), el('td', { class: 'num' }, number(f.errors)),
          el('td', { class: 'num' }, ms(f.p50Ms)), el('td', { class: 'num' }, ms(f.p99Ms))));
      });
      if (node.functions.length === 0) {
        rows.append(el('tr', {}, el('td', { colspan: 7 }, 'No instance and no call in the last minutes.')));
      }
      clear(versionsArea).append(el('table', { id: 'node-functions-table' },
        el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Version'), el('th', { scope: 'col', class: 'num' }, 'Warm'),
          el('th', { scope: 'col', class: 'num' }, 'Busy'), el('th', { scope: 'col', class: 'num' }, 'Calls'),
          el('th', { scope: 'col', class: 'num' }, 'Errors'), el('th', { scope: 'col', class: 'num' }, 'p50'),
          el('th', { scope: 'col', class: 'num' }, 'p99'))),
        rows));
    }
    await refresh();
    state.timers.push(setInterval(refresh, STATS_EVERY_MS));
    window.onresize = function () {
      [[charts.calls, callsChart], [charts.latency, latencyChart], [charts.starts, startsChart]].forEach(function (pair) {
        if (pair[0] && main.contains(pair[1])) {
          pair[0].setSize({ width: Math.max(260, pair[1].clientWidth - 16), height: 200 });
        }
      });
    };
  }

  start();
})();
