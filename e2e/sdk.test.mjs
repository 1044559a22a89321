// The JavaScript SDK against a live gateway with JWT authentication and the default limits, over
// the `ws` package (which, like browsers, offers permessage-deflate).
//   SWITCHBOARD_WS          ws://host:port/ws/v1 of a gateway
//   SWITCHBOARD_JWT_KEY     PKCS#8 PEM file of the EC P-256 key the gateway trusts
//   SWITCHBOARD_JWT_ISSUER  iss the gateway requires; SWITCHBOARD_JWT_AUDIENCE aud it requires
import {mock, test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {createPrivateKey, sign} from 'node:crypto';
import WebSocket from 'ws';
import {SwitchboardClient} from '../gateway-service/src/main/resources/webroot/switchboard.js';

const URL = process.env.SWITCHBOARD_WS ?? 'ws://127.0.0.1:8080/ws/v1';
const KEY = process.env.SWITCHBOARD_JWT_KEY && createPrivateKey(readFileSync(process.env.SWITCHBOARD_JWT_KEY));
const suffix = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

const b64 = obj => Buffer.from(JSON.stringify(obj)).toString('base64url');

/** An ES256 JWT for `sub`, valid for `ttlSeconds`. */
function jwt(sub, ttlSeconds, rooms) {
  const now = Math.floor(Date.now() / 1000);
  const claims = {sub, iat: now, exp: now + ttlSeconds, iss: process.env.SWITCHBOARD_JWT_ISSUER,
    aud: process.env.SWITCHBOARD_JWT_AUDIENCE, ...(rooms ? {rooms} : {})};
  const input = `${b64({alg: 'ES256', typ: 'JWT'})}.${b64(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), {key: KEY, dsaEncoding: 'ieee-p1363'}).toString('base64url')}`;
}

function client(options) {
  const c = new SwitchboardClient({url: URL, WebSocketImpl: WebSocket, backoff: {baseMs: 50, maxMs: 500},
    reconnect: {minMs: 20, firstMaxMs: 100, maxMs: 500}, ...options});
  c.welcomes = 0;
  c.closes = [];
  c.errors = [];
  c.on('state', (state, detail) => {
    if (state === 'open') c.welcomes++;
    if (state === 'closed' && detail) c.closes.push(detail.code);
  });
  c.on('error', e => c.errors.push(e.code));
  return c;
}

const sleep = ms => new Promise(r => setTimeout(r, ms));

test('refreshes its token before it expires, on the same connection', {skip: !KEY}, async () => {
  let fetched = 0;
  const c = client({getToken: () => { fetched++; return jwt(`refresher-${suffix}`, 8); }});
  await c.connect();
  await c.join(`public:refresh-${suffix}`);
  await sleep(12000); // past the first token's expiry (8 s plus the gateway's 1 s skew)
  const {seq} = await c.send(`public:refresh-${suffix}`, {text: 'still here'});
  assert.equal(seq, 1);
  assert.equal(c.welcomes, 1, 'one connection throughout');
  assert.deepEqual(c.closes, [], 'never closed');
  assert.ok(fetched >= 2, `fetched ${fetched} tokens`);
  c.close();
});

test('reconnects with a fresh token after the expiry close (4004) and misses nothing', {skip: !KEY}, async () => {
  const room = `public:expiry-${suffix}`;
  let calls = 0;
  let expired = false; // until the expiry close, every refresh gets a token the gateway refuses
  const c = client({getToken: () => (++calls > 1 && !expired ? 'not-a-token' : jwt(`expirer-${suffix}`, 4))});
  c.on('state', (state, detail) => { if (detail?.code === 4004) expired = true; });
  const writer = client({getToken: () => jwt(`writer-${suffix}`, 600)});
  const seen = [];
  c.on('message', (r, m) => seen.push(m.seq));
  await Promise.all([c.connect(), writer.connect()]);
  await c.join(room);
  await writer.join(room);
  await writer.send(room, {text: 'one'});
  for (let i = 0; i < 100 && !expired; i++) await sleep(100); // refresh refused, token expires: 4004
  await writer.send(room, {text: 'two'}); // sent while the expired client reconnects
  for (let i = 0; i < 50 && c.welcomes < 2; i++) await sleep(100);
  assert.ok(c.closes.includes(4004), `closes: ${c.closes}`);
  assert.ok(c.errors.includes('invalid_token'), 'the refused refresh was reported');
  assert.equal(c.welcomes, 2, 'reconnected once');
  for (let i = 0; i < 50 && seen.length < 2; i++) await sleep(100);
  assert.deepEqual(seen, [1, 2], 'the message sent during the reconnect was recovered');
  c.close();
  writer.close();
});

test('waits out rate_limited instead of being disconnected', {skip: !KEY}, async () => {
  const room = `public:burst-${suffix}`;
  const c = client({getToken: () => jwt(`burster-${suffix}`, 600)});
  await c.connect();
  await c.join(room);
  const started = Date.now();
  const acks = await Promise.all(Array.from({length: 120}, (_, i) => c.send(room, {text: `m${i}`})));
  assert.deepEqual(acks.map(a => a.seq).sort((a, b) => a - b), Array.from({length: 120}, (_, i) => i + 1));
  assert.ok(Date.now() - started > 2000, '70 sends over the burst of 50 waited for the 20/s refill');
  assert.deepEqual(c.closes, [], 'never closed (no 4005)');
  assert.equal(c.welcomes, 1);
  c.close();
});

test('a room the token does not grant is refused as forbidden', {skip: !KEY}, async () => {
  const c = client({getToken: () => jwt(`outsider-${suffix}`, 600, {'private:mine': ['join', 'send']})});
  await c.connect();
  await assert.rejects(c.join('private:theirs'), e => e.code === 'forbidden' && e.temporary === false);
  await c.join('private:mine');
  assert.equal((await c.send('private:mine', {text: 'ok'})).seq >= 1, true);
  c.close();
});

test('a bad static token stops reconnecting with invalid_token', async () => {
  const c = client({token: 'not-a-token'});
  await assert.rejects(c.connect(), e => e.code === 'invalid_token');
  assert.equal(c.state, 'closed');
  assert.deepEqual(c.closes, [4500]);
});

/** A WebSocket whose server closes every connection at once with `code`, as a draining gateway does (4000). */
const closingWith = code => class {
  constructor() {
    this.readyState = 0;
    queueMicrotask(() => { this.readyState = 3; this.onclose?.({code, reason: ''}); });
  }
  send() {}
  close() {}
};

/** The reconnect delays a client with the default options announces, one per drop, over `drops` drops in a row. */
async function reconnectDelays(code, drops) {
  mock.timers.enable({apis: ['setTimeout']});
  try {
    const c = new SwitchboardClient({url: 'ws://gateway.invalid/ws/v1', token: 'dev:pacer', WebSocketImpl: closingWith(code)});
    const delays = [];
    return await new Promise(resolve => {
      c.on('state', (state, detail) => {
        if (state !== 'closed' || !detail?.willRetry) return;
        delays.push(detail.retryInMs);
        if (delays.length === drops) { c.close(); resolve(delays); } else queueMicrotask(() => mock.timers.tick(detail.retryInMs + 1)); // once scheduled; retryInMs is rounded
      });
      c.connect().catch(() => {}); // rejected by close()
    });
  } finally {
    mock.timers.reset();
  }
}

test('after a gateway closes the connection, the first reconnect comes 1 to 5 s later, spread at random', async () => {
  const first = [];
  for (let i = 0; i < 200; i++) first.push(...await reconnectDelays(4000, 1));
  assert.ok(first.every(ms => ms >= 1000 && ms <= 5000), `first delays ${Math.min(...first)}..${Math.max(...first)} ms`);
  assert.ok(Math.min(...first) < 1500 && Math.max(...first) > 4500, 'spread over the whole window');
});

test('further reconnects back off exponentially up to 30 s, never sooner than 1 s', async () => {
  for (let run = 0; run < 20; run++) {
    const delays = await reconnectDelays(1006, 6);
    delays.forEach((ms, n) => assert.ok(ms >= 1000 && ms <= Math.min(30000, 5000 * 2 ** n), `attempt ${n}: ${ms} ms`));
  }
});
