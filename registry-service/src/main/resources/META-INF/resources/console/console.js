// The BYOC console: plain ES modules, no framework and no build step. The Web Bundler (the
// preferred way) does not load on Quarkus 3.33 (its 1.9.0 deployment needs HttpBuildTimeConfig,
// gone since), so the page is built with the DOM API below; every value goes in as text
// (textContent), never as HTML, so nothing a cluster or an event carries can inject markup.
//
// The API key is kept in this tab's sessionStorage only and sent as `Authorization: Bearer` on
// every call: never in a URL, never in a cookie. EventSource cannot send that header, so the SSE
// streams are read with fetch() and a small parser (readStream); the mvnpm build of
// @microsoft/fetch-event-source is not on Maven Central.

const KEY = 'byoc.apiKey', USER = 'byoc.user';
const STATUSES = ['queued', 'pending', 'running', 'failed', 'terminating', 'deleted'];
const ICONS = { queued: '◷', pending: '◔', running: '✔', failed: '✖', terminating: '◌', deleted: '∅' };
const PROFILES = ['CLUSTER_PERFORMANCE_PROFILE_DEFAULT', 'CLUSTER_PERFORMANCE_PROFILE_COST_SAVING'];
const app = document.getElementById('app');
let pageAbort = new AbortController(); // ends the current page's streams and polls on navigation

/** h('tag', {attrs, on…}, ...children): children are nodes or text (never parsed as HTML). */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'text') el.textContent = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

function session() {
  const key = sessionStorage.getItem(KEY);
  return key ? { key, ...JSON.parse(sessionStorage.getItem(USER) || '{}') } : null;
}

class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status; this.problem = problem || {};
  }
}

async function api(method, path, { body, headers = {}, key } = {}) {
  const init = { method, headers: { Accept: 'application/json', Authorization: 'Bearer ' + (key || session()?.key), ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    init.headers['Content-Type'] = init.headers['Content-Type'] || 'application/json';
  }
  const res = await fetch(path, init);
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  if (res.status === 401 && !key) { logout(); throw new ApiError(401, json); }
  if (!res.ok) throw new ApiError(res.status, json);
  return json;
}

/**
 * Reads a Server-Sent Events stream with fetch (so the key travels in a header), calling onEvent
 * with {event, id, data}; after a drop it reconnects with Last-Event-ID, so the fleet stream goes
 * on right after the last event received. Ends when signal aborts.
 */
async function readStream(path, onEvent, signal) {
  let lastId = null, delay = 500;
  while (!signal.aborted) {
    try {
      const headers = { Accept: 'text/event-stream', Authorization: 'Bearer ' + session()?.key };
      if (lastId) headers['Last-Event-ID'] = lastId;
      const res = await fetch(path, { headers, signal });
      if (!res.ok || !res.body) throw new Error('stream answered ' + res.status);
      delay = 500;
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '', event = { event: 'message', data: [] };
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let nl;
        while ((nl = buffer.search(/\r\n|\n|\r/)) >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + (buffer.startsWith('\r\n', nl) ? 2 : 1));
          if (line === '') {
            if (event.data.length) onEvent({ event: event.event, id: event.id, data: event.data.join('\n') });
            if (event.id) lastId = event.id;
            event = { event: 'message', data: [] };
          } else if (!line.startsWith(':')) {
            const colon = line.indexOf(':');
            const field = colon < 0 ? line : line.slice(0, colon);
            const val = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (field === 'data') event.data.push(val);
            else if (field === 'event') event.event = val;
            else if (field === 'id') event.id = val;
          }
        }
        if (event.event === 'closed') return;
      }
    } catch (e) {
      if (signal.aborted) return;
    }
    await new Promise(r => setTimeout(r, delay));
    delay = Math.min(delay * 2, 10000);
  }
}

function statusBadge(status, reason) {
  return h('span', { class: 'status-cell' },
    h('span', { class: 'status status-' + status }, (ICONS[status] || '•') + ' ' + status),
    reason ? h('span', { class: 'muted' }, ' ', reason) : null);
}

function fmt(t) { return t ? new Date(t).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '—'; }

function problemBox(err) {
  const p = err.problem || {};
  return h('div', { class: 'errors', role: 'alert' },
    h('strong', {}, p.title || 'Error', ' (', String(err.status || ''), ')'),
    p.detail ? h('p', {}, p.detail) : null,
    Array.isArray(p.errors) && p.errors.length
      ? h('ul', {}, p.errors.map(e => h('li', {}, h('code', {}, e.path), ': ', e.message))) : null);
}

function show(...nodes) { app.replaceChildren(...nodes); }

// ------------------------------------------------------------------ login
function loginPage() {
  const err = h('div', { 'aria-live': 'polite' });
  const form = h('form', { onsubmit: async ev => {
      ev.preventDefault();
      const key = form.elements.key.value.trim();
      try {
        const me = await api('GET', '/api/v1/users/me', { key });
        sessionStorage.setItem(KEY, key);
        sessionStorage.setItem(USER, JSON.stringify(me));
        form.reset();
        location.hash = '#/fleet';
        route();
      } catch (e) { err.replaceChildren(problemBox(e)); }
    } },
    h('h1', {}, 'Log in'),
    h('p', { class: 'muted' }, 'Your API key is kept in this tab only (session storage) and sent as a header.'),
    h('label', { for: 'login-user' }, 'Username'),
    h('input', { id: 'login-user', name: 'username', autocomplete: 'username' }),
    h('label', { for: 'login-key' }, 'API key'),
    h('input', { id: 'login-key', name: 'key', type: 'password', required: true, autocomplete: 'current-password' }),
    h('p', {}, h('button', { type: 'submit' }, 'Log in')), err);
  show(form);
}

function logout() {
  sessionStorage.removeItem(KEY); sessionStorage.removeItem(USER);
  location.hash = '#/login';
  route();
}

// ------------------------------------------------------------------ fleet
const fleet = { status: '', name: '', sort: 'createdAt', dir: -1, cursors: [null], page: 0, next: null, items: [] };

function fleetPage(signal) {
  const body = h('tbody');
  const pager = h('div', { class: 'pager' });
  const live = h('p', { class: 'muted', 'aria-live': 'polite' });
  const statusSel = h('select', { id: 'filter-status', onchange: () => { fleet.status = statusSel.value; fleet.cursors = [null]; fleet.page = 0; load(); } },
    h('option', { value: '' }, 'any'), STATUSES.map(s => h('option', { value: s, selected: fleet.status === s }, s)));
  const nameIn = h('input', { id: 'filter-name', type: 'search', value: fleet.name, oninput: () => { fleet.name = nameIn.value; draw(); } });
  const cols = [['name', 'Name'], ['id', 'ID'], ['status', 'Status'], ['region', 'Region'], ['createdAt', 'Created'], ['lastValidatedAt', 'Last validated']];
  const head = h('tr', {}, cols.map(([k, label]) => h('th', { scope: 'col', 'aria-sort': fleet.sort === k ? (fleet.dir > 0 ? 'ascending' : 'descending') : null },
    h('button', { type: 'button', onclick: () => { fleet.dir = fleet.sort === k ? -fleet.dir : 1; fleet.sort = k; fleetPageRender(); } },
      label, fleet.sort === k ? (fleet.dir > 0 ? ' ▲' : ' ▼') : ''))));
  const value = (c, k) => k === 'region' ? c.spec?.driver?.kubernetes?.aws?.region || '' : (c[k] || '');

  function draw() {
    const rows = fleet.items.filter(c => !fleet.name || c.name.includes(fleet.name.trim()))
      .sort((a, b) => String(value(a, fleet.sort)).localeCompare(String(value(b, fleet.sort))) * fleet.dir);
    body.replaceChildren(...(rows.length ? rows.map(c => h('tr', { 'data-cluster': c.name },
      h('td', {}, h('a', { href: '#/cluster/' + encodeURIComponent(c.name) }, c.name)),
      h('td', { class: 'muted' }, c.id),
      h('td', {}, statusBadge(c.status, c.reason)),
      h('td', {}, value(c, 'region')),
      h('td', {}, fmt(c.createdAt)),
      h('td', {}, fmt(c.lastValidatedAt)))) : [h('tr', {}, h('td', { colspan: 6, class: 'empty' }, 'No clusters.'))]));
    pager.replaceChildren(
      h('button', { type: 'button', disabled: fleet.page === 0, onclick: () => { fleet.page--; load(); } }, '← Previous'),
      h('span', { class: 'muted' }, 'page ', String(fleet.page + 1)),
      h('button', { type: 'button', disabled: !fleet.next, onclick: () => { fleet.cursors[fleet.page + 1] = fleet.next; fleet.page++; load(); } }, 'Next →'));
  }
  let loading = null;
  async function load() {
    const q = new URLSearchParams({ limit: '20' });
    if (fleet.status) q.set('status', fleet.status);
    if (fleet.cursors[fleet.page]) q.set('after', fleet.cursors[fleet.page]);
    try {
      const pageData = await api('GET', '/api/v1/clusters?' + q);
      fleet.items = pageData.items; fleet.next = pageData.next || null;
      draw();
    } catch (e) { body.replaceChildren(h('tr', {}, h('td', { colspan: 6 }, problemBox(e)))); }
  }
  // the fleet stream: a status change is applied to its row at once; anything else (a new
  // cluster, a report) re-reads the current page, at most every 300 ms
  function reloadSoon() { if (!loading) loading = setTimeout(() => { loading = null; if (!signal.aborted) load(); }, 300); }
  readStream('/api/v1/events', ev => {
    if (ev.event !== 'cluster-event') return;
    const e = JSON.parse(ev.data);
    live.textContent = 'live: ' + e.type.replace(/^byoc\.cluster\./, '') + ' ' + e.cluster + ' at ' + fmt(e.recordedAt);
    const row = fleet.items.find(c => c.id === e.clusterId);
    if (row && e.type.startsWith('byoc.cluster.status-changed') && e.data?.to) {
      row.status = e.data.to; row.reason = e.data.reason; draw();
    }
    reloadSoon();
  }, signal);
  load();
  return [h('h1', {}, 'Fleet'),
    h('div', { class: 'filters' },
      h('div', {}, h('label', { for: 'filter-status' }, 'Status'), statusSel),
      h('div', {}, h('label', { for: 'filter-name' }, 'Name contains'), nameIn)),
    h('div', { class: 'table-wrap' }, h('table', { id: 'fleet' }, h('thead', {}, head), body)), pager, live];
}
function fleetPageRender() { route(); }

// ------------------------------------------------------------------ register
function registerPage() {
  const out = h('div', { 'aria-live': 'polite' });
  const form = h('form', { onsubmit: async ev => {
      ev.preventDefault();
      out.replaceChildren();
      const name = form.elements.name.value.trim();
      let doc;
      try { doc = JSON.parse(form.elements.spec.value); } catch (e) {
        out.replaceChildren(problemBox({ status: '', problem: { title: 'Not valid JSON', errors: [{ path: '$', message: e.message }] } }));
        return;
      }
      // the shapes the CLI's --spec-file takes: the request {name, spec}, or the bare spec
      const request = doc && typeof doc === 'object' && 'spec' in doc ? { ...doc } : { spec: doc };
      if (name) request.name = name;
      try {
        const created = await api('POST', '/api/v1/clusters', { body: request });
        location.hash = '#/cluster/' + encodeURIComponent(created.name);
      } catch (e) { out.replaceChildren(problemBox(e)); }
    } },
    h('h1', {}, 'Register a cluster'),
    h('label', { for: 'reg-name' }, 'Name (optional when the spec has one)'),
    h('input', { id: 'reg-name', name: 'name' }),
    h('label', { for: 'reg-spec' }, 'Cluster spec JSON (what the Terraform module prints)'),
    h('textarea', { id: 'reg-spec', name: 'spec', required: true, spellcheck: 'false' }),
    h('p', {}, h('button', { type: 'submit' }, 'Register')), out);
  return [form];
}

// ------------------------------------------------------------------ cluster
function clusterPage(name, signal) {
  const path = '/api/v1/clusters/' + encodeURIComponent(name);
  const head = h('div'), checks = h('section'), spec = h('section'), teardown = h('section'),
    history = h('section'), actions = h('section'), out = h('div', { 'aria-live': 'polite' });
  let cluster = null;

  function drawCluster(c) {
    cluster = c;
    head.replaceChildren(h('h1', {}, c.name, ' '), h('p', {}, statusBadge(c.status, c.reason)),
      h('p', { class: 'muted' }, 'id ', c.id, ' · created ', fmt(c.createdAt), ' · last validated ', fmt(c.lastValidatedAt)));
    const list = c.validation?.checks || [];
    checks.replaceChildren(h('h2', {}, 'Check report'), list.length ? h('div', { class: 'table-wrap' }, h('table', { id: 'checks' },
      h('thead', {}, h('tr', {}, ['Check', 'Status', 'Message', 'Remediation'].map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, list.map(k => h('tr', {}, h('td', {}, k.id),
        h('td', { class: 'check-' + k.status }, ({ pass: '✔ ', warn: '⚠ ', fail: '✖ ', skipped: '– ' })[k.status] || '', k.status),
        h('td', {}, k.message || ''), h('td', {}, k.remediation || '')))))) : h('p', { class: 'muted' }, 'No report yet.'));
    // the API already masks the external ID ("…7f3a"): shown as it comes
    spec.replaceChildren(h('h2', {}, 'Spec'), h('pre', { id: 'spec' }, JSON.stringify(c.spec, null, 2)));
    teardown.replaceChildren(...(c.teardown ? [h('h2', {}, 'Teardown report'), h('pre', {}, JSON.stringify(c.teardown, null, 2))] : []));
  }
  async function loadHistory() {
    try {
      const events = await api('GET', path + '/history?limit=1000');
      history.replaceChildren(h('h2', {}, 'History'), h('ol', { class: 'timeline', id: 'history' }, events.map(e => h('li', {},
        h('strong', {}, e.type.replace(/^byoc\.cluster\./, '')), ' ', h('span', { class: 'muted' }, fmt(e.recordedAt)),
        ' · producer ', e.source || e.data?.source || producerOf(e.type),
        e.traceId ? h('span', { class: 'muted' }, ' · trace ', h('code', {}, e.traceId)) : null))));
    } catch (e) { history.replaceChildren(problemBox(e)); }
  }
  async function load() {
    try { drawCluster(await api('GET', path)); } catch (e) { head.replaceChildren(problemBox(e)); }
    loadHistory();
  }
  const act = fn => async () => { out.replaceChildren(); try { await fn(); } catch (e) { out.replaceChildren(problemBox(e)); } };
  const profile = h('select', { id: 'edit-profile' }, PROFILES.map(p => h('option', { value: p }, p)));
  const types = h('input', { id: 'edit-types', placeholder: 'm5.xlarge, g4dn.xlarge' });
  actions.replaceChildren(h('h2', {}, 'Actions'),
    h('div', { class: 'actions' },
      h('button', { type: 'button', id: 'verify', onclick: act(async () => {
        const r = await api('POST', path + '/verify');
        out.replaceChildren(h('p', { class: 'notice' }, r.message));
      }) }, 'Verify'),
      h('button', { type: 'button', id: 'delete-preview', class: 'danger', onclick: act(async () => {
        const r = await api('DELETE', path + '?dryRun=true');
        const t = r.teardown || {};
        out.replaceChildren(h('div', { class: 'notice', id: 'preview' }, h('p', {}, r.message),
          h('p', {}, 'Would remove ', String(t.objectCount ?? 0), ' object(s) under ', t.prefix || ''),
          (t.objects || []).length ? h('ul', {}, t.objects.map(o => h('li', {}, typeof o === 'string' ? o : JSON.stringify(o)))) : null,
          h('p', {}, 'Left behind:'), h('ul', {}, (t.leftBehind || []).map(l => h('li', {}, typeof l === 'string' ? l : [l.kind, l.name, l.reason].filter(Boolean).join(' — ')))),
          t.hint ? h('p', { class: 'muted' }, t.hint) : null,
          h('button', { type: 'button', id: 'delete-confirm', class: 'danger', onclick: act(async () => {
            const d = await api('DELETE', path);
            out.replaceChildren(h('p', { class: 'notice' }, d.message));
          }) }, 'Delete ' + name + ' now')));
      }) }, 'Delete… (preview first)')),
    h('form', { onsubmit: ev => { ev.preventDefault(); act(async () => {
        const aws = cluster?.spec?.driver?.kubernetes?.aws || {};
        const patch = { spec: {} };
        if (profile.value !== cluster?.spec?.performance_profile) patch.spec.performance_profile = profile.value;
        const wanted = types.value.split(',').map(s => s.trim()).filter(Boolean);
        if (wanted.length) {
          // a kept type keeps its overprovisioned count, as `byoc edit cluster --instance-types` does
          const old = Object.fromEntries((aws.instance_types || []).map(t => [t.name, t]));
          patch.spec.driver = { kubernetes: { aws: { instance_types: wanted.map(n => old[n] || { name: n, overprovisioned_ondemand_count: 0 }) } } };
        }
        const r = await api('PATCH', path, { body: patch, headers: { 'Content-Type': 'application/merge-patch+json' } });
        drawCluster(r.cluster || r);
        out.replaceChildren(h('p', { class: 'notice' }, 'Edit accepted: the platform validates it again.'));
      })(); } },
      h('h3', {}, 'Edit'),
      h('label', { for: 'edit-profile' }, 'Performance profile'), profile,
      h('label', { for: 'edit-types' }, 'Instance types (comma-separated; empty = unchanged)'), types,
      h('p', {}, h('button', { type: 'submit' }, 'Save'))), out);
  load().then(() => {
    if (cluster) { profile.value = cluster.spec?.performance_profile || PROFILES[0];
      types.placeholder = (cluster.spec?.driver?.kubernetes?.aws?.instance_types || []).map(t => t.name).join(', '); }
  });
  readStream(path + '/events', ev => {
    if (ev.event !== 'status' || !cluster) return;
    const s = JSON.parse(ev.data);
    drawCluster({ ...cluster, status: s.status, reason: s.reason, lastValidatedAt: s.lastValidatedAt,
      validation: { checks: s.checks || [] }, teardown: s.teardown });
    loadHistory();
  }, signal);
  return [h('p', {}, h('a', { href: '#/fleet' }, '← Fleet')), head, actions, checks, history, spec, teardown];
}

/** Each event type has one producing service (DESIGN §3). */
function producerOf(type) {
  if (/validat|teardown|rotation-(validated|failed)/.test(type) && !/verify-requested|rotation-requested/.test(type)) return 'provisioner';
  if (/status-changed|health-observed/.test(type)) return 'monitor';
  return 'registry';
}

// ------------------------------------------------------------------ admin
function adminPage(signal) {
  const out = h('div', { 'aria-live': 'polite' });
  const act = fn => async ev => { ev?.preventDefault?.(); out.replaceChildren(); try { await fn(ev); } catch (e) { out.replaceChildren(problemBox(e)); } };
  const newUser = h('form', { id: 'create-user', onsubmit: act(async ev => {
      const f = ev.target;
      const r = await api('POST', '/api/v1/admin/users', { body: { username: f.elements.username.value.trim(), admin: f.elements.admin.checked } });
      out.replaceChildren(h('p', { class: 'notice' }, 'Created user ', r.username, r.admin ? ' (admin)' : ''));
    }) }, h('h3', {}, 'Create user'),
    h('label', { for: 'nu-name' }, 'Username'), h('input', { id: 'nu-name', name: 'username', required: true }),
    h('label', {}, h('input', { type: 'checkbox', name: 'admin' }), ' admin'),
    h('p', {}, h('button', { type: 'submit' }, 'Create user')));
  const newKey = h('form', { id: 'issue-key', onsubmit: act(async ev => {
      const u = ev.target.elements.username.value.trim();
      const r = await api('POST', '/api/v1/admin/users/' + encodeURIComponent(u) + '/keys');
      // shown once, here; not kept anywhere by the console
      out.replaceChildren(h('div', { class: 'notice', id: 'new-key' }, h('p', {}, 'Key for ', r.username, ' (id ', r.id, '). ', r.note),
        h('p', { class: 'secret', id: 'new-key-value' }, r.key)));
    }) }, h('h3', {}, 'Issue an API key'),
    h('label', { for: 'nk-user' }, 'Username'), h('input', { id: 'nk-user', name: 'username', required: true }),
    h('p', {}, h('button', { type: 'submit' }, 'Issue key')));
  const revokeKey = h('form', { onsubmit: act(async ev => {
      const f = ev.target.elements;
      await api('DELETE', '/api/v1/admin/users/' + encodeURIComponent(f.username.value.trim()) + '/keys/' + encodeURIComponent(f.id.value.trim()));
      out.replaceChildren(h('p', { class: 'notice' }, 'Key revoked.'));
    }) }, h('h3', {}, 'Revoke an API key'),
    h('label', { for: 'rk-user' }, 'Username'), h('input', { id: 'rk-user', name: 'username', required: true }),
    h('label', { for: 'rk-id' }, 'Key id'), h('input', { id: 'rk-id', name: 'id', required: true }),
    h('p', {}, h('button', { type: 'submit', class: 'danger' }, 'Revoke key')));

  const accounts = h('div');
  async function loadAccounts() {
    const r = await api('GET', '/api/v1/admin/service-accounts');
    accounts.replaceChildren(r.items.length ? h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, ['Name', 'Key id', 'Acting users', 'Created', ''].map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, r.items.map(a => h('tr', {}, h('td', {}, a.name), h('td', {}, a.keyId),
        h('td', {}, Array.isArray(a.actingUsers) ? a.actingUsers.join(', ') : a.actingUsers), h('td', {}, fmt(a.createdAt)),
        h('td', {}, h('button', { type: 'button', class: 'danger', onclick: act(async () => {
          await api('DELETE', '/api/v1/admin/service-accounts/' + encodeURIComponent(a.name)); loadAccounts(); }) }, 'Revoke'))))))) :
      h('p', { class: 'muted' }, 'No service accounts.'));
  }
  const newAccount = h('form', { onsubmit: act(async ev => {
      const f = ev.target.elements;
      const users = f.users.value.trim();
      const r = await api('POST', '/api/v1/admin/service-accounts', { body: { name: f.name.value.trim(),
        actingUsers: users === '*' ? '*' : users.split(',').map(s => s.trim()).filter(Boolean) } });
      out.replaceChildren(h('div', { class: 'notice' }, h('p', {}, r.note), h('p', { class: 'secret' }, r.secret)));
      loadAccounts();
    }) }, h('h3', {}, 'Create service account'),
    h('label', { for: 'sa-name' }, 'Name'), h('input', { id: 'sa-name', name: 'name', required: true }),
    h('label', { for: 'sa-users' }, 'Acting users (comma-separated, or *)'), h('input', { id: 'sa-users', name: 'users', required: true }),
    h('p', {}, h('button', { type: 'submit' }, 'Create account')));

  const projection = h('pre', { id: 'projection' });
  async function pollProjection() {
    try {
      const p = await api('GET', '/api/v1/admin/projections/cluster-view');
      projection.textContent = JSON.stringify(p, null, 2);
      if (!signal.aborted && /running|rebuilding|catching/i.test(JSON.stringify(p.state ?? p.status ?? ''))) setTimeout(pollProjection, 1000);
    } catch (e) { projection.replaceChildren(problemBox(e)); }
  }
  loadAccounts().catch(e => accounts.replaceChildren(problemBox(e)));
  pollProjection();
  return [h('h1', {}, 'Admin'), out,
    h('p', {}, h('a', { href: '#/admin/dlq', id: 'dlq-link' }, 'Dead letters (DLQ) →')),
    h('section', {}, h('h2', {}, 'Users and keys'), newUser, newKey, revokeKey),
    h('section', {}, h('h2', {}, 'Service accounts'), accounts, newAccount),
    h('section', {}, h('h2', {}, 'Projection: cluster view'),
      h('button', { type: 'button', id: 'rebuild', onclick: act(async () => { await api('POST', '/api/v1/admin/projections/cluster-view/rebuild'); pollProjection(); }) }, 'Rebuild from offset 0'),
      projection)];
}

function dlqPage() {
  const box = h('div', { id: 'dlq' }, h('p', { class: 'muted' }, 'Loading…'));
  api('GET', '/api/v1/admin/dead-letters?limit=50').then(r => {
    const items = r?.items || [];
    box.replaceChildren(items.length ? h('div', { class: 'table-wrap' }, h('table', { id: 'dlq-table' },
      h('thead', {}, h('tr', {}, ['Time', 'Topic / partition / offset', 'Reason', 'Type', 'Source', 'Key', 'Value'].map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, items.map(d => h('tr', {}, h('td', {}, fmt(d.timestamp)), h('td', {}, d.topic, ' / ', String(d.partition), ' / ', String(d.offset)),
        h('td', {}, d.reason || ''), h('td', {}, d.type || '—'), h('td', {}, d.source || '—'), h('td', {}, d.key || '—'),
        h('td', {}, h('pre', {}, d.value || '')))))))
      : h('p', { class: 'empty', id: 'dlq-empty' }, 'No dead letters.'));
  }).catch(e => box.replaceChildren(e.status === 404
    ? h('p', { class: 'notice', id: 'dlq-unavailable' }, 'The dead-letter view is not available on this registry.')
    : problemBox(e)));
  return [h('p', {}, h('a', { href: '#/admin' }, '← Admin')), h('h1', {}, 'Dead letters'), box];
}

// ------------------------------------------------------------------ routing
function route() {
  pageAbort.abort();
  pageAbort = new AbortController();
  const s = session();
  document.getElementById('nav').hidden = !s;
  if (!s) { loginPage(); return; }
  document.getElementById('whoami').textContent = s.username + (s.admin ? ' (admin)' : '');
  document.getElementById('nav-admin').hidden = !s.admin;
  const [, page, arg] = (location.hash || '#/fleet').split('/');
  const signal = pageAbort.signal;
  if (page === 'cluster' && arg) show(...clusterPage(decodeURIComponent(arg), signal));
  else if (page === 'register') show(...registerPage());
  else if (page === 'admin' && arg === 'dlq') show(...dlqPage());
  else if (page === 'admin') show(...adminPage(signal));
  else show(...fleetPage(signal));
  app.focus();
}
document.getElementById('logout').addEventListener('click', logout);
window.addEventListener('hashchange', route);
route();
