// The Switchboard chat page. All user-provided text is rendered with textContent, never as HTML.
import {SwitchboardClient, uuid} from './switchboard.js';

const $ = id => document.getElementById(id);
const els = {
  joinForm: $('join-form'), name: $('name'), room: $('room'), join: $('join'),
  chat: $('chat'), roomName: $('room-name'), messages: $('messages'),
  sendForm: $('send-form'), text: $('text'), online: $('online'), onlineCount: $('online-count'),
  status: $('status'), statusText: $('status-text'),
};
const WS_URL = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/v1`;
const PRESENCE_EVERY_MS = 3000;

let client = null;
let me = '';
let room = '';
let presenceTimer = null;
let joinedOnce = false;

els.name.value = `guest-${1000 + Math.floor(Math.random() * 9000)}`;
els.room.value = 'public:lobby';

els.joinForm.addEventListener('submit', e => {
  e.preventDefault();
  start(els.name.value.trim(), els.room.value.trim());
});

els.sendForm.addEventListener('submit', e => {
  e.preventDefault();
  const text = els.text.value.trim();
  if (!text || !client) return;
  els.text.value = '';
  const clientMsgId = uuid();
  const li = renderMessage({sender: me, body: {text}, clientMsgId, ts: Date.now()}, true);
  client.send(room, {text}, {clientMsgId})
    .then(() => li.classList.remove('pending'))
    .catch(err => {
      li.classList.replace('pending', 'failed');
      li.title = `not sent: ${err.code}`;
    });
});

function start(name, roomName) {
  stop();
  me = name;
  room = roomName;
  joinedOnce = false;
  els.messages.replaceChildren();
  els.online.replaceChildren();
  els.onlineCount.textContent = '0';
  els.roomName.textContent = room;
  els.chat.hidden = false;
  els.join.textContent = 'Switch';
  document.title = `#${room} · Switchboard`;

  const c = client = new SwitchboardClient({url: WS_URL, token: `dev:${name}`});
  c.on('state', (state, detail) => client === c && showState(state, detail));
  c.on('message', (r, m) => client === c && r === room && renderMessage(m, false));
  c.on('joined', f => {
    if (client !== c || f.room !== room) return;
    if (!joinedOnce) note(`You joined #${room} as ${me}.`);
    joinedOnce = true;
    refreshPresence();
  });
  c.on('recovered', f => {
    if (client !== c || f.room !== room || f.recovered) return;
    if (f.missing) { // retention removed part of what we missed: say exactly what
      const count = f.missing.reduce((n, r) => n + r.to - r.from + 1, 0);
      note(`${count} older message${count === 1 ? ' is' : 's are'} no longer available.`);
      return;
    }
    els.messages.replaceChildren(); // a new history lineage: old messages mean nothing now
    note('The room history changed while you were away.');
  });
  c.on('error', err => client === c && !err.temporary && note(`Error: ${err.message}`, 'error'));
  c.connect().catch(() => {});
  c.join(room).catch(err => note(`Could not join #${room}: ${err.message}`, 'error'));
  presenceTimer = setInterval(refreshPresence, PRESENCE_EVERY_MS);
  els.text.focus();
}

function stop() {
  clearInterval(presenceTimer);
  client?.close();
  client = null;
}

function refreshPresence() {
  const c = client;
  if (!c || c.state !== 'open') return;
  c.presence(room).then(users => {
    if (c !== client) return;
    const sorted = [...new Set(users)].sort((a, b) => a.localeCompare(b));
    els.online.replaceChildren(...sorted.map(u => {
      const li = document.createElement('li');
      li.append(avatar(u), text('span', 'who', u));
      if (u === me) li.append(text('span', 'you', 'you'));
      return li;
    }));
    els.onlineCount.textContent = String(sorted.length);
  }, () => {});
}

/** Renders a message; a message of ours that arrives from the server replaces its pending copy. */
function renderMessage(m, pending) {
  const own = m.sender === me;
  const existing = own && !pending && [...els.messages.querySelectorAll('li.msg.own')]
    .find(li => li.dataset.clientMsgId === m.clientMsgId);
  if (existing) existing.remove();
  const li = document.createElement('li');
  li.className = `msg${own ? ' own' : ''}${pending ? ' pending' : ''}`;
  li.dataset.clientMsgId = m.clientMsgId ?? '';
  if (m.seq !== undefined) li.dataset.seq = String(m.seq);
  const meta = document.createElement('div');
  meta.className = 'meta';
  const time = text('time', 'time', formatTime(m.ts));
  time.dateTime = new Date(m.ts).toISOString();
  meta.append(text('span', 'sender', m.sender), time);
  li.append(avatar(m.sender), meta, text('div', 'text', bodyText(m.body)));
  const nearBottom = els.messages.scrollHeight - els.messages.scrollTop - els.messages.clientHeight < 80;
  // Confirmed messages arrive in seq order; keep them above our still-pending ones.
  const firstPending = pending ? null : els.messages.querySelector('li.msg.pending');
  els.messages.insertBefore(li, firstPending);
  if (nearBottom || own) els.messages.scrollTop = els.messages.scrollHeight;
  return li;
}

function note(message, kind = 'info') {
  const li = text('li', `note ${kind}`, message);
  els.messages.append(li);
  els.messages.scrollTop = els.messages.scrollHeight;
}

function showState(state, detail) {
  els.status.dataset.state = state;
  if (state === 'open') els.statusText.textContent = `online as ${me}`;
  else if (state === 'connecting') els.statusText.textContent = 'connecting…';
  else if (detail?.willRetry) els.statusText.textContent = `offline, retrying in ${Math.ceil(detail.retryInMs / 1000)} s`;
  else els.statusText.textContent = detail?.code >= 4500 ? `disconnected: ${detail.reason || detail.code}` : 'disconnected';
  if (state !== 'open') {
    els.online.replaceChildren();
    els.onlineCount.textContent = '0';
  }
}

function bodyText(body) {
  if (body && typeof body === 'object' && typeof body.text === 'string') return body.text;
  return typeof body === 'string' ? body : JSON.stringify(body);
}

function formatTime(ts) {
  return new Date(ts).toLocaleTimeString([], {hour: '2-digit', minute: '2-digit'});
}

function avatar(name) {
  const span = text('span', 'avatar', (name[0] ?? '?').toUpperCase());
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.codePointAt(0)) % 360;
  span.style.setProperty('--hue', String(h));
  span.setAttribute('aria-hidden', 'true');
  return span;
}

function text(tag, className, value) {
  const el = document.createElement(tag);
  el.className = className;
  el.textContent = value;
  return el;
}
