// `npm run test:vscode`: the API-level suite (./suite) under @vscode/test-electron, in a downloaded VS Code.
// Where VS Code cannot be downloaded (as on our build machines, which use code-server instead: npm run test:e2e),
// it says so and exits 0; where it can, a failing suite exits 1. On a Linux machine without a display, run it
// under xvfb-run -a.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';

import { SUITE_INDEX } from './extensionTests.mjs';
import { REPO_ROOT } from './paths.mjs';
import { WORKSPACE_FIXTURES } from './workspaceFixtures.mjs';

let vscodeExecutablePath;
try {
	vscodeExecutablePath = await downloadAndUnzipVSCode({ version: 'stable', timeout: 60_000 });
} catch (error) {
	console.log(`test:vscode skipped: VS Code cannot be downloaded on this machine (${error instanceof Error ? error.message : error}).`);
	console.log('The same suite runs inside code-server with npm run test:e2e.');
	process.exit(0);
}

const root = mkdtempSync(join(tmpdir(), 'tunelint-vscode-'));
let exitCode = 1;
try {
	const workspace = join(root, 'workspace');
	for (const [name, source] of Object.entries(WORKSPACE_FIXTURES)) {
		cpSync(source, join(workspace, name));
	}
	exitCode = await runTests({
		vscodeExecutablePath,
		extensionDevelopmentPath: REPO_ROOT,
		extensionTestsPath: SUITE_INDEX,
		launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', join(root, 'user-data')],
	});
} catch (error) {
	console.error(`test:vscode failed: ${error instanceof Error ? error.message : error}`);
} finally {
	rmSync(root, { recursive: true, force: true });
}
process.exit(exitCode);
