/**
 * The audit report as one HTML file: the page of core/audit with the renderer bundle (server/out/reportView.js, made
 * by `node esbuild.mjs`) inlined under a fresh nonce.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { auditPage, type AuditData } from '../core/audit';

/** Where the renderer bundle may be: beside the bundled CLI or server, or in the repository (tsc output in tests). */
function bundleCandidates(): string[] {
	return [path.join(__dirname, 'reportView.js'), path.resolve(__dirname, '..', '..', '..', '..', 'server', 'out', 'reportView.js')];
}

/** Thrown when the renderer bundle is missing (a build step was skipped). */
export class MissingRendererError extends Error {}

/** Reads the renderer bundle; `explicit` overrides the search (the extension passes its own path). */
export function readRendererBundle(explicit?: string): string {
	for (const candidate of explicit === undefined ? bundleCandidates() : [explicit]) {
		try {
			return fs.readFileSync(candidate, 'utf8');
		} catch {
			// Try the next place.
		}
	}
	throw new MissingRendererError('the report renderer (server/out/reportView.js) is missing; run "node esbuild.mjs" first');
}

/** A nonce for one page: 128 random bits. */
export function newNonce(): string {
	return randomBytes(16).toString('base64');
}

/** The self-contained HTML report of an audit. */
export function auditHtml(data: AuditData, script = readRendererBundle(), host: 'browser' | 'webview' = 'browser'): string {
	return auditPage({ data, script, nonce: newNonce(), host });
}
