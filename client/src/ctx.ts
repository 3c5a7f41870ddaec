/**
 * Ctx owns the extension's long-lived state: the output channel, the language status item and the
 * LanguageClient, which it can start, stop and restart (a restart builds a fresh client, so a rebuilt server
 * bundle is picked up).
 */
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { DidChangeWatchedFilesNotification, State, type CloseHandlerResult, type LanguageClient } from 'vscode-languageclient/node';
import { STATUS_NOTIFICATION } from '../../server/src/protocol/messages';
import { createLanguageClient, doNotRestartResult, SERVER_BUNDLE } from './client';
import { ConfigFileWatcher } from './configFileWatcher';
import { CrashPolicy } from './crashPolicy';
import { ProgressRouter } from './progressRouter';
import { LanguageStatus, type ServerHealth } from './status';
import { isStatusParams } from './statusText';

/** A Ctx whose server is running: what commands that talk to the server receive. */
export type CtxInit = Ctx & { readonly client: LanguageClient };

/** How long a command (or a stop) waits for a starting server before it gives up. */
const START_WAIT_MS = 30_000;

/** How long the server gets to answer shutdown before its process is ended. */
const STOP_TIMEOUT_MS = 2000;

/** The pause before restarting a crashed server, multiplied by the number of recent crashes. */
const RESTART_DELAY_MS = 500;

export class Ctx implements vscode.Disposable {
	readonly outputChannel: vscode.LogOutputChannel;
	private readonly status: LanguageStatus;
	private readonly crashPolicy = new CrashPolicy();
	/** Lets a command show the server's progress in its own notification (see lintFileOnDisk). */
	readonly progressRouter = new ProgressRouter();
	private clientDisposables: vscode.Disposable[] = [];
	private currentClient: LanguageClient | undefined;
	private startup: Promise<LanguageClient | undefined> | undefined;
	private health: ServerHealth = 'starting';
	/** True while stop() runs, so the client's Stopped event is not mistaken for a crash. */
	private stopping = false;

	constructor(readonly extensionContext: vscode.ExtensionContext) {
		this.outputChannel = vscode.window.createOutputChannel('Tunelint', { log: true });
		this.status = new LanguageStatus();
	}

	/** The client, if one exists (running or not). */
	get client(): LanguageClient | undefined {
		return this.currentClient;
	}

	/** True when the server answers requests. */
	isRunning(): this is CtxInit {
		return this.currentClient?.state === State.Running;
	}

	/** Starts the server unless it is running or starting; resolves to the client, or undefined if it failed. */
	start(): Promise<LanguageClient | undefined> {
		if (this.isRunning()) {
			return Promise.resolve(this.currentClient);
		}
		this.startup ??= this.startClient().finally(() => {
			this.startup = undefined;
		});
		return this.startup;
	}

	/** Stops the server and forgets the client. Never throws: a server that does not answer is simply dropped. */
	async stop(): Promise<void> {
		this.stopping = true;
		try {
			await this.stopClient();
		} finally {
			this.stopping = false;
		}
	}

	/** Stops the server and starts a new one, with a clean crash count. */
	async restart(): Promise<LanguageClient | undefined> {
		this.outputChannel.info('Restarting the Tunelint server.');
		await this.stop();
		this.crashPolicy.reset();
		return this.start();
	}

	/**
	 * The running context, for a command that needs the server. While the server starts, the command waits for it
	 * (with a window progress note) instead of failing; if it does not come up, undefined.
	 */
	async whenRunning(): Promise<CtxInit | undefined> {
		if (this.isRunning()) {
			return this;
		}
		const startup = this.startup;
		if (startup === undefined) {
			return undefined;
		}
		await vscode.window.withProgress(
			{ location: vscode.ProgressLocation.Window, title: 'Tunelint: waiting for the server to start' },
			() => withTimeout(startup, START_WAIT_MS),
		);
		return this.isRunning() ? this : undefined;
	}

	dispose(): void {
		this.disposeClientListeners();
		this.status.dispose();
		this.outputChannel.dispose();
	}

	private async startClient(): Promise<LanguageClient | undefined> {
		this.setHealth('starting');
		const bundle = this.extensionContext.asAbsolutePath(SERVER_BUNDLE);
		if (!existsSync(bundle)) {
			this.reportStartFailure(`The server bundle ${bundle} is missing; build it with \`npm run build\`.`);
			return undefined;
		}
		// Set when this client's connection closes unexpectedly; the crash path then owns what happens next.
		let crashed = false;
		const client = createLanguageClient(this.extensionContext, this.outputChannel, {
			onConnectionClosed: () => {
				crashed = true;
				return this.onConnectionClosed(client);
			},
			routeProgress: (token, value) => this.progressRouter.handle(token, value),
		});
		this.currentClient = client;
		this.clientDisposables.push(
			client.onDidChangeState((event) => this.onStateChange(client, event.newState, crashed)),
			// Once a file linted from disk is opened, its pulled diagnostics replace the pushed ones.
			vscode.workspace.onDidOpenTextDocument((document) => client.diagnostics?.delete(document.uri)),
			client.onNotification(STATUS_NOTIFICATION, (params: unknown) => {
				if (isStatusParams(params)) {
					this.status.update(params);
				}
			}),
			new ConfigFileWatcher((uri, type) => {
				if (client.state === State.Running) {
					client.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: uri.toString(), type }] })
						.catch((error: unknown) => this.outputChannel.warn(`Telling the server about ${uri.fsPath} failed: ${errorMessage(error)}`));
				}
			}),
		);
		const started = Date.now();
		this.outputChannel.info(`Starting the Tunelint server (${bundle}).`);
		let failure: unknown;
		try {
			await client.start();
		} catch (error) {
			failure = error;
		}
		// start() can resolve without a running server: when the connection closes during start-up the library
		// drops its pending start promise. The state is what counts.
		if (client.state === State.Running) {
			this.outputChannel.info(`The Tunelint server is running (started in ${Date.now() - started} ms).`);
			return client;
		}
		const reason = failure === undefined ? 'it stopped during start-up' : errorMessage(failure);
		if (crashed) {
			this.outputChannel.warn(`The Tunelint server exited while starting: ${reason}`);
		} else {
			this.reportStartFailure(`The Tunelint server failed to start: ${reason}`);
		}
		return undefined;
	}

	private async stopClient(): Promise<void> {
		// The client refuses to stop while it is starting, so let a start in progress finish first (bounded).
		if (this.startup !== undefined) {
			await withTimeout(this.startup.catch(() => undefined), START_WAIT_MS);
		}
		const client = this.currentClient;
		this.currentClient = undefined;
		this.disposeClientListeners();
		if (client === undefined) {
			return;
		}
		const wasRunning = client.state === State.Running;
		try {
			await client.dispose(STOP_TIMEOUT_MS);
		} catch (error) {
			// A client whose server died refuses to stop; only a running server that does not answer is news.
			if (wasRunning) {
				this.outputChannel.warn(`Stopping the server failed (${errorMessage(error)}); ending its process.`);
			}
			client.serverProcess?.kill();
		}
	}

	private onStateChange(client: LanguageClient, state: State, crashed: boolean): void {
		if (client !== this.currentClient) {
			return;
		}
		if (state === State.Running) {
			this.setHealth('running');
		} else if (state === State.Starting) {
			this.setHealth('starting');
		} else if (!this.stopping && !crashed && this.health !== 'stopped') {
			// The client stopped on its own (e.g. it shut the connection down after errors): say so, once.
			const message = 'The Tunelint server stopped.';
			this.setHealth('stopped', message);
			void this.offerRestart(message);
		}
	}

	/**
	 * Called by the client when the server's connection closes without being asked to. Ctx, not the library,
	 * restarts the server (with a fresh client): the library's own restart races with its stop after a failed
	 * initialization, which left the status at "starting" for good when a server died while starting.
	 */
	private onConnectionClosed(client: LanguageClient): CloseHandlerResult {
		const decision = this.crashPolicy.recordCrash();
		if (!decision.restart) {
			const message = `The Tunelint server crashed ${decision.crashes} times in the last 3 minutes and will not be restarted.`;
			this.setHealth('stopped', message);
			void this.offerRestart(message);
			return doNotRestartResult(message);
		}
		this.setHealth('starting');
		void this.restartAfterCrash(client, decision.crashes);
		return doNotRestartResult(`The Tunelint server stopped unexpectedly; restarting it (crash ${decision.crashes} in the last 3 minutes).`);
	}

	private async restartAfterCrash(crashedClient: LanguageClient, crashes: number): Promise<void> {
		// A short, growing pause lets the old client finish its clean-up and keeps a crash loop from spinning.
		await delay(RESTART_DELAY_MS * crashes);
		if (this.currentClient !== crashedClient) {
			return;
		}
		await this.stop();
		await this.start();
	}

	private setHealth(health: ServerHealth, message = ''): void {
		this.health = health;
		this.status.setHealth(health, message);
	}

	private reportStartFailure(message: string): void {
		this.outputChannel.error(message);
		this.setHealth('stopped', message);
		void this.offerRestart(message);
	}

	private async offerRestart(message: string): Promise<void> {
		const choice = await vscode.window.showErrorMessage(message, 'Restart Server', 'Show Output');
		if (choice === 'Restart Server') {
			await this.restart();
		} else if (choice === 'Show Output') {
			this.outputChannel.show(true);
		}
	}

	private disposeClientListeners(): void {
		for (const disposable of this.clientDisposables) {
			disposable.dispose();
		}
		this.clientDisposables = [];
	}
}

/** The message of anything thrown. */
export function errorMessage(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

function delay(milliseconds: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

/** Waits for `promise`, but no longer than `milliseconds`; the timer is cleared either way. */
async function withTimeout(promise: Promise<unknown>, milliseconds: number): Promise<void> {
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<void>((resolve) => {
		timer = setTimeout(resolve, milliseconds);
	});
	try {
		await Promise.race([promise, timeout]);
	} finally {
		clearTimeout(timer);
	}
}
