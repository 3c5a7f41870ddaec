/**
 * Reads `tunelint.*` for a resource and answers the server's workspace/configuration requests with it.
 */
import * as vscode from 'vscode';
import type { CancellationToken, ConfigurationParams, ConfigurationRequest, LSPAny, ResponseError } from 'vscode-languageclient/node';
import { normalizeClientSettings, SETTINGS_SECTION, type ClientSettingsPayload } from './settings';

/** The settings the user set for `resource`: its workspace folder's value, else the workspace's, else the user's. */
export function readClientSettings(resource: vscode.Uri | undefined): ClientSettingsPayload {
	const configuration = vscode.workspace.getConfiguration(SETTINGS_SECTION, resource);
	return normalizeClientSettings((key) => {
		const values = configuration.inspect(key);
		return values?.workspaceFolderValue ?? values?.workspaceValue ?? values?.globalValue;
	});
}

/**
 * Middleware for workspace/configuration: the section `tunelint` is answered with a normalised ClientSettings
 * object (see ClientSettingsPayload), so the server receives one well-formed shape instead of VS Code's raw
 * nested settings object. Any other section is left to the default handler.
 */
export async function provideConfiguration(
	params: ConfigurationParams,
	token: CancellationToken,
	next: ConfigurationRequest.HandlerSignature,
): Promise<LSPAny[] | ResponseError<void>> {
	const ours = params.items.map((item) => item.section === SETTINGS_SECTION ? readClientSettings(parseScope(item.scopeUri)) : undefined);
	if (ours.every((settings) => settings !== undefined)) {
		return ours;
	}
	const theirs = await next(params, token);
	if (!Array.isArray(theirs)) {
		return theirs;
	}
	return ours.map((settings, index) => settings ?? theirs[index] ?? null);
}

function parseScope(scopeUri: string | undefined): vscode.Uri | undefined {
	if (scopeUri === undefined) {
		return undefined;
	}
	try {
		return vscode.Uri.parse(scopeUri, true);
	} catch {
		// A scope VS Code cannot parse falls back to the window's settings rather than failing the request.
		return undefined;
	}
}
