// Switchboard JavaScript client SDK (protocol v1). A plain ES module for browsers and for Node 20+
// (pass `WebSocketImpl`, or run Node with a global WebSocket, e.g. `node --experimental-websocket`).

const NO_RECONNECT = 4500; // close codes >= this mean "do not reconnect" (bad token, bad version)
const MAX_FRAME_BYTES = 64 * 1024; // larger frames make the gateway close the socket (1009)
const TOKEN_EXPIRED = 4004; // the connection's token expired: reconnect with a fresh one

/** A random UUID; crypto.randomUUID needs a secure context, getRandomValues does not. */
export function uuid() {
  if (globalThis.crypto?.randomUUID && globalThis.isSecureContext !== false) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40; // version 4
  b[8] = (b[8] & 0x3f) | 0x80; // RFC 4122 variant
  const h = [...b].map(x => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** An error frame from the server (`code`, `temporary`, `frame`), or a local failure. */
export class SwitchboardError extends Error {
  constructor(code, message, temporary = false, frame = undefined) {
    super(`${code}: ${message}`);
    Object.assign(this, {name: 'SwitchboardError', code, temporary, frame});
  }
}

/**
 * A reliable client for the Switchboard chat protocol v1.
 *
 * It remembers the rooms you join and, per room, the last delivered `seq` and the `epoch`. After
 * a dropped connection it reconnects with capped exponential backoff and full jitter, says hello
 * again, re-joins every room with `since: {seq, epoch}` so the server replays what was missed,
 * drops duplicates (`seq <= lastSeq`), and resends unacknowledged sends with the same
 * `clientMsgId` (the server deduplicates them). Close codes >= 4500 stop reconnecting.
 *
 * Tokens: pass `token` (a string), or `getToken` (an async function) to have a fresh token fetched
 * for every connection and before the current one expires (sent as a `refresh` frame, so the
 * connection stays up). Rate limits: at most `maxInFlight` sends are unacknowledged at a time
 * (fewer right after a rate limit: the window grows by one per ack), and after a `rate_limited`
 * error nothing is sent until its `retryAfterMs` has passed.
 *
 * Events (subscribe with {@link SwitchboardClient#on}):
 * - `"message"` `(room, message)`: a new message `{room, seq, sender, clientMsgId, body, ts}`, in seq order
 * - `"joined"` `(frame)`: the server's `joined` reply (also after each re-join)
 * - `"recovered"` `(frame)`: catch-up finished. `frame.recovered === false` with `frame.missing`
 *   (`[{from, to}]`) means retention removed those seqs; without `missing` it means the room's
 *   history lineage changed, so a view of that room should be reset
 * - `"state"` `(state, detail)`: `"connecting"`, `"open"` (after `welcome`) or `"closed"`;
 *   detail of `"closed"` is `{code, reason, willRetry, retryInMs}`
 * - `"error"` `(SwitchboardError)`: a server error not tied to a pending call (for example a room
 *   the refreshed token no longer grants: the room is forgotten), a failed token refresh, or a
 *   fatal close
 *
 * @example
 * const client = new SwitchboardClient({url: 'ws://127.0.0.1:8080/ws/v1', token: 'dev:alice'});
 * client.on('message', (room, m) => console.log(room, m.sender, m.body));
 * await client.connect();
 * await client.join('lobby');
 * const {seq} = await client.send('lobby', {text: 'hi'});
 */
export class SwitchboardClient {
  #url; #getToken; #WS; #backoff; #reconnect; #connectTimeoutMs; #maxInFlight;
  #ws = null;
  #state = 'closed';
  #stopped = true;      // before connect(), and after close() or a fatal close code
  #welcome = null;      // the current connection's welcome frame
  #welcomeWaiters = [];
  #attempt = 0;         // reconnect attempts since the last welcome
  #timer = null;        // reconnect or connect-timeout timer
  #pingTimer = null;
  #refreshTimer = null;
  #pausedUntil = 0;     // after rate_limited: no sends before this time (ms)
  #window = 1;          // sends allowed in flight: grows by one per ack up to maxInFlight, 1 after rate_limited
  #resumeTimer = null;
  #lastHeard = 0;
  #nextRef = 0;
  #rooms = new Map();   // room -> {seq, epoch, joined, waiters: [{resolve, reject}]}
  #sends = new Map();   // clientMsgId -> {room, body, resolve, reject, inflight, tries}
  #calls = new Map();   // ref -> callback(reply or error frame), current connection only
  #listeners = new Map();

  /**
   * @param {object} options
   * @param {string} options.url WebSocket URL, e.g. `ws://host:8080/ws/v1`
   * @param {string} [options.token] hello token: a JWT, or `dev:alice` on a development gateway
   * @param {() => (string|Promise<string>)} [options.getToken] fetches a fresh token; called for
   *   every connection and before the current token expires (instead of `token`)
   * @param {typeof WebSocket} [options.WebSocketImpl] WebSocket class (defaults to the global one)
   * @param {{baseMs?: number, maxMs?: number}} [options.backoff] delays before a refused send or join
   *   is retried: random(0, min(maxMs, baseMs * 2^attempt)), defaults 250 ms and 10 s
   * @param {{minMs?: number, firstMaxMs?: number, maxMs?: number}} [options.reconnect] delays before
   *   reconnecting after the connection dropped: random(minMs, min(maxMs, firstMaxMs * 2^attempt)),
   *   defaults 1 s, 5 s and 30 s. The floor and the spread keep the clients of a gateway that went
   *   away from all arriving at another one in the same instant.
   * @param {number} [options.connectTimeoutMs] how long a connection may take to reach `welcome` (10 s)
   * @param {number} [options.maxInFlight] most unacknowledged sends on the wire at a time (16)
   */
  constructor({url, token, getToken, WebSocketImpl = globalThis.WebSocket, backoff = {}, reconnect = {},
    connectTimeoutMs = 10000, maxInFlight = 16}) {
    if (!WebSocketImpl) throw new Error('no WebSocket implementation: pass WebSocketImpl');
    if (!token && !getToken) throw new Error('pass token or getToken');
    [this.#url, this.#WS, this.#connectTimeoutMs, this.#maxInFlight] = [url, WebSocketImpl, connectTimeoutMs, maxInFlight];
    this.#getToken = getToken ?? (() => token);
    this.#backoff = {baseMs: backoff.baseMs ?? 250, maxMs: backoff.maxMs ?? 10000};
    this.#reconnect = {minMs: reconnect.minMs ?? 1000, firstMaxMs: reconnect.firstMaxMs ?? 5000,
      maxMs: reconnect.maxMs ?? 30000};
  }

  /** Current state: `"connecting"`, `"open"` or `"closed"`. */
  get state() { return this.#state; }

  /** Subscribes to an event; returns a function that unsubscribes. */
  on(event, fn) {
    if (!this.#listeners.has(event)) this.#listeners.set(event, new Set());
    this.#listeners.get(event).add(fn);
    return () => this.#listeners.get(event).delete(fn);
  }

  /** Opens the connection and keeps it open. Resolves with the `welcome` frame. */
  connect() {
    if (this.#state === 'open') return Promise.resolve(this.#welcome);
    const welcome = new Promise((resolve, reject) => this.#welcomeWaiters.push({resolve, reject}));
    if (this.#stopped) {
      [this.#stopped, this.#attempt] = [false, 0];
      this.#open();
    }
    return welcome;
  }

  /** Joins a room (remembered across reconnects). Resolves with its first `joined` frame. */
  join(room) {
    let r = this.#rooms.get(room);
    if (r?.joined) return Promise.resolve({type: 'joined', room, seq: r.seq, epoch: r.epoch});
    const fresh = !r;
    if (fresh) this.#rooms.set(room, r = {seq: null, epoch: null, joined: false, waiters: []});
    const joined = new Promise((resolve, reject) => r.waiters.push({resolve, reject}));
    if (fresh && this.#state === 'open') this.#sendJoin(room); // else it is joined after welcome
    return joined;
  }

  /** Leaves a room and forgets it; its unacknowledged sends are rejected. */
  leave(room) {
    this.#forget(room, new SwitchboardError('not_joined', `left ${room}`));
    return this.#state === 'open' ? this.#call({type: 'leave', room}).then(() => {}) : Promise.resolve();
  }

  /**
   * Sends a message body (any JSON value) to a joined room. Resolves once the server committed
   * it; retries temporary failures and survives reconnects with the same `clientMsgId`.
   * @param {string} room
   * @param {*} body
   * @param {{clientMsgId?: string}} [options] your own id (<= 64 chars), e.g. to match the echo
   * @returns {Promise<{seq: number, clientMsgId: string}>}
   */
  async send(room, body, {clientMsgId = uuid()} = {}) {
    // Never send what would get the socket closed with 1009: it would be resent after every reconnect.
    const frame = JSON.stringify({type: 'send', room, clientMsgId, body, ref: String(this.#nextRef + 1e6)});
    if (new TextEncoder().encode(frame).length > MAX_FRAME_BYTES) {
      return Promise.reject(new SwitchboardError('too_large', `frame exceeds ${MAX_FRAME_BYTES} bytes`));
    }
    return new Promise((resolve, reject) => {
      const s = {room, body, resolve, reject, inflight: false, tries: 0};
      this.#sends.set(clientMsgId, s);
      this.#transmit(clientMsgId, s);
    });
  }

  /** Asks who is online in a room. @returns {Promise<string[]>} */
  presence(room) {
    if (this.#state !== 'open') return Promise.reject(new SwitchboardError('disconnected', 'not connected', true));
    return this.#call({type: 'presence', room}).then(f => f.users);
  }

  /** Closes the connection for good; pending sends and joins are rejected. */
  close() {
    this.#stopped = true;
    clearTimeout(this.#timer);
    clearTimeout(this.#resumeTimer);
    this.#shutdown(new SwitchboardError('closed', 'client closed'));
    const ws = this.#ws;
    this.#detach();
    ws?.close(1000);
    this.#setState('closed', {code: 1000, reason: 'client closed', willRetry: false});
  }

  #open() {
    this.#setState('connecting');
    const ws = this.#ws = new this.#WS(this.#url);
    const fail = reason => { if (ws === this.#ws) { this.#dropped(ws, 1006, reason); ws.close(); } };
    ws.onopen = () => Promise.resolve().then(() => this.#getToken()).then(
      token => ws === this.#ws && this.#write({type: 'hello', token}),
      err => fail(`getToken failed: ${err?.message ?? err}`));
    ws.onmessage = e => this.#onFrame(e.data);
    ws.onclose = e => this.#dropped(ws, e.code, e.reason);
    // Browsers follow an error with a close event; Node 20's WebSocket may not while connecting.
    ws.onerror = () => ws.readyState === 0 && fail('connect failed');
    // A handshake can also hang (e.g. a silent proxy): give up on it and retry.
    this.#timer = setTimeout(() => this.#state === 'connecting' && fail('connect timeout'), this.#connectTimeoutMs);
  }

  #detach() {
    const ws = this.#ws;
    if (ws) ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
    this.#ws = null;
    clearInterval(this.#pingTimer);
    clearTimeout(this.#refreshTimer);
    const calls = [...this.#calls.values()];
    this.#calls.clear();
    for (const r of this.#rooms.values()) r.joined = false;
    for (const s of this.#sends.values()) s.inflight = false;
    calls.forEach(cb => cb({type: 'error', code: 'disconnected', message: 'connection lost', temporary: true}));
  }

  #dropped(ws, code, reason) {
    if (ws !== this.#ws) return;
    clearTimeout(this.#timer);
    this.#detach();
    if (this.#stopped) return;
    if (code === TOKEN_EXPIRED) this.#attempt = 0; // not a failure: reconnect at once with a fresh token
    if (code >= NO_RECONNECT) {
      this.#stopped = true;
      const err = new SwitchboardError(code === 4500 ? 'invalid_token' : 'unsupported_version', reason || `closed ${code}`);
      this.#shutdown(err);
      this.#setState('closed', {code, reason, willRetry: false});
      return this.#emit('error', err);
    }
    const delay = code === TOKEN_EXPIRED ? 0 : this.#reconnectDelay(this.#attempt++);
    this.#setState('closed', {code, reason, willRetry: true, retryInMs: Math.round(delay)});
    this.#timer = setTimeout(() => this.#open(), delay);
  }

  #shutdown(err) {
    this.#welcomeWaiters.splice(0).forEach(w => w.reject(err));
    for (const r of this.#rooms.values()) r.waiters.splice(0).forEach(w => w.reject(err));
    for (const s of this.#sends.values()) s.reject(err);
    this.#sends.clear();
  }

  #onWelcome(f) {
    clearTimeout(this.#timer);
    [this.#welcome, this.#attempt] = [f, 0];
    this.#setState('open');
    this.#welcomeWaiters.splice(0).forEach(w => w.resolve(f));
    const every = f.pingInterval || 15000;
    this.#scheduleRefresh(f.expiresAt);
    this.#pingTimer = setInterval(() => {
      // Silent for 2.5 intervals: the connection is dead even if the socket has not noticed yet.
      if (Date.now() - this.#lastHeard > every * 2.5) { const ws = this.#ws; this.#dropped(ws, 4002, 'no pong'); ws?.close(); }
      else this.#write({type: 'ping'});
    }, every);
    for (const room of this.#rooms.keys()) this.#sendJoin(room);
    for (const [id, s] of this.#sends) if (!this.#rooms.has(s.room)) this.#transmit(id, s); // gets not_joined
  }

  /** Refreshes the token ahead of `expiresAt` (ms): a fifth of its lifetime ahead, 5 to 60 s. */
  #scheduleRefresh(expiresAt) {
    clearTimeout(this.#refreshTimer);
    if (!expiresAt) return;
    const left = expiresAt - Date.now();
    const ahead = Math.min(60000, Math.max(5000, left / 5));
    this.#refreshTimer = setTimeout(() => this.#refresh(), Math.max(0, left - ahead));
  }

  #refresh() {
    const ws = this.#ws;
    Promise.resolve().then(() => this.#getToken())
      .then(token => ws === this.#ws && this.#state === 'open' ? this.#call({type: 'refresh', token}) : null)
      .then(f => { if (f) this.#scheduleRefresh(f.expiresAt); },
        err => {
          if (err?.code === 'disconnected') return;
          this.#emit('error', err instanceof SwitchboardError ? err : new SwitchboardError('refresh_failed', String(err?.message ?? err), true));
          // Try once more shortly; if the token still expires, the server closes with 4004 and we reconnect.
          if (ws === this.#ws) this.#refreshTimer = setTimeout(() => this.#refresh(), 5000);
        });
  }

  #write(frame) {
    if (this.#ws?.readyState === 1) this.#ws.send(JSON.stringify(frame));
  }

  #call(frame) {
    const ref = String(++this.#nextRef);
    return new Promise((resolve, reject) => {
      this.#calls.set(ref, f => f.type === 'error' ? reject(new SwitchboardError(f.code, f.message, f.temporary, f)) : resolve(f));
      this.#write({...frame, ref});
    });
  }

  #sendJoin(room) {
    const r = this.#rooms.get(room);
    const frame = {type: 'join', room};
    if (r.seq !== null) frame.since = r.epoch == null ? {seq: r.seq} : {seq: r.seq, epoch: r.epoch};
    this.#call(frame).then(f => this.#onJoined(f), err => {
      if (this.#rooms.get(room) !== r || err.code === 'disconnected') return; // welcome re-joins
      if (err.temporary) return this.#rejoinLater(room, r, err.frame?.retryAfterMs);
      this.#rooms.delete(room);
      r.waiters.splice(0).forEach(w => w.reject(err));
    });
  }

  #rejoinLater(room, r, atLeastMs = 0) {
    r.joined = false;
    const retry = () => this.#state === 'open' && this.#rooms.get(room) === r && !r.joined && this.#sendJoin(room);
    setTimeout(retry, Math.max(atLeastMs, this.#retryDelay(1)));
  }

  #onJoined(f) {
    const r = this.#rooms.get(f.room);
    if (!r) return;
    r.joined = true;
    if (f.recovering !== true) r.seq = f.seq; // a fresh join or a new lineage: continue from the top
    r.epoch = f.epoch ?? r.epoch;
    r.waiters.splice(0).forEach(w => w.resolve(f));
    this.#emit('joined', f);
    for (const [id, s] of this.#sends) if (s.room === f.room) this.#transmit(id, s);
  }

  #transmit(clientMsgId, s) {
    if (s.inflight || this.#state !== 'open' || this.#rooms.get(s.room)?.joined === false) return;
    if (Date.now() < this.#pausedUntil || this.#inFlight() >= this.#window) return; // #pump sends it later
    s.inflight = true;
    s.tries++;
    const current = () => this.#sends.get(clientMsgId) === s;
    this.#call({type: 'send', room: s.room, clientMsgId, body: s.body}).then(f => {
      if (current()) { this.#sends.delete(clientMsgId); s.resolve({seq: f.seq, clientMsgId}); }
      this.#window = Math.min(this.#maxInFlight, this.#window + 1);
      this.#pump();
    }, err => {
      if (!current()) return this.#pump();
      s.inflight = false;
      if (err.code === 'disconnected') return; // resent after the re-join
      if (err.code === 'rate_limited') return this.#pause(err.frame?.retryAfterMs);
      if (err.temporary) {
        setTimeout(() => current() && this.#transmit(clientMsgId, s), this.#retryDelay(s.tries));
        return this.#pump();
      }
      this.#sends.delete(clientMsgId);
      s.reject(err);
      this.#pump();
    });
  }

  #inFlight() {
    let n = 0;
    for (const s of this.#sends.values()) if (s.inflight) n++;
    return n;
  }

  /** Sends what waits, in order, as far as the window and any rate-limit pause allow. */
  #pump() {
    const wait = this.#pausedUntil - Date.now();
    if (wait > 0) return this.#resumeIn(wait);
    for (const [id, s] of this.#sends) {
      if (this.#inFlight() >= this.#window) return;
      if (!s.inflight) this.#transmit(id, s);
    }
  }

  /** The server said rate_limited: send nothing for `retryAfterMs` (plus jitter), then resume. */
  #pause(retryAfterMs = 1000) {
    this.#window = 1;
    this.#pausedUntil = Math.max(this.#pausedUntil, Date.now() + retryAfterMs + Math.random() * 100);
    this.#resumeIn(this.#pausedUntil - Date.now());
  }

  #resumeIn(ms) {
    clearTimeout(this.#resumeTimer);
    this.#resumeTimer = setTimeout(() => this.#pump(), ms + 1); // timers may fire a little early
  }

  #reconnectDelay(attempt) { // full jitter above a floor
    const {minMs, firstMaxMs, maxMs} = this.#reconnect;
    const cap = Math.max(minMs, Math.min(maxMs, firstMaxMs * 2 ** attempt));
    return minMs + Math.random() * (cap - minMs);
  }

  #retryDelay(attempt) { // full jitter
    return Math.random() * Math.min(this.#backoff.maxMs, this.#backoff.baseMs * 2 ** attempt);
  }

  #onFrame(data) {
    this.#lastHeard = Date.now();
    let f;
    try { f = JSON.parse(data); } catch { return; }
    const cb = f.ref !== undefined && this.#calls.get(f.ref);
    if (cb) {
      this.#calls.delete(f.ref);
      return cb(f);
    }
    if (f.type === 'welcome') this.#onWelcome(f);
    else if (f.type === 'message') this.#onMessage(f);
    else if (f.type === 'recovered') this.#onRecovered(f);
    else if (f.type === 'error') this.#onError(f);
  }

  #onMessage(m) {
    const r = this.#rooms.get(m.room);
    if (!r || (r.seq !== null && m.seq <= r.seq)) return; // left, or a duplicate
    r.seq = m.seq;
    this.#emit('message', m.room, m);
  }

  #onRecovered(f) {
    const r = this.#rooms.get(f.room);
    if (!r) return;
    r.epoch = f.epoch ?? r.epoch;
    if (!f.recovered) r.seq = f.seq; // lineage changed: continue from the new top
    this.#emit('recovered', f);
  }

  #onError(f) {
    // An error naming a room, without a ref, means the server dropped that membership. Temporary:
    // it gave up recovering the room (history unavailable), so join again with the same since.
    // Permanent (forbidden after a refresh): the room is forgotten, its pending sends rejected.
    const r = f.room !== undefined && this.#rooms.get(f.room);
    const err = new SwitchboardError(f.code, f.message, f.temporary, f);
    if (r && f.temporary) this.#rejoinLater(f.room, r);
    else if (r) this.#forget(f.room, err);
    this.#emit('error', err);
  }

  #forget(room, err) {
    this.#rooms.get(room)?.waiters.forEach(w => w.reject(err));
    this.#rooms.delete(room);
    for (const [id, s] of this.#sends) {
      if (s.room === room) { this.#sends.delete(id); s.reject(err); }
    }
  }

  #setState(state, detail) {
    if (this.#state === state && state !== 'closed') return;
    this.#state = state;
    this.#emit('state', state, detail);
  }

  #emit(event, ...args) {
    for (const fn of this.#listeners.get(event) ?? []) {
      try { fn(...args); } catch (e) { console.error(`switchboard: "${event}" listener failed`, e); }
    }
  }
}
