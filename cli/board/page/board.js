// The board's page: one server-sent event stream for the whole fleet (no request per agent, no polling), one
// for the screen being watched. Cards are kept per agent and updated in place, so what a person types survives
// updates. Plain browser JavaScript, served as is.
'use strict';

const $ = (id) => document.getElementById(id);
const cards = new Map();
const TAKES_PROMPTS = new Set(['waiting', 'idle']);
let screen = null;

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === 'class') node.className = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

function duration(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

async function post(path, body) {
  const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const answer = await res.json().catch(() => ({ error: `HTTP ${res.status}` }));
  return { ok: res.ok, text: answer.message || answer.error || `HTTP ${res.status}` };
}

function say(card, result) {
  card.result.textContent = result.text;
  card.result.classList.toggle('refused', !result.ok);
}

function agentPath(name) {
  return `/api/agents/${encodeURIComponent(name)}`;
}

// What a person typed (a deny's message, a prompt), by agent: a card made again (the agent left the list for a
// moment while the engine was listed again) keeps it instead of answering with an empty field.
const drafts = new Map();
function draftOf(name) {
  if (!drafts.has(name)) drafts.set(name, { deny: '', prompt: '' });
  return drafts.get(name);
}

function makeCard(name) {
  const card = { name, decisionsKey: '', asksKey: '' };
  const draft = draftOf(name);
  card.title = el('h2', {}, name);
  card.state = el('span', { class: 'state' });
  card.since = el('span', { class: 'for' });
  card.why = el('p', { class: 'why' });
  card.facts = el('p', { class: 'facts' });
  card.decisions = el('ul', { class: 'decisions' });
  card.egressAsks = el('ul', { class: 'egress-asks' });
  card.denyMessage = el('input', { type: 'text', class: 'deny-message', placeholder: 'message with a deny (optional)', 'aria-label': `message for ${name}'s deny` });
  card.promptText = el('textarea', { class: 'prompt-text', placeholder: 'next prompt (while it waits)', 'aria-label': `prompt for ${name}` });
  card.denyMessage.value = draft.deny;
  card.promptText.value = draft.prompt;
  card.denyMessage.addEventListener('input', () => (draft.deny = card.denyMessage.value));
  card.promptText.addEventListener('input', () => (draft.prompt = card.promptText.value));
  card.promptButton = el('button', { type: 'submit', class: 'prompt-send' }, 'Send prompt');
  card.prompt = el('form', { class: 'prompt', onsubmit: async (event) => {
    event.preventDefault();
    card.promptButton.disabled = true;
    const result = await post(`${agentPath(name)}/prompt`, { text: card.promptText.value });
    if (result.ok) card.promptText.value = draft.prompt = '';
    say(card, result);
    card.promptButton.disabled = false;
  } }, card.promptText, card.promptButton);
  card.screenButton = el('button', { type: 'button', class: 'show-screen', onclick: () => showScreen(name) }, 'Screen');
  card.result = el('p', { class: 'result', role: 'status' });
  card.root = el('section', { class: 'agent', 'data-name': name },
    el('header', {}, card.title, card.state, card.since, card.screenButton), card.why, card.facts, card.decisions, card.egressAsks, card.denyMessage, card.prompt, card.result);
  return card;
}

function updateCard(card, a) {
  card.root.dataset.state = a.state;
  card.state.textContent = a.state;
  card.sinceMs = a.sinceMs;
  card.why.textContent = a.unreachable || a.why || '';
  const memory = a.memoryBytes === null ? '-' : `${Math.round(a.memoryBytes / 1048576)} MiB`;
  card.facts.textContent = `${a.agent} · restarts ${a.restarts ?? '-'} · memory ${memory} · OOM kills ${a.oomKills} · ${a.workspace ?? ''} · ${a.attach}`;
  const key = a.decisions.map((d) => d.id).join(',') + `+${a.moreDecisions}`;
  if (key !== card.decisionsKey) {
    card.decisionsKey = key;
    card.decisions.replaceChildren(...a.decisions.map((d) => decisionItem(card, d)));
    if (a.moreDecisions > 0) card.decisions.append(el('li', {}, `and ${a.moreDecisions} more waiting`));
  }
  const asksKey = a.egressAsks.map((e) => e.id).join(',');
  if (asksKey !== card.asksKey) {
    card.asksKey = asksKey;
    card.egressAsks.replaceChildren(...a.egressAsks.map((e) => egressAskItem(card, e)));
  }
  card.denyMessage.hidden = a.decisions.length === 0;
  const takes = a.running && a.answerable && TAKES_PROMPTS.has(a.state);
  card.prompt.hidden = !a.answerable;
  card.promptButton.disabled = !takes;
  card.promptText.title = takes ? '' : `prompts are typed while the agent waits; it is ${a.state}`;
  card.screenButton.disabled = !a.running || !a.answerable;
}

function decisionItem(card, d) {
  const answer = (behavior) => async () => {
    const body = behavior === 'deny' && card.denyMessage.value.trim() ? { behavior, message: card.denyMessage.value } : { behavior };
    const result = await post(`${agentPath(card.name)}/decisions/${d.id}`, body);
    if (result.ok && behavior === 'deny') card.denyMessage.value = draftOf(card.name).deny = '';
    say(card, result);
  };
  return el('li', { class: 'decision', 'data-id': d.id },
    el('span', {}, `${d.tool}: `), el('code', {}, d.summary),
    el('button', { type: 'button', class: 'approve', onclick: answer('allow') }, 'Approve'),
    el('button', { type: 'button', class: 'deny', onclick: answer('deny') }, 'Deny'));
}

// An egress ask is answered in the agent's egress proxy: once, for this agent, always (the allow file), or deny.
function egressAskItem(card, e) {
  const answer = (value) => async () => say(card, await post(`${agentPath(card.name)}/egress-asks/${e.id}`, { answer: value }));
  return el('li', { class: 'egress-ask', 'data-id': e.id },
    el('span', {}, 'egress: '), el('code', {}, `${e.method} ${e.host}:${e.port}${e.path ?? ''}`),
    el('button', { type: 'button', class: 'allow-once', onclick: answer('once') }, 'Allow once'),
    el('button', { type: 'button', class: 'allow-agent', onclick: answer('agent') }, 'For this agent'),
    el('button', { type: 'button', class: 'allow-always', onclick: answer('always') }, 'Always'),
    el('button', { type: 'button', class: 'deny', onclick: answer('deny') }, 'Deny'));
}

let fleetUpdates = 0;

function render(fleet) {
  fleetUpdates++;
  $('engine-error').hidden = !fleet.engineError;
  $('engine-error').textContent = fleet.engineError || '';
  $('empty').hidden = fleet.agents.length > 0;
  const seen = new Set();
  // Cards stay where they are: moving a node (even to where it already is) blurs the field a person types in,
  // and a click aimed at a card that moves lands elsewhere. Only a new card, or one whose place in the list's
  // order (most urgent first) changed, is inserted; the cards after it shift without being touched.
  const list = $('agents');
  const focused = document.activeElement;
  let place = list.firstElementChild;
  for (const a of fleet.agents) {
    seen.add(a.name);
    let card = cards.get(a.name);
    if (!card) cards.set(a.name, (card = makeCard(a.name)));
    updateCard(card, a);
    if (card.root === place) place = place.nextElementSibling;
    else list.insertBefore(card.root, place);
  }
  for (const [name, card] of cards) {
    if (seen.has(name)) continue;
    card.root.remove();
    cards.delete(name);
  }
  // A card that did move keeps its field's focus and caret.
  if (focused && focused !== document.activeElement && focused.isConnected && list.contains(focused)) keepFocus(focused);
  tick();
}

function keepFocus(field) {
  const [start, end] = [field.selectionStart, field.selectionEnd];
  field.focus({ preventScroll: true });
  if (typeof start === 'number') field.setSelectionRange(start, end);
}

function tick() {
  const now = Date.now();
  for (const card of cards.values()) card.since.textContent = card.sinceMs ? `for ${duration(now - card.sinceMs)}` : '';
}

function showScreen(name) {
  closeScreen();
  $('screen-panel').hidden = false;
  $('screen-title').textContent = `${name}: screen (read-only)`;
  $('screen-status').textContent = 'connecting…';
  const term = new globalThis.Terminal({ disableStdin: true, cursorBlink: false, scrollback: 0, fontSize: 13 });
  term.open($('screen'));
  const source = new EventSource(`${agentPath(name)}/screen`);
  screen = { name, term, source, lines: [] };
  source.addEventListener('screen', (event) => {
    const s = JSON.parse(event.data);
    if (term.cols !== s.cols || term.rows !== s.rows) term.resize(s.cols, s.rows);
    // Each update is the whole screen: clear, then the lines with their colours, then the cursor.
    const lines = s.text.split('\n');
    term.write(`\x1b[0m\x1b[H\x1b[2J${lines.join('\x1b[0m\r\n')}\x1b[0m\x1b[${s.cursor.y + 1};${s.cursor.x + 1}H`, () => {
      if (screen && screen.term === term) screen.updates = (screen.updates || 0) + 1;
    });
    $('screen-status').textContent = `${s.cols}×${s.rows}, updated ${new Date().toLocaleTimeString()}`;
  });
  source.addEventListener('ended', (event) => ($('screen-status').textContent = `the screen stream ended: ${JSON.parse(event.data).reason}`));
  source.onerror = () => ($('screen-status').textContent = 'reconnecting…');
}

function closeScreen() {
  if (!screen) return;
  screen.source.close();
  screen.term.dispose();
  screen = null;
  $('screen-panel').hidden = true;
}

$('screen-close').addEventListener('click', closeScreen);

const stream = new EventSource('/api/stream');
stream.addEventListener('fleet', (event) => render(JSON.parse(event.data)));
stream.onopen = () => ($('connection').textContent = 'live');
stream.onerror = () => ($('connection').textContent = 'reconnecting…');
setInterval(tick, 1000);

// For scripts and tests: the watched screen's text, as the terminal shows it.
globalThis.agentgateBoard = {
  screenLines() {
    if (!screen) return null;
    const buffer = screen.term.buffer.active;
    const lines = [];
    for (let i = 0; i < screen.term.rows; i++) lines.push(buffer.getLine(i)?.translateToString(true) ?? '');
    return lines;
  },
  screenUpdates: () => (screen ? screen.updates || 0 : 0),
  /** How many fleet updates the page has rendered. */
  fleetUpdates: () => fleetUpdates,
  /** The foreground palette colour of a cell of the watched screen (-1: the default colour). */
  cellColour(x, y) {
    const cell = screen?.term.buffer.active.getLine(y)?.getCell(x);
    return cell && cell.isFgPalette() ? cell.getFgColor() : -1;
  },
};
