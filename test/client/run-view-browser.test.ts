/**
 * The "Tunelint Runs" page in headless Chromium (Debian's chromium driven by playwright-core), with a stand-in for the
 * webview API: the end-to-end hooks hold (`body[data-ready]` once every `canvas[data-chart]` has pixels), a run's,
 * a search's and a log's charts draw, the page posts only list keys and line numbers, and untrusted text (file
 * names, messages) stays text: no dialog, no request, no CSP violation. Skips with the reason when Chromium or the
 * bundle is missing.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { TrainingResult } from '../../server/src/training/run';
import { saveRun } from '../../server/src/training/runStore';
import { REPO_ROOT } from '../helpers/paths';
import { loadRunViewModule, type ModelModule, type PageModule, type RunStoreModule, type RunViewState } from './runViewModules';

const CHROMIUM = process.env.TUNELINT_CHROMIUM ?? '/usr/bin/chromium';
const BUNDLE = path.join(REPO_ROOT, 'server', 'out', 'runView.js');
const SKIP = !existsSync(CHROMIUM)
	? `Chromium is not installed at ${CHROMIUM} (Debian: apt-get install -y chromium)`
	: !existsSync(BUNDLE) ? 'the run view renderer server/out/runView.js is missing (run node esbuild.mjs)' : false;
const ARTIFACTS = path.join(REPO_ROOT, 'out', 'test-artifacts');
const XSS_FILE = '<img src=x onerror=alert(1)>\u202e.jsonl';

const model = loadRunViewModule<ModelModule>('model.ts');
const store = loadRunViewModule<RunStoreModule>('runStore.ts');
const pageModule = loadRunViewModule<PageModule>('page.ts');

/** What the panel builds (client/src/runView/panel.ts), from the runs on disk. */
function stateOf(runs: string, selected: string | null): RunViewState {
	const locations = store.listRuns([runs]);
	const saved = locations.map((location) => store.readSavedRun(location)).filter((run) => run !== undefined);
	const chosen = saved.find((run) => `run:${run.id}` === selected) ?? saved[0];
	return { rows: saved.map(model.runRow), selected: `run:${chosen.id}`, detail: model.runDetail(chosen), note: null };
}

interface Observed {
	dialogs: string[];
	requests: string[];
	errors: string[];
}

void describe('the run view in Chromium', { skip: SKIP }, () => {
	let browser: Browser;
	let work: string;
	let runs: string;
	let page: Page;
	const observed: Observed = { dialogs: [], requests: [], errors: [] };

	const posted = (): Promise<unknown[]> => page.evaluate('window.posted') as Promise<unknown[]>;
	const ready = (view: string): Promise<unknown> => page.waitForSelector(`body[data-ready="true"][data-view="${view}"]`, { timeout: 20_000 });
	const drawnShare = (chart: string): Promise<number> => page.evaluate(`(() => {
		const canvas = document.querySelector('canvas[data-chart=${JSON.stringify(chart)}]');
		if (canvas === null || canvas.dataset.drawn !== 'true') {
			return 0;
		}
		const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
		let drawn = 0;
		for (let index = 3; index < pixels.length; index += 4) {
			drawn += pixels[index] > 0 ? 1 : 0;
		}
		return drawn / Math.max(1, pixels.length / 4);
	})()`) as Promise<number>;
	const sendState = async (state: RunViewState): Promise<void> => {
		await page.evaluate(`window.postMessage({ type: 'state', state: ${JSON.stringify(state)} }, '*')`);
	};

	before(async () => {
		work = mkdtempSync(path.join(tmpdir(), 'tunelint-run-view-browser-'));
		runs = path.join(work, '.tunelint', 'runs');
		const history = [1, 2, 3, 4].map((epoch) => ({ epoch, loss: 1 / epoch, accuracy: 0.5 + epoch / 10, valLoss: 1.2 / epoch + (epoch > 2 ? 0.3 : 0.1), valAccuracy: 0.5 + epoch / 12, seconds: 1 }));
		const learningCurve = [0.1, 0.25, 0.5, 1].map((share) => ({ share, records: Math.round(share * 400), accuracy: 0.5 + share / 3, loss: 1 - share / 2 }));
		const findings = [
			{ ruleId: 'label-issue', severity: 'warning', scope: 'line', message: 'Labelled "<b>pos</b>", the model says "<script>alert(2)</script>" with p = 0.93', range: { line: 3, column: 10, endLine: 3, endColumn: 15 } },
			{ ruleId: 'overfitting', severity: 'warning', scope: 'file', message: 'Overfitting from epoch 3', range: { line: 0, column: 0, endLine: 0, endColumn: 0 } },
		];
		const result = { file: path.join(work, XSS_FILE), backend: 'wasm', seed: 42, bestEpoch: 2, seconds: 4.5, metrics: { train: { loss: 0.25, accuracy: 0.9 }, validation: { loss: 0.7, accuracy: 0.74, macroF1: 0.73 } }, history, learningCurve, labelIssues: [], groups: [], triggers: [], findings };
		saveRun(runs, { ...result, file: 'older.jsonl' } as unknown as TrainingResult, new Date('2026-11-29T09:00:00Z'));
		saveRun(runs, result as unknown as TrainingResult, new Date('2026-11-29T10:00:00Z'));
		const html = path.join(work, 'runs.html');
		writeFileSync(html, pageModule.runViewPage(stateOf(runs, null), readFileSync(BUNDLE, 'utf8'), 'AAAAAAAAAAAAAAAAAAAAAA=='));

		const { chromium } = await import('playwright-core');
		browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
		page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
		page.on('dialog', (dialog) => {
			observed.dialogs.push(dialog.message());
			void dialog.dismiss();
		});
		page.on('pageerror', (error) => observed.errors.push(error.message));
		await page.route('**/*', (route) => {
			const url = route.request().url();
			if (url.startsWith('file:')) {
				return route.continue();
			}
			observed.requests.push(url);
			return route.abort();
		});
		// A stand-in for the VS Code webview API that records what the page posts, and a recorder of CSP violations.
		await page.addInitScript(`window.posted = []; window.acquireVsCodeApi = () => ({ postMessage: (message) => window.posted.push(message) });
			window.violations = [];
			document.addEventListener('securitypolicyviolation', (event) => window.violations.push(event.violatedDirective + ' ' + event.blockedURI));`);
		await page.goto(`file://${html}`);
		await ready('run');
	});

	after(async () => {
		await browser?.close();
		rmSync(work, { recursive: true, force: true });
	});

	void it('draws the selected run\'s learning curves and then says it is ready', async () => {
		for (const chart of ['learning-curve', 'accuracy-curve', 'training-size-curve']) {
			const share = await drawnShare(chart);
			assert.ok(share > 0.02, `${chart}: only ${(share * 100).toFixed(2)} % of its pixels are drawn`);
		}
		assert.equal(await page.locator('table#runs tr[data-key]').count(), 2);
		assert.equal(await page.locator('table#runs tr[aria-selected="true"]').getAttribute('data-key'), 'run:20261129T100000Z-seed42');
		mkdirSync(ARTIFACTS, { recursive: true });
		await page.screenshot({ path: path.join(ARTIFACTS, 'run-view.png'), fullPage: true });
	});

	void it('keeps file names and messages as text: no dialog, no request, no CSP violation', async () => {
		const fileCell = await page.locator('table#runs tr[aria-selected="true"] td').nth(2).textContent();
		assert.ok(fileCell?.includes('<img src=x onerror=alert(1)>⟨U+202E⟩.jsonl'), `the file cell shows ${fileCell}`);
		assert.ok((await page.locator('#findings').textContent())?.includes('<script>alert(2)</script>'));
		assert.equal(await page.locator('#app img, #app script, #app b').count(), 0);
		assert.deepEqual(await page.evaluate('window.violations'), []);
		assert.deepEqual([...observed.dialogs, ...observed.requests, ...observed.errors], []);
	});

	void it('posts only list keys and line numbers: select, open a finding\'s line, export', async () => {
		await page.locator('table#runs tr[data-key="run:20261129T090000Z-seed42"]').click();
		await page.locator('#findings li[data-rule="label-issue"] button').click();
		await page.locator('#export-label-issues').click();
		assert.deepEqual(await posted(), [
			{ type: 'ready' },
			{ type: 'select', key: 'run:20261129T090000Z-seed42' },
			{ type: 'open', key: 'run:20261129T100000Z-seed42', line: 3 },
			{ type: 'export', key: 'run:20261129T100000Z-seed42' },
		]);
	});

	void it('re-renders from a state message: a search with its trials and best-so-far curve', async () => {
		const trials = [0.62, 0.55, 0.58, 0.5, 0.51].map((metric, index) => ({ params: { learningRate: 0.01 * (index + 1) }, metric, seconds: 2 }));
		const detail = model.tuneDetail({ method: 'bayes', metricName: 'validation loss', trials }, 'bayes search on reviews.jsonl');
		await sendState({ rows: [], selected: 'tune:1', detail, note: null });
		await ready('tune');
		assert.ok(await drawnShare('tune-best-so-far') > 0.02);
		assert.equal(await page.locator('table#trials tbody tr').count(), 5);
		assert.equal(await page.locator('table#trials tbody tr.best td').first().textContent(), '4');
	});

	void it('re-renders a training log with the overfitting step marked', async () => {
		const point = (step: number, value: number) => ({ step, value, smoothed: value });
		const report = { file: 'results.csv', curves: { trainLoss: Array.from({ length: 50 }, (_, index) => point(index + 1, 2 / (index + 1))), validLoss: [10, 20, 30, 40, 50].map((step) => point(step, step < 30 ? 0.5 - step / 100 : 0.2 + step / 200)) }, overfitting: { step: 30, gap: 0.4 }, earlyStopping: { step: 20, stepsSaved: 30 } };
		await sendState({ rows: [], selected: 'log:1', detail: model.logDetail(report, 'results.csv'), note: null });
		await ready('log');
		assert.ok(await drawnShare('log-loss') > 0.02);
		assert.match(await page.locator('canvas[data-chart="log-loss"]').getAttribute('aria-label') ?? '', /marked: overfitting from step 30, early stopping keeps step 20/);
		assert.deepEqual([...observed.dialogs, ...observed.requests, ...observed.errors], []);
	});
});
