/**
 * The HTML page of the run view: the bundled renderer (client/src/runView/view, server/out/runView.js) and the
 * initial state inline, under a Content-Security-Policy that lets only the nonce-carrying script and style run and
 * loads nothing from anywhere (the audit report's policy). Pure, so the policy is unit-tested.
 */
import { jsonForScript } from '../../../server/src/core/audit/page';
import type { RunViewState } from './model';

/** The id of the JSON block that carries the initial state. */
export const STATE_ELEMENT_ID = 'run-view-state';

/** Builds the page; `nonce` must be fresh and random for every page. */
export function runViewPage(state: RunViewState, script: string, nonce: string): string {
	if (!/^[A-Za-z0-9+/=]{16,}$/.test(nonce)) {
		throw new Error('the nonce must be at least 16 base64 characters');
	}
	const csp = ["default-src 'none'", 'img-src data:', `style-src 'nonce-${nonce}'`, `script-src 'nonce-${nonce}'`, "base-uri 'none'", "form-action 'none'"].join('; ');
	return [
		'<!DOCTYPE html>',
		'<html lang="en">',
		'<head>',
		'<meta charset="utf-8">',
		`<meta http-equiv="Content-Security-Policy" content="${csp}">`,
		'<meta name="viewport" content="width=device-width, initial-scale=1">',
		'<title>Tunelint Runs</title>',
		'</head>',
		'<body data-ready="false">',
		'<main id="app" aria-live="polite"><p>Loading the runs…</p></main>',
		`<script type="application/json" id="${STATE_ELEMENT_ID}">${jsonForScript(state)}</script>`,
		// Our own bundle: a `</script` inside one of its strings must not end the element.
		`<script nonce="${nonce}">${script.replace(/<\/(script)/gi, '<\\/$1')}</script>`,
		'</body>',
		'</html>',
		'',
	].join('\n');
}
