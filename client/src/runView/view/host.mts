/**
 * The run view's channel to the extension. Everything the view sends names an entry by its list key; the extension
 * checks each message and resolves files itself, so the page can never name a path.
 */
import type { RunViewState } from '../model.js';

/** A message from the view to the extension. */
export type ViewMessage =
	| { type: 'ready' }
	| { type: 'select'; key: string }
	| { type: 'open'; key: string; line: number }
	| { type: 'export'; key: string }
	| { type: 'action'; key: string; action: string };

/** A message from the extension to the view. */
export interface StateMessage {
	type: 'state';
	state: RunViewState;
}

interface VsCodeApi {
	postMessage(message: ViewMessage): void;
}

declare const acquireVsCodeApi: (() => VsCodeApi) | undefined;

const api: VsCodeApi | undefined = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : undefined;

/** Sends a message to the extension; does nothing outside VS Code (a browser test page). */
export function post(message: ViewMessage): void {
	api?.postMessage(message);
}
