import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { DocumentDiagnosticRequest, ExitNotification, ShutdownRequest, type FullDocumentDiagnosticReport } from 'vscode-languageserver-protocol/node';
import { initialize, open, startChildProcess } from '../helpers/lspClient';
import { CLI, FIXTURES, REPO_ROOT } from '../helpers/paths';

const TRAP = path.join(REPO_ROOT, 'test', 'helpers', 'trapNetwork.cjs');

function networkLog(): string {
	return path.join(mkdtempSync(path.join(tmpdir(), 'tunelint-net-')), 'attempts.log');
}

/**
 * Tunelint never makes a network request: the CLI and the language server run with every socket, DNS lookup and
 * fetch trapped, and nothing may be attempted. The trap itself is checked first, so a passing test means something.
 */
void describe('no network access', () => {
	void it('the trap catches a connection attempt (control)', () => {
		const log = networkLog();
		const result = spawnSync(process.execPath, ['--require', TRAP, '-e', 'require("node:net").connect(80, "example.org").on("error", () => {})'], { env: { ...process.env, TUNELINT_NETWORK_LOG: log }, encoding: 'utf8' });
		assert.notEqual(result.status, 0);
		assert.match(readFileSync(log, 'utf8'), /connect/);
	});

	void it('tunelint check on every fixture makes no network request', () => {
		const log = networkLog();
		const result = spawnSync(process.execPath, ['--require', TRAP, CLI, 'check', FIXTURES, '--format', 'json'], { env: { ...process.env, TUNELINT_NETWORK_LOG: log }, encoding: 'utf8', maxBuffer: 1 << 28 });
		assert.ok(result.status === 0 || result.status === 1, result.stderr);
		assert.equal(existsSync(log) ? readFileSync(log, 'utf8') : '', '');
	});

	void it('the language server lints a document without any network request', async () => {
		const log = networkLog();
		process.env.TUNELINT_NETWORK_LOG = log;
		const client = startChildProcess(['--require', TRAP]);
		try {
			await initialize(client);
			await open(client, 'untitled:net.jsonl', '{"prompt": "Visit https://example.org now", "completion": "ok"}\n');
			const report = (await client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri: 'untitled:net.jsonl' } })) as FullDocumentDiagnosticReport;
			assert.ok(Array.isArray(report.items));
			await client.connection.sendRequest(ShutdownRequest.type);
			await client.connection.sendNotification(ExitNotification.type);
		} finally {
			delete process.env.TUNELINT_NETWORK_LOG;
			await client.dispose();
		}
		assert.equal(existsSync(log) ? readFileSync(log, 'utf8') : '', '');
	});
});

/** Dataset text is data: no code path evaluates strings (eval, new Function, require of a computed name). */
void describe('no evaluation of strings', () => {
	void it('our sources contain no eval, new Function or computed require', () => {
		const offenders: string[] = [];
		const visit = (folder: string): void => {
			for (const name of readdirSync(folder)) {
				const full = path.join(folder, name);
				if (statSync(full).isDirectory()) {
					visit(full);
				} else if (name.endsWith('.ts')) {
					const text = readFileSync(full, 'utf8');
					for (const pattern of [/\beval\s*\(/, /new\s+Function\s*\(/, /require\(\s*[^'"\s)]/]) {
						if (pattern.test(text)) {
							offenders.push(`${path.relative(REPO_ROOT, full)}: ${pattern}`);
						}
					}
				}
			}
		};
		visit(path.join(REPO_ROOT, 'server', 'src'));
		visit(path.join(REPO_ROOT, 'client', 'src'));
		assert.deepEqual(offenders, []);
	});
});
