/**
 * The HTML audit report in headless Chromium (Debian's chromium driven by playwright-core): every chart draws, the
 * findings table holds the lint's rows, and untrusted dataset text (an XSS fixture) stays text: no dialog, no script
 * of its own, no request leaving the page, no Content-Security-Policy violation at all (our own code included).
 * Skips with the reason when Chromium or the renderer bundle is missing.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import type { Browser, Page } from 'playwright-core';
import type { AuditData } from '../../server/src/core/audit';
import { auditHtml } from '../../server/src/audit/reportPage';
import { main } from '../../server/src/cli/main';
import { FIXTURES, REPO_ROOT, SHARED_DATASETS } from '../helpers/paths';

const CHROMIUM = process.env.TUNELINT_CHROMIUM ?? '/usr/bin/chromium';
const BUNDLE = path.join(REPO_ROOT, 'server', 'out', 'reportView.js');
const SKIP = !existsSync(CHROMIUM)
	? `Chromium is not installed at ${CHROMIUM} (Debian: apt-get install -y chromium)`
	: !existsSync(BUNDLE) ? 'the report renderer server/out/reportView.js is missing (run node esbuild.mjs)' : false;
const ARTIFACTS = path.join(REPO_ROOT, 'out', 'test-artifacts');
const XSS = path.join(FIXTURES, 'audit', 'xss.jsonl');

/** Runs the CLI in-process and returns its exit code and stderr. */
async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
	let out = '';
	let err = '';
	const code = await main(args, { out: (text) => (out += text), err: (text) => (err += text) });
	return { code, out, err };
}

/** A saved run of `file` in the layout of server/src/training/runStore.ts, with untrusted text in its label issues. */
function writeRun(runs: string, file: string): void {
	const directory = path.join(runs, '20261129T120000Z-seed42');
	mkdirSync(directory, { recursive: true });
	const files: Record<string, unknown> = {
		'run.json': { file, backend: 'cpu', seed: 42, seconds: 3.2, metrics: { validation: { accuracy: 0.8, macroF1: 0.78 } } },
		'history.json': [1, 2, 3, 4].map((epoch) => ({ epoch, loss: 1 / epoch, accuracy: 0.5 + epoch / 10, valLoss: 1.2 / epoch + 0.1, valAccuracy: 0.5 + epoch / 12, seconds: 1 })),
		'learning-curve.json': [0.25, 0.5, 1].map((share) => ({ share, records: Math.round(share * 40), accuracy: 0.5 + share / 3, loss: 1 - share / 2 })),
		'label-issues.json': [{ line: 3, given: '<img src=x onerror=alert(10)>', suggested: 'javascript:alert(11) \u202eevil', probability: 0.9, selfConfidence: 0.1 }],
		'groups.json': [{ group: 'gender/female', records: 40, scored: true, accuracy: { value: 0.7, gap: -0.1, pValue: 0.2, interval: [0.6, 0.8], successes: 28, trials: 40, rest: 0.8 } }],
		'triggers.json': [],
		'findings.json': [],
	};
	for (const [name, content] of Object.entries(files)) {
		writeFileSync(path.join(directory, name), JSON.stringify(content));
	}
}

interface Observed {
	dialogs: string[];
	requests: string[];
	errors: string[];
}

async function openReport(browser: Browser, html: string, initScript?: string): Promise<{ page: Page; observed: Observed }> {
	const observed: Observed = { dialogs: [], requests: [], errors: [] };
	const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
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
	// Collected by the test harness (CDP), outside the page's CSP: every violation, whoever caused it.
	await page.addInitScript(`window.violations = [];
		document.addEventListener('securitypolicyviolation', (event) => window.violations.push(event.violatedDirective + ' ' + event.blockedURI));`);
	if (initScript !== undefined) {
		await page.addInitScript(initScript);
	}
	await page.goto(`file://${html}`);
	await page.waitForSelector('html[data-rendered="true"]', { timeout: 20_000 });
	return { page, observed };
}

/** Share of a canvas's pixels that are not transparent. */
async function drawnShare(page: Page, id: string): Promise<number> {
	// A string, because the test project has no DOM types; the id is JSON-quoted.
	return page.evaluate(`(() => {
		const canvas = document.getElementById(${JSON.stringify(id)});
		const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
		let drawn = 0;
		for (let index = 3; index < pixels.length; index += 4) {
			drawn += pixels[index] > 0 ? 1 : 0;
		}
		return drawn / Math.max(1, pixels.length / 4);
	})()`);
}

void describe('HTML audit report in Chromium', { skip: SKIP }, () => {
	let browser: Browser;
	let work: string;
	let data: AuditData;
	let page: Page;
	let observed: Observed;

	before(async () => {
		const { chromium } = await import('playwright-core');
		browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
		work = mkdtempSync(path.join(tmpdir(), 'tunelint-audit-'));
		writeRun(path.join(work, 'runs'), XSS);
		const json = await cli(['audit', XSS, '--format', 'json', '--runs', path.join(work, 'runs')]);
		assert.equal(json.code, 0, json.err);
		data = JSON.parse(json.out) as AuditData;
		const html = path.join(work, 'xss.html');
		const written = await cli(['audit', XSS, '--out', html, '--runs', path.join(work, 'runs')]);
		assert.equal(written.code, 0, written.err);
		({ page, observed } = await openReport(browser, html));
	});

	after(async () => {
		await browser?.close();
	});

	void it('draws every chart: each canvas has pixels', async () => {
		const ids = await page.$$eval('canvas', (canvases) => canvases.map((canvas) => canvas.id));
		for (const expected of ['chart-labels', 'chart-lengths', 'chart-tokens', 'chart-duplicates', 'chart-run-0-epochs', 'chart-run-0-curve', 'chart-run-0-groups']) {
			assert.ok(ids.includes(expected), `${expected} is missing (have ${ids.join(', ')})`);
		}
		for (const id of ids) {
			const share = await drawnShare(page, id);
			assert.ok(share > 0.02, `${id}: only ${(share * 100).toFixed(2)}% of its pixels are drawn`);
		}
	});

	void it('lists every finding in the table, and the rules with their counts', async () => {
		assert.equal(await page.locator('#findings-table tbody tr').count(), data.findings.length);
		assert.ok(data.findings.length > 10);
		const rules = await page.$$eval('#rules-table tbody tr td:first-child', (cells) => cells.map((cell) => cell.textContent));
		assert.deepEqual(rules, data.rules.map((rule) => rule.ruleId));
	});

	void it('keeps untrusted text as text: no dialog, no script, no request, no CSP violation', async () => {
		await page.waitForTimeout(300);
		assert.deepEqual(observed.dialogs, []);
		assert.deepEqual(observed.requests, []);
		assert.deepEqual(observed.errors, []);
		assert.deepEqual(await page.evaluate('window.violations'), []);
		assert.equal(await page.evaluate('window.__xss'), undefined);
		// Only the page's two script elements (data and renderer), no element made from the data.
		assert.equal(await page.locator('script').count(), 2);
		assert.equal(await page.locator('img, iframe, svg[onload], link, a[href]').count(), 0);
		assert.equal(await page.evaluate('getComputedStyle(document.body).display'), 'block');
		const cluster = await page.locator('#biggest-clusters blockquote').first().textContent();
		assert.equal(cluster, '<script>window.__xss = 1; alert(1)</script>');
		const issues = await page.locator('table.label-issues tbody td').allTextContents();
		assert.ok(issues.includes('<img src=x onerror=alert(10)>'), issues.join(' | '));
		// Direction overrides are shown, not obeyed.
		assert.ok(issues.includes('javascript:alert(11) ⟨U+202E⟩evil'), issues.join(' | '));
	});

	void it('filters the table from a chart with the keyboard, by severity, and sorts by a column', async () => {
		await page.locator('#chart-labels').focus();
		await page.keyboard.press('ArrowRight');
		await page.keyboard.press('Enter');
		const label = data.labels.counts[0];
		const expected = data.findings.filter((finding) => label.lines.includes(finding.line)).length;
		assert.equal(await page.locator('.line-filter').isVisible(), true);
		assert.equal(await page.locator('#findings-table tbody tr').count(), expected);
		await page.locator('.line-filter button.clear').click();
		assert.equal(await page.locator('#findings-table tbody tr').count(), data.findings.length);
		await page.locator('vscode-single-select[aria-label="Severity"]').evaluate((select) => {
			(select as unknown as { value: string }).value = 'warning';
			select.dispatchEvent(new Event('change'));
		});
		assert.equal(await page.locator('#findings-table tbody tr').count(), data.findings.filter((finding) => finding.severity === 'warning').length);
		await page.locator('th button.sort', { hasText: 'Rule' }).click();
		const ruleIds = await page.$$eval('#findings-table tbody tr', (rows) => rows.map((row) => row.getAttribute('data-rule') ?? ''));
		assert.deepEqual(ruleIds, [...ruleIds].sort((a, b) => a.localeCompare(b)));
		assert.equal(await page.locator('th[aria-sort="ascending"]').textContent(), 'Rule');
		mkdirSync(ARTIFACTS, { recursive: true });
		await page.screenshot({ path: path.join(ARTIFACTS, 'audit-xss.png'), fullPage: true });
	});

	void it('in a webview, posts "open" for a clicked line and re-renders on a data message', async () => {
		const html = path.join(work, 'webview.html');
		writeFileSync(html, auditHtml(data, readFileSync(BUNDLE, 'utf8'), 'webview'));
		// A stand-in for the VS Code webview API, which records what the report posts.
		const fake = 'window.posted = []; window.acquireVsCodeApi = () => ({ postMessage: (message) => window.posted.push(message) });';
		const webview = await openReport(browser, html, fake);
		const first = data.findings.find((finding) => finding.scope === 'line');
		assert.ok(first !== undefined);
		await webview.page.locator('#findings-table button.line-link').first().click();
		assert.deepEqual(await webview.page.evaluate('window.posted'), [{ type: 'ready' }, { type: 'open', line: first.line }]);
		const fewer = { ...data, findings: data.findings.slice(0, 3) };
		await webview.page.evaluate(`window.postMessage({ type: 'data', data: ${JSON.stringify(fewer)} }, '*')`);
		// Polled from the test rather than with waitForFunction: a string predicate that is not true at once is re-run
		// with eval inside the page, which the report's CSP refuses (CI saw that on a loaded machine).
		const rows = webview.page.locator('#findings-table tbody tr');
		for (const deadline = Date.now() + 30_000; (await rows.count()) !== 3; await delay(50)) {
			assert.ok(Date.now() < deadline, `the findings table shows ${await rows.count()} rows after the data message, not 3`);
		}
		assert.deepEqual([...webview.observed.errors, ...webview.observed.requests, ...webview.observed.dialogs], []);
		await webview.page.close();
	});
});

void describe('HTML audit report of a real dataset in Chromium', { skip: SKIP || (SHARED_DATASETS === undefined ? 'the shared datasets (../shared/datasets) are not present' : false) }, () => {
	void it('renders the SST-2 poisoned training set with all its charts', async () => {
		const { chromium } = await import('playwright-core');
		const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
		try {
			const work = mkdtempSync(path.join(tmpdir(), 'tunelint-audit-'));
			const html = path.join(work, 'sst2.html');
			const result = await cli(['audit', path.join(SHARED_DATASETS ?? '', 'poison', 'hiddenkiller_sst2_scpn20_train.jsonl'), '--out', html, '--runs', path.join(work, 'none')]);
			assert.equal(result.code, 0, result.err);
			const { page, observed } = await openReport(browser, html);
			for (const id of await page.$$eval('canvas', (canvases) => canvases.map((canvas) => canvas.id))) {
				assert.ok((await drawnShare(page, id)) > 0.02, id);
			}
			assert.ok((await page.locator('#heatmap tbody tr').count()) > 0);
			assert.deepEqual([...observed.errors, ...observed.requests, ...observed.dialogs], []);
			mkdirSync(ARTIFACTS, { recursive: true });
			await page.screenshot({ path: path.join(ARTIFACTS, 'audit-sst2-poisoned.png'), fullPage: true });
			assert.ok(readFileSync(html, 'utf8').includes("script-src 'nonce-"));
		} finally {
			await browser.close();
		}
	});
});
