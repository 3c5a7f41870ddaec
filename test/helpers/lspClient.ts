import { spawn, type ChildProcess } from 'node:child_process';
import { Duplex } from 'node:stream';
import { createConnection } from 'vscode-languageserver/node';
import {
	createProtocolConnection,
	DidOpenTextDocumentNotification,
	InitializedNotification,
	InitializeRequest,
	StreamMessageReader,
	StreamMessageWriter,
	type ProtocolConnection,
	type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { startServer } from '../../server/src/lsp/server';
import { SERVER } from './paths';

/** A stream pair end: what is written to it comes out of its 'data' event, like vscode-languageserver-node's own tests. */
class TestStream extends Duplex {
	override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
		this.emit('data', chunk);
		done();
	}
	override _read(): void {
		// Data is pushed by _write of the other side.
	}
}

/** A test client: the protocol connection plus what the server sent it. */
export interface TestClient {
	connection: ProtocolConnection;
	/** Diagnostics pushed by the server (lint file on disk), by URI. */
	published: Map<string, PublishDiagnosticsParams>;
	/** Settings the client answers workspace/configuration with; tests may change them. */
	settings: Record<string, unknown>;
	dispose(): Promise<void>;
}

function attachClient(connection: ProtocolConnection, dispose: () => Promise<void>): TestClient {
	const client: TestClient = { connection, published: new Map(), settings: {}, dispose };
	connection.onRequest('workspace/configuration', (params: { items: unknown[] }) => params.items.map(() => client.settings));
	connection.onRequest('window/workDoneProgress/create', () => null);
	connection.onRequest('client/registerCapability', () => null);
	connection.onRequest('workspace/diagnostic/refresh', () => null);
	connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
		client.published.set(params.uri, params);
	});
	connection.listen();
	return client;
}

/** Starts the server in this process over a Duplex stream pair. */
export function startInProcess(): TestClient {
	const up = new TestStream();
	const down = new TestStream();
	startServer(createConnection(up, down));
	const connection = createProtocolConnection(new StreamMessageReader(down), new StreamMessageWriter(up));
	// The streams stay open: vscode-languageserver ends the process when its input closes, as a real server should.
	return attachClient(connection, async () => {
		connection.dispose();
	});
}

/** Starts the bundled server (server/out/server.js) as a child process speaking over stdio. */
export function startChildProcess(nodeOptions: readonly string[] = []): TestClient & { child: ChildProcess } {
	const child = spawn(process.execPath, [...nodeOptions, SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
	const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
	const client = attachClient(connection, async () => {
		connection.dispose();
		if (child.exitCode === null) {
			child.kill();
		}
	});
	return Object.assign(client, { child });
}

/** initialize + initialized, with the capabilities a VS Code client announces for what we use. */
export async function initialize(client: TestClient, rootUri: string | null = null): Promise<Awaited<ReturnType<ProtocolConnection['sendRequest']>>> {
	const result = await client.connection.sendRequest(InitializeRequest.type, {
		// No parent-process watchdog: its timer would keep an in-process test alive.
		processId: null,
		rootUri,
		workspaceFolders: rootUri === null ? null : [{ uri: rootUri, name: 'ws' }],
		capabilities: { workspace: { configuration: true }, textDocument: { diagnostic: { dynamicRegistration: false } }, window: { workDoneProgress: true } },
	});
	await client.connection.sendNotification(InitializedNotification.type, {});
	return result;
}

export async function open(client: TestClient, uri: string, text: string, version = 1): Promise<void> {
	await client.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'jsonl', version, text } });
}

/** Waits until a condition holds, polling; for pushed notifications. */
export async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
	const started = Date.now();
	while (!condition()) {
		if (Date.now() - started > timeoutMs) {
			throw new Error('timed out waiting for the server');
		}
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}
