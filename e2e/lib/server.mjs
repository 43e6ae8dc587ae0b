// Starts the motcua binary on a free loopback port with a fresh data folder (embedded SQLite, so
// the demonstration officers are created), waits for /healthz, and stops it again: on stop(), at
// process exit and on SIGINT/SIGTERM, so a failed or interrupted run never leaves it behind.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

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

/** Starts motcua; resolves to { url, dataDir, output(), stop() }. */
export async function startServer({ timeoutMs = 60_000 } = {}) {
  if (!existsSync(MOTCUA_BIN)) {
    throw new Error(`motcua binary not found at ${MOTCUA_BIN} (build it with "cargo build" or set MOTCUA_BIN)`);
  }
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'motcua-e2e-'));
  // Only the variables the suite means: a MOTCUA_DATABASE_URL or MOTCUA_CONFIG from the caller's
  // environment must not point the test server at a real database.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MOTCUA_')));
  Object.assign(env, {
    MOTCUA_DATA_DIR: dataDir,
    MOTCUA_LISTEN: `127.0.0.1:${port}`,
    MOTCUA_LOG: 'warn',
  });
  let out = '';
  // cwd is the fresh folder, so no ./motcua.toml of the caller is read.
  const child = spawn(MOTCUA_BIN, ['serve'], { cwd: dataDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  let exited = null;
  child.on('exit', (code, signal) => { exited = { code, signal }; running.delete(handle); });
  const handle = {
    kill() { if (!exited) child.kill('SIGKILL'); },
  };
  running.add(handle);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) throw new Error(`motcua exited before answering (${JSON.stringify(exited)}):\n${out}`);
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      handle.kill();
      throw new Error(`motcua did not answer /healthz within ${timeoutMs} ms:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    dataDir,
    output: () => out,
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
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
