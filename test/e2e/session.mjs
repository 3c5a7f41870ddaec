// One end-to-end session: a temp workspace, the installed extension, code-server, and a workbench page.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { startCodeServer } from './codeServer.mjs';
import { installExtension } from './extension.mjs';
import { launchBrowser, openWorkbench } from './workbench.mjs';

/**
 * Starts a session. `workspaceFiles` maps a file name in the workspace to its source path.
 * `waitForExplorer: false` returns as soon as the workbench is drawn, before a trust dialog is answered.
 * `prepareWorkspace(folder)` may add generated files before code-server starts; `openPage: false` leaves the
 * browser without a workbench page (for a caller that opens its own).
 * @param {{ workspaceFiles: Record<string, string>, prepareWorkspace?: (folder: string) => void, trustWorkspace?: boolean, waitForExplorer?: boolean, openPage?: boolean, userSettings?: object }} options
 */
export async function startSession(options) {
	const root = mkdtempSync(join(tmpdir(), 'tunelint-e2e-'));
	const workspace = join(root, 'workspace');
	const cleanups = [() => rmSync(root, { recursive: true, force: true })];
	const stop = async () => {
		for (const cleanup of cleanups.reverse()) {
			try {
				await cleanup();
			} catch (error) {
				process.stderr.write(`e2e cleanup failed: ${error}\n`);
			}
		}
	};
	try {
		for (const [name, source] of Object.entries(options.workspaceFiles)) {
			cpSync(source, join(workspace, name), { recursive: true });
		}
		options.prepareWorkspace?.(workspace);
		const extensionsDir = join(root, 'extensions');
		const mode = process.env.TUNELINT_E2E_EXTENSION === 'unpacked' ? 'unpacked' : 'vsix';
		const extensionPath = installExtension(extensionsDir, mode);
		const server = await startCodeServer({
			workspace,
			extensionsDir,
			userDataDir: join(root, 'user-data'),
			trustWorkspace: options.trustWorkspace,
			userSettings: options.userSettings,
		});
		cleanups.push(() => server.stop());
		const browser = await launchBrowser();
		cleanups.push(() => browser.close());
		if (options.openPage === false) {
			return { root, workspace, extensionPath, server, browser, page: undefined, consoleLines: [], stop };
		}
		const { page, consoleLines } = await openWorkbench(browser, server.url, { waitForExplorer: options.waitForExplorer !== false });
		return { root, workspace, extensionPath, server, browser, page, consoleLines, stop };
	} catch (error) {
		await stop();
		throw error;
	}
}
