// axe-core in the page (evaluated through the DevTools protocol, so the site's CSP without
// inline scripts does not block it), WCAG 2.0/2.1/2.2 A and AA rules, a readable report, and a
// record of which page templates were audited so the suite can tell when one was missed.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
export const AXE_VERSION = require('axe-core/package.json').version;
export const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

const within = (ms, what, p) => Promise.race([p, new Promise((_, no) =>
  setTimeout(() => no(new Error(`${what}: timeout after ${ms} ms`)), ms))]);

/** Runs axe on the page as it is; returns the list of violations. JavaScript must be on. */
export async function axeViolations(page) {
  const has = await page.evaluate('typeof window.axe === "object"');
  if (!has) await page.evaluate(AXE_SOURCE);
  const result = await within(60_000, 'axe.run', page.evaluate((tags) => window.axe.run(document, {
    runOnly: { type: 'tag', values: tags },
    resultTypes: ['violations'],
  }), TAGS));
  return result.violations;
}

/** The violations as lines a person can act on. */
export function formatViolations(violations) {
  const lines = [];
  for (const v of violations) {
    lines.push(`  ${v.id} (${v.impact}): ${v.help} [${v.nodes.length} element(s)] ${v.helpUrl}`);
    for (const n of v.nodes.slice(0, 5)) {
      lines.push(`    - ${n.target.join(' ')}: ${n.html.replace(/\s+/g, ' ').slice(0, 160)}`);
      const why = (n.failureSummary ?? '').split('\n').map((s) => s.trim()).filter(Boolean).slice(1, 3).join(' / ');
      if (why) lines.push(`      ${why}`);
    }
    if (v.nodes.length > 5) lines.push(`    … and ${v.nodes.length - 5} more`);
  }
  return lines.join('\n');
}

/**
 * Every page template the suite knows how to reach (partials such as base.html are part of each).
 * Those present in crates/web/templates must all be audited; one there but not here fails the suite.
 */
export const PAGE_TEMPLATES = [
  'home.html', 'procedures.html', 'procedure.html', 'tracking.html', 'error.html',
  'apply/question.html', 'apply/paper.html', 'apply/check.html', 'apply/done.html',
  'apply/supplement.html', 'apply/supplement_sent.html',
  'back_office/overview.html', 'back_office/procedures.html', 'back_office/agencies.html',
  'back_office/calendar.html',
  'desk/sign_in.html', 'desk/inbox.html', 'desk/intake.html', 'desk/dossier.html', 'desk/verify.html',
  'account/register.html', 'account/home.html', 'account/dossier.html', 'account/sign_in.html',
  'desk/api_clients.html', 'back_office/registry_lookups.html',
  'payments/result.html', 'payments/receipt.html', 'back_office/payments_report.html',
  'desk/officers.html', 'desk/security.html', 'account/papers.html',
  'back_office/monthly_report.html', 'desk/personal_id_search.html',
  'back_office/outbox.html', 'desk/alerts.html', 'desk/webhooks.html',
  'ratings/rate.html', 'ratings/report.html',
];
