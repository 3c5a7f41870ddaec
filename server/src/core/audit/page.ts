/**
 * The HTML page around the report's renderer: one self-contained file (the renderer bundle and the data inline),
 * locked down by a Content-Security-Policy that lets only the nonce-carrying script and style run and loads nothing
 * from anywhere. The same page is the CLI's `--format html` file and the editor's webview.
 */
import type { AuditData } from './types';

/** What the page needs: the data, the bundled renderer (client/src/report/view) and a fresh random nonce. */
export interface AuditPageInput {
	data: AuditData;
	script: string;
	nonce: string;
	/** Inside VS Code the renderer posts messages to the extension instead of only filtering in place. */
	host: 'browser' | 'webview';
}

/** Builds the page. Dataset text only ever appears inside the JSON block, escaped so that it cannot end it. */
export function auditPage({ data, script, nonce, host }: AuditPageInput): string {
	if (!/^[A-Za-z0-9+/=]{16,}$/.test(nonce)) {
		throw new Error('the nonce must be at least 16 base64 characters');
	}
	const csp = [
		"default-src 'none'",
		"img-src data:",
		`style-src 'nonce-${nonce}'`,
		`script-src 'nonce-${nonce}'`,
		"base-uri 'none'",
		"form-action 'none'",
	].join('; ');
	return [
		'<!DOCTYPE html>',
		`<html lang="en" data-host="${host}">`,
		'<head>',
		'<meta charset="utf-8">',
		`<meta http-equiv="Content-Security-Policy" content="${csp}">`,
		'<meta name="viewport" content="width=device-width, initial-scale=1">',
		`<title>Tunelint audit: ${escapeHtml(baseName(data.file))}</title>`,
		'</head>',
		'<body>',
		'<main id="app" aria-live="polite"><p>Loading the audit…</p></main>',
		`<script type="application/json" id="audit-data">${jsonForScript(data)}</script>`,
		`<script nonce="${nonce}">${scriptForInline(script)}</script>`,
		'</body>',
		'</html>',
		'',
	].join('\n');
}

/**
 * JSON that is safe inside a script element: `<` becomes `\u003c`, so no `</script>` or `<!--` can appear, and the
 * line separators that old parsers treat as line ends are escaped too.
 */
export function jsonForScript(value: unknown): string {
	return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** Our own bundle, made safe to inline: a `</script` inside one of its strings must not end the element. */
function scriptForInline(script: string): string {
	return script.replace(/<\/(script)/gi, '<\\/$1');
}

function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function baseName(file: string): string {
	return file.split(/[\\/]/).pop() ?? file;
}
