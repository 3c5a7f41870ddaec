/**
 * Where the report runs: inside a VS Code webview (it posts messages to the extension, which opens the dataset at a
 * line) or in a browser from `tunelint audit --format html` (lines only filter the findings table).
 */

/** A message from the report to the extension. */
export type ReportMessage = { type: 'open'; line: number } | { type: 'ready' };

interface VsCodeApi {
	postMessage(message: ReportMessage): void;
}

declare const acquireVsCodeApi: (() => VsCodeApi) | undefined;

const api: VsCodeApi | undefined = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : undefined;

/** True inside VS Code. */
export const inWebview = api !== undefined;

/** Sends a message to the extension; does nothing in a browser. */
export function post(message: ReportMessage): void {
	api?.postMessage(message);
}
