// The Coven web cockpit (docs/web.md): a client of /api/v1 like any other. covend forwards every /api/v1 request
// of this page to its Unix socket, so the daemon checks and answers it exactly as it does for the CLI.
import { Terminal } from '/assets/xterm.mjs';
import { FitAddon } from '/assets/addon-fit.mjs';

const $ = (id) => document.getElementById(id);
const ENDED = new Set(['finished', 'failed', 'orphaned', 'archived']);
// The list follows the daemon's all-sessions stream; this slow poll only covers what has no event (a sacrifice by
// another client) and a stream that is down.
const LIST_FALLBACK_MS = 15000;
const LIST_CHANGE_KINDS = ['lifecycle', 'activity'];

/** One request to the API; an error envelope becomes an Error with its code. */
async function api(method, path, body) {
  const init = { method, credentials: 'same-origin', headers: {} };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch('/api/v1/' + path, init);
  const text = await response.text();
  const json = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const error = new Error(json && json.error ? `${json.error.code}: ${json.error.message}` : `HTTP ${response.status}`);
    error.code = json && json.error ? json.error.code : null;
    throw error;
  }
  return json;
}

function say(text, isError = false) {
  const m = $('message');
  m.textContent = text;
  m.className = isError ? 'error' : '';
}

function showDetail(title, text) {
  $('detail-title').textContent = title;
  $('detail-body').textContent = text;
  $('detail').hidden = false;
}

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  Object.assign(node, props);
  for (const c of children) node.append(c);
  return node;
}

function age(iso) {
  const s = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  if (s < 60) return `${Math.floor(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

function decodeBase64(b64) {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

function encodeBase64(text) {
  let bin = '';
  for (let i = 0; i < text.length; i++) bin += String.fromCharCode(text.charCodeAt(i) & 0xff);
  return btoa(bin);
}

// ---------------------------------------------------------------------------------------------------------------
// Rendering: one requestAnimationFrame loop for all terminals. Output that arrives between two frames is queued
// per pane and written once per frame; a pane that is not on screen (or a hidden tab, where frames stop) keeps its
// queue and catches up when it becomes visible, so 20 printing sessions cost one write per visible pane per frame.
// ---------------------------------------------------------------------------------------------------------------
const panes = new Map();
const stats = { frames: 0, writes: 0, bytes: 0 };
let frameRequested = false;

function requestFrame() {
  if (!frameRequested) {
    frameRequested = true;
    requestAnimationFrame(frame);
  }
}

function frame() {
  frameRequested = false;
  stats.frames++;
  for (const pane of panes.values()) {
    if (pane.visible && pane.queue.length) pane.flush();
  }
}

const visibility = new IntersectionObserver((entries) => {
  for (const entry of entries) {
    const pane = panes.get(entry.target.dataset.id);
    if (!pane) continue;
    pane.visible = entry.isIntersecting;
    if (pane.visible && pane.queue.length) requestFrame();
  }
}, { root: null });

class Pane {
  constructor(session) {
    this.id = session.id;
    this.session = session;
    this.queue = [];
    this.visible = false;
    this.ended = ENDED.has(session.status);
    this.lastSeq = 0;
    this.pendingInput = '';
    this.sending = false;

    this.status = el('span', { className: 'status-' + session.status, textContent: session.status });
    this.diffButton = el('button', { textContent: 'diff', hidden: true, title: 'changes of this session\'s worktree' });
    this.diffButton.onclick = () => showDiff(this.id);
    const fitButton = el('button', { textContent: 'fit', title: 'resize the session to this pane' });
    fitButton.onclick = () => this.fitToPane();
    const close = el('button', { textContent: '×', title: 'detach (the session keeps running)' });
    close.onclick = () => this.close();
    this.head = el('div', { className: 'pane-head' },
      el('span', { className: 'name', textContent: `${session.title}  ·  ${session.harness}  ·  ${session.id.slice(-8)}` }),
      this.status, this.diffButton, fitButton, close);
    this.body = el('div', { className: 'pane-body' });
    this.root = el('div', { className: 'pane' }, this.head, this.body);
    this.root.dataset.id = session.id;

    this.term = new Terminal({
      cols: session.cols || 120, rows: session.rows || 40, scrollback: 5000, fontSize: 12,
      fontFamily: 'ui-monospace, "DejaVu Sans Mono", monospace', allowProposedApi: false, cursorBlink: false,
      disableStdin: this.ended,
    });
    this.fit = new FitAddon();
    this.term.loadAddon(this.fit);
    $('no-terminals').hidden = true;
    $('terminals').append(this.root);
    this.term.open(this.body);
    this.term.onData((data) => this.type(data));
    this.term.onBinary((data) => this.send({ dataBase64: encodeBase64(data) }));
    this.term.textarea?.addEventListener('focus', () => focusPane(this));
    this.done = false;
    visibility.observe(this.root);
    api('GET', 'sessions/' + this.id).then((s) => { if (s.worktree) this.diffButton.hidden = false; }).catch(() => {});
  }

  /** One event of this session's stream (replay, then live); a seq seen before (after a reconnect) is skipped. */
  receive(kind, event) {
    if (event.seq <= this.lastSeq) return;
    this.lastSeq = event.seq;
    const p = JSON.parse(event.payloadJson);
    if (kind === 'output') this.enqueue(p.data !== undefined && p.data !== null ? p.data : decodeBase64(p.dataBase64));
    else if (kind === 'resize') this.enqueue({ cols: p.cols, rows: p.rows });
    else if (kind === 'lifecycle') this.setStatus(p.to);
  }

  enqueue(item) {
    this.queue.push(item);
    if (this.visible) requestFrame();
  }

  /** Writes everything queued, text runs joined into one write. */
  flush() {
    const items = this.queue;
    this.queue = [];
    let text = '';
    const writeText = () => {
      if (text) { this.term.write(text); stats.writes++; stats.bytes += text.length; text = ''; }
    };
    for (const item of items) {
      if (typeof item === 'string') text += item;
      else if (item instanceof Uint8Array) { writeText(); this.term.write(item); stats.writes++; stats.bytes += item.length; }
      else { writeText(); this.term.resize(item.cols, item.rows); }
    }
    writeText();
  }

  setStatus(status) {
    this.status.textContent = status;
    this.status.className = 'status-' + status;
    if (ENDED.has(status)) {
      this.ended = true;
      this.term.options.disableStdin = true;
    }
  }

  /** Keystrokes go out in order; those typed while a request is in flight travel together in the next one. */
  type(data) {
    if (this.ended) return;
    this.pendingInput += data;
    this.pump();
  }

  async pump() {
    if (this.sending || !this.pendingInput) return;
    this.sending = true;
    const data = this.pendingInput;
    this.pendingInput = '';
    try {
      await api('POST', `sessions/${this.id}/input`, { data });
    } catch (e) {
      say(`input to ${this.id.slice(-8)}: ${e.message}`, true);
    } finally {
      this.sending = false;
      this.pump();
    }
  }

  async send(body) {
    try { await api('POST', `sessions/${this.id}/input`, body); } catch (e) { say(e.message, true); }
  }

  async fitToPane() {
    const size = this.fit.proposeDimensions();
    if (!size || this.ended) return;
    try {
      await api('POST', `sessions/${this.id}/resize`, { cols: Math.max(20, size.cols), rows: Math.max(5, size.rows) });
    } catch (e) { say(e.message, true); }
  }

  close() {
    visibility.unobserve(this.root);
    this.term.dispose();
    this.root.remove();
    panes.delete(this.id);
    if (focused === this) focused = null;
    $('no-terminals').hidden = panes.size > 0;
    renderList();
    streams.changed();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// One EventSource for all open terminals (/web/streams merges the sessions' streams): a browser keeps six HTTP/1.1
// connections per origin, so a stream per terminal would starve the page's other requests from the seventh on.
// Reopened (each session from its own last seq) when the set of open terminals changes or the connection drops.
// ---------------------------------------------------------------------------------------------------------------
const KINDS = ['output', 'resize', 'lifecycle', 'input', 'kill', 'exit', 'reattached', 'activity', 'truncated'];
const streams = {
  source: null,
  timer: 0,
  changed() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.open(), 30);
  },
  open() {
    if (this.source) this.source.close();
    this.source = null;
    const wanted = [...panes.values()].filter((p) => !p.done);
    if (wanted.length === 0) return;
    const source = new EventSource('/web/streams?s=' + encodeURIComponent(wanted.map((p) => `${p.id}:${p.lastSeq}`).join(',')));
    this.source = source;
    for (const kind of KINDS) {
      source.addEventListener(kind, (e) => {
        const event = JSON.parse(e.data);
        panes.get(event.sessionId)?.receive(kind, event);
      });
    }
    const finished = (e) => {
      const info = JSON.parse(e.data);
      const pane = panes.get(info.sessionId);
      if (pane) pane.done = true;
      if (e.type === 'gone') say(`stream of ${info.sessionId.slice(-8)}: ${info.error && info.error.error ? info.error.error.message : info.status}`, true);
    };
    source.addEventListener('end', finished);
    source.addEventListener('gone', finished);
    source.onerror = () => {
      // The merged stream ends when every part ended; otherwise the connection dropped: reconnect from the last seqs.
      source.close();
      if (this.source === source) {
        this.source = null;
        if ([...panes.values()].some((p) => !p.done)) this.timer = setTimeout(() => this.open(), 1000);
      }
    };
  },
};

let focused = null;
function focusPane(pane) {
  if (focused) focused.root.classList.remove('focused');
  focused = pane;
  pane.root.classList.add('focused');
}

function openPane(session) {
  const existing = panes.get(session.id);
  if (existing) {
    existing.root.scrollIntoView({ block: 'nearest' });
    existing.term.focus();
    return existing;
  }
  const pane = new Pane(session);
  panes.set(session.id, pane);
  renderList();
  streams.changed();
  return pane;
}

async function showDiff(id) {
  try {
    const diff = await api('GET', `sessions/${id}/diff`);
    const files = (diff.files || []).map((f) => typeof f === 'string' ? f : JSON.stringify(f)).join('\n');
    showDetail(`diff of ${id.slice(-8)} (${diff.worktree ? diff.worktree.branch : ''})`, (diff.stat || files || '') + '\n\n' + (diff.patch || '(no changes)'));
  } catch (e) { say(e.message, true); }
}

// ---------------------------------------------------------------------------------------------------------------
// The session list: fetched again when the daemon's all-sessions stream (GET /api/v1/events/stream, lifecycle and
// activity events) says something changed, re-rendered only when something did.
// ---------------------------------------------------------------------------------------------------------------
let sessions = [];
let lastListJson = '';
const listStats = { byEvent: 0, byPoll: 0, events: 0 };

// One list request at a time; changes that arrive meanwhile make one more.
let listInFlight = null;
let listAgain = false;
function listChanged() {
  if (listInFlight) { listAgain = true; return; }
  listInFlight = refreshList().finally(() => {
    listInFlight = null;
    if (listAgain) { listAgain = false; listChanged(); }
  });
}

const changes = {
  source: null,
  open() {
    // The stream starts "now"; the list is fetched once it is open, so no change falls between the two. EventSource
    // reconnects by itself with Last-Event-ID (the daemon resumes after it) and the list is fetched again.
    const source = new EventSource('/api/v1/events/stream?kind=' + LIST_CHANGE_KINDS.join(','));
    this.source = source;
    source.onopen = () => { listStats.byEvent++; listChanged(); };
    for (const kind of LIST_CHANGE_KINDS) {
      source.addEventListener(kind, () => { listStats.events++; listStats.byEvent++; listChanged(); });
    }
    source.onerror = () => { $('conn').textContent = 'reconnecting…'; };
  },
};

async function refreshList() {
  const archived = $('archived').checked || $('status-filter').value === 'archived';
  const status = $('status-filter').value;
  const query = new URLSearchParams({ limit: '200' });
  if (archived) query.set('includeArchived', 'true');
  if (status) query.set('status', status);
  try {
    const list = await api('GET', 'sessions?' + query);
    $('conn').textContent = 'live';
    const json = JSON.stringify(list.sessions);
    if (json !== lastListJson) {
      lastListJson = json;
      sessions = list.sessions;
      for (const s of sessions) panes.get(s.id)?.setStatus(s.status);
    }
    renderList();
  } catch (e) {
    $('conn').textContent = 'daemon unreachable: ' + e.message;
  }
}

const RITUALS = [
  ['session.kill', 'kill', (s) => api('POST', `sessions/${s.id}/kill`, {})],
  ['session.archive', 'archive', (s) => api('POST', `sessions/${s.id}/archive`)],
  ['session.summon', 'summon', (s) => api('POST', `sessions/${s.id}/summon`)],
  ['session.sacrifice', 'sacrifice', (s) => confirm(`Sacrifice "${s.title}"? Its record and recorded output are deleted for good.`)
    ? api('POST', `sessions/${s.id}/sacrifice`, { confirm: true }) : Promise.resolve(null)],
];

// Rows are kept per session and updated in place: a cell changes when what it shows changed, and the buttons are
// replaced only when the session's allowed actions did (an activity change, the most frequent, never replaces one
// under the pointer). The buttons act on the row's latest record.
const rows = new Map();

function buildRow(s) {
  const cells = {
    status: el('td'), activity: el('td', { className: 'activity' }), harness: el('td'), project: el('td', { className: 'project' }),
    title: el('td', { className: 'title' }), age: el('td', { className: 'age' }), actions: el('td', { className: 'actions' }),
  };
  const tr = el('tr', {}, ...Object.values(cells));
  tr.dataset.id = s.id;
  return { tr, cells, session: s, textKey: '', actionsKey: '' };
}

function buildActions(row) {
  const s = row.session;
  const open = el('button', { textContent: ENDED.has(s.status) ? 'screen' : 'open', className: 'open' });
  open.onclick = () => openPane(row.session);
  const buttons = [open];
  for (const [action, label, run] of RITUALS) {
    if (!(s.allowedActions || []).includes(action)) continue;
    const b = el('button', { textContent: label, className: label === 'sacrifice' || label === 'kill' ? 'danger ' + label : label });
    b.onclick = async () => {
      const target = row.session;
      try { say(await run(target) !== null ? `${label}: ${target.id.slice(-8)}` : `${label} of ${target.id.slice(-8)} cancelled`); } catch (e) { say(e.message, true); }
      listChanged();
    };
    buttons.push(b);
  }
  row.cells.actions.replaceChildren(...buttons);
}

function updateRow(row, s) {
  row.session = s;
  const textKey = JSON.stringify([s.status, s.activity, s.title, s.prompt, s.harness, s.familiar, s.projectRoot, s.createdAt]);
  if (row.textKey !== textKey) {
    row.textKey = textKey;
    const c = row.cells;
    c.status.className = 'status status-' + s.status;
    c.status.textContent = s.status;
    c.activity.textContent = s.status === 'live' ? (s.activity || 'unknown') : '';
    c.harness.textContent = s.familiar && s.familiar !== s.harness ? `${s.familiar} (${s.harness})` : s.harness;
    c.project.textContent = s.projectRoot.split('/').filter(Boolean).pop() || '/';
    c.project.title = s.projectRoot;
    c.title.textContent = s.title;
    c.title.title = s.prompt || s.title;
    c.age.title = s.createdAt;
  }
  const actionsKey = JSON.stringify([ENDED.has(s.status), s.allowedActions]);
  if (row.actionsKey !== actionsKey) {
    row.actionsKey = actionsKey;
    buildActions(row);
  }
  row.cells.age.textContent = age(s.createdAt);
}

function renderList() {
  const needle = $('filter').value.trim().toLowerCase();
  const shown = sessions.filter((s) => !needle || [s.title, s.harness, s.projectRoot, s.id, s.familiar || ''].some((v) => (v || '').toLowerCase().includes(needle)));
  const body = $('sessions').querySelector('tbody');
  const keep = new Set();
  let at = body.firstChild;
  for (const s of shown) {
    let row = rows.get(s.id);
    if (!row) {
      row = buildRow(s);
      rows.set(s.id, row);
    }
    updateRow(row, s);
    row.tr.classList.toggle('open', panes.has(s.id));
    keep.add(s.id);
    if (row.tr !== at) body.insertBefore(row.tr, at); else at = at.nextSibling;
  }
  for (const [id, row] of rows) {
    if (!keep.has(id)) { row.tr.remove(); rows.delete(id); }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Launch and Cast Codes.
// ---------------------------------------------------------------------------------------------------------------
async function loadChoices() {
  try {
    const caps = await api('GET', 'capabilities');
    const list = $('harnesses');
    for (const c of caps.capabilities) {
      if (c.id.startsWith('harness.') && c.id !== 'harness.registry') list.append(el('option', { value: c.id.slice(8), label: `${c.label} (${c.status})` }));
    }
    const familiars = await api('GET', 'familiars');
    const select = document.querySelector('#launch select[name=familiar]');
    for (const f of familiars.familiars) select.append(el('option', { value: f.name, textContent: `${f.name} (${f.harness})` }));
  } catch (e) { say(e.message, true); }
}

$('launch').addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = new FormData(e.target);
  const text = (name) => (form.get(name) || '').toString().trim() || undefined;
  const request = { projectRoot: text('projectRoot'), cwd: text('cwd'), prompt: text('prompt'), title: text('title') };
  if (text('familiar')) request.familiar = text('familiar'); else request.harness = text('harness');
  if (form.get('worktree')) request.worktree = true;
  if (text('cols')) request.cols = Number(text('cols'));
  if (text('rows')) request.rows = Number(text('rows'));
  localStorage.setItem('coven.projectRoot', request.projectRoot || '');
  try {
    const session = await api('POST', 'sessions', request);
    say(`launched ${session.title} (${session.id.slice(-8)})`);
    listChanged();
    openPane(session);
  } catch (err) { say(err.message, true); }
});

$('cast').addEventListener('submit', async (e) => {
  e.preventDefault();
  const code = $('cast-code').value.trim();
  if (!code) return;
  const projectRoot = document.querySelector('#launch input[name=projectRoot]').value.trim() || null;
  try {
    const answer = await api('POST', 'cast', { code, projectRoot, target: focused ? focused.id : null });
    say(`${answer.cast.kind}: ${answer.action}`);
    showDetail(`${code}`, JSON.stringify(answer.result, null, 2));
    if (answer.result && answer.result.id && answer.result.status) openPane(answer.result);
    if (answer.result && answer.result.session && answer.result.session.id) openPane(answer.result.session);
    listChanged();
  } catch (err) { say(err.message, true); }
});

$('detail-close').onclick = () => { $('detail').hidden = true; };
$('filter').addEventListener('input', renderList);
$('status-filter').addEventListener('change', listChanged);
$('archived').addEventListener('change', listChanged);
document.querySelector('#launch input[name=projectRoot]').value = localStorage.getItem('coven.projectRoot') || '';

// For tests and the curious: the open terminals and the frame loop's numbers (docs/web.md).
const fallback = {
  timer: 0,
  start() { this.timer = setInterval(() => { listStats.byPoll++; listChanged(); }, LIST_FALLBACK_MS); },
  stop() { clearInterval(this.timer); },
};
window.cockpit = { panes, stats, streams, changes, fallback, listStats, openPane, refreshList, sessions: () => sessions };

loadChoices();
listChanged();
changes.open();
fallback.start();
setInterval(renderList, 1000); // the age column
