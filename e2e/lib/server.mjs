// Starts the motcua binary on a free loopback port with a fresh data folder (embedded SQLite, so
// the demonstration officers are created), waits for /healthz, and stops it again: on stop(), at
// process exit and on SIGINT/SIGTERM, so a failed or interrupted run never leaves it behind.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, writeFileSync, appendFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startOidcProvider, OIDC_CLIENT } from './oidc.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const E2E_DIR = resolve(here, '..');
export const MOTCUA_BIN = resolve(E2E_DIR, process.env.MOTCUA_BIN ?? '../target/debug/motcua');

function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

const running = new Set();
function killAll() {
  for (const s of running) s.kill();
}
process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => { killAll(); process.exit(130); });
}

/** Waits until `url` answers 2xx, or throws with the process output once `deadline` passes. */
async function waitFor(url, deadline, exited, out, what) {
  for (;;) {
    if (exited()) throw new Error(`${what} exited before answering (${JSON.stringify(exited())}):\n${out()}`);
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) throw new Error(`${what} did not answer ${url} in time:\n${out()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Spawns `motcua args…`, collecting its output; the handle is killed at exit. */
function spawnMotcua(args, { cwd, env }) {
  let out = '';
  const child = spawn(MOTCUA_BIN, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  let exited = null;
  const handle = {
    kill() { if (!exited) child.kill('SIGKILL'); },
  };
  child.on('exit', (code, signal) => { exited = { code, signal }; running.delete(handle); });
  running.add(handle);
  return {
    child,
    handle,
    output: () => out,
    exited: () => exited,
    async stop() {
      if (!exited) {
        child.kill('SIGTERM');
        await Promise.race([
          new Promise((r) => child.once('exit', r)),
          new Promise((r) => setTimeout(r, 5_000)),
        ]);
        handle.kill();
      }
      running.delete(handle);
    },
  };
}

/**
 * Starts motcua; resolves to { url, dataDir, sandboxUrl, output(), stop() }. With `sandbox`,
 * `motcua sandbox` (population registry, PayGov and VNPay, the SMTP sink and SMS gateway that
 * receive the notices) runs first on its own free ports and
 * the server is configured, through a motcua.toml in its data folder, to use it, as an operator
 * would configure the province's real services; without, the server looks up nowhere reachable.
 * With `oidc`, a real OpenID Connect provider (lib/oidc.mjs) runs in this
 * process and citizens may sign in through it; its issuer is `oidcIssuer`.
 */
export async function startServer({ timeoutMs = 60_000, sandbox = false, oidc = false, webhooks = false } = {}) {
  if (!existsSync(MOTCUA_BIN)) {
    throw new Error(`motcua binary not found at ${MOTCUA_BIN} (build it with "cargo build" or set MOTCUA_BIN)`);
  }
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'motcua-e2e-'));
  // Only the variables the suite means: a MOTCUA_DATABASE_URL or MOTCUA_CONFIG from the caller's
  // environment must not point the test server at a real database.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MOTCUA_')));
  const url = `http://127.0.0.1:${port}`;
  Object.assign(env, {
    MOTCUA_DATA_DIR: dataDir,
    MOTCUA_LISTEN: `127.0.0.1:${port}`,
    MOTCUA_PUBLIC_URL: url,
    MOTCUA_LOG: 'warn',
  });
  const deadline = Date.now() + timeoutMs;
  let sim = null;
  let sandboxUrl = null;
  let idp = null;
  if (sandbox) {
    const sport = await freePort();
    sandboxUrl = `http://127.0.0.1:${sport}`;
    const smtpPort = await freePort();
    sim = spawnMotcua(['sandbox', '--listen', `127.0.0.1:${sport}`, '--smtp-listen', `127.0.0.1:${smtpPort}`,
      '--paygov-callback-url', `${url}/payments/paygov/callback`,
      '--vnpay-ipn-url', `${url}/payments/vnpay/callback`], { cwd: dataDir, env });
    await waitFor(`${sandboxUrl}/_sandbox`, deadline, sim.exited, sim.output, 'motcua sandbox')
      .catch((e) => { sim.handle.kill(); throw e; });
    // The sandbox's default codes and secrets (its banner prints the same).
    writeFileSync(join(dataDir, 'motcua.toml'), [
      '[registry]', `endpoint = "${sandboxUrl}"`, 'client_id = "motcua"', 'client_secret = "sandbox-secret"', '',
      '[payments.paygov]', `endpoint = "${sandboxUrl}/paygov"`, 'partner_code = "MOTCUA01"',
      'secret = "sandbox-paygov-secret"', '',
      '[payments.vnpay]', `payment_url = "${sandboxUrl}/vnpay/paymentv2/vpcpay.html"`,
      `api_url = "${sandboxUrl}/vnpay/merchant_webapi/api/transaction"`, 'tmn_code = "MOTCUA01"',
      'hash_secret = "sandbox-vnpay-secret"', '',
      // Notices go to the sandbox's SMTP sink and SMS gateway, composed and sent every second.
      '[notifications]', 'every_secs = 1', '',
      '[notifications.smtp]', 'host = "127.0.0.1"', `port = ${smtpPort}`, 'security = "plain"',
      'from = "Cổng dịch vụ công – e2e <no-reply@motcua.invalid>"', '',
      '[notifications.sms]', `endpoint = "${sandboxUrl}/esms"`, 'api_key = "sandbox-sms-key"',
      'secret_key = "sandbox-sms-secret"', 'brandname = "MOTCUA"', '',
    ].join('\n'));
  }
  if (oidc) {
    idp = await startOidcProvider({ port: await freePort(), rpUrl: url });
    appendFileSync(join(dataDir, 'motcua.toml'), [
      '', '[oidc]', `issuer = "${idp.issuer}"`, `client_id = "${OIDC_CLIENT.id}"`,
      `client_secret = "${OIDC_CLIENT.secret}"`, 'name = "VNeID"', 'scopes = ["profile", "email"]', '',
    ].join('\n'));
  }
  if (webhooks) {
    // Webhook receivers of the suite listen on 127.0.0.1, which production refuses.
    appendFileSync(join(dataDir, 'motcua.toml'), ['', '[webhooks]', 'allow_private_addresses = true', ''].join('\n'));
  }
  // cwd is the fresh folder, so no ./motcua.toml of the caller is read (only the one above).
  const srv = spawnMotcua(['serve'], { cwd: dataDir, env });
  try {
    await waitFor(`${url}/healthz`, deadline, srv.exited, srv.output, 'motcua');
  } catch (e) {
    srv.handle.kill();
    sim?.handle.kill();
    await idp?.close();
    throw e;
  }
  return {
    url,
    dataDir,
    sandboxUrl,
    oidcIssuer: idp?.issuer ?? null,
    output: () => srv.output() + (sim ? `\n--- sandbox ---\n${sim.output()}` : ''),
    async stop() {
      await srv.stop();
      await sim?.stop();
      await idp?.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
