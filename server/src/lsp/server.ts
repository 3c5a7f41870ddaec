import { type WorkDoneProgressReporter, type WorkDoneProgressServerReporter, CodeActionKind, DiagnosticSeverity, DocumentDiagnosticReportKind, LSPErrorCodes, ResponseError, TextDocumentSyncKind, TextDocuments, type Connection, type DocumentDiagnosticReport } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import { LintCancelled, lintLines, splitLines, type CancellationSignal, type LintResult } from '../core';
import { ProvenanceService } from '../provenance/lsp';
import { SplitLeakageService } from './leakage';
import { LINT_FILE_ON_DISK_COMMAND, STATUS_NOTIFICATION, type AnswerDistribution, type ClientSettings, type StatusParams } from '../protocol/messages';
import { promises as fs } from 'node:fs';
import { BALANCE_COMMANDS, planBalanceCommand } from './balanceCommands';
import { DEDUP_COMMANDS, planDedupCommand } from './dedupCommands';
import { FAIRNESS_COMMANDS, fairnessCommand } from './fairnessCommands';
import { FIX_ALL_KIND, fixAll, quickFixes } from './codeActions';
import { registerAudit } from './audit';
import { ACCEPT_FINDING_COMMAND, BaselineService } from './baseline';
import { summaryLenses } from './codeLens';
import { hoverMarkdown, toDiagnostics } from './diagnostics';
import { TieredLinter } from './tieredLinter';
import { RunFindingsService } from './runFindings';
import { RUNS_CHANGED_NOTIFICATION } from '../protocol/runs';
import { resolveSettings, workspaceFolderOf, type DocumentSettings } from './settings';
import { withTightHeap } from '../node/tightHeap';

/** Lets the event loop run between chunks of lines, so cancellation and other requests get through. */
const yieldControl = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The last finished lint of a document, for hovers and code actions. */
interface DocumentState {
	version: number;
	result: LintResult;
}

/**
 * Wires the engine to an LSP connection: pull diagnostics for open documents (lines cached per document, so an
 * edit re-checks only the lines it changed), hovers with the evidence, quick fixes, a safe fix-all, and the
 * "lint file on disk" command that pushes diagnostics for files too large for the editor to synchronise.
 * Taking the connection as a parameter lets tests run the server in-process.
 */
export function startServer(connection: Connection): void {
	const documents = new TextDocuments(TextDocument);
	const linters = new Map<string, TieredLinter>();
	const states = new Map<string, DocumentState>();
	const settingsCache = new Map<string, Promise<DocumentSettings>>();
	const reportedProblems = new Set<string>();
	let workspaceFolders: string[] = [];
	let canPullConfiguration = false;
	let canRefreshCodeLens = false;

	const settingsOf = (uri: string): Promise<DocumentSettings> => {
		let cached = settingsCache.get(uri);
		if (cached === undefined) {
			const fetchClient: Promise<Partial<ClientSettings> | null> = canPullConfiguration
				? connection.workspace.getConfiguration({ scopeUri: uri, section: 'tunelint' }).catch(() => null)
				: Promise.resolve(null);
			cached = fetchClient.then((client) => resolveSettings(client, workspaceFolderOf(uri, workspaceFolders)));
			cached.then((resolved) => {
				for (const problem of resolved.problems.filter((item) => !reportedProblems.has(item))) {
					reportedProblems.add(problem);
					connection.console.warn(problem);
				}
			}, () => undefined);
			settingsCache.set(uri, cached);
		}
		return cached;
	};

	const forgetSettings = (): void => {
		settingsCache.clear();
		linters.clear();
		states.clear();
		connection.languages.diagnostics.refresh().catch(() => undefined);
	};

	// Provenance (issue 12): lock verification of each linted document, its quick fixes and the lock commands. The
	// client sends those commands with sendRequest; they are not announced, so no VS Code command is made for them.
	const leakage = new SplitLeakageService();
	// Accepted findings (issue 9): left out of the diagnostics; the quick fix adds to the baseline file and re-lints.
	const baseline = new BaselineService((uri) => workspaceFolderOf(uri, workspaceFolders), () => void connection.languages.diagnostics.refresh().catch(() => undefined));
	// Label issues of the newest saved validation fine-tune (issue 7), with the relabel quick fix.
	const runFindings = new RunFindingsService((uri) => workspaceFolderOf(uri, workspaceFolders));
	const provenance = new ProvenanceService({
		settingsOf,
		folderOf: (uri) => workspaceFolderOf(uri, workspaceFolders),
		refresh: () => void connection.languages.diagnostics.refresh().catch(() => undefined),
	});

	connection.onInitialize((params) => {
		workspaceFolders = (params.workspaceFolders ?? []).map((folder) => folder.uri);
		if (workspaceFolders.length === 0 && params.rootUri) {
			workspaceFolders = [params.rootUri];
		}
		canPullConfiguration = params.capabilities.workspace?.configuration === true;
		canRefreshCodeLens = params.capabilities.workspace?.codeLens?.refreshSupport === true;
		return {
			capabilities: {
				textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
				diagnosticProvider: { identifier: 'tunelint', interFileDependencies: false, workspaceDiagnostics: false },
				hoverProvider: true,
				codeLensProvider: { resolveProvider: false },
				codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
				executeCommandProvider: { commands: [LINT_FILE_ON_DISK_COMMAND, ACCEPT_FINDING_COMMAND] },
				workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
			},
			serverInfo: { name: 'tunelint', version: '0.1.0' },
		};
	});

	connection.onInitialized(() => {
		if (canPullConfiguration) {
			connection.workspace.onDidChangeWorkspaceFolders((event) => {
				workspaceFolders = workspaceFolders.filter((uri) => !event.removed.some((folder) => folder.uri === uri)).concat(event.added.map((folder) => folder.uri));
				forgetSettings();
			});
		}
	});

	connection.onDidChangeConfiguration(forgetSettings);
	connection.onNotification(RUNS_CHANGED_NOTIFICATION, () => {
		runFindings.forget();
		connection.languages.diagnostics.refresh().catch(() => undefined);
	});
	// The config file may change on disk; the client watches it and tells us.
	connection.onDidChangeWatchedFiles(forgetSettings);

	connection.languages.diagnostics.on(async (params, token): Promise<DocumentDiagnosticReport> => {
		const uri = params.textDocument.uri;
		const document = documents.get(uri);
		if (document === undefined) {
			return { kind: DocumentDiagnosticReportKind.Full, items: [] };
		}
		const { enabled, settings } = await settingsOf(uri);
		if (!enabled) {
			return { kind: DocumentDiagnosticReportKind.Full, items: [] };
		}
		let linter = linters.get(uri);
		if (linter === undefined) {
			linter = new TieredLinter(settings);
			linters.set(uri, linter);
		}
		const started = performance.now();
		const version = document.version;
		let result: LintResult;
		try {
			result = await linter.lint(splitLines(document.getText()), { signal: token, yieldControl, yieldEvery: 5000 });
		} catch (error) {
			if (error instanceof LintCancelled) {
				throw new ResponseError(LSPErrorCodes.ServerCancelled, 'lint cancelled by a newer request', { retriggerRequest: true });
			}
			throw error;
		}
		result = await provenance.augment(uri, document.getText(), result, settings);
		result = await leakage.augment(uri, splitLines(document.getText()), result, settings);
		result = await runFindings.augment(uri, splitLines(document.getText()), result, settings.maxProblems);
		result = await baseline.augment(uri, splitLines(document.getText()), result);
		states.set(uri, { version, result });
		if (canRefreshCodeLens) {
			void connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
		}
		void connection.sendNotification(STATUS_NOTIFICATION, statusOf(uri, result, performance.now() - started));
		return { kind: DocumentDiagnosticReportKind.Full, items: toDiagnostics(result, uri, settings.maxProblems) };
	});

	connection.onHover(async (params) => {
		const state = states.get(params.textDocument.uri);
		if (state === undefined) {
			return null;
		}
		const { line, character } = params.position;
		const lineFindings = state.result.findings.filter((finding) => finding.scope === 'line' && finding.range.line <= line && line <= finding.range.endLine
			&& (finding.range.line < line || finding.range.column <= character) && (line < finding.range.endLine || character <= finding.range.endColumn));
		// Findings about the whole file are shown on line 1, where their diagnostic is; they come after the line's own.
		const findings = [...lineFindings, ...state.result.findings.filter((finding) => finding.scope === 'file' && finding.range.line === line)];
		if (findings.length === 0) {
			return null;
		}
		const { settings } = await settingsOf(params.textDocument.uri);
		return { contents: { kind: 'markdown', value: findings.slice(0, 5).map((finding) => hoverMarkdown(finding, settings)).join('\n\n---\n\n') } };
	});

	connection.onCodeAction((params) => {
		const state = states.get(params.textDocument.uri);
		const document = documents.get(params.textDocument.uri);
		// A result from an older version of the document would produce edits at the wrong places.
		if (state === undefined || document === undefined || state.version !== document.version) {
			return [];
		}
		const only = params.context.only;
		if (only !== undefined && only.some((kind) => FIX_ALL_KIND.startsWith(kind) && kind !== CodeActionKind.QuickFix)) {
			const action = fixAll(params.textDocument.uri, state.result);
			return action === undefined ? [] : [action];
		}
		const diagnostics = params.context.diagnostics.filter((diagnostic) => diagnostic.source === 'tunelint');
		return [...quickFixes(params.textDocument.uri, diagnostics, state.result), ...provenance.codeActions(params.textDocument.uri, diagnostics), ...baseline.codeActions(params.textDocument.uri, diagnostics, state.result, splitLines(document.getText())), ...runFindings.codeActions(params.textDocument.uri, diagnostics)];
	});

	connection.onExecuteCommand(async (params, token, workDone) => {
		if (params.command === ACCEPT_FINDING_COMMAND) {
			return baseline.accept(params.arguments ?? []).then(() => null);
		}
		if (provenance.handles(params.command)) {
			return provenance.execute(params.command, params.arguments ?? []);
		}
		if (BALANCE_COMMANDS.includes(params.command)) {
			const uri = String(params.arguments?.[0] ?? '');
			const open = documents.get(uri);
			const text = open?.getText() ?? (uri.startsWith('file:') ? await fs.readFile(URI.parse(uri).fsPath, 'utf8') : '');
			return planBalanceCommand(params.command, params.arguments ?? [], { text }, (await settingsOf(uri)).settings) ?? null;
		}
		if (DEDUP_COMMANDS.includes(params.command)) {
			// The plan is made on the open document (its version lets the client refuse a stale plan), else on the disk file.
			const uri = String(params.arguments?.[0] ?? '');
			const open = documents.get(uri);
			const text = open?.getText() ?? (uri.startsWith('file:') ? await fs.readFile(URI.parse(uri).fsPath, 'utf8') : '');
			return planDedupCommand(params.command, params.arguments ?? [], { text, version: open?.version ?? null }, (await settingsOf(uri)).settings) ?? null;
		}
		if (FAIRNESS_COMMANDS.includes(params.command)) {
			const uri = String(params.arguments?.[0] ?? '');
			const text = documents.get(uri)?.getText() ?? (uri.startsWith('file:') ? await fs.readFile(URI.parse(uri).fsPath, 'utf8') : '');
			return fairnessCommand(params.command, params.arguments ?? [], { text }, (await settingsOf(uri)).settings) ?? null;
		}
		if (params.command !== LINT_FILE_ON_DISK_COMMAND) {
			return null;
		}
		const uri = String(params.arguments?.[0] ?? '');
		if (!uri.startsWith('file:')) {
			throw new ResponseError(LSPErrorCodes.RequestFailed, `Tunelint can only lint files on disk, not ${uri || 'nothing'}.`);
		}
		// The client's own progress (workDoneToken) is used when it sent one, so only one notification shows.
		const progress = params.workDoneToken === undefined ? await connection.window.createWorkDoneProgress() : workDone;
		return lintFileOnDisk(connection, uri, await settingsOf(uri), token, provenance, progress);
	});

	connection.onCodeLens((params) => {
		const state = states.get(params.textDocument.uri);
		return state === undefined ? [] : summaryLenses(params.textDocument.uri, state.result);
	});

	// Expensive rules run again when the user saves (the client also pulls diagnostics on save).
	documents.onDidSave((event) => linters.get(event.document.uri)?.requestFull());

	documents.onDidClose((event) => {
		linters.delete(event.document.uri);
		provenance.forget(event.document.uri);
		runFindings.forgetDocument(event.document.uri);
		states.delete(event.document.uri);
		settingsCache.delete(event.document.uri);
	});

	registerAudit(connection, { documents, settingsOf, folderOf: (uri) => workspaceFolderOf(uri, workspaceFolders) });
	documents.listen(connection);
	connection.listen();
}

/** Streams a file from disk through the engine and pushes its diagnostics, with cancellable progress. */
async function lintFileOnDisk(connection: Connection, uri: string, { settings }: DocumentSettings, token: CancellationSignal, provenance: ProvenanceService, progress: WorkDoneProgressReporter | WorkDoneProgressServerReporter): Promise<StatusParams> {
	const file = URI.parse(uri).fsPath;
	progress.begin('Tunelint: linting file on disk', undefined, file, true);
	const progressToken = 'token' in progress ? progress.token : undefined;
	const signal: CancellationSignal = { get isCancellationRequested() { return token.isCancellationRequested || progressToken?.isCancellationRequested === true; } };
	const started = performance.now();
	try {
		// With a lock file, the same streaming read hashes the file for the provenance rules.
		const reader = await provenance.diskReader(uri, settings);
		// The heap is kept close to its live size while the file streams (see withTightHeap): files on disk are the huge ones.
		const result = await reader.complete(await withTightHeap(() => lintLines(reader.lines, settings, {
			signal,
			yieldControl,
			yieldEvery: 20_000,
			onProgress: (lines) => progress.report(`${lines.toLocaleString('en-US')} lines`),
		})));
		await connection.sendDiagnostics({ uri, diagnostics: toDiagnostics(result, uri, settings.maxProblems) });
		const status = statusOf(uri, result, performance.now() - started);
		void connection.sendNotification(STATUS_NOTIFICATION, status);
		return status;
	} catch (error) {
		if (error instanceof LintCancelled) {
			throw new ResponseError(LSPErrorCodes.RequestCancelled, 'Linting the file was cancelled.');
		}
		const message = `Tunelint could not read ${file}: ${(error as Error).message}`;
		await connection.sendDiagnostics({ uri, diagnostics: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: DiagnosticSeverity.Error, source: 'tunelint', message }] });
		throw new ResponseError(LSPErrorCodes.RequestFailed, message);
	} finally {
		progress.done();
	}
}

function statusOf(uri: string, result: LintResult, durationMs: number): StatusParams {
	const status: StatusParams = { uri, records: result.recordCount, format: result.format ?? null, problems: result.counts, truncated: result.truncated, durationMs: Math.round(durationMs) };
	const { distribution, answers } = result.facts['label-imbalance'] ?? {};
	if (isLabelCounts(distribution)) {
		return { ...status, labels: distribution };
	}
	return isAnswerDistribution(answers) ? { ...status, answers } : status;
}

function isAnswerDistribution(value: unknown): value is AnswerDistribution {
	const answers = value as Partial<AnswerDistribution> | undefined;
	return typeof answers?.count === 'number' && typeof answers.length?.median === 'number' && isLabelCounts(answers.firstWords);
}

function isLabelCounts(value: unknown): value is Record<string, number> {
	return typeof value === 'object' && value !== null && Object.values(value).every((count) => typeof count === 'number');
}
