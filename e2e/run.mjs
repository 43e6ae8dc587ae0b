// Runs the suite under node's test runner with one global time limit: past E2E_TIMEOUT seconds
// (default 600) the whole process group (test process, motcua server) is stopped and the run fails.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const limit = Number(process.env.E2E_TIMEOUT ?? 600);
// Screenshots of this run only.
const shots = process.env.E2E_SCREENSHOTS ?? join(here, 'screenshots');
if (existsSync(shots)) for (const f of readdirSync(shots)) if (f.endsWith('.png')) rmSync(join(shots, f));
const t0 = Date.now();
const child = spawn(process.execPath, ['--test', '--test-reporter=spec', '--test-concurrency=1',
  // The test file is one test to node: its own limit is the global one, which stops everything.
  `--test-timeout=${limit * 1000}`, 'tests/journeys.test.mjs'], {
  cwd: here, stdio: 'inherit', detached: true,
});
const stopGroup = (signal) => { try { process.kill(-child.pid, signal); } catch { /* gone */ } };
let timedOut = false;
const timer = setTimeout(() => {
  timedOut = true;
  console.error(`\ne2e: global time limit of ${limit} s reached, stopping the suite`);
  stopGroup('SIGTERM');
  setTimeout(() => stopGroup('SIGKILL'), 5_000).unref();
}, limit * 1000);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { stopGroup(sig); });
child.on('exit', (code, signal) => {
  clearTimeout(timer);
  console.log(`e2e: finished in ${((Date.now() - t0) / 1000).toFixed(1)} s${timedOut ? ' (time limit)' : ''}`);
  process.exit(timedOut ? 1 : (code ?? (signal ? 1 : 0)));
});
