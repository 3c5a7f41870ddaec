// Drives the bundled language server as VS Code does (a child process over stdio) through "Lint File on Disk" of one
// file, and prints {seconds, peakMb, records, diagnostics} as JSON: the server's own peak RSS, reported by the preload
// that measureNode uses, so huge.mjs can hold the editor's path to the same memory target as the CLI.
// Usage: node bench/lintOnDisk.mjs FILE
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
	createProtocolConnection,
	ExecuteCommandRequest,
	ExitNotification,
	InitializedNotification,
	InitializeRequest,
	ShutdownRequest,
	StreamMessageReader,
	StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';
import { ROOT } from './lib.mjs';

const LINT_FILE_ON_DISK_COMMAND = 'tunelint.server.lintFileOnDisk';
const file = path.resolve(process.argv[2]);
const server = spawn(process.execPath, ['--require', path.join(ROOT, 'bench', 'maxrss.cjs'), path.join(ROOT, 'server', 'out', 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
let peakKb = 0;
server.stderr.on('data', (chunk) => {
	const match = /TUNELINT_BENCH_MAXRSS_KB=(\d+)/.exec(String(chunk));
	if (match) {
		peakKb = Number(match[1]);
	}
});
const connection = createProtocolConnection(new StreamMessageReader(server.stdout), new StreamMessageWriter(server.stdin));
let diagnostics = 0;
connection.onRequest('workspace/configuration', (params) => params.items.map(() => ({})));
connection.onRequest('window/workDoneProgress/create', () => null);
connection.onRequest('client/registerCapability', () => null);
connection.onRequest('workspace/diagnostic/refresh', () => null);
connection.onNotification('textDocument/publishDiagnostics', (params) => {
	diagnostics = params.diagnostics.length;
});
connection.listen();
const folder = pathToFileURL(path.dirname(file)).href;
await connection.sendRequest(InitializeRequest.type, {
	processId: process.pid,
	rootUri: folder,
	workspaceFolders: [{ uri: folder, name: 'huge' }],
	capabilities: { workspace: { configuration: true }, window: { workDoneProgress: true } },
});
await connection.sendNotification(InitializedNotification.type, {});
const started = process.hrtime.bigint();
const status = await connection.sendRequest(ExecuteCommandRequest.type, { command: LINT_FILE_ON_DISK_COMMAND, arguments: [pathToFileURL(file).href] });
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
await connection.sendRequest(ShutdownRequest.type);
const exited = once(server, 'exit');
await connection.sendNotification(ExitNotification.type);
await exited;
connection.dispose();
process.stdout.write(`${JSON.stringify({ seconds, peakMb: peakKb / 1024, records: status?.records ?? null, diagnostics })}\n`);
