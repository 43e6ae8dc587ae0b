// Two ways to drive a page: with the pointer (Playwright's fill/click/check), and with the
// keyboard alone (Tab to the control, then type, Space, arrows or Enter). The keyboard actor checks
// each element that receives focus on the way: the focus indicator is visible (an outline or a
// box shadow, on screen) and the order follows the document (no jumps back, starting with the skip
// link). Both return the navigation's response when an action leaves the page.

export function pointerActor(page) {
  return {
    page,
    kind: 'pointer',
    async goto(url) { return page.goto(url, { waitUntil: 'load' }); },
    async fill(sel, text) { await page.locator(sel).fill(text); },
    async radio(name, value) { await page.locator(`input[type=radio][name="${name}"][value="${value}"]`).check(); },
    async select(sel, value) { await page.locator(sel).selectOption(value); },
    async file(sel, files) { await page.locator(sel).setInputFiles(files); },
    async submit(sel) { return navigate(page, () => page.locator(sel).click()); },
    async follow(sel) { return navigate(page, () => page.locator(sel).first().click()); },
  };
}

/** Does `act` and resolves to the response of the navigation it starts. */
export async function navigate(page, act) {
  const nav = page.waitForNavigation({ waitUntil: 'load' });
  await act();
  return nav;
}

/** State of the focused element, for the keyboard checks. */
function focusState() {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return { none: true };
  if (!window.__e2eFocusSeq) window.__e2eFocusSeq = [];
  const prev = window.__e2eFocusSeq[window.__e2eFocusSeq.length - 1];
  const before = prev && prev.isConnected && prev !== el
    ? Boolean(el.compareDocumentPosition(prev) & Node.DOCUMENT_POSITION_FOLLOWING) : false;
  window.__e2eFocusSeq.push(el);
  const cs = getComputedStyle(el);
  const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0;
  const shadow = cs.boxShadow && cs.boxShadow !== 'none';
  const r = el.getBoundingClientRect();
  const onScreen = r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0
    && r.top < window.innerHeight && r.left < window.innerWidth;
  const text = (el.getAttribute('aria-label') || el.innerText || el.value || el.name || el.id || '').trim().slice(0, 40);
  return {
    desc: `<${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.name ? ` name=${el.name}` : ''}${el.type ? ` type=${el.type}` : ''}> "${text}"`,
    visible: Boolean(outline || shadow) && onScreen,
    style: `outline: ${cs.outlineStyle} ${cs.outlineWidth}; box-shadow: ${cs.boxShadow}; rect ${Math.round(r.left)},${Math.round(r.top)} ${Math.round(r.width)}x${Math.round(r.height)}`,
    backwards: before,
    isSkipLink: el.classList.contains('skip-link'),
    count: window.__e2eFocusSeq.length,
  };
}

export function keyboardActor(page, { log = [] } = {}) {
  const problems = [];
  const tabs = { count: 0 };
  // File choosers are intercepted from the start (a listener added just before the key press
  // can lose the race with the dialog); each one goes to the upload waiting for it.
  let chooserWaiter = null;
  page.on('filechooser', (fc) => { chooserWaiter?.(fc); chooserWaiter = null; });
  const chooser = (ms) => new Promise((ok, no) => {
    const timer = setTimeout(() => { chooserWaiter = null; no(new Error(`keyboard: no file chooser within ${ms} ms of pressing Space on ${page.url()}`)); }, ms);
    chooserWaiter = (fc) => { clearTimeout(timer); ok(fc); };
  });
  const isTarget = (sel) => page.evaluate((s) => {
    const el = document.activeElement;
    return Boolean(el && el.matches(s));
  }, sel);

  // Presses Tab until an element matching `sel` has focus, checking every stop on the way.
  async function tabTo(sel) {
    for (let i = 0; i < 120; i++) {
      await page.keyboard.press('Tab');
      tabs.count++;
      const s = await page.evaluate(focusState);
      if (s.none) throw new Error(`keyboard: Tab left the page before reaching ${sel} on ${page.url()}`);
      if (s.count === 1 && !s.isSkipLink) problems.push(`${page.url()}: first Tab stop is ${s.desc}, not the skip link`);
      if (!s.visible) problems.push(`${page.url()}: focus not visible on ${s.desc} (${s.style})`);
      if (s.backwards) problems.push(`${page.url()}: focus went back up the page to ${s.desc}`);
      log.push(s.desc);
      if (await isTarget(sel)) return;
    }
    throw new Error(`keyboard: ${sel} not reached with 120 Tab presses on ${page.url()}`);
  }

  async function pressToLeave(key) {
    return navigate(page, () => page.keyboard.press(key));
  }

  return {
    page,
    kind: 'keyboard',
    problems,
    tabs,
    async goto(url) { return page.goto(url, { waitUntil: 'load' }); },
    async fill(sel, text) {
      await tabTo(sel);
      await page.keyboard.press('Control+A');
      await page.keyboard.press('Delete');
      if (text) await page.keyboard.type(text);
    },
    async radio(name, value) {
      await tabTo(`input[type=radio][name="${name}"]`);
      for (let i = 0; i < 20; i++) {
        const focused = await page.evaluate(() => document.activeElement.value);
        if (focused === value) {
          await page.keyboard.press('Space');
          const ok = await page.locator(`input[type=radio][name="${name}"][value="${value}"]`).isChecked();
          if (!ok) throw new Error(`keyboard: Space did not check ${name}=${value}`);
          return;
        }
        await page.keyboard.press('ArrowDown');
      }
      throw new Error(`keyboard: radio ${name}=${value} not reached with the arrow keys`);
    },
    async select(sel, value) {
      await tabTo(sel);
      for (let i = 0; i < 200; i++) {
        if (await page.locator(sel).inputValue() === value) return;
        await page.keyboard.press('ArrowDown');
      }
      throw new Error(`keyboard: option ${value} of ${sel} not reached with ArrowDown`);
    },
    async file(sel, files) {
      await tabTo(sel);
      const opened = chooser(10_000);
      await page.keyboard.press('Space');
      await (await opened).setFiles(files);
    },
    async submit(sel) { await tabTo(sel); return pressToLeave('Enter'); },
    async follow(sel) { await tabTo(sel); return pressToLeave('Enter'); },
  };
}
