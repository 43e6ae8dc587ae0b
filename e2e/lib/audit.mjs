// What every page visited by a journey goes through: a screenshot, axe-core (JavaScript on), and
// DOM checks that need no JavaScript in the page (one h1, every form has an action, no horizontal
// scroll at 320 px). Problems are collected, so a journey audits every page it reaches and then
// fails with the whole list; a journey that cannot go on fails at once.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { axeViolations, formatViolations } from './axe.mjs';
import { E2E_DIR } from './server.mjs';

export const SCREENSHOTS = process.env.E2E_SCREENSHOTS ?? join(E2E_DIR, 'screenshots');
mkdirSync(SCREENSHOTS, { recursive: true });

/** template -> Set of width names where an axe audit ran on it. */
export const audited = new Map();
let shot = 0;

export class Audit {
  constructor({ journey, width, js = true }) {
    this.journey = journey;
    this.width = width; // one of WIDTHS
    this.js = js;
    this.problems = [];
  }

  /** Audits the page as it is now, rendered from `template` in state `label`. */
  async page(page, template, label) {
    const where = `${template} [${label}] ${this.journey} @${this.width.viewport.width}px${this.js ? '' : ' no-JS'} ${new URL(page.url()).pathname}`;
    const file = `${String(++shot).padStart(3, '0')}-${this.journey}-${this.width.name}${this.js ? '' : '-nojs'}-${label}-${template.replace(/\.html$/, '')}.png`
      .replace(/[^a-z0-9.-]+/gi, '_');
    await page.screenshot({ path: join(SCREENSHOTS, file), fullPage: true });
    const dom = await page.evaluate(() => ({
      overflowX: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      // What sticks out, so a reflow failure names what to fix: the innermost elements whose
      // content (a long word, a wide child) reaches past the viewport, outside scroll containers.
      wide: [...document.body.querySelectorAll('*')]
        .filter((e) => !e.closest('.table-scroll, pre'))
        .filter((e) => e.getBoundingClientRect().left + e.scrollWidth > document.documentElement.clientWidth + 1)
        .filter((e, _, all) => !all.some((o) => o !== e && e.contains(o)))
        .slice(0, 3)
        .map((e) => `<${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${e.className ? `.${String(e.className).split(' ').join('.')}` : ''}> "${
          (e.textContent ?? '').trim().slice(0, 40)}"`),
      h1: document.querySelectorAll('h1').length,
      lang: document.documentElement.getAttribute('lang'),
      formsWithoutAction: [...document.forms].filter((f) => !f.getAttribute('action')).length,
      // Error-summary links must lead to a field on the page.
      deadErrorLinks: [...document.querySelectorAll('.error-summary a[href^="#"]')]
        .map((a) => a.getAttribute('href').slice(1)).filter((id) => !document.getElementById(id)),
    }));
    const problems = [];
    if (dom.overflowX > 0) problems.push(`reflow: ${dom.overflowX}px of horizontal scroll (widest: ${dom.wide.join(', ')})`);
    if (dom.h1 !== 1) problems.push(`${dom.h1} h1 elements (want 1)`);
    if (!dom.lang) problems.push('no lang on <html>');
    if (dom.formsWithoutAction) problems.push(`${dom.formsWithoutAction} form(s) without action`);
    for (const id of dom.deadErrorLinks) problems.push(`error summary links to #${id}, which is not on the page`);
    if (this.js) {
      const violations = await axeViolations(page);
      if (violations.length) problems.push(`axe: ${violations.length} violation(s)\n${formatViolations(violations)}`);
      if (!audited.has(template)) audited.set(template, new Set());
      audited.get(template).add(this.width.name);
    }
    if (problems.length) this.problems.push(`${where}:\n  ${problems.join('\n  ')}`);
  }

  /** Fails when any page had a problem. */
  finish() {
    if (this.problems.length) {
      throw new Error(`${this.problems.length} page(s) with accessibility problems:\n${this.problems.join('\n')}`);
    }
  }
}

/** Screenshot at the point a journey broke, for the failure report. */
export async function failureShot(page, name) {
  const file = join(SCREENSHOTS, `FAILED-${name}.png`.replace(/[^a-z0-9.-]+/gi, '_'));
  await page.screenshot({ path: file, fullPage: true }).catch(() => {});
  return file;
}
