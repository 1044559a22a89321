// Two browser tabs chat through the Switchboard page (headless Debian Chromium via playwright-core).
//   SWITCHBOARD_URL   gateway for tab A (default http://127.0.0.1:8080)
//   SWITCHBOARD_URL2  gateway for tab B (default: the same as tab A)
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {mkdir} from 'node:fs/promises';
import {fileURLToPath} from 'node:url';
import {chromium} from 'playwright-core';

const URL_A = process.env.SWITCHBOARD_URL ?? 'http://127.0.0.1:8080';
const URL_B = process.env.SWITCHBOARD_URL2 ?? URL_A;
const SCREENSHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));
const WAIT = 10_000;

let browser;

before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    timeout: 20_000,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
});

/** Opens the page in a fresh context and joins `room` as `name`. */
async function openTab(baseUrl, name, room) {
  const context = await browser.newContext({viewport: {width: 1000, height: 640}});
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT);
  const problems = [];
  page.on('pageerror', e => problems.push(`pageerror: ${e.message}`));
  page.on('console', m => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  await page.goto(new URL('/', baseUrl).href, {waitUntil: 'load', timeout: WAIT});
  await page.fill('#name', name);
  await page.fill('#room', room);
  await page.click('#join');
  await page.locator('#status[data-state="open"]').waitFor();
  await page.locator('#messages .note', {hasText: `You joined #${room}`}).waitFor();
  return {page, problems};
}

async function say(page, text) {
  await page.fill('#text', text);
  await page.press('#text', 'Enter'); // Enter sends
}

/** Messages as shown: [{sender, text, own, pending}] */
function shown(page) {
  return page.$$eval('#messages li.msg', lis => lis.map(li => ({
    sender: li.querySelector('.sender').textContent,
    text: li.querySelector('.text').textContent,
    own: li.classList.contains('own'),
    pending: li.classList.contains('pending'),
  })));
}

async function waitForMessage(page, sender, text) {
  await page.locator('#messages li.msg:not(.pending)', {hasText: text})
    .filter({has: page.locator('.sender', {hasText: sender})}).first().waitFor();
}

function onlineNames(page) {
  return page.$$eval('#online .who', els => els.map(e => e.textContent));
}

async function waitForOnline(page, names) {
  const deadline = Date.now() + WAIT;
  let seen = [];
  while (Date.now() < deadline) {
    seen = await onlineNames(page);
    if (names.every(n => seen.includes(n))) return seen;
    await page.waitForTimeout(250);
  }
  assert.fail(`online list ${JSON.stringify(seen)} lacks some of ${JSON.stringify(names)}`);
}

test('two tabs chat in the same room', {timeout: 55_000}, async () => {
  const suffix = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
  const room = `public:e2e-${suffix}`;
  const alice = `alice-${suffix}`;
  const bob = `bob-${suffix}`;
  const a = await openTab(URL_A, alice, room);
  const b = await openTab(URL_B, bob, room);

  // A sends; B sees it, and A sees it exactly once (its pending copy is replaced by the server's).
  const hello = 'Hello from A <b>not bold</b> & friends';
  await say(a.page, hello);
  await waitForMessage(b.page, alice, hello);
  await waitForMessage(a.page, alice, hello);
  const aView = await shown(a.page);
  assert.equal(aView.filter(m => m.text === hello).length, 1, `A shows the message once: ${JSON.stringify(aView)}`);
  assert.ok(aView.find(m => m.text === hello).own, 'A styles its own message as own');
  const bView = await shown(b.page);
  assert.equal(bView.filter(m => m.text === hello).length, 1);
  assert.equal(bView.find(m => m.text === hello).own, false, 'B does not style A\'s message as own');
  assert.equal(await b.page.locator('#messages b').count(), 0, 'user text is not parsed as HTML');

  // B replies; A sees it.
  const reply = 'Hi A, B here 👋';
  await say(b.page, reply);
  await waitForMessage(a.page, bob, reply);
  await waitForMessage(b.page, bob, reply);
  assert.deepEqual((await shown(a.page)).map(m => m.text), [hello, reply], 'A shows both messages in order');
  assert.deepEqual((await shown(b.page)).map(m => m.text), [hello, reply], 'B shows both messages in order');

  // Both online lists show both names (presence is polled every 3 s).
  await waitForOnline(a.page, [alice, bob]);
  await waitForOnline(b.page, [alice, bob]);

  await mkdir(SCREENSHOTS, {recursive: true});
  await a.page.screenshot({path: `${SCREENSHOTS}tab-a.png`});
  await b.page.screenshot({path: `${SCREENSHOTS}tab-b.png`});
  await b.page.setViewportSize({width: 390, height: 700});
  await b.page.screenshot({path: `${SCREENSHOTS}tab-b-narrow.png`});

  assert.deepEqual([...a.problems, ...b.problems], [], 'no page errors');
  await a.page.context().close();
  await b.page.context().close();
});
