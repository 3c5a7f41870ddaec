// Drives the VS Code workbench in headless Chromium the way a person would: command palette, quick open,
// keyboard shortcuts, mouse hover. Every wait is on a condition with a deadline, never a fixed sleep.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

import { chromium } from 'playwright-core';

import { SCREENSHOT_DIR } from './paths.mjs';

/**
 * How long a step that a person would see at once (a menu, a hover, a saved file) may take on a loaded machine: the
 * suite has to pass on two cores shared by six engineers, with a load of 20 at times.
 */
export const UI_TIMEOUT_MS = 60_000;
/** Loading the workbench and the first language-server answers, which take longest on a loaded machine. */
const STARTUP_TIMEOUT_MS = 120_000;

/** Debian's Chromium; Playwright's own browser download is not reachable from our machines. */
export const CHROMIUM_PATH = process.env.TUNELINT_E2E_CHROMIUM ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--no-first-run',
	'--disable-dev-shm-usage',
];

/** Launches headless Chromium. */
export async function launchBrowser() {
	return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

/**
 * Opens a page on the workbench URL and waits until the workbench (and, unless told otherwise, its file
 * explorer) is drawn.
 * @param {import('playwright-core').Browser} browser
 * @param {string} url
 */
export async function openWorkbench(browser, url, { waitForExplorer = true } = {}) {
	const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
	// Every wait without a deadline of its own gets this one, not Playwright's 30 s.
	context.setDefaultTimeout(UI_TIMEOUT_MS);
	const page = await context.newPage();
	const consoleLines = [];
	page.on('console', (message) => consoleLines.push(`[${message.type()}] ${message.text()}`));
	page.on('pageerror', (error) => consoleLines.push(`[pageerror] ${error.message}`));
	await page.goto(url, { waitUntil: 'domcontentloaded', timeout: STARTUP_TIMEOUT_MS });
	await page.locator('.monaco-workbench').waitFor({ timeout: STARTUP_TIMEOUT_MS });
	if (waitForExplorer) {
		await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: STARTUP_TIMEOUT_MS });
	}
	return { page, context, consoleLines };
}

/** Runs a command from the command palette by its title, as it is listed there. */
export async function runCommand(page, title) {
	await page.keyboard.press('F1');
	const input = page.locator('.quick-input-widget input');
	await input.waitFor();
	await input.fill(`>${title}`);
	const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
	await row.waitFor();
	await input.press('Enter');
	await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

/** Opens a workspace file by name with Quick Open (Ctrl+P) and waits until its editor is active. */
export async function openFile(page, fileName) {
	await page.keyboard.press('Control+P');
	const input = page.locator('.quick-input-widget input');
	await input.waitFor();
	await input.fill(fileName);
	await page.locator('.quick-input-list .monaco-list-row', { hasText: fileName }).first().waitFor();
	await input.press('Enter');
	// The resource name, not the tab text: a webview tab such as "Audit: data.jsonl" contains the name too.
	await page.locator(`.tabs-container .tab.active[data-resource-name="${fileName}"]`).first().waitFor();
	await page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor();
}

/** Saves a screenshot of the whole workbench to .e2e/screenshots/<name>.png and returns its path. */
export async function screenshot(page, name) {
	mkdirSync(SCREENSHOT_DIR, { recursive: true });
	const path = join(SCREENSHOT_DIR, `${name}.png`);
	await page.screenshot({ path });
	return path;
}

/**
 * Opens the Problems panel (Ctrl+Shift+M), maximizes it so every row is drawn, waits until `fileName` shows
 * `expectedCount` problems (or `timeoutMs` passes), and returns that file's rows as a person reads them.
 * @returns {Promise<Array<{ severity: string, message: string, source: string, code: string, line: number, column: number }>>}
 */
export async function readProblems(page, fileName, { expectedCount, timeoutMs = STARTUP_TIMEOUT_MS } = {}) {
	await showProblemsPanel(page, fileName);
	const readRows = () => page.locator('.markers-panel .monaco-list-row').evaluateAll((rows, wantedFile) => {
		const problems = [];
		let currentFile = '';
		for (const row of rows) {
			if (row.getAttribute('aria-level') === '1') {
				currentFile = row.querySelector('.label-name')?.textContent?.trim() ?? '';
				continue;
			}
			if (currentFile !== wantedFile || !row.querySelector('.marker-message-details-container')) {
				continue;
			}
			const text = (selector) => row.querySelector(selector)?.textContent?.trim() ?? '';
			const position = /Ln (\d+), Col (\d+)/.exec(text('.marker-line')) ?? [];
			const icon = row.querySelector('.marker-icon');
			problems.push({
				severity: ['error', 'warning', 'info'].find((name) => icon?.classList.contains(name)) ?? 'unknown',
				message: text('.marker-message'),
				source: text('.marker-source'),
				code: text('.marker-code'),
				line: Number(position[1]),
				column: Number(position[2]),
			});
		}
		return problems;
	}, fileName);
	const deadline = Date.now() + timeoutMs;
	let problems = await readRows();
	while (Date.now() < deadline && (expectedCount === undefined ? problems.length === 0 : problems.length !== expectedCount)) {
		await delay(250);
		problems = await readRows();
	}
	return problems;
}

/**
 * Opens the Problems panel, makes it tall enough that its virtual list draws every row of a small fixture, and
 * filters it to one file (the filter box takes globs), so rows of other files cannot push that file's rows out of view.
 */
export async function showProblemsPanel(page, fileName) {
	if (!(await page.locator('.markers-panel').isVisible())) {
		await page.keyboard.press('Control+Shift+M');
		await page.locator('.markers-panel').waitFor();
	}
	const panelShare = await page.evaluate(() => {
		const panel = document.querySelector('.part.panel');
		return panel ? panel.getBoundingClientRect().height / window.innerHeight : 0;
	});
	// "Toggle" flips the state, so look at the panel's height first: maximized, it fills most of the window.
	if (panelShare < 0.6) {
		await runCommand(page, 'View: Toggle Maximized Panel');
	}
	if (fileName !== undefined) {
		const filter = page.locator('.viewpane-filter input').first();
		await filter.fill(`**/${fileName}`);
	}
}

/** Closes the panel so the editor has the window again. */
export async function hidePanel(page) {
	if (await page.locator('.part.panel').isVisible()) {
		await runCommand(page, 'View: Hide Panel');
		await page.locator('.part.panel').waitFor({ state: 'hidden' });
	}
}

/** Moves the cursor of the active editor to a 1-based line with Go to Line (Ctrl+G). */
export async function goToLine(page, line) {
	await page.keyboard.press('Control+G');
	const input = page.locator('.quick-input-widget input');
	await input.waitFor();
	await input.fill(`:${line}`);
	await input.press('Enter');
	await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
	await page.locator('.statusbar-item', { hasText: `Ln ${line},` }).waitFor();
}

/** The first look for a hover; each further attempt waits twice as long as the one before. */
const FIRST_HOVER_ATTEMPT_MS = 5_000;

/**
 * Hovers the mouse over a squiggle of the given severity on a 1-based line of the active editor and returns the
 * text of the hover that opens. The editor computes a hover once per mouse move, so a hover lost to diagnostics
 * refreshed under a resting mouse never comes back by itself: when none opens, the mouse leaves the editor and comes
 * back, as a person would, with longer looks each time, until `timeoutMs` passes.
 */
export async function hoverSquiggle(page, line, severity, timeoutMs = UI_TIMEOUT_MS) {
	const deadline = Date.now() + timeoutMs;
	const hover = page.locator('.monaco-hover:not(.hidden) .hover-row').first();
	for (let attempt = 1, lookMs = FIRST_HOVER_ATTEMPT_MS; ; attempt++, lookMs *= 2) {
		const target = await findSquiggle(page, line, severity, Math.max(deadline - Date.now(), 1_000));
		// Two moves inside the decoration: the editor starts its hover delay on a mouse move over it.
		await page.mouse.move(target.x + 1, target.y);
		await page.mouse.move(target.x + Math.min(target.width / 2, 12), target.y);
		const shown = await hover.waitFor({ timeout: Math.max(Math.min(lookMs, deadline - Date.now()), 1_000) }).then(() => true, () => false);
		if (shown) {
			return page.locator('.monaco-hover:not(.hidden)').first().innerText();
		}
		if (Date.now() >= deadline) {
			throw new Error(`no hover opened over the ${severity} squiggle on line ${line} in ${attempt} attempts (${timeoutMs} ms)`);
		}
		await page.mouse.move(0, 0);
	}
}

/** Waits for a squiggle of the given severity on a 1-based line of the active editor and returns where it is drawn. */
async function findSquiggle(page, line, severity, timeoutMs) {
	const handle = await page.waitForFunction(
		({ line, severity }) => {
			const editor = document.querySelector('.editor-instance .monaco-editor');
			const lineNumber = [...(editor?.querySelectorAll('.margin-view-overlays .line-numbers') ?? [])]
				.find((element) => element.textContent?.trim() === String(line));
			if (!lineNumber) {
				return undefined;
			}
			const lineBox = lineNumber.getBoundingClientRect();
			const squiggle = [...editor.querySelectorAll(`.squiggly-${severity}`)].find((element) => {
				const box = element.getBoundingClientRect();
				return box.width > 0 && Math.abs(box.top + box.height / 2 - (lineBox.top + lineBox.height / 2)) < lineBox.height / 2;
			});
			if (!squiggle) {
				return undefined;
			}
			const box = squiggle.getBoundingClientRect();
			return { x: box.left, y: box.top + box.height / 2, width: box.width };
		},
		{ line, severity },
		{ timeout: timeoutMs },
	);
	return handle.jsonValue();
}

/** Opens the quick fix menu (Ctrl+.) at the cursor and chooses, with the keyboard, the action whose title contains `title`. */
export async function applyQuickFix(page, title) {
	await page.keyboard.press('Control+.');
	const rows = page.locator('.action-widget .monaco-list-row.action');
	await rows.filter({ hasText: title }).first().waitFor({ timeout: UI_TIMEOUT_MS });
	// The menu lies under a pointer block while it opens, so choose like a keyboard user: arrow to the item, Enter.
	const count = await rows.count();
	for (let step = 0; step < count; step++) {
		const focused = await page.locator('.action-widget .monaco-list-row.action.focused').getAttribute('aria-label');
		if (focused?.includes(title)) {
			await page.keyboard.press('Enter');
			await page.locator('.action-widget').waitFor({ state: 'hidden' });
			return;
		}
		await page.keyboard.press('ArrowDown');
	}
	throw new Error(`no quick fix titled "${title}" could be focused`);
}

/**
 * Saves the active editor (Ctrl+S) when its tab shows unsaved changes, and waits until it no longer does. An edit
 * made by a quick fix or an undo reaches the editor a moment after the keystroke that asked for it (later still on a
 * loaded machine), so callers poll this while they wait for the file on disk rather than save once straight away.
 */
export async function saveActiveEditorWhenDirty(page) {
	const dirtyTab = page.locator('.tabs-container .tab.active.dirty');
	if ((await dirtyTab.count()) === 0) {
		return;
	}
	await page.keyboard.press('Control+S');
	await dirtyTab.waitFor({ state: 'detached' });
}

/**
 * Answers an open-file dialog of the browser host (VS Code's simple file dialog: a quick input holding a path) by
 * typing the file's absolute path and pressing Enter. The dialog writes its starting folder into the box once it has
 * listed that folder, which can overwrite a path typed earlier, so the path is typed once the listing shows and
 * again for as long as the dialog stays open.
 */
export async function typeInFileDialog(page, path, timeoutMs = UI_TIMEOUT_MS) {
	const widget = page.locator('.quick-input-widget');
	const input = widget.locator('input');
	await widget.locator('.monaco-list-row').first().waitFor({ timeout: timeoutMs });
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		await input.fill(path);
		if ((await input.inputValue()) === path) {
			await input.press('Enter');
		}
		const closed = await widget.waitFor({ state: 'hidden', timeout: 3_000 }).then(() => true, () => false);
		if (closed) {
			return;
		}
		if (Date.now() > deadline) {
			throw new Error(`the file dialog did not accept ${path} within ${timeoutMs} ms`);
		}
	}
}

/** Puts the keyboard focus in the active editor's text (a click on its first line) and presses Ctrl+Z there. */
export async function undoInActiveEditor(page) {
	await page.locator('.editor-instance .view-lines .view-line').first().click();
	await page.keyboard.press('Control+Z');
}

/**
 * Polls a file on disk until `predicate(content)` holds, and returns that content; throws after `timeoutMs`.
 * `whileWaiting`, if given, runs between polls (e.g. to save an editor once it shows unsaved changes).
 */
export async function waitForFileContent(path, predicate, timeoutMs = UI_TIMEOUT_MS, whileWaiting = async () => undefined) {
	const deadline = Date.now() + timeoutMs;
	// A save truncates the file before it writes it, so one read can see it empty: the content counts once two reads
	// 100 ms apart agree and satisfy the predicate.
	let settled;
	let content = readFileSync(path);
	while (settled === undefined || !settled.equals(content)) {
		settled = predicate(content) ? content : undefined;
		if (Date.now() > deadline) {
			throw new Error(`${path} did not reach the expected content within ${timeoutMs} ms; it holds:\n${content}`);
		}
		if (settled === undefined) {
			await whileWaiting();
		}
		await delay(100);
		content = readFileSync(path);
	}
	return content;
}

/**
 * Right-clicks a file in the Explorer and chooses a context-menu item by its title, with the keyboard. Menu items
 * of extensions appear only once the extension host has registered them, so the menu is reopened until the item
 * is there or `timeoutMs` passes.
 */
export async function runExplorerContextCommand(page, fileName, title, timeoutMs = STARTUP_TIMEOUT_MS) {
	const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: fileName }).first();
	const menu = page.locator('.context-view .monaco-menu');
	const wanted = menu.locator('.action-item', { hasText: title }).first();
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		await row.click({ button: 'right' });
		await menu.waitFor();
		if (await wanted.isVisible()) {
			break;
		}
		if (Date.now() > deadline) {
			throw new Error(`the Explorer context menu of ${fileName} has no item "${title}" after ${timeoutMs} ms`);
		}
		await page.keyboard.press('Escape');
		await menu.waitFor({ state: 'detached' });
		await delay(500);
	}
	const count = await menu.locator('.action-item').count();
	for (let step = 0; step <= count; step++) {
		const focused = await menu.locator('.action-item.focused').textContent().catch(() => '');
		if (focused?.includes(title)) {
			await page.keyboard.press('Enter');
			await menu.waitFor({ state: 'detached' });
			return;
		}
		await page.keyboard.press('ArrowDown');
	}
	throw new Error(`the item "${title}" of the Explorer context menu of ${fileName} could not be focused`);
}

/** Waits for a notification toast whose text matches `pattern` and returns its text. */
export async function waitForNotification(page, pattern, timeoutMs) {
	const toast = page.locator('.notifications-toasts .notification-list-item', { hasText: pattern }).first();
	await toast.waitFor({ timeout: timeoutMs });
	return toast.innerText();
}

/** Clicks a button (e.g. Cancel) of the notification toast whose text matches `pattern`. */
export async function clickNotificationButton(page, pattern, buttonTitle) {
	const toast = page.locator('.notifications-toasts .notification-list-item', { hasText: pattern }).first();
	await toast.waitFor();
	await toast.locator('.monaco-button', { hasText: buttonTitle }).first().click();
}

/** Clears every notification, so the next wait sees only new ones. */
export async function clearNotifications(page) {
	await runCommand(page, 'Notifications: Clear All Notifications');
	await page.locator('.notifications-toasts .notification-list-item').first().waitFor({ state: 'detached' });
}

/** Finds the frame (e.g. the inner frame of a webview) that holds an element matching `selector`. */
export async function findFrameWith(page, selector, timeoutMs) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		for (const frame of page.frames()) {
			if ((await frame.locator(selector).count().catch(() => 0)) > 0) {
				return frame;
			}
		}
		if (Date.now() > deadline) {
			throw new Error(`no frame shows ${selector} after ${timeoutMs} ms`);
		}
		await delay(250);
	}
}

/** Waits until at least `minimum` canvases of a frame have painted pixels, and returns how many have. */
export async function waitForDrawnCanvases(frame, minimum, timeoutMs) {
	const handle = await frame.waitForFunction((wanted) => {
		const drawn = [...document.querySelectorAll('canvas')].filter((canvas) => {
			if (canvas.width === 0 || canvas.height === 0) {
				return false;
			}
			const pixels = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
			// Any pixel that is not fully transparent means the chart drew something.
			return pixels !== undefined && pixels.some((value, index) => index % 4 === 3 && value !== 0);
		}).length;
		return drawn >= wanted ? drawn : 0;
	}, minimum, { timeout: timeoutMs });
	return handle.jsonValue();
}

/**
 * Starts recording the text of every notification the workbench shows from now on, toast or not, however briefly:
 * a MutationObserver in the page sees each change as it happens, so a progress toast that comes and goes between two
 * polls of a test is still recorded. Returns a function that reads the texts recorded so far.
 * @returns {Promise<() => Promise<string[]>>}
 */
export async function recordNotifications(page) {
	await page.evaluate(() => {
		const seen = new Set();
		const record = () => {
			for (const item of document.querySelectorAll('.notification-list-item')) {
				const text = item.textContent?.replace(/\s+/g, ' ').trim();
				if (text) {
					seen.add(text);
				}
			}
		};
		const observer = new MutationObserver(record);
		observer.observe(document.body, { subtree: true, childList: true, characterData: true });
		record();
		/** @type {any} */ (window).tunelintNotificationTexts = () => [...seen];
	});
	return () => page.evaluate(() => /** @type {any} */ (window).tunelintNotificationTexts());
}

/**
 * Returns the text of a notification matching `pattern` that has been (or is about to be) shown: from its toast
 * while that is up, else from the notification center, which keeps a notification after its toast has timed out (an
 * information toast hides after about 15 s, which a loaded machine can spend before a test looks). Leaves the
 * notification center open when it had to look there; see hideNotificationCenter.
 */
export async function readNotification(page, pattern, timeoutMs) {
	const toast = page.locator('.notifications-toasts .notification-list-item', { hasText: pattern }).first();
	const fromToast = await toast.innerText({ timeout: 1_000 }).catch(() => undefined);
	if (fromToast !== undefined) {
		return fromToast;
	}
	await runCommand(page, 'Notifications: Show Notifications');
	const item = page.locator('.notifications-center .notification-list-item', { hasText: pattern }).first();
	await item.waitFor({ timeout: timeoutMs });
	return item.innerText();
}

/** Closes the notification center if it is open. */
export async function hideNotificationCenter(page) {
	const center = page.locator('.notifications-center.visible');
	if (await center.isVisible()) {
		await runCommand(page, 'Notifications: Hide Notifications');
		await center.waitFor({ state: 'hidden' });
	}
}

/**
 * Waits until the canvas matching `selector` in `frame` has pixels that are not blank, among them pixels of each of
 * the theme colours named by `colorVariables` (e.g. `--vscode-charts-blue`, the colour of one line of the chart),
 * and returns how many pixels are painted and how many have each colour.
 * @returns {Promise<{ painted: number, colored: number[] }>}
 */
export async function waitForCanvasColors(frame, selector, colorVariables, timeoutMs) {
	const handle = await frame.waitForFunction(({ selector, colorVariables }) => {
		const canvas = document.querySelector(selector);
		if (!(canvas instanceof HTMLCanvasElement) || canvas.width === 0 || canvas.height === 0) {
			return undefined;
		}
		const pixels = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
		// The canvas itself turns a CSS colour into the RGBA it paints, whatever notation the theme uses.
		const probe = document.createElement('canvas').getContext('2d', { willReadFrequently: true });
		if (pixels === undefined || probe === null) {
			return undefined;
		}
		const targets = colorVariables.map((name) => {
			probe.clearRect(0, 0, 1, 1);
			probe.fillStyle = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
			probe.fillRect(0, 0, 1, 1);
			return probe.getImageData(0, 0, 1, 1).data;
		});
		let painted = 0;
		const colored = targets.map(() => 0);
		for (let index = 0; index < pixels.length; index += 4) {
			if (pixels[index + 3] === 0) {
				continue;
			}
			painted++;
			targets.forEach((target, which) => {
				// Opaque pixels close to the colour: anti-aliased edges blend it with the background.
				if (pixels[index + 3] > 200 && [0, 1, 2].every((channel) => Math.abs(pixels[index + channel] - target[channel]) <= 8)) {
					colored[which]++;
				}
			});
		}
		return painted > 0 && colored.every((count) => count > 0) ? { painted, colored } : undefined;
	}, { selector, colorVariables }, { timeout: timeoutMs });
	return handle.jsonValue();
}

/**
 * Waits until a frame has painted twice more (two animation frames), so that a screenshot taken next shows what its
 * canvases hold: a webview is a frame of its own, composited separately from the workbench, and lags behind it on a
 * loaded machine. An animation frame only comes while the frame is visible, hence the deadline.
 */
export async function waitForFramePaint(frame, timeoutMs = UI_TIMEOUT_MS) {
	let timer;
	const deadline = new Promise((_, reject) => {
		timer = setTimeout(() => reject(new Error(`the frame ${frame.url()} did not paint within ${timeoutMs} ms`)), timeoutMs);
	});
	try {
		await Promise.race([frame.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))), deadline]);
	} finally {
		clearTimeout(timer);
	}
}
