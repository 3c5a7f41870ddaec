// API-level assertions inside a real extension host: diagnostics by rule, code actions and command results.
// The workspace holds copies of test-fixtures (see ../workbench.test.mjs): invalid.jsonl and duplicates.jsonl.
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const vscode = require('vscode');

const EXTENSION_ID = 'tunelint.tunelint';
const DIAGNOSTICS_TIMEOUT_MS = 45_000;

function workspaceFile(name) {
	const folder = vscode.workspace.workspaceFolders?.[0];
	assert.ok(folder, 'the test window has a workspace folder');
	return vscode.Uri.joinPath(folder.uri, name);
}

/** The rule id of a diagnostic: a plain code, or the value of a code that links to the rule's documentation. */
function ruleOf(diagnostic) {
	return typeof diagnostic.code === 'object' ? String(diagnostic.code.value) : String(diagnostic.code);
}

/** Resolves with the diagnostics of `uri` once `predicate` holds for them; waits on change events, not on a clock. */
function waitForDiagnostics(uri, predicate, timeoutMs = DIAGNOSTICS_TIMEOUT_MS) {
	return new Promise((resolve, reject) => {
		const check = () => {
			const diagnostics = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'tunelint');
			if (predicate(diagnostics)) {
				subscription.dispose();
				clearTimeout(timer);
				resolve(diagnostics);
			}
		};
		const subscription = vscode.languages.onDidChangeDiagnostics((event) => {
			if (event.uris.some((changed) => changed.toString() === uri.toString())) {
				check();
			}
		});
		const timer = setTimeout(() => {
			subscription.dispose();
			const found = vscode.languages.getDiagnostics(uri).map((d) => `${ruleOf(d)} ${d.range.start.line + 1}`);
			reject(new Error(`diagnostics of ${uri.fsPath} did not reach the expected state in ${timeoutMs} ms; they are: ${found.join(', ')}`));
		}, timeoutMs);
		check();
	});
}

/** What the CLI of the same installed extension reports for a file: the diagnostics must agree with it. */
function cliFindings(extensionPath, file) {
	const cli = path.join(extensionPath, 'server', 'out', 'cli.js');
	// Under a downloaded VS Code, execPath is Electron; ELECTRON_RUN_AS_NODE makes it behave as Node.
	const options = { encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } };
	try {
		return JSON.parse(execFileSync(process.execPath, [cli, 'check', file, '--format', 'json'], options));
	} catch (error) {
		// Exit code 1 only says that errors were found.
		return JSON.parse(error.stdout);
	}
}

describe('Tunelint extension API', () => {
	let extension;

	before(async () => {
		extension = vscode.extensions.getExtension(EXTENSION_ID);
		assert.ok(extension, `${EXTENSION_ID} is installed`);
	});

	it('activates on a JSONL document and reports the engine\'s findings as diagnostics, by rule', async () => {
		const uri = workspaceFile('invalid.jsonl');
		await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
		const expected = cliFindings(extension.extensionPath, uri.fsPath);
		const diagnostics = await waitForDiagnostics(uri, (found) => found.length === expected.length);
		assert.equal(extension.isActive, true);
		const seen = diagnostics.map((d) => `${ruleOf(d)} ${d.range.start.line + 1}:${d.range.start.character + 1}`).sort();
		const wanted = expected.map((f) => `${f.ruleId} ${f.line}:${f.column}`).sort();
		assert.deepEqual(seen, wanted);
		const severities = { error: vscode.DiagnosticSeverity.Error, warning: vscode.DiagnosticSeverity.Warning, info: vscode.DiagnosticSeverity.Information };
		for (const finding of expected) {
			const match = diagnostics.find((d) => ruleOf(d) === finding.ruleId && d.range.start.line === finding.line - 1);
			assert.equal(match?.severity, severities[finding.severity], `severity of ${finding.ruleId} at line ${finding.line}`);
			assert.equal(match?.message, finding.message);
		}
	});

	it('offers "Delete this duplicate" on a duplicate, and its edit removes exactly that line', async () => {
		const uri = workspaceFile('duplicates.jsonl');
		const document = await vscode.workspace.openTextDocument(uri);
		await vscode.window.showTextDocument(document);
		const original = document.getText();
		const duplicateLine = 2; // 0-based: line 3 repeats line 1.
		await waitForDiagnostics(uri, (found) => found.some((d) => ruleOf(d) === 'duplicate-exact' && d.range.start.line === duplicateLine));
		const actions = await vscode.commands.executeCommand('vscode.executeCodeActionProvider', uri, document.lineAt(duplicateLine).range);
		const action = actions.find((candidate) => candidate.title === 'Delete this duplicate');
		assert.ok(action, `the actions offered are: ${actions.map((a) => a.title).join(', ')}`);
		assert.equal(action.kind?.value, vscode.CodeActionKind.QuickFix.value);
		assert.ok(await vscode.workspace.applyEdit(action.edit));
		const lines = original.split('\n');
		lines.splice(duplicateLine, 1);
		assert.equal(document.getText(), lines.join('\n'));
		await vscode.commands.executeCommand('undo');
		assert.equal(document.getText(), original, 'undo restores the text');
		assert.equal(document.isDirty, false);
	});

	it('tunelint.lintFileOnDisk lints a file that is not open and publishes its diagnostics', async () => {
		const source = workspaceFile('invalid.jsonl');
		const uri = workspaceFile('on-disk.jsonl');
		fs.copyFileSync(source.fsPath, uri.fsPath);
		const expected = cliFindings(extension.extensionPath, uri.fsPath);
		await vscode.commands.executeCommand('tunelint.lintFileOnDisk', uri);
		const diagnostics = await waitForDiagnostics(uri, (found) => found.length === expected.length);
		assert.ok(diagnostics.some((d) => ruleOf(d) === 'invalid-json'));
		assert.equal(vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString()), false, 'the file was not opened');
	});
});
