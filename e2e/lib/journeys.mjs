// The journeys, written once and run at each width, with the pointer or the keyboard alone, with
// JavaScript on or off. Selectors come from the templates (ids, names, form actions), not from the
// interface text, so the same steps run in Vietnamese and English.
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { makePdf } from './pdf.mjs';
import { navigate } from './actors.mjs';

export const MARRIAGE = { code: '1.000894', vi: 'Đăng ký kết hôn', en: 'Marriage registration' };
export const BIRTH = { code: '1.001193', vi: 'Đăng ký khai sinh', en: 'Birth registration' };
export const PASSWORD = 'motcua-demo';

const pdf = (name, text) => ({ name, mimeType: 'application/pdf', buffer: makePdf(text) });
// The personal ID journey (b) registers at the counter and then searches for.
const PERSONAL_ID = '027190001234';
const path = (page) => new URL(page.url()).pathname;
const status = (resp) => resp?.status();

async function text(page, sel) {
  return (await page.locator(sel).first().innerText()).replace(/\s+/g, ' ').trim();
}

/** Submits a form with nothing filled and checks the error summary and inline messages. */
async function emptySubmit(actor, audit, template, label, want = 400,
  button = 'main form[method=post] button[type=submit]:not([name=skip]):not([name=lookup])') {
  const { page } = actor;
  const before = await page.title();
  const resp = await actor.submit(button);
  assert.equal(status(resp), want, `${label}: empty form answered ${status(resp)}`);
  assert.ok(await page.locator('.error-summary').isVisible(), `${label}: no error summary`);
  assert.ok(await page.locator('.error-message').count() > 0, `${label}: no inline error message`);
  // GOV.UK: the title of a page with errors starts with "Error:" (here "Lỗi:"), then the same title.
  const after = await page.title();
  assert.ok(after.length > before.length && after.endsWith(before), `${label}: title "${after}" does not announce the error before "${before}"`);
  await audit.page(page, template, label);
}

/**
 * (a) Find marriage registration by typing without diacritics, open it, apply online one question
 * per page, upload papers, check the answers, submit, get the dossier code, open the dossier's
 * verification page and track the dossier. Returns { code, phone, agency, papers } (the hashes of
 * the papers handed in).
 */
export async function applyOnline(actor, audit, { errors = true, tracking = true, notFound = false } = {}) {
  const { page } = actor;
  const phone = '0912 345 678';
  let resp = await actor.goto('/');
  assert.equal(status(resp), 200);
  await audit.page(page, 'home.html', 'home');

  await actor.fill('#q', 'dang ky ket hon');
  resp = await actor.submit('form.search button[type=submit]');
  assert.equal(status(resp), 200);
  assert.equal(path(page), '/procedures');
  assert.equal(await text(page, 'ol.cards > li .card-title'), MARRIAGE.vi, 'marriage registration is not the first result');
  await audit.page(page, 'procedures.html', 'search-results');

  resp = await actor.follow('ol.cards > li .card-title a');
  assert.equal(path(page), `/procedures/${MARRIAGE.code}`);
  assert.equal(await text(page, 'h1'), MARRIAGE.vi);
  await audit.page(page, 'procedure.html', 'start-page');

  resp = await actor.submit('form.apply-start button[type=submit]');
  assert.equal(status(resp), 200);
  assert.match(path(page), /^\/applications\/[0-9a-f-]{36}\/agency$/, 'the first question is not the agency');
  const draft = path(page).split('/')[2];
  await audit.page(page, 'apply/question.html', 'agency');
  if (errors) await emptySubmit(actor, audit, 'apply/question.html', 'agency-error');
  const agency = await page.locator('#agency option[value]:not([value=""])').first().getAttribute('value');
  await actor.select('#agency', agency);
  resp = await actor.submit('main form button[type=submit]');
  assert.equal(path(page), `/applications/${draft}/applicant`);

  await audit.page(page, 'apply/question.html', 'applicant');
  if (errors) await emptySubmit(actor, audit, 'apply/question.html', 'applicant-error');
  await actor.radio('applicant_kind', 'citizen');
  await actor.fill('#full_name', 'Nguyễn Thị Hồng Nhung');
  await actor.submit('main form button[type=submit]');
  assert.equal(path(page), `/applications/${draft}/identity`);

  await audit.page(page, 'apply/question.html', 'identity');
  if (errors) await emptySubmit(actor, audit, 'apply/question.html', 'identity-error');
  await actor.fill('#personal_id', '027195012345');
  await actor.fill('#birth_date', '15/08/1995');
  await actor.submit('main form button[type=submit]');
  assert.equal(path(page), `/applications/${draft}/contact`);

  await audit.page(page, 'apply/question.html', 'contact');
  await actor.fill('#phone', phone);
  await actor.fill('#email', 'nhung@example.vn');
  await actor.fill('#address', 'Số 5 đường Lý Thái Tổ, phường Suối Hoa');
  await actor.submit('main form button[type=submit]');
  assert.equal(path(page), `/applications/${draft}/papers/1`);

  // Papers: upload to the required ones, skip the optional ones.
  // The hashes of the papers handed in, which name them in "my papers".
  const papers = [];
  for (let n = 1; n <= 20 && /\/papers\/\d+$/.test(path(page)); n++) {
    assert.equal(path(page), `/applications/${draft}/papers/${n}`);
    const optional = await page.locator('button[name=skip]').count() > 0;
    await audit.page(page, 'apply/paper.html', `paper-${n}`);
    if (errors && n === 1) await emptySubmit(actor, audit, 'apply/paper.html', 'paper-error');
    if (optional) {
      await actor.submit('button[name=skip]');
    } else {
      // A new file even when an earlier one could be reused: choose "new" first where offered.
      if (await page.locator('#reuse-new').count()) await actor.radio('reuse', 'new');
      const paper = pdf(`giay-to-${n}.pdf`, `paper ${n}`);
      papers.push(createHash('sha256').update(paper.buffer).digest('hex'));
      await actor.file('#file', paper);
      await actor.submit('main form button[type=submit]:not([name=skip])');
    }
  }
  assert.equal(path(page), `/applications/${draft}/return`);
  await audit.page(page, 'apply/question.html', 'return');
  await actor.radio('return_method', 'counter');
  await actor.submit('main form button[type=submit]');

  assert.equal(path(page), `/applications/${draft}/check`);
  const summary = await text(page, 'main');
  for (const typed of ['Nguyễn Thị Hồng Nhung', '027195012345', '15/08/1995', 'giay-to-1.pdf']) {
    assert.ok(summary.includes(typed), `check answers does not show ${typed}`);
  }
  await audit.page(page, 'apply/check.html', 'check-answers');
  resp = await actor.submit('main form button[type=submit]');
  assert.equal(status(resp), 200);
  assert.equal(path(page), `/applications/${draft}/done`);
  const code = await text(page, '.dossier-code');
  assert.match(code, /^\S+-\d{6}-\d{4}$/, `dossier code looks wrong: ${code}`);
  await audit.page(page, 'apply/done.html', 'confirmation');

  resp = await actor.follow('main a[href^="/verify/"]');
  assert.equal(status(resp), 200);
  assert.ok((await text(page, 'main')).includes(code), 'verification page does not name the dossier');
  await audit.page(page, 'desk/verify.html', 'verification');
  await page.goBack({ waitUntil: 'load' });

  if (tracking) {
    resp = await actor.follow('main a[href="/tracking"]');
    assert.equal(path(page), '/tracking');
    await audit.page(page, 'tracking.html', 'tracking-form');
    if (errors) {
      await actor.fill('#code', code);
      resp = await actor.submit('form.tracking-form button[type=submit]');
      assert.equal(status(resp), 400, 'tracking without digits should be refused');
      assert.ok(await page.locator('.error-summary a[href="#digits"]').count(), 'no error for the missing digits');
      await audit.page(page, 'tracking.html', 'tracking-error');
    }
    if (notFound) {
      await actor.fill('#code', code);
      await actor.fill('#digits', '0000');
      resp = await actor.submit('form.tracking-form button[type=submit]');
      assert.equal(status(resp), 404, 'wrong digits should find nothing');
      await audit.page(page, 'tracking.html', 'tracking-not-found');
    }
    await actor.fill('#code', code);
    await actor.fill('#digits', phone.replace(/\D/g, '').slice(-4));
    resp = await actor.submit('form.tracking-form button[type=submit]');
    assert.equal(status(resp), 200);
    const found = await text(page, '.tracking-result');
    assert.ok(found.includes(code), 'tracking result does not show the code');
    assert.ok(await page.locator('.tracking-result .timeline li').count() >= 1, 'tracking shows no timeline');
    await audit.page(page, 'tracking.html', 'tracking-found');
  }
  return { code, phone, agency, papers };
}

/** Signs in on the sign-in page the browser is on (or goes there). */
export async function signIn(actor, username, { audit, label } = {}) {
  const { page } = actor;
  if (path(page) !== '/back-office/sign-in') await actor.goto('/back-office/sign-in');
  if (audit) await audit.page(page, 'desk/sign_in.html', label ?? 'sign-in');
  await actor.fill('#username', username);
  await actor.fill('#password', PASSWORD);
  const resp = await actor.submit('main form button[type=submit]');
  assert.equal(status(resp), 200, `sign-in as ${username} answered ${status(resp)}`);
  assert.ok(await page.locator('.officer-bar').count(), `not signed in as ${username} (at ${page.url()})`);
  return resp;
}

export async function signOut(actor) {
  const { page } = actor;
  await actor.submit('.officer-bar form[action="/back-office/sign-out"] button');
  assert.equal(path(page), '/back-office/sign-in');
}

async function openDossier(actor, code) {
  const resp = await actor.goto(`/back-office/dossiers/${encodeURIComponent(code)}`);
  assert.equal(status(resp), 200, `dossier ${code} answered ${status(resp)}`);
}

/** Submits an action form of the dossier page and checks it was recorded. */
async function act(actor, name, fields = {}) {
  const { page } = actor;
  const form = `form.action-form:has(input[name=action][value="${name}"])`;
  assert.ok(await page.locator(form).count(), `action ${name} is not offered (offered: ${
    (await page.locator('form.action-form input[name=action]').evaluateAll((els) => els.map((e) => e.value))).join(', ')})`);
  for (const [field, value] of Object.entries(fields)) {
    const sel = `#${name}-${field}`;
    if ((await page.locator(sel).evaluate((e) => e.tagName)) === 'SELECT') await actor.select(sel, value);
    else await actor.fill(sel, value);
  }
  const resp = await actor.submit(`#${name}-action`);
  assert.equal(status(resp), 200, `${name} answered ${status(resp)}: ${await text(page, 'main').catch(() => '')}`.slice(0, 600));
  assert.ok(page.url().includes(`done=${name}`), `${name} was not recorded (at ${page.url()}): ${
    (await page.locator('.error-summary').allInnerTexts()).join(' ')}`);
}

/**
 * (b) Counter intake by the reception officer, processing with a supplement request, the
 * citizen's supplement from the tracking page, the leader's approval, the result returned, and the
 * whole story on the tracking page. `citizen` is a second actor in a context with no session.
 */
export async function backOffice(actor, citizen, audit, { baseUrl }) {
  const { page } = actor;
  const phone = '0987 654 321';
  await signIn(actor, 'tiepnhan.xa');
  assert.equal(path(page), '/back-office/inbox');
  await audit.page(page, 'desk/inbox.html', 'reception-inbox');

  let resp = await actor.follow('.officer-bar a[href="/back-office/intake"]');
  assert.equal(path(page), '/back-office/intake');
  await audit.page(page, 'desk/intake.html', 'intake-choose');
  await actor.select('#choose-procedure', BIRTH.code);
  resp = await actor.submit('form[method=get][action="/back-office/intake"] button[type=submit]');
  assert.equal(status(resp), 200);
  await audit.page(page, 'desk/intake.html', 'intake-form');
  await emptySubmit(actor, audit, 'desk/intake.html', 'intake-error', 422);
  await actor.fill('#name', 'Trần Văn Bình');
  await actor.fill('#personal_id', PERSONAL_ID);
  await actor.fill('#phone', phone);
  await actor.fill('#address', 'Thôn Đông, xã Tam Sơn');
  // Papers handed in at the counter, where the page lists them to tick.
  for (const box of await page.locator('main form[method=post] input[type=checkbox][name=papers]').all()) {
    if (!(await box.isChecked())) await box.check();
  }
  await actor.select('#decision', 'accept');
  resp = await actor.submit('main form[method=post] button[type=submit]:not([name=lookup])');
  assert.equal(status(resp), 200, `intake answered ${status(resp)}`);
  assert.match(path(page), /^\/back-office\/dossiers\//);
  assert.ok(page.url().includes('done=accept'));
  const code = await text(page, 'h1 code');
  await audit.page(page, 'desk/dossier.html', 'accepted-at-counter');
  await signOut(actor);

  // The handling officer takes the dossier and asks for a paper.
  await signIn(actor, 'xuly.xa');
  await audit.page(page, 'desk/inbox.html', 'handling-inbox');
  resp = await actor.follow(`main table a[href="/back-office/dossiers/${code}"]`);
  assert.equal(status(resp), 200);
  await act(actor, 'assign', { officer_id: 'xuly.xa' });
  await audit.page(page, 'desk/dossier.html', 'assigned');
  // Error state: the request without reasons.
  resp = await actor.submit('#request_supplement-action');
  assert.equal(status(resp), 422, 'a supplement request without reasons should be refused');
  assert.ok(await page.locator('.error-summary').isVisible());
  await audit.page(page, 'desk/dossier.html', 'action-error');
  await act(actor, 'request_supplement', { reasons: 'Bổ sung bản sao Giấy chứng sinh có xác nhận của cơ sở y tế.' });
  await audit.page(page, 'desk/dossier.html', 'supplement-requested');
  await signOut(actor);

  // The citizen sees the request on the tracking page and hands in the paper.
  const cp = citizen.page;
  const digits = phone.replace(/\D/g, '').slice(-4);
  await citizen.goto(`${baseUrl}/tracking`);
  await citizen.fill('#code', code);
  await citizen.fill('#digits', digits);
  resp = await citizen.submit('form.tracking-form button[type=submit]');
  assert.equal(status(resp), 200);
  await audit.page(cp, 'tracking.html', 'tracking-supplement-requested');
  // The button posts the code and digits (they never travel in a URL) and opens the form.
  resp = await citizen.submit('.tracking-result form[action="/tracking/supplement"] button[type=submit]');
  assert.equal(status(resp), 200, `the supplement button answered ${status(resp)}`);
  assert.equal(path(cp), '/tracking/supplement');
  assert.equal(await cp.locator('#code').inputValue(), code, 'the supplement form does not carry the code');
  await audit.page(cp, 'apply/supplement.html', 'supplement-form');
  // Error state: sent without the digits or a file.
  resp = await citizen.submit('main form[method=post] button[type=submit]:not([name=find])');
  assert.equal(status(resp), 400);
  assert.ok(await cp.locator('.error-summary').isVisible());
  await audit.page(cp, 'apply/supplement.html', 'supplement-error');
  await citizen.fill('#digits', digits);
  // Where the page first looks the dossier up (to list the papers asked for), do that.
  const find = cp.locator('main form button[name=find]');
  if (await find.count()) {
    await citizen.submit('main form button[name=find]');
    await audit.page(cp, 'apply/supplement.html', 'supplement-found');
  }
  const slots = await cp.locator('main form input[type=file][name^="paper-"]').count();
  if (slots) {
    for (let i = 1; i <= slots; i++) await citizen.file(`#paper-${i}`, pdf(`bo-sung-${i}.pdf`, `supplement ${i}`));
  } else {
    await citizen.file('#file-1', pdf('bo-sung.pdf', 'supplement'));
  }
  await citizen.fill('#note', 'Gửi bản sao Giấy chứng sinh.');
  resp = await citizen.submit('main form[method=post] button[type=submit]:not([name=find])');
  assert.equal(status(resp), 200, `supplement answered ${status(resp)}: ${(await cp.locator('.error-summary').allInnerTexts()).join(' ')}`);
  assert.equal(path(cp), '/tracking/supplement/sent');
  await audit.page(cp, 'apply/supplement_sent.html', 'supplement-sent');

  // Fees: the handling officer asks for them, the counter takes them in cash, and the dossier's
  // payment has an electronic receipt anyone can open from its link.
  await signIn(actor, 'xuly.xa');
  await openDossier(actor, code);
  await act(actor, 'request_fees', { amount_vnd: '8000', note: 'Lệ phí cấp bản sao trích lục' });
  await signOut(actor);
  await signIn(actor, 'tiepnhan.xa');
  await openDossier(actor, code);
  await act(actor, 'record_fees_paid', { amount_vnd: '8000', channel: 'cash', reference: 'BL-000123' });
  await audit.page(page, 'desk/dossier.html', 'fees-paid');
  resp = await actor.follow('main section[aria-labelledby=payments-heading] a[href^="/payments/receipts/"]');
  assert.equal(status(resp), 200, `the receipt answered ${status(resp)}`);
  assert.ok((await text(page, 'main')).includes('8.000'), 'the receipt does not show the amount');
  await audit.page(page, 'payments/receipt.html', 'receipt');
  // The receipt is a public page: back to the desk to sign out.
  await openDossier(actor, code);
  await signOut(actor);

  // Handling officer proposes the result; the leader approves and marks it ready.
  await signIn(actor, 'xuly.xa');
  await openDossier(actor, code);
  await act(actor, 'propose_result', { summary: 'Đủ điều kiện cấp Giấy khai sinh.' });
  await signOut(actor);
  await signIn(actor, 'lanhdao.xa');
  await openDossier(actor, code);
  await act(actor, 'approve', { note: 'Đồng ý.' });
  await audit.page(page, 'desk/dossier.html', 'approved');
  // The signed result goes with it as a file: the dossier's electronic result.
  await actor.file('#mark_result_ready-result_file', pdf('ket-qua.pdf', 'result'));
  await act(actor, 'mark_result_ready');
  assert.ok((await text(page, '#papers-heading + ul')).includes('ket-qua.pdf'),
    'the electronic result is not among the dossier\'s papers');
  // The leader finds the applicant's dossiers by the personal ID read from their card: a
  // number that is not one first, then theirs, with the reason the search is recorded under.
  resp = await actor.follow('.officer-bar a[href="/back-office/search/personal-id"]');
  assert.equal(status(resp), 200);
  await audit.page(page, 'desk/personal_id_search.html', 'search-form');
  await actor.fill('#personal_id', '12345');
  resp = await actor.submit('main form[action="/back-office/search/personal-id"] button[type=submit]');
  assert.equal(status(resp), 422, `a search without a valid number answered ${status(resp)}`);
  assert.ok(await page.locator('.error-summary').isVisible(), 'no error summary');
  await audit.page(page, 'desk/personal_id_search.html', 'search-error');
  await actor.fill('#personal_id', PERSONAL_ID);
  await actor.select('#reason', 'verify_papers');
  resp = await actor.submit('main form[action="/back-office/search/personal-id"] button[type=submit]');
  assert.equal(status(resp), 200);
  assert.ok(await page.locator(`main table a[href="/back-office/dossiers/${code}"]`).count(),
    'the search by personal ID does not find the dossier');
  assert.ok(!(await text(page, 'main')).includes(PERSONAL_ID), 'the number is shown whole');
  await audit.page(page, 'desk/personal_id_search.html', 'search-found');
  // The leader reads the payment report, where the cash payment counts at the counter.
  resp = await actor.follow('.officer-bar a[href="/back-office/reports/payments"]');
  assert.equal(status(resp), 200, `the payment report answered ${status(resp)}`);
  await audit.page(page, 'back_office/payments_report.html', 'payments-report');
  await signOut(actor);

  // The counter returns the result.
  await signIn(actor, 'tiepnhan.xa');
  await openDossier(actor, code);
  await act(actor, 'return_result', { method: 'counter' });
  await audit.page(page, 'desk/dossier.html', 'returned');
  // The walk-in rates at the counter's kiosk: the officer opens the page on the screen facing
  // them (a new window in real use; here the same tab), which needs no session.
  const kioskHref = await page.locator('#kiosk-link').getAttribute('href');
  assert.match(kioskHref, /^\/ratings\/.+door=kiosk/, `kiosk link ${kioskHref}`);
  await signOut(actor);
  resp = await actor.goto(kioskHref);
  assert.equal(status(resp), 200, `the kiosk page answered ${status(resp)}`);
  assert.ok(await page.locator('.rating.kiosk').count(), 'the kiosk page is not in its kiosk form');
  await audit.page(page, 'ratings/rate.html', 'kiosk');
  resp = await actor.submit('form.rating-form button[type=submit]');
  assert.equal(status(resp), 400, `an empty rating answered ${status(resp)}`);
  assert.ok(await page.locator('.error-summary').isVisible());
  await audit.page(page, 'ratings/rate.html', 'kiosk-error');
  for (const [name, value] of [['level', 'acceptable'], ['one_stop', 'good'], ['disclosure', 'good'],
    ['conduct', 'fair'], ['asked_outside_rules', 'no'], ['feedback_handling', 'not_applicable']]) {
    await actor.radio(name, value);
  }
  resp = await actor.submit('form.rating-form button[type=submit]');
  assert.equal(status(resp), 200, `the kiosk rating answered ${status(resp)}`);
  assert.ok(await page.locator('#rating-thanks').isVisible(), 'no thanks after the kiosk rating');
  await audit.page(page, 'ratings/rate.html', 'kiosk-thanks');
  // The leader reads the ratings report: one or two ratings so far, so no figure is shown.
  await signIn(actor, 'lanhdao.xa');
  resp = await actor.follow('.officer-bar a[href="/back-office/reports/ratings"]');
  assert.equal(status(resp), 200, `the ratings report answered ${status(resp)}`);
  assert.ok((await text(page, 'main')).includes('Dưới 5 đánh giá'), 'a figure from fewer than five ratings');
  await audit.page(page, 'ratings/report.html', 'ratings-report');
  await signOut(actor);

  // An officer of a department cannot open, nor act on, the commune's dossier: by its address
  // the page is "not found", and an action posted with their own valid session and token is too.
  await signIn(actor, 'tiepnhan.so');
  resp = await actor.goto(`/back-office/dossiers/${encodeURIComponent(code)}`);
  assert.equal(status(resp), 404, `a department officer opened the commune's dossier (${status(resp)})`);
  assert.ok(!(await text(page, 'main')).includes('Trần Văn Bình'), 'the 404 page shows the applicant');
  await actor.goto('/back-office/inbox');
  const csrf = await page.locator('.officer-bar input[name=csrf]').first().inputValue();
  const posted = await page.request.post(`/back-office/dossiers/${encodeURIComponent(code)}/actions`, {
    form: { csrf, action: 'stop', reasons: 'thử', version: '99', form_token: 'cross-unit' }, maxRedirects: 0 });
  assert.equal(posted.status(), 404, `a department officer's action on the commune's dossier answered ${posted.status()}`);
  await signOut(actor);

  // And the other way: a dossier the department registered is out of the commune officer's reach.
  await signIn(actor, 'tiepnhan.so');
  await actor.goto('/back-office/intake');
  const theirProcedure = await page.locator('#choose-procedure option:not([value=""])').first().getAttribute('value');
  await actor.select('#choose-procedure', theirProcedure);
  await actor.submit('form[method=get][action="/back-office/intake"] button[type=submit]');
  await actor.fill('#name', 'Lê Thị Sở');
  await actor.fill('#phone', '0911 222 333');
  await actor.fill('#address', 'Số 2 đường Hùng Vương, phường Bắc Giang');
  for (const box of await page.locator('main form[method=post] input[type=checkbox][name=papers]').all()) {
    if (!(await box.isChecked())) await box.check();
  }
  // Refused at intake (Form 03), so the department's inbox stays empty for journey (c).
  await actor.select('#decision', 'refuse');
  await actor.fill('#reasons', 'Hồ sơ thuộc thẩm quyền của Ủy ban nhân dân cấp xã.');
  await actor.submit('main form[method=post] button[type=submit]:not([name=lookup])');
  assert.ok(page.url().includes('done=refuse'), `the department's intake was not recorded (at ${page.url()}): ${
    (await page.locator('.error-summary').allInnerTexts()).join(' ')}`);
  const theirCode = await text(page, 'h1 code');
  await signOut(actor);
  await signIn(actor, 'tiepnhan.xa');
  resp = await actor.goto(`/back-office/dossiers/${encodeURIComponent(theirCode)}`);
  assert.equal(status(resp), 404, `a commune officer opened the department's dossier (${status(resp)})`);
  assert.ok(!(await text(page, 'main')).includes('Lê Thị Sở'), 'the 404 page shows the applicant');
  await actor.goto('/back-office/inbox');
  const communeCsrf = await page.locator('.officer-bar input[name=csrf]').first().inputValue();
  const tried = await page.request.post(`/back-office/dossiers/${encodeURIComponent(theirCode)}/actions`, {
    form: { csrf: communeCsrf, action: 'stop', reasons: 'thử', version: '99', form_token: 'cross-unit-2' }, maxRedirects: 0 });
  assert.equal(tried.status(), 404, `a commune officer's action on the department's dossier answered ${tried.status()}`);
  await signOut(actor);

  // The tracking page tells the whole story, the same events as the API.
  const api = await (await cp.request.get(`${baseUrl}/api/v1/tracking?code=${encodeURIComponent(code)}&digits=${digits}`)).json();
  const kinds = api.timeline.map((e) => e.kind);
  assert.equal(api.status, 'returned', `status after return: ${api.status}`);
  assert.deepEqual(kinds, ['submitted', 'accepted', 'assigned', 'supplement_requested', 'supplement_received',
    'fees_requested', 'fees_paid', 'result_proposed', 'result_approved', 'result_ready', 'result_returned'], "the dossier's story on the tracking API");
  await citizen.goto(`${baseUrl}/tracking`);
  await citizen.fill('#code', code);
  await citizen.fill('#digits', digits);
  await citizen.submit('form.tracking-form button[type=submit]');
  assert.equal(await cp.locator('.tracking-result .timeline li').count(), api.timeline.length,
    'the tracking page shows a different number of events from the API');
  await audit.page(cp, 'tracking.html', 'tracking-returned');
  // The tracking page invites the citizen to rate; the kiosk rating is theirs to change.
  resp = await citizen.follow('.tracking-result a[href^="/ratings/"]');
  assert.equal(status(resp), 200, `the rating page answered ${status(resp)}`);
  assert.ok(await cp.locator('#rating-given').isVisible(), 'the kiosk rating is not shown');
  assert.ok(await cp.locator('input[name=level][value=acceptable]').isChecked(), 'the given level is not chosen');
  await audit.page(cp, 'ratings/rate.html', 'rating-change');
  await citizen.radio('level', 'satisfied');
  resp = await citizen.submit('form.rating-form button[type=submit]');
  assert.equal(status(resp), 200, `the changed rating answered ${status(resp)}`);
  assert.ok((await text(cp, '#rating-thanks')).includes('thay đổi đánh giá đến'), 'the change deadline is not shown');
  await audit.page(cp, 'ratings/rate.html', 'rating-changed');
  // A gateway's return that carries no valid signature: the payer is told plainly, nothing moves.
  resp = await citizen.goto(`${baseUrl}/payments/vnpay/return?vnp_TxnRef=MC0&vnp_SecureHash=00`);
  assert.equal(status(resp), 400, `an unsigned return answered ${status(resp)}`);
  await audit.page(cp, 'payments/result.html', 'payment-unconfirmed');
  return { code, kinds };
}

/** (c) Sign in and out; the empty inbox; what a signed-out browser gets. */
export async function signInOut(actor, audit) {
  const { page } = actor;
  let resp = await actor.goto('/back-office/inbox');
  assert.equal(path(page), '/back-office/sign-in', 'a signed-out visit to the inbox should go to sign-in');
  await audit.page(page, 'desk/sign_in.html', 'sign-in');
  await actor.fill('#username', 'xuly.so');
  await actor.fill('#password', 'wrong password');
  resp = await actor.submit('main form button[type=submit]');
  assert.ok(await page.locator('.error-summary').isVisible(), 'a wrong password shows no error');
  assert.equal(await page.locator('.officer-bar').count(), 0);
  await audit.page(page, 'desk/sign_in.html', 'sign-in-error');
  await signIn(actor, 'xuly.so');
  assert.equal(path(page), '/back-office/inbox', 'sign-in should return to the inbox asked for');
  assert.equal(await page.locator('main table').count(), 0, 'the department inbox should be empty');
  await audit.page(page, 'desk/inbox.html', 'inbox-empty');
  resp = await actor.goto('/back-office/inbox?scope=nobody');
  assert.equal(status(resp), 400);
  await audit.page(page, 'error.html', 'bad-request');
  await actor.goto('/back-office/inbox');
  await signOut(actor);
  await audit.page(page, 'desk/sign_in.html', 'signed-out');
  resp = await actor.goto('/back-office/inbox');
  assert.equal(path(page), '/back-office/sign-in', 'after signing out the inbox must ask to sign in again');
  const cookies = await page.context().cookies();
  assert.ok(!cookies.some((c) => c.name === 'motcua_officer' && c.value), 'the session cookie survived sign-out');
}

/** (d) Vietnamese to English and back, on a citizen page and a back-office page. */
export async function switchLanguage(actor, audit) {
  const { page } = actor;
  const lang = () => page.locator('html').getAttribute('lang');
  await actor.goto(`/procedures/${MARRIAGE.code}`);
  assert.equal(await lang(), 'vi');
  await actor.follow('header a.lang-switch');
  assert.equal(path(page), `/procedures/${MARRIAGE.code}`, 'switching language should stay on the page');
  assert.equal(await lang(), 'en');
  assert.equal(await text(page, 'h1'), MARRIAGE.en);
  await audit.page(page, 'procedure.html', 'english');
  await actor.follow('header nav a[href="/"]');
  assert.equal(await lang(), 'en', 'the language choice should stick');
  await audit.page(page, 'home.html', 'english');
  await actor.goto('/back-office');
  assert.equal(await lang(), 'en');
  await audit.page(page, 'back_office/overview.html', 'english');
  await actor.follow('header a.lang-switch');
  assert.equal(await lang(), 'vi');
  assert.equal(path(page), '/back-office');
  await audit.page(page, 'back_office/overview.html', 'vietnamese');
}

/** Pages no journey passes through: reference pages, empty search, not found. */
export async function otherPages(actor, audit) {
  const { page } = actor;
  for (const [url, template, label] of [
    ['/procedures', 'procedures.html', 'all'],
    ['/procedures?q=xyzzy+khong+co', 'procedures.html', 'no-results'],
    ['/back-office/procedures', 'back_office/procedures.html', 'table'],
    ['/back-office/agencies', 'back_office/agencies.html', 'tree'],
    ['/back-office/calendar', 'back_office/calendar.html', 'calendar'],
    ['/procedures/0.000000', 'error.html', 'not-found'],
    ['/tracking/supplement', 'apply/supplement.html', 'supplement-blank'],
  ]) {
    const resp = await actor.goto(url);
    assert.ok([200, 404].includes(status(resp)), `${url} answered ${status(resp)}`);
    if (label === 'no-results') assert.equal(await page.locator('ol.cards').count(), 0);
    if (label === 'not-found') assert.equal(status(resp), 404);
    await audit.page(page, template, label);
  }
}

/** Whether this build has citizen accounts (the feature arrived after the suite). */
export async function hasAccounts(baseUrl) {
  return (await fetch(`${baseUrl}/account/sign-in`)).status !== 404;
}

/**
 * (e) A citizen account: register (empty form first), the empty account page, apply while signed
 * in, the dossier on the account page and its own page, sign out, sign in (wrong password first).
 */
export async function citizenAccount(actor, audit, { width }) {
  const { page } = actor;
  const login = `${width.viewport.width}.${Date.now()}@example.vn`;
  const password = 'mat-khau-du-dai-2026';
  let resp = await actor.goto('/account/register');
  assert.equal(status(resp), 200);
  await audit.page(page, 'account/register.html', 'register');
  await emptySubmit(actor, audit, 'account/register.html', 'register-error');
  await actor.fill('#name', 'Lê Thị Mai');
  await actor.fill('#login', login);
  await actor.fill('#password', password);
  resp = await actor.submit('main form[method=post] button[type=submit]');
  assert.equal(status(resp), 200, `registering answered ${status(resp)}`);
  assert.equal(path(page), '/account', 'registering should open the account page');
  assert.equal(await page.locator('main table').count(), 0, 'a new account should have no dossiers');
  await audit.page(page, 'account/home.html', 'new-account-empty');

  const { code } = await applyOnline(actor, audit, { errors: false, tracking: false });
  resp = await actor.goto('/account');
  assert.ok(await page.locator(`main table a[href="/account/dossiers/${code}"]`).count(), `the account page does not list ${code}`);
  await audit.page(page, 'account/home.html', 'with-dossier');
  resp = await actor.follow('main a[href="/account/papers"]');
  assert.equal(status(resp), 200);
  assert.ok(await page.locator('main table a[href^="/account/papers/"]').count(), 'my papers lists nothing after applying with papers');
  await audit.page(page, 'account/papers.html', 'my-papers');
  await actor.goto('/account');
  resp = await actor.follow(`main table a[href="/account/dossiers/${code}"]`);
  assert.equal(status(resp), 200);
  assert.ok((await text(page, 'h1')).includes(code));
  await audit.page(page, 'account/dossier.html', 'own-dossier');

  await actor.goto('/account');
  await actor.submit('main form[action="/account/sign-out"] button[type=submit]');
  resp = await actor.goto('/account');
  assert.match(path(page), /^\/account\/sign-in/, 'after signing out the account page must ask to sign in');
  await audit.page(page, 'account/sign_in.html', 'sign-in');
  await actor.fill('#login', login);
  await actor.fill('#password', 'not the password');
  resp = await actor.submit('main form[method=post] button[type=submit]');
  assert.ok(await page.locator('.error-summary').isVisible(), 'a wrong password shows no error');
  await audit.page(page, 'account/sign_in.html', 'sign-in-error');
  await actor.fill('#login', login);
  await actor.fill('#password', password);
  resp = await actor.submit('main form[method=post] button[type=submit]');
  assert.equal(path(page), '/account', 'signing in should open the account page');
}

/** Whether this build has the API-client administration page. */
export async function hasApiClients(baseUrl) {
  return (await fetch(`${baseUrl}/back-office/api-clients`, { redirect: 'manual' })).status !== 404;
}

/** (f) A unit administrator registers an API client, issues a key (shown once) and revokes it. */
export async function apiClients(actor, audit, { width }) {
  const { page } = actor;
  const name = `Hệ thống quản lý văn bản ${width.viewport.width}`;
  await signIn(actor, 'quantri.so');
  let resp = await actor.goto('/back-office/api-clients');
  assert.equal(status(resp), 200);
  const before = await page.locator('main section').count();
  await audit.page(page, 'desk/api_clients.html', before ? 'clients' : 'no-clients');
  await emptySubmit(actor, audit, 'desk/api_clients.html', 'create-error', 400,
    'main form[action="/back-office/api-clients"] button[type=submit]');
  await actor.fill('#client-name', name);
  resp = await actor.submit('main form[action="/back-office/api-clients"] button[type=submit]');
  assert.equal(status(resp), 200);
  const mine = page.locator('main section').filter({ has: page.locator('h2', { hasText: name }) });
  assert.equal(await mine.count(), 1, 'the new client is not listed');
  await audit.page(page, 'desk/api_clients.html', 'client-added');
  await mine.locator('form[action$="/keys"] input[type=checkbox][name=scope]').first().check();
  resp = await navigate(page, () => mine.locator('form[action$="/keys"] button[type=submit]').click());
  assert.equal(status(resp), 200);
  assert.equal(resp.headers()['cache-control'], 'no-store', 'the page showing a new key must not be stored');
  assert.ok((await page.locator('#new-key').inputValue()).length > 20, 'the new key is not shown');
  await audit.page(page, 'desk/api_clients.html', 'key-issued');
  await webhooksPage(actor, audit, mine, 'http://127.0.0.1:9/motcua-events');
  resp = await actor.follow('main a[href="/back-office/api-clients"]');
  assert.equal(status(resp), 200);
  assert.equal(await mine.locator('form[action$="/revoke"]').count(), 1);
  resp = await navigate(page, () => mine.locator('form[action$="/revoke"] button[type=submit]').click());
  assert.equal(status(resp), 200);
  assert.equal(await mine.locator('form[action$="/revoke"]').count(), 0, 'the key was not revoked');
  await audit.page(page, 'desk/api_clients.html', 'key-revoked');
  await signOut(actor);
}

/**
 * (f, k) A client's webhooks page, reached from its section of the clients page: an address
 * that is not https is refused with the field marked, then `receiver` is added and its signing
 * secret shown once, on a page that is not stored. Returns the secret.
 */
async function webhooksPage(actor, audit, mine, receiver) {
  const { page } = actor;
  let resp = await navigate(page, () => mine.locator('a[href$="/webhooks"]').click());
  assert.equal(status(resp), 200);
  await audit.page(page, 'desk/webhooks.html', 'endpoints');
  await actor.fill('#endpoint-url', 'ftp://example.vn/events');
  await emptySubmit(actor, audit, 'desk/webhooks.html', 'endpoint-refused', 422,
    'main form[action$="/webhooks"] button[type=submit]');
  assert.equal(await page.locator('#endpoint-url').inputValue(), 'ftp://example.vn/events', 'what was typed is kept');
  await actor.fill('#endpoint-url', receiver);
  resp = await actor.submit('main form[action$="/webhooks"] button[type=submit]');
  assert.equal(status(resp), 200);
  assert.equal(resp.headers()['cache-control'], 'no-store', 'the page showing a secret must not be stored');
  const secret = await page.locator('#new-secret').inputValue();
  assert.match(secret, /^whsec_[A-Za-z0-9+/=]{40,}$/, 'the signing secret is not shown');
  await audit.page(page, 'desk/webhooks.html', 'endpoint-added');
  return secret;
}

/**
 * (k) A connected system receives the unit's dossier events, signed: the commune's administrator
 * adds a client with a key for filing and for events, adds `receiver` as its endpoint, the key
 * files an online birth registration, and `receiver` gets the event, whose signature the
 * `standardwebhooks` package (an implementation independent of motcua's) verifies; a body changed
 * on the way does not verify. The client's page then lists the delivery with the answer.
 */
export async function webhookEvents(actor, audit, { baseUrl, receiver, Webhook }) {
  const { page } = actor;
  await signIn(actor, 'quantri.xa');
  let resp = await actor.goto('/back-office/api-clients');
  assert.equal(status(resp), 200);
  const name = `Hệ thống hộ tịch ${Date.now()}`;
  await actor.fill('#client-name', name);
  resp = await actor.submit('main form[action="/back-office/api-clients"] button[type=submit]');
  assert.equal(status(resp), 200);
  const mine = page.locator('main section').filter({ has: page.locator('h2', { hasText: name }) });
  const unit = (await mine.locator('h2 .subtitle').innerText()).trim();
  for (const scope of ['submit_dossiers', 'receive_events']) {
    await mine.locator(`form[action$="/keys"] input[value=${scope}]`).check();
  }
  resp = await navigate(page, () => mine.locator('form[action$="/keys"] button[type=submit]').click());
  assert.equal(status(resp), 200);
  const key = await page.locator('#new-key').inputValue();
  const secret = await webhooksPage(actor, audit, mine, receiver.url);

  const procedure = await (await fetch(`${baseUrl}/api/v1/procedures/${BIRTH.code}`)).json();
  const papers = procedure.components.filter((c) => c.required).map((c) => ({
    component: c.name, file_name: 'giay-to.pdf', content_base64: Buffer.from(makePdf('giay to')).toString('base64'),
  }));
  const filed = await fetch(`${baseUrl}/api/v1/applications`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json',
      'idempotency-key': `e2e-${Date.now()}` },
    body: JSON.stringify({ procedure: BIRTH.code, agency: unit, applicant_kind: 'citizen',
      name: 'Nguyễn Thị Hoa', personal_id: PERSONAL_ID, birth_date: '1990-05-17', phone: '0912 345 678',
      email: 'hoa@example.vn', address: 'Thôn Đông', return_method: 'online', applicant_ref: `e2e-${Date.now()}`, papers }),
  });
  const dossier = await filed.json();
  assert.equal(filed.status, 201, JSON.stringify(dossier));

  const deadline = Date.now() + 30_000;
  let got;
  while (!(got = receiver.received.find((r) => r.body.includes(dossier.code))) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.ok(got, `no event for ${dossier.code} reached the receiver in 30 s`);
  const event = new Webhook(secret).verify(got.body, got.headers);
  assert.equal(event.type, 'dossier.changed');
  assert.equal(event.data.code, dossier.code);
  assert.equal(event.data.unit, unit);
  assert.ok(!got.body.includes(PERSONAL_ID) && !got.body.includes('Nguyễn Thị Hoa'), 'personal data in an event');
  assert.throws(() => new Webhook(secret).verify(got.body.replace(dossier.code, 'X'), got.headers),
    'a body changed on the way must not verify');

  resp = await actor.goto(page.url().split('?')[0]);
  assert.equal(status(resp), 200);
  const row = page.locator('main table tbody tr').filter({ hasText: dossier.code });
  assert.equal(await row.count(), 1, 'the delivery is not listed');
  assert.match(await row.innerText(), /Đã gửi[\s\S]*204/, "the delivery is not listed as sent with the receiver's answer");
  await audit.page(page, 'desk/webhooks.html', 'delivered');
  await signOut(actor);
}

/** Whether this build has the population-database look-up report. */
export async function hasRegistryReport(baseUrl) {
  return (await fetch(`${baseUrl}/back-office/reports/registry-lookups`, { redirect: 'manual' })).status !== 404;
}

/**
 * (g) At the counter the reception officer looks a walk-in up in the population database (the
 * server's sandbox may be absent: the page then says the database is not answering, and the
 * intake form is the same), then an inspector reads the monthly look-up report and the monthly
 * dossier report.
 */
export async function registryLookups(actor, audit) {
  const { page } = actor;
  await signIn(actor, 'tiepnhan.xa');
  let resp = await actor.goto('/back-office/intake');
  assert.equal(status(resp), 200);
  const procedure = await page.locator('#choose-procedure option[value]:not([value=""])').first().getAttribute('value');
  resp = await actor.goto(`/back-office/intake?procedure=${encodeURIComponent(procedure)}`);
  assert.equal(status(resp), 200);
  if (await page.locator('button[name=lookup]').count()) {
    await actor.fill('#name', 'Nguyễn Văn An');
    await actor.fill('#personal_id', '001085012345');
    await actor.fill('#birth_date', '27/03/1985');
    resp = await actor.submit('button[name=lookup]');
    assert.ok([200, 422].includes(status(resp)), `look-up answered ${status(resp)}`);
    assert.equal(await page.locator('#name').inputValue() !== '', true, 'what was typed is kept');
    await audit.page(page, 'desk/intake.html', 'looked-up');
  }
  await signOut(actor);
  await signIn(actor, 'kiemtra.xa');
  resp = await actor.goto('/back-office/reports/registry-lookups');
  assert.equal(status(resp), 200);
  await audit.page(page, 'back_office/registry_lookups.html', 'report');
  resp = await actor.follow('.officer-bar a[href="/back-office/reports/monthly"]');
  assert.equal(status(resp), 200);
  assert.match(await text(page, '#monthly-received'), /^[\d.]+$/, 'the monthly report shows no total');
  await audit.page(page, 'back_office/monthly_report.html', 'monthly');
  await signOut(actor);
}

export const RESIDENCE = { code: '1.004222', vi: 'Đăng ký thường trú', en: 'Permanent residence registration' };

/** The look-up total of the monthly report, read as the inspector sees it. */
async function lookupTotal(actor) {
  const resp = await actor.goto('/back-office/reports/registry-lookups');
  assert.equal(status(resp), 200);
  return Number((await text(actor.page, '#lookup-total')).replace(/\D/g, ''));
}

/**
 * (h) Against `motcua sandbox` (population registry and payment gateways), as a new user would:
 * a citizen of the synthetic population applies online for permanent residence; the identity
 * page fills in their name and address from the population database and the paper it proves is
 * not asked for; the monthly look-up count goes up by one. The commune asks for the fee, the
 * citizen pays it through VNPay with the sandbox's test card, comes back to a "paid" page with
 * the receipt and its PDF, and the officer's dossier page shows the payment paid and the notices
 * sent; the sandbox's message page shows the SMS the citizen received at each step.
 */
export async function sandboxServices(actor, citizen, audit, { baseUrl, sandboxUrl }) {
  const { page } = actor;
  const cp = citizen.page;
  const people = await (await fetch(`${sandboxUrl}/_sandbox/registry/citizens?household=3&count=40`)).json();
  // The registry writes birth dates as yyyymmdd.
  const person = people.find((c) => Number(c.NgayThangNamSinh.slice(0, 4)) < 2000);
  assert.ok(person, 'no adult in the sandbox households listed');

  await signIn(actor, 'kiemtra.xa');
  const before = await lookupTotal(actor);
  await signOut(actor);

  // The citizen applies online, in the first commune (the demonstration officers' unit).
  let resp = await citizen.goto(`${baseUrl}/procedures/${RESIDENCE.code}`);
  assert.equal(status(resp), 200);
  resp = await citizen.submit('form.apply-start button[type=submit]');
  assert.match(path(cp), /\/agency$/);
  const draft = path(cp).split('/')[2];
  const agencies = await cp.locator('#agency option[value]:not([value=""])').evaluateAll((os) => os.map((o) => o.value));
  await citizen.select('#agency', [...agencies].sort()[0]);
  await citizen.submit('main form button[type=submit]');
  await citizen.radio('applicant_kind', 'citizen');
  // Typed in lower case: the database's spelling of the name is kept.
  await citizen.fill('#full_name', person.HoVaTen.toLowerCase());
  await citizen.submit('main form button[type=submit]');
  assert.equal(path(cp), `/applications/${draft}/identity`);
  await citizen.fill('#personal_id', person.SoDinhDanh);
  const b = person.NgayThangNamSinh;
  await citizen.fill('#birth_date', `${b.slice(6, 8)}/${b.slice(4, 6)}/${b.slice(0, 4)}`);
  resp = await citizen.submit('main form button[type=submit]');
  assert.equal(path(cp), `/applications/${draft}/contact`, `identity answered ${status(resp)}: ${
    (await cp.locator('.error-summary').allInnerTexts()).join(' ')}`);
  const address = await cp.locator('#address').inputValue();
  assert.ok(address.includes(person.ThuongTru.TenPhuongXa), `the address was not filled in: "${address}"`);
  await audit.page(cp, 'apply/question.html', 'contact-prefilled');
  const phone = '0933 222 111';
  await citizen.fill('#phone', phone);
  await citizen.submit('main form button[type=submit]');
  const asked = [];
  for (let n = 1; n <= 20 && /\/papers\/\d+$/.test(path(cp)); n++) {
    asked.push(await text(cp, 'h1'));
    if (await cp.locator('button[name=skip]').count()) {
      await citizen.submit('button[name=skip]');
    } else {
      if (await cp.locator('#reuse-new').count()) await citizen.radio('reuse', 'new');
      await citizen.file('#file', pdf(`thuong-tru-${n}.pdf`, `paper ${n}`));
      await citizen.submit('main form button[type=submit]:not([name=skip])');
    }
  }
  assert.ok(!asked.some((h) => h.includes('quan hệ nhân thân')),
    `a paper the population database proves was asked for: ${asked.join(' | ')}`);
  assert.equal(path(cp), `/applications/${draft}/return`);
  await citizen.radio('return_method', 'counter');
  await citizen.submit('main form button[type=submit]');
  assert.equal(path(cp), `/applications/${draft}/check`);
  const summary = await text(cp, 'main');
  assert.ok(summary.includes(person.HoVaTen), 'check answers does not show the name as recorded');
  assert.ok(summary.includes('10.000'), 'check answers does not show the online fee');
  await audit.page(cp, 'apply/check.html', 'check-verified');
  await citizen.submit('main form button[type=submit]');
  assert.equal(path(cp), `/applications/${draft}/done`);
  const code = await text(cp, '.dossier-code');

  // The commune receives it and asks for the online fee.
  await signIn(actor, 'kiemtra.xa');
  assert.equal(await lookupTotal(actor), before + 1, 'the monthly look-up count did not go up by one');
  await signOut(actor);
  await signIn(actor, 'tiepnhan.xa');
  await openDossier(actor, code);
  await act(actor, 'accept');
  await signOut(actor);
  await signIn(actor, 'xuly.xa');
  await openDossier(actor, code);
  await act(actor, 'assign', { officer_id: 'xuly.xa' });
  assert.equal(await page.locator('#request_fees-amount_vnd').inputValue(), '10000',
    'the fee request does not put forward what the catalogue gives for an online application');
  await act(actor, 'request_fees', { amount_vnd: '10000', note: 'Lệ phí đăng ký thường trú (nộp trực tuyến)' });
  await signOut(actor);

  // The citizen finds the dossier, pays through VNPay with the approved test card.
  await citizen.goto(`${baseUrl}/tracking`);
  await citizen.fill('#code', code);
  await citizen.fill('#digits', phone.replace(/\D/g, '').slice(-4));
  resp = await citizen.submit('form.tracking-form button[type=submit]');
  assert.equal(status(resp), 200);
  assert.ok(await cp.locator('form[action="/payments/start"]').count(), 'no pay button on the tracking page');
  await audit.page(cp, 'tracking.html', 'tracking-fees-due');
  await citizen.radio('channel', 'vnpay');
  resp = await citizen.submit('form[action="/payments/start"] button[type=submit]');
  assert.ok(cp.url().startsWith(sandboxUrl), `"Pay" did not lead to the gateway: ${cp.url()}`);
  const approved = cp.locator('input[type=radio][name=card]').first();
  await approved.check();
  resp = await citizen.submit('button[name=action][value=pay]');
  assert.ok(cp.url().startsWith(`${baseUrl}/payments/vnpay/return`), `the gateway did not send the payer back: ${cp.url()}`);
  assert.equal(status(resp), 200);
  assert.ok(await cp.locator('main a[href^="/payments/receipts/"]').count(), 'no receipt link on the result page');
  await audit.page(cp, 'payments/result.html', 'paid');
  resp = await citizen.follow('main a[href^="/payments/receipts/"]');
  assert.equal(status(resp), 200);
  assert.ok((await text(cp, 'main')).includes('10.000'), 'the receipt does not show the amount');
  await audit.page(cp, 'payments/receipt.html', 'online-receipt');
  const pdfHref = await cp.locator('main a[href*="/pdf?k="]').getAttribute('href');
  const receipt = await cp.request.get(`${baseUrl}${pdfHref}`);
  assert.equal(receipt.status(), 200);
  assert.equal(receipt.headers()['content-type'], 'application/pdf');

  // The officer's dossier page shows it paid, and the dossier moved on.
  await signIn(actor, 'xuly.xa');
  await openDossier(actor, code);
  const payments = await text(page, 'main section[aria-labelledby=payments-heading]');
  assert.ok(payments.includes('Đã thanh toán') && payments.includes('10.000'), `the dossier page does not show the payment paid: ${payments}`);
  await audit.page(page, 'desk/dossier.html', 'paid-online');
  const notices = await text(page, 'main section[aria-labelledby=notices-heading]');
  assert.ok(notices.includes('Tiếp nhận, hẹn trả') && notices.includes('Đã gửi'),
    `the dossier page does not list the notices sent: ${notices}`);
  await signOut(actor);

  // The citizen's phone received each notice, in order, without diacritics: the sandbox's page
  // shows them (sent every second; the last one may still be on its way).
  const digits = phone.replace(/\D/g, '');
  const expected = ['da nhan ho so', 'da duoc tiep nhan', 'de nghi nop phi', 'da nhan thanh toan'];
  let texts = [];
  for (let i = 0; i < 40; i++) {
    const listing = await (await fetch(`${sandboxUrl}/_sandbox/messages.json?to=${digits}`)).json();
    const messages = Array.isArray(listing) ? listing : listing.messages;
    texts = messages.filter((m) => m.channel === 'sms' && m.text.includes(code)).map((m) => m.text);
    if (expected.every((e) => texts.some((t) => t.toLowerCase().includes(e)))) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  for (const e of expected) {
    assert.ok(texts.some((t) => t.toLowerCase().includes(e)), `no SMS "${e}" for ${code}: ${JSON.stringify(texts)}`);
  }
  assert.ok(texts.every((t) => /^[\x20-\x7e\n]*$/.test(t)), `an SMS kept its diacritics: ${JSON.stringify(texts)}`);
  resp = await citizen.goto(`${sandboxUrl}/_sandbox/messages?to=${digits}`);
  assert.equal(status(resp), 200);
  const shown = await text(cp, 'body');
  assert.ok(shown.includes(code) && shown.toLowerCase().includes('da duoc tiep nhan'),
    `the sandbox's page does not show the citizen's messages: ${shown.slice(0, 400)}`);
  return { code };
}

/**
 * (i) Single sign-on through a real OpenID Connect provider (lib/oidc.mjs, standing in for
 * VNeID): the button on the sign-in page, the provider's own login and consent pages, back to
 * "my dossiers" with the name the provider released; signing out and in again reaches the same
 * account; and another applicant's dossier stays out of reach when its code is typed in the URL.
 */
export async function singleSignOn(actor, other, audit, { width }) {
  const { page } = actor;
  const subject = `0010990${width.viewport.width}${String(Date.now()).slice(-4)}`;
  let resp = await actor.goto('/account/sign-in?next=/account');
  assert.equal(status(resp), 200);
  await audit.page(page, 'account/sign_in.html', 'sso-button');
  const origin = new URL(page.url()).origin;
  const signInWithProvider = async ({ first }) => {
    resp = await actor.follow('main a[href^="/account/sso"]');
    // The first time the provider's own pages show; later it may remember the person and send
    // the browser straight back.
    if (first) assert.notEqual(new URL(page.url()).origin, origin, `the button stayed on motcua (${page.url()})`);
    // The provider's development login page (any login name becomes the subject), then its
    // consent page the first time; a provider that remembers the person may skip both.
    for (let i = 0; i < 3 && new URL(page.url()).origin !== origin; i += 1) {
      if (await page.locator('input[name=login]').count()) {
        await page.locator('input[name=login]').fill(subject);
        await page.locator('input[name=password]').fill('any password');
      }
      resp = await actor.submit('button[type=submit]');
    }
    assert.equal(path(page), '/account',
      `after the provider, expected "my dossiers", got ${page.url()}: ${(await text(page, 'body')).slice(0, 300)}`);
    assert.ok((await text(page, 'main')).includes('Phạm Thị Định Danh'), 'the name from the provider is not shown');
  };
  await signInWithProvider({ first: true });
  await audit.page(page, 'account/home.html', 'sso-signed-in');

  // Another applicant's dossier, by its code in the URL: not found, and nothing of it shown.
  const theirs = await applyOnline(other, audit, { errors: false, tracking: false });
  resp = await actor.goto(`/account/dossiers/${theirs.code}`);
  assert.equal(status(resp), 404, `someone else's dossier answered ${status(resp)}`);
  const body = await text(page, 'body');
  assert.ok(!body.includes('Nguyễn Thị Hồng Nhung') && !body.includes(theirs.phone), 'the 404 page leaks the applicant');
  // Nor a paper of theirs, addressed by its content's hash in "my papers".
  assert.ok(theirs.papers.length > 0, 'the other applicant handed in no paper');
  resp = await actor.goto(`/account/papers/${theirs.papers[0]}`);
  assert.equal(status(resp), 404, `someone else's paper answered ${status(resp)}`);

  // Out, then in again through the provider: the same account (the provider remembers the
  // person, so it may come straight back).
  await actor.goto('/account');
  await actor.submit('main form[action="/account/sign-out"] button[type=submit]');
  await actor.goto('/account/sign-in');
  await signInWithProvider({ first: false });

  // A return that does not belong to this browser's attempt is refused with a clear message.
  resp = await actor.goto('/account/sso/callback?code=forged&state=forged');
  assert.equal(status(resp), 400);
  assert.ok(await page.locator('.error-summary').isVisible(), 'a forged return shows no error');
  await audit.page(page, 'account/sign_in.html', 'sso-forged');
}

/** The 6-digit code an authenticator app shows for a base32 `secret` at `unixSeconds` (RFC 6238). */
export function totp(secret, unixSeconds = Math.floor(Date.now() / 1000)) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret.replace(/[\s=]/g, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(unixSeconds / 30)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

/**
 * (j) Officer accounts and two-step verification: the commune's administrator creates an
 * account (an empty form first), reads the temporary password shown once; the new officer signs
 * in with it, turns on two-step verification by scanning (here: reading) the key and typing a
 * code, signs out, is asked for a code, and signs in with a fresh one.
 */
export async function officerAccounts(actor, audit, { width }) {
  const { page } = actor;
  const username = `canbo${width.viewport.width}.${String(Date.now()).slice(-5)}`;
  await signIn(actor, 'quantri.xa');
  let resp = await actor.goto('/back-office/officers');
  assert.equal(status(resp), 200);
  await audit.page(page, 'desk/officers.html', 'list');
  // The notices the unit sent: given up (the default view) and sent.
  resp = await actor.follow('.officer-bar a[href="/back-office/outbox"]');
  assert.equal(status(resp), 200);
  assert.equal(resp.headers()['cache-control'], 'no-store', 'the notices page shows personal data');
  await audit.page(page, 'back_office/outbox.html', 'dead');
  resp = await actor.goto('/back-office/outbox?status=delivered');
  assert.equal(status(resp), 200);
  await audit.page(page, 'back_office/outbox.html', 'delivered');
  resp = await actor.goto('/back-office/officers');
  resp = await actor.submit('main form[action="/back-office/officers"] button[type=submit]');
  assert.equal(status(resp), 400, `an empty account form answered ${status(resp)}`);
  assert.ok(await page.locator('.error-summary').isVisible(), 'no error summary');
  await audit.page(page, 'desk/officers.html', 'create-error');
  await actor.fill('#new-username', username);
  await actor.fill('#new-full_name', 'Đỗ Thị Cán Bộ');
  await actor.select('#new-role', 'handling');
  resp = await actor.submit('main form[action="/back-office/officers"] button[type=submit]');
  assert.equal(status(resp), 200);
  assert.equal(resp.headers()['cache-control'], 'no-store', 'the page showing a password must not be stored');
  const password = await page.locator('#issued-password').inputValue();
  assert.equal(password.length, 20, 'no temporary password shown');
  await audit.page(page, 'desk/officers.html', 'created');
  await signOut(actor);

  const signInWith = async (code) => {
    await actor.goto('/back-office/sign-in');
    await actor.fill('#username', username);
    await actor.fill('#password', password);
    if (code !== undefined) await actor.fill('#code', code);
    return actor.submit('main form button[type=submit]');
  };
  await signInWith();
  assert.ok(await page.locator('.officer-bar').count(), 'the new officer could not sign in');
  resp = await actor.follow('.officer-bar a[href="/back-office/security"]');
  assert.equal(status(resp), 200);
  await audit.page(page, 'desk/security.html', 'enrol');
  const secret = await page.locator('input[name=secret]').inputValue();
  await actor.fill('#code', totp(secret));
  resp = await actor.submit('main form[action="/back-office/security"] button[type=submit]');
  assert.equal(status(resp), 200);
  assert.ok(await page.locator('form input[name=action][value=disable]').count(), 'two-step verification is not on');
  await audit.page(page, 'desk/security.html', 'enabled');
  // The morning digest's address: a wrong one is refused, a right one kept.
  resp = await actor.follow('.officer-bar a[href="/back-office/alerts"]');
  assert.equal(status(resp), 200);
  await audit.page(page, 'desk/alerts.html', 'empty');
  await actor.fill('#email', 'not an address');
  resp = await actor.submit('main form[action="/back-office/alerts"] button[type=submit]');
  assert.equal(status(resp), 400, `a wrong address answered ${status(resp)}`);
  assert.ok(await page.locator('.error-summary').isVisible(), 'no error summary');
  await audit.page(page, 'desk/alerts.html', 'error');
  await actor.fill('#email', `${username}@bacninh.gov.vn`);
  resp = await actor.submit('main form[action="/back-office/alerts"] button[type=submit]');
  assert.equal(status(resp), 200);
  assert.equal(await page.locator('#email').inputValue(), `${username}@bacninh.gov.vn`, 'the address was not kept');
  await audit.page(page, 'desk/alerts.html', 'saved');
  await signOut(actor);

  await signInWith('');
  assert.ok(await page.locator('.error-summary').isVisible(), 'no code asked for');
  await audit.page(page, 'desk/sign_in.html', 'code-missing');
  // The code of the next step: the one used to enrol works only once.
  resp = await signInWith(totp(secret, Math.floor(Date.now() / 1000) + 30));
  assert.ok(await page.locator('.officer-bar').count(), `not signed in with a fresh code (at ${page.url()})`);
  await signOut(actor);
}
