// Runs the API-level suite (./suite) inside code-server's Node extension host. code-server has no
// --extensionTestsPath flag, but its browser workbench reads extensionDevelopmentPath and extensionTestsPath from the
// URL's `payload` and, when the tests end, calls window.codeAutomationExit(code) (shared/guides/vscode.md D.1 step 6).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The prefix suite/index.js puts on the lines of mocha's report. */
const REPORT_PREFIX = '[tunelint-suite]';

/** The suite's entry point: exports run(), the contract @vscode/test-electron uses too. */
export const SUITE_INDEX = join(dirname(fileURLToPath(import.meta.url)), 'suite', 'index.js');

/**
 * Opens a workbench window in extension-test mode and resolves with the exit code and mocha's report.
 * @param {import('playwright-core').Browser} browser
 * @param {{ url: string, port: number }} server
 * @param {{ workspace: string, extensionPath: string, testsPath?: string, timeoutMs: number }} options
 * @returns {Promise<{ exitCode: number, output: string[] }>}
 */
export async function runExtensionTests(browser, server, options) {
	const remote = (path) => `vscode-remote://127.0.0.1:${server.port}${path}`;
	const payload = [
		['extensionDevelopmentPath', remote(options.extensionPath)],
		['extensionTestsPath', remote(options.testsPath ?? SUITE_INDEX)],
	];
	const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
	try {
		const page = await context.newPage();
		const output = [];
		page.on('console', (message) => {
			const text = message.text();
			const start = text.indexOf(REPORT_PREFIX);
			if (start >= 0) {
				output.push(text.slice(start + REPORT_PREFIX.length + 1));
			}
		});
		let finish;
		const exited = new Promise((resolve) => { finish = resolve; });
		// Registered before navigation, so the workbench finds it when the extension host ends the run.
		await page.exposeFunction('codeAutomationExit', (code) => finish(Number(code)));
		await page.goto(`${server.url}/?folder=${encodeURIComponent(options.workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`, { waitUntil: 'domcontentloaded', timeout: 90_000 });
		let timer;
		const timedOut = new Promise((_, reject) => {
			timer = setTimeout(() => reject(new Error(`the extension tests did not finish within ${options.timeoutMs} ms; their report so far:\n${output.join('\n')}`)), options.timeoutMs);
		});
		try {
			const exitCode = await Promise.race([exited, timedOut]);
			return { exitCode, output };
		} finally {
			clearTimeout(timer);
		}
	} finally {
		await context.close();
	}
}
