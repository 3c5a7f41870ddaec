/**
 * Where runs are saved: `.tunelint/runs` of every workspace folder, and for a dataset outside any folder, of the
 * dataset's own folder (the training command saves there, as the language server looks there).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { runsDirectoryOf } from './runStore';

/** Datasets outside every workspace folder that were trained on in this session. */
const looseDatasets = new Set<string>();

/** The runs directory the training command uses for a dataset. */
export function runsDirectoryFor(dataset: string): string {
	const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(dataset));
	if (folder === undefined) {
		looseDatasets.add(dataset);
	}
	return runsDirectoryOf(folder?.uri.fsPath ?? path.dirname(dataset));
}

/** Every runs directory to list, plus those of `datasets`. */
export function runsDirectories(datasets: readonly string[] = []): string[] {
	const folders = (vscode.workspace.workspaceFolders ?? []).filter((folder) => folder.uri.scheme === 'file').map((folder) => runsDirectoryOf(folder.uri.fsPath));
	return [...new Set([...folders, ...[...looseDatasets, ...datasets].map(runsDirectoryFor)])];
}
