/**
 * Creates the LanguageClient: how the bundled server is started, which documents it sees, and how the client
 * reacts when the connection breaks.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
	CloseAction,
	ErrorAction,
	LanguageClient,
	RevealOutputChannelOn,
	TransportKind,
	type CloseHandlerResult,
	type ErrorHandler,
	type ErrorHandlerResult,
	type LanguageClientOptions,
	type ServerOptions,
} from 'vscode-languageclient/node';
import { provideConfiguration } from './config';
import type { WorkDoneValue } from './progressRouter';
import { SETTINGS_SECTION } from './settings';

/** The id of the client; VS Code reads `tunelint.trace.server` because of it. */
export const CLIENT_ID = 'tunelint';

/** The language server bundle, relative to the extension root (built by esbuild.mjs). */
export const SERVER_BUNDLE = path.join('server', 'out', 'server.js');

/** Open JSON Lines documents, saved or not. Other schemes (git:, vscode-vfs:) are not files the server can read. */
export const DOCUMENT_SELECTOR = [
	{ language: 'jsonl', scheme: 'file' },
	{ language: 'jsonl', scheme: 'untitled' },
];

/** The inspector port used when the extension host runs in debug mode (same as the lsp-sample convention). */
const DEBUG_PORT = 6009;

/** Errors on the connection tolerated in a row before the client shuts the server down. */
const MAX_CONSECUTIVE_ERRORS = 3;

/** What Ctx decides for the client. */
export interface ClientHooks {
	/** What to do when the connection closes unexpectedly; Ctx restarts a fresh client a bounded number of times. */
	onConnectionClosed(): CloseHandlerResult;
	/** Work-done progress from the server; true when it was shown elsewhere and needs no notification of its own. */
	routeProgress(token: string | number, value: WorkDoneValue): boolean;
}

/** Builds (but does not start) the client for the bundled server. */
export function createLanguageClient(
	context: vscode.ExtensionContext,
	outputChannel: vscode.LogOutputChannel,
	hooks: ClientHooks,
): LanguageClient {
	const serverModule = context.asAbsolutePath(SERVER_BUNDLE);
	const serverOptions: ServerOptions = {
		run: { module: serverModule, transport: TransportKind.ipc },
		debug: {
			module: serverModule,
			transport: TransportKind.ipc,
			options: { execArgv: ['--nolazy', `--inspect=${DEBUG_PORT}`] },
		},
	};
	const clientOptions: LanguageClientOptions = {
		documentSelector: DOCUMENT_SELECTOR,
		// Pulled diagnostics go to the collection named by the server's identifier ('tunelint'); this one holds
		// only the diagnostics pushed for files linted from disk, and a distinct name avoids a duplicate-name clash.
		diagnosticCollectionName: 'tunelint-disk',
		diagnosticPullOptions: { onChange: true, onSave: true },
		synchronize: { configurationSection: SETTINGS_SECTION },
		outputChannel,
		// Problems are in the Problems panel; the output channel opens only when the user asks for it.
		revealOutputChannelOn: RevealOutputChannelOn.Never,
		errorHandler: connectionErrorHandler(() => hooks.onConnectionClosed()),
		// The default handler shows the raw error in a notification; Ctx reports a failed start in its own words.
		initializationFailedHandler: (error: unknown) => {
			outputChannel.error(`The Tunelint server failed to initialize: ${error instanceof Error ? error.message : String(error)}`);
			return false;
		},
		middleware: {
			workspace: { configuration: provideConfiguration },
			// Diagnostics pushed for a file linted from disk would duplicate the pulled ones of an open document, and
			// describe the file on disk rather than the editor's text; the open document's own diagnostics win.
			handleDiagnostics: (uri, diagnostics, next) => next(uri, isOpenDocument(uri) ? [] : diagnostics),
			handleWorkDoneProgress: (token, value, next) => {
				if (!hooks.routeProgress(token, value)) {
					next(token, value);
				}
			},
		},
	};
	return new QuietLanguageClient(CLIENT_ID, 'Tunelint', serverOptions, clientOptions);
}

/**
 * A LanguageClient that never forces a notification for its own lifecycle errors (failed start, failed restart,
 * erroring connection): they still go to the output channel, and Ctx tells the user once, in its own words, with
 * Restart Server and Show Output buttons. Without this a server that dies while starting left three
 * notifications of raw JSON-RPC errors.
 */
class QuietLanguageClient extends LanguageClient {
	override error(message: string, data?: unknown, showNotification?: boolean | 'force'): void {
		super.error(message, data, showNotification === 'force' ? false : showNotification);
	}
}

function connectionErrorHandler(onConnectionClosed: () => CloseHandlerResult): ErrorHandler {
	return {
		// Errors without a count come from the IPC channel itself (EPIPE after the server died): the close handler
		// decides about those, so a crash is restarted instead of being turned into a shutdown here.
		error: (_error, _message, count): ErrorHandlerResult => ({
			action: count === undefined || count <= MAX_CONSECUTIVE_ERRORS ? ErrorAction.Continue : ErrorAction.Shutdown,
		}),
		closed: onConnectionClosed,
	};
}

/** Leaves the old client stopped, with a line for the output channel: Ctx restarts or tells the user itself. */
export function doNotRestartResult(message: string): CloseHandlerResult {
	return { action: CloseAction.DoNotRestart, message, handled: true };
}

function isOpenDocument(uri: vscode.Uri): boolean {
	const key = uri.toString();
	return vscode.workspace.textDocuments.some((document) => document.uri.toString() === key);
}
