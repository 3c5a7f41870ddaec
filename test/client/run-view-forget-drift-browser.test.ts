/**
 * A forgetting probe and a drift comparison in the "Tunelint Runs" page, in headless Chromium (Debian's chromium
 * driven by playwright-core) with a stand-in for the webview API, as run-view-browser.test.ts does for runs: the
 * mitigations table and its trade-off chart, the drift verdict and the figures against their thresholds, the
 * action buttons posting only their id and the entry's key, and n-grams and labels from a dataset shown as text
 * (no element, dialog, request or CSP violation). The renderer is bundled from its sources for the test. Skips with
 * the reason when Chromium is missing.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { REPO_ROOT } from '../helpers/paths';
import { buildRunViewRenderer, type DriftModelModule, type ForgetModelModule, loadRunViewModule, type PageModule, type RunViewState } from './runViewModules';

const CHROMIUM = process.env.TUNELINT_CHROMIUM ?? '/usr/bin/chromium';
const SKIP = existsSync(CHROMIUM) ? false : `Chromium is not installed at ${CHROMIUM} (Debian: apt-get install -y chromium)`;
const ARTIFACTS = path.join(REPO_ROOT, 'out', 'test-artifacts');
const SCRIPT_NGRAM = '<script>window.pwned = 1</script>';
const IMG_LABEL = '<img src=x onerror=alert(1)>';

const forget = loadRunViewModule<ForgetModelModule>('forgetModel.ts');
const drift = loadRunViewModule<DriftModelModule>('driftModel.ts');
const pageModule = loadRunViewModule<PageModule>('page.ts');

const FORGET_REPORT = {
	base: { file: 'sst2.jsonl', before: 0.8, labels: ['negative', 'positive'] },
	target: { file: 'hate.jsonl', labels: ['hate', 'not-hate'] },
	rows: [
		{ method: 'plain', params: {}, retention: 0.7, baseAfter: 0.56, newTask: 0.75 },
		{ method: 'replay', params: { share: 0.1 }, retention: 0.8, baseAfter: 0.64, newTask: 0.74 },
		{ method: 'replay', params: { share: 0.3 }, retention: 0.88, baseAfter: 0.704, newTask: 0.73 },
		{ method: 'replay', params: { share: 1 }, retention: 0.95, baseAfter: 0.76, newTask: 0.72 },
		{ method: 'l2-sp', params: { strength: 0.01 }, retention: 0.75, baseAfter: 0.6, newTask: 0.7 },
		{ method: 'ewc', params: { strength: 0.05 }, retention: 0.9, baseAfter: 0.72, newTask: 0.73 },
		{ method: 'distillation', params: { temperature: 2 }, retention: 0.85, baseAfter: 0.68, newTask: 0.71 },
	],
	seed: 42,
};

const DRIFT_REPORT = {
	a: { file: 'train.jsonl', records: 1000 },
	b: { file: 'batch.jsonl', records: 500 },
	labels: { psi: 0.42, js: 0.05, a: { pos: 500, [IMG_LABEL]: 500 }, b: { pos: 400, [IMG_LABEL]: 100 } },
	length: { ks: 0.05, pValue: 0.5, psi: 0.02, medianA: 80, medianB: 81 },
	tokens: { ks: 0.04, pValue: 0.6, psi: 0.01, medianA: 20, medianB: 20 },
	vocabulary: { js: 0.12, baseline: 0.01, appeared: [{ ngram: SCRIPT_NGRAM, countA: 0, countB: 12, shareA: 0, shareB: 0.006 }], vanished: [{ ngram: 'plot', countA: 40, countB: 2, shareA: 0.01, shareB: 0.001 }] },
	format: { js: 0, a: { classification: 1000 }, b: { classification: 500 } },
	roles: { js: 0, a: {}, b: {} },
	groups: { changed: [], a: {}, b: {} },
	domainClassifier: { auc: 0.55, topNgrams: [{ ngram: SCRIPT_NGRAM, weight: 2.1, side: 'B' }], records: { a: 1000, b: 500 } },
	thresholds: { psi: 0.2, js: 0.1, ks: 0.1, ksPValue: 0.01, vocabularyJs: 0.05, groupShare: 0.05, auc: 0.7 },
	signals: ['labels', 'vocabulary'],
	reasons: ['label distribution: PSI 0.420 ≥ 0.2', `vocabulary: Jensen-Shannon 0.120 (sampling alone: 0.010); +"${SCRIPT_NGRAM}"`],
	drift: true,
};

function forgetState(): RunViewState {
	const detail = { ...forget.forgetDetail(FORGET_REPORT, 'sst2.jsonl → hate.jsonl'), actions: [{ id: 'replay', label: 'Write Replay Mix…' }, { id: 'json', label: 'Open JSON' }] };
	return { rows: [{ key: 'forget:1', kind: 'forget', id: 'sst2.jsonl → hate.jsonl', date: '', file: 'hate.jsonl', backend: '', metrics: 'plain fine-tune keeps 70.0 %', bestEpoch: '' }], selected: 'forget:1', detail, note: null };
}

void describe('forgetting and drift results in the run view, in Chromium', { skip: SKIP }, () => {
	let browser: Browser;
	let work: string;
	let page: Page;
	const observed: string[] = [];

	const ready = (view: string): Promise<unknown> => page.waitForSelector(`body[data-ready="true"][data-view="${view}"]`, { timeout: 20_000 });
	const cells = (selector: string): Promise<string[][]> => page.$$eval(`${selector} tbody tr`, (rows) => rows.map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent ?? '')));

	before(async () => {
		work = mkdtempSync(path.join(tmpdir(), 'tunelint-run-view-forget-drift-'));
		const html = path.join(work, 'runs.html');
		writeFileSync(html, pageModule.runViewPage(forgetState(), buildRunViewRenderer(), 'AAAAAAAAAAAAAAAAAAAAAA=='));
		const { chromium } = await import('playwright-core');
		browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
		page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
		page.on('dialog', (dialog) => {
			observed.push(`dialog ${dialog.message()}`);
			void dialog.dismiss();
		});
		page.on('pageerror', (error) => observed.push(`error ${error.message}`));
		await page.route('**/*', (route) => {
			const url = route.request().url();
			if (url.startsWith('file:')) {
				return route.continue();
			}
			observed.push(`request ${url}`);
			return route.abort();
		});
		await page.addInitScript(`window.posted = []; window.acquireVsCodeApi = () => ({ postMessage: (message) => window.posted.push(message) });
			window.violations = [];
			document.addEventListener('securitypolicyviolation', (event) => window.violations.push(event.violatedDirective + ' ' + event.blockedURI));`);
		await page.goto(`file://${html}`);
		await ready('forget');
	});

	after(async () => {
		await browser?.close();
		rmSync(work, { recursive: true, force: true });
	});

	void it('shows the forgetting table with the base before fine-tuning and draws the trade-off chart', async () => {
		const rows = await cells('table#forget');
		assert.deepEqual(rows[0], ['before fine-tuning', '—', '100.0 %', '0.8', '—']);
		assert.deepEqual(rows.slice(1).map((row) => row[0]), ['plain', 'replay', 'replay', 'replay', 'l2-sp', 'ewc', 'distillation']);
		assert.deepEqual(rows[4], ['replay', 'share 1', '95.0 %', '0.76', '0.72']);
		assert.equal(await page.locator('table#forget tbody tr.best').count(), 4, 'the Pareto front is highlighted');
		assert.equal(await page.locator('table#runs tr[data-key="forget:1"] td').first().textContent(), 'forgetting: sst2.jsonl → hate.jsonl');
		const canvas = page.locator('canvas[data-chart="forget-tradeoff"]');
		assert.equal(await canvas.getAttribute('data-drawn'), 'true');
		assert.match(await canvas.getAttribute('aria-label') ?? '', /marked: plain, replay \(share 0\.1\)/);
		mkdirSync(ARTIFACTS, { recursive: true });
		await page.screenshot({ path: path.join(ARTIFACTS, 'run-view-forget.png'), fullPage: true });
	});

	void it('posts the action buttons as their id and the entry\'s key', async () => {
		await page.locator('button[data-action="replay"]').click();
		await page.locator('button[data-action="json"]').click();
		assert.deepEqual(await page.evaluate('window.posted'), [{ type: 'ready' }, { type: 'action', key: 'forget:1', action: 'replay' }, { type: 'action', key: 'forget:1', action: 'json' }]);
	});

	void it('shows the drift verdict and every figure against its threshold, n-grams and labels as text', async () => {
		const detail = drift.driftDetail(DRIFT_REPORT, 'batch.jsonl against train.jsonl');
		const state: RunViewState = { rows: [], selected: 'drift:1', detail, note: null };
		await page.evaluate(`window.postMessage({ type: 'state', state: ${JSON.stringify(state)} }, '*')`);
		await ready('drift');
		assert.equal(await page.locator('#verdict').getAttribute('data-alarm'), 'true');
		assert.equal(await page.locator('#verdict h3').textContent(), 'Drift in labels, vocabulary');
		assert.ok((await page.locator('#verdict li').nth(1).textContent())?.includes(SCRIPT_NGRAM));
		const figures = await cells('table#drift-figures');
		assert.deepEqual(figures[0], ['labels', 'PSI', '0.42', '≥ 0.2', 'drift']);
		assert.deepEqual(figures.find((row) => row[0] === 'vocabulary'), ['vocabulary', 'Jensen-Shannon', '0.12', '≥ 0.06 (sampling alone 0.01 + 0.05)', 'drift']);
		assert.deepEqual(figures.find((row) => row[0] === 'domain classifier'), ['domain classifier', 'AUC', '0.55', '≥ 0.7', 'ok']);
		assert.deepEqual(await page.$$eval('table#drift-figures tbody tr.flagged td:first-child', (tds) => tds.map((td) => td.textContent)), ['labels', 'vocabulary']);
		assert.deepEqual((await cells('table#drift-appeared'))[0], [SCRIPT_NGRAM, '0', '12', '0.00 %', '0.60 %']);
		assert.deepEqual((await cells('table#drift-domain'))[0], [SCRIPT_NGRAM, 'B', '2.1']);
		assert.deepEqual((await cells('table#drift-labels'))[1], [IMG_LABEL, '500', '50.0 %', '100', '20.0 %']);
		assert.equal(await page.locator('#app script, #app img').count(), 0, 'no element was made from dataset text');
		assert.equal(await page.evaluate('window.pwned'), undefined);
		assert.deepEqual(await page.evaluate('window.violations'), []);
		assert.deepEqual(observed, []);
		await page.screenshot({ path: path.join(ARTIFACTS, 'run-view-drift.png'), fullPage: true });
	});
});
