// The browser end-to-end suite: one motcua server with a fresh database, Debian's Chromium, the
// journeys at 1280 and 320 px, the application again with JavaScript off and with the keyboard
// alone, axe-core on every page reached, and a final check that every page template was audited.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createServer } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { startServer, E2E_DIR } from '../lib/server.mjs';
import { launch, newContext, WIDTHS } from '../lib/browser.mjs';
import { Audit, audited, failureShot } from '../lib/audit.mjs';
import { PAGE_TEMPLATES, AXE_VERSION } from '../lib/axe.mjs';
import { pointerActor, keyboardActor } from '../lib/actors.mjs';
import { applyOnline, backOffice, signInOut, switchLanguage, otherPages, citizenAccount, hasAccounts,
  apiClients, hasApiClients, registryLookups, hasRegistryReport, sandboxServices, singleSignOn,
  officerAccounts, webhookEvents } from '../lib/journeys.mjs';

let server;
// A second server configured to use `motcua sandbox` (registry and payment gateways), for (h).
// The first signs citizens on through a real OpenID Connect provider, for (i).
let sandboxed;
let chrome;
// A connected system's webhook receiver: keeps every request's headers and body, answers 204.
const receiver = { url: null, received: [], http: null };

before(async () => {
  receiver.http = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      receiver.received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise((resolve) => receiver.http.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${receiver.http.address().port}/motcua/events`;
  server = await startServer({ oidc: true, webhooks: true });
  sandboxed = await startServer({ sandbox: true });
  chrome = await launch();
  console.log(`# motcua at ${server.url} and ${sandboxed.url} (sandbox ${sandboxed.sandboxUrl}), chromium ${
    chrome.browser.version()}, axe-core ${AXE_VERSION}`);
});

after(async () => {
  receiver.http?.close();
  await chrome?.close();
  await server?.stop();
  await sandboxed?.stop();
});

/** Runs a journey in fresh contexts; screenshots the page where it broke. */
async function run(name, width, { js = true, keyboard = false, citizen = false, on = server } = {}, body) {
  const opts = { baseURL: on.url, viewport: width.viewport, javaScriptEnabled: js };
  const ctx = await newContext(chrome.browser, opts);
  const other = citizen ? await newContext(chrome.browser, opts) : null;
  const page = await ctx.newPage();
  const audit = new Audit({ journey: name, width, js });
  const actor = keyboard ? keyboardActor(page) : pointerActor(page);
  try {
    await body({ page, actor, audit, citizen: other && pointerActor(await other.newPage()) });
  } catch (e) {
    const shot = await failureShot(page, `${name}-${width.name}${js ? '' : '-nojs'}`);
    e.message = `${e.message}\n    at ${page.url()} (screenshot ${relative(E2E_DIR, shot)})`;
    throw e;
  } finally {
    await ctx.close();
    await other?.close();
  }
  if (keyboard) {
    console.log(`# keyboard @${width.viewport.width}px: ${actor.tabs.count} Tab presses`);
    assert.deepEqual(actor.problems, [], 'keyboard problems');
  }
  audit.finish();
}

for (const width of WIDTHS) {
  describe(`${width.viewport.width} px`, () => {
    test('a: find a procedure without diacritics, apply online, submit, track', () =>
      run('apply', width, {}, ({ actor, audit }) => applyOnline(actor, audit, { notFound: true })));
    test('b: counter intake, supplement asked and supplied, approval, result returned', () =>
      run('backoffice', width, { citizen: true }, ({ actor, audit, citizen }) =>
        backOffice(actor, citizen, audit, { baseUrl: server.url })));
    test('c: sign in and sign out', () =>
      run('signin', width, {}, ({ actor, audit }) => signInOut(actor, audit)));
    test('d: switch language vi to en and back', () =>
      run('language', width, {}, ({ actor, audit }) => switchLanguage(actor, audit)));
    test('other pages: reference, empty search, not found', () =>
      run('pages', width, {}, ({ actor, audit }) => otherPages(actor, audit)));
    test('e: citizen account: register, apply signed in, my dossiers, sign out and in', async (t) => {
      if (!(await hasAccounts(server.url))) return t.skip('this build has no citizen accounts');
      return run('account', width, {}, ({ actor, audit }) => citizenAccount(actor, audit, { width }));
    });
    test('f: API clients: a unit administrator adds a client, issues a key and revokes it', async (t) => {
      if (!(await hasApiClients(server.url))) return t.skip('this build has no API-client administration');
      return run('apiclients', width, {}, ({ actor, audit }) => apiClients(actor, audit, { width }));
    });
    test('g: counter look-up in the population database and the look-up report', async (t) => {
      if (!(await hasRegistryReport(server.url))) return t.skip('this build has no population look-ups');
      return run('registry', width, {}, ({ actor, audit }) => registryLookups(actor, audit));
    });
    test('h: with the sandbox: identity filled in from the population database, fee paid through VNPay', () =>
      run('sandbox', width, { citizen: true, on: sandboxed }, ({ actor, audit, citizen }) =>
        sandboxServices(actor, citizen, audit, { baseUrl: sandboxed.url, sandboxUrl: sandboxed.sandboxUrl })));
    test('i: single sign-on through an OpenID Connect provider; another applicant\'s dossier stays out of reach', () =>
      run('sso', width, { citizen: true }, ({ actor, audit, citizen }) =>
        singleSignOn(actor, citizen, audit, { width })));
    test('j: officer accounts: an administrator creates one; its officer turns on two-step verification', () =>
      run('officers', width, {}, ({ actor, audit }) => officerAccounts(actor, audit, { width })));
  });
}

test('k: a connected system receives the unit\'s dossier events, signed as Standard Webhooks says', () =>
  run('webhooks', WIDTHS[0], {}, ({ actor, audit }) =>
    webhookEvents(actor, audit, { baseUrl: server.url, receiver, Webhook })));

describe('application without JavaScript', () => {
  for (const width of WIDTHS) {
    test(`a with JavaScript disabled at ${width.viewport.width} px`, () =>
      run('apply', width, { js: false }, async ({ page, actor, audit }) => {
        assert.equal(await page.evaluate(() => 1), 1);
        await applyOnline(actor, audit);
      }));
  }
});

describe('application with the keyboard alone', () => {
  for (const width of WIDTHS) {
    test(`a with Tab, Enter, Space and arrows at ${width.viewport.width} px`, () =>
      run('keyboard', width, { keyboard: true }, ({ actor, audit }) => applyOnline(actor, audit)));
  }
});

test('every page template was audited with axe at 1280 and 320 px', () => {
  const dir = join(E2E_DIR, '../crates/web/templates');
  const partials = new Set(['base.html', 'procedure_card.html', 'search_form.html',
    'apply/error_summary.html', 'desk/officer_bar.html', 'payments/pay_panel.html',
    'notices_table.html', 'back_office/month_form.html']);
  const walk = (d) => readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : [join(d, f)]));
  const onDisk = walk(dir).map((f) => relative(dir, f)).filter((f) => f.endsWith('.html') && !partials.has(f)).sort();
  assert.deepEqual(onDisk.filter((t) => !PAGE_TEMPLATES.includes(t)), [],
    'page templates the suite does not know (lib/axe.mjs PAGE_TEMPLATES): add a journey step that reaches each');
  const missing = [];
  for (const t of onDisk) {
    for (const w of WIDTHS) if (!audited.get(t)?.has(w.name)) missing.push(`${t} @${w.viewport.width}px`);
  }
  assert.deepEqual(missing, [], 'templates never audited (did an earlier journey fail before reaching them?)');
});
