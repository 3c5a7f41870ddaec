// Starts and stops code-server (a real VS Code 1.100 workbench served over HTTP) for the end-to-end tests.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

import { E2E_DIR } from './paths.mjs';

/** The code-server launcher installed by scripts/setup-e2e.sh. */
export const CODE_SERVER_BIN = join(E2E_DIR, 'code-server', 'node_modules', '.bin', 'code-server');

/** Generous: code-server loads VS Code's server from hundreds of files, slow on a loaded machine. */
const STARTUP_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 10_000;

/** User settings that keep first-run pages, tips and notifications from covering what the tests look at. */
const QUIET_USER_SETTINGS = {
	'workbench.startupEditor': 'none',
	'workbench.tips.enabled': false,
	'workbench.welcomePage.walkthroughs.openOnInstall': false,
	'workbench.enableExperiments': false,
	'telemetry.telemetryLevel': 'off',
	'extensions.ignoreRecommendations': true,
	'extensions.autoCheckUpdates': false,
	'extensions.autoUpdate': false,
	'update.mode': 'none',
	'editor.minimap.enabled': false,
	'window.restoreWindows': 'none',
	'chat.commandCenter.enabled': false,
	'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

/**
 * Starts code-server on 127.0.0.1 at a free port with a fresh user-data dir.
 * @param {{ workspace: string, extensionsDir: string, userDataDir: string, trustWorkspace?: boolean, userSettings?: object }} options
 * @returns {Promise<{ url: string, port: number, output: () => string, stop: () => Promise<void> }>}
 */
export async function startCodeServer(options) {
	if (!existsSync(CODE_SERVER_BIN)) {
		throw new Error(`code-server is not installed at ${CODE_SERVER_BIN}; run scripts/setup-e2e.sh`);
	}
	mkdirSync(join(options.userDataDir, 'User'), { recursive: true });
	writeFileSync(
		join(options.userDataDir, 'User', 'settings.json'),
		JSON.stringify({ ...QUIET_USER_SETTINGS, ...options.userSettings }, null, '\t'),
	);
	const port = await findFreePort();
	const args = [
		'--auth', 'none',
		'--bind-addr', `127.0.0.1:${port}`,
		'--user-data-dir', options.userDataDir,
		'--extensions-dir', options.extensionsDir,
		'--disable-telemetry',
		'--disable-update-check',
		'--disable-getting-started-override',
		'--ignore-last-opened',
	];
	if (options.trustWorkspace !== false) {
		args.push('--disable-workspace-trust');
	}
	args.push(options.workspace);
	// A process group of its own lets stop() end code-server, its extension host and our language server together.
	const child = spawn(CODE_SERVER_BIN, args, {
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
		env: { ...process.env, SERVICE_URL: '', VSCODE_PROXY_URI: '' },
	});
	let output = '';
	child.stdout.on('data', (chunk) => { output += chunk; });
	child.stderr.on('data', (chunk) => { output += chunk; });
	const exited = new Promise((resolve) => child.once('exit', resolve));
	const stopOnExit = () => signalAll(child.pid, [child.pid, ...descendantsOf(child.pid)], 'SIGKILL');
	process.once('exit', stopOnExit);

	const url = `http://127.0.0.1:${port}`;
	const stop = async () => {
		process.removeListener('exit', stopOnExit);
		// Remember the whole tree now: once code-server exits, its orphans are re-parented and can no longer be found.
		const tree = [child.pid, ...descendantsOf(child.pid)];
		if (child.exitCode === null && child.signalCode === null) {
			signalAll(child.pid, tree, 'SIGTERM');
			await Promise.race([exited, delay(STOP_TIMEOUT_MS)]);
		}
		signalAll(child.pid, tree.filter(isAlive), 'SIGKILL');
	};
	try {
		await waitForHealthy(url, exited, () => output);
	} catch (error) {
		await stop();
		throw error;
	}
	return { url, port, output: () => output, stop };
}

/** Asks the kernel for a port nobody listens on. */
async function findFreePort() {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
			server.close(() => resolve(port));
		});
	});
}

async function waitForHealthy(url, exited, output) {
	let hasExited = false;
	void exited.then(() => { hasExited = true; });
	const deadline = Date.now() + STARTUP_TIMEOUT_MS;
	while (Date.now() < deadline) {
		if (hasExited) {
			throw new Error(`code-server exited during startup:\n${output()}`);
		}
		try {
			const response = await fetch(`${url}/healthz`);
			if (response.ok) {
				return;
			}
		} catch {
			// Not listening yet; poll again.
		}
		await delay(200);
	}
	throw new Error(`code-server did not answer ${url}/healthz within ${STARTUP_TIMEOUT_MS} ms:\n${output()}`);
}

/** Sends a signal to a process group and to each of the given processes, so nothing outlives the test run. */
function signalAll(groupId, pids, signal) {
	for (const target of [-groupId, ...pids]) {
		try {
			process.kill(target, signal);
		} catch {
			// Already gone.
		}
	}
}

function isAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

function descendantsOf(rootPid) {
	const childrenByParent = new Map();
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) {
			continue;
		}
		try {
			const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
			// The command name in parentheses may contain spaces, so read the fields after its closing parenthesis.
			const parentPid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
			const siblings = childrenByParent.get(parentPid) ?? [];
			siblings.push(Number(entry));
			childrenByParent.set(parentPid, siblings);
		} catch {
			// The process ended while we were reading.
		}
	}
	const result = [];
	const queue = [rootPid];
	while (queue.length > 0) {
		const pid = queue.shift();
		for (const child of childrenByParent.get(pid) ?? []) {
			result.push(child);
			queue.push(child);
		}
	}
	return result;
}
