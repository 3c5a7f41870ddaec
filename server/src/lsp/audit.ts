/**
 * The server side of `Tunelint: Audit Dataset`: the audit data of an open document (its current text, saved or not)
 * or of a file on disk, with the document's settings and the saved runs of its workspace folder.
 */
import * as path from 'node:path';
import { LSPErrorCodes, ResponseError, type CancellationToken, type Connection, type TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import { LintCancelled, lintLines, splitLines } from '../core';
import { buildAudit, type AuditData } from '../core/audit';
import { AUDIT_MAX_PROBLEMS, auditFile } from '../audit/auditFile';
import { readRuns } from '../audit/runs';
import { defaultRunsDirectory } from '../training/runStore';
import { AUDIT_REQUEST, type AuditParams } from '../protocol/audit';
import type { DocumentSettings } from './settings';

const yieldControl = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** What the audit handler needs from the server. */
export interface AuditHost {
	documents: TextDocuments<TextDocument>;
	settingsOf(uri: string): Promise<DocumentSettings>;
	folderOf(uri: string): string | undefined;
}

/** Answers `tunelint/audit` requests. */
export function registerAudit(connection: Connection, host: AuditHost): void {
	connection.onRequest(AUDIT_REQUEST, async (params: AuditParams, token: CancellationToken): Promise<AuditData> => {
		try {
			return await audit(params.uri, host, token);
		} catch (error) {
			if (error instanceof LintCancelled) {
				throw new ResponseError(LSPErrorCodes.RequestCancelled, 'The audit was cancelled.');
			}
			throw new ResponseError(LSPErrorCodes.RequestFailed, `Tunelint could not audit ${params.uri}: ${(error as Error).message}`);
		}
	});
}

async function audit(uri: string, host: AuditHost, token: CancellationToken): Promise<AuditData> {
	const { settings } = await host.settingsOf(uri);
	const folder = host.folderOf(uri);
	const root = folder === undefined ? undefined : URI.parse(folder).fsPath;
	const file = uri.startsWith('file:') ? URI.parse(uri).fsPath : undefined;
	const document = host.documents.get(uri);
	if (document === undefined) {
		if (file === undefined) {
			throw new Error('only open documents and files on disk can be audited');
		}
		return auditFile(file, settings, { root: root ?? path.dirname(file), signal: token, yieldControl });
	}
	const lines = splitLines(document.getText());
	const auditSettings = { ...settings, maxProblems: Math.max(settings.maxProblems, AUDIT_MAX_PROBLEMS) };
	const started = performance.now();
	const lint = await lintLines(lines, auditSettings, { signal: token, yieldControl, yieldEvery: 5000 });
	const lintMs = performance.now() - started;
	const runs = file === undefined ? [] : readRuns(defaultRunsDirectory(root ?? path.dirname(file)), file);
	const name = file === undefined ? uri : root === undefined ? file : path.relative(root, file) || file;
	return buildAudit(lines, lint, auditSettings, { file: name, sizeBytes: Buffer.byteLength(document.getText()), lintMs, runs });
}
