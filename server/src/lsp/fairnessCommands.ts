import { LSPErrorCodes, ResponseError } from 'vscode-languageserver';
import { URI, Utils } from 'vscode-uri';
import { splitLines, type Settings } from '../core';
import { auditDocument, augmentCounterfactual } from '../core/fairness/document';
import { auditMarkdown } from '../core/fairness/report';
import { fairnessLexicon } from '../core/fairness/settings';
import { AUDIT_FAIRNESS_COMMAND, PLAN_COUNTERFACTUAL_COMMAND, type CounterfactualPair, type CounterfactualPreview, type FairnessAuditView } from '../protocol/fairness';
import type { DocumentText } from './balanceCommands';

/** The server commands of `Tunelint: Audit Demographic Skew` and `Tunelint: Add Counterfactual Examples`. */
export const FAIRNESS_COMMANDS: readonly string[] = [AUDIT_FAIRNESS_COMMAND, PLAN_COUNTERFACTUAL_COMMAND];

/**
 * Runs a fairness command on a document: the audit tables, or the plan of a counterfactual augmentation with the file
 * to create (the dataset unchanged, then the new records). Nothing is written here; the client previews the plan and
 * creates the file through a WorkspaceEdit, which the user can undo.
 */
export function fairnessCommand(command: string, args: readonly unknown[], document: DocumentText, settings: Settings): FairnessAuditView | CounterfactualPreview | undefined {
	const lines = splitLines(document.text).map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
	if (command === AUDIT_FAIRNESS_COMMAND) {
		const audit = auditDocument(lines, settings);
		return { markdown: auditMarkdown(audit), ...(audit.lexiconError === undefined ? {} : { lexiconError: audit.lexiconError }) };
	}
	if (command !== PLAN_COUNTERFACTUAL_COMMAND) {
		return undefined;
	}
	const { error } = fairnessLexicon(settings);
	if (error !== undefined) {
		// Swapping with the built-in lexicon when the user named theirs would write the wrong records.
		throw new ResponseError(LSPErrorCodes.RequestFailed, `${error.replace(/; the built-in lexicon is used$/, '')}. Fix it before adding counterfactual examples.`);
	}
	const pairs = args[1] === undefined || args[1] === null ? undefined : swapPairs(args[1]);
	const axis = typeof args[2] === 'string' ? args[2] : undefined;
	let augmentation = augmentCounterfactual(lines, settings, pairs);
	if (axis !== undefined && pairs === undefined) {
		augmentation = augmentCounterfactual(lines, settings, augmentation.pairs.filter((pair) => pair.axis === axis));
	}
	const eol = document.text.includes('\r\n') ? '\r\n' : '\n';
	const original = document.text === '' || document.text.endsWith('\n') ? document.text : `${document.text}${eol}`;
	const added = augmentation.records.map((record) => `${record.json}${eol}`).join('');
	return {
		pairs: augmentation.pairs.map((pair) => ({
			...pair,
			records: augmentation.records.filter((record) => record.pair.axis === pair.axis && record.pair.fromGroup === pair.fromGroup && record.pair.toGroup === pair.toGroup).length,
		})),
		added: augmentation.records.length,
		skipped: augmentation.skipped,
		files: augmentation.records.length === 0 ? [] : [{ uri: sibling(URI.parse(String(args[0] ?? '')), 'counterfactual').toString(), content: `${original}${added}` }],
	};
}

/** The pairs the client sent (the user's choice in the preview), checked: a malformed one is refused with a message. */
function swapPairs(value: unknown): CounterfactualPair[] {
	const isPair = (item: unknown): item is CounterfactualPair => typeof item === 'object' && item !== null
		&& ['axis', 'fromGroup', 'toGroup'].every((key) => typeof (item as Record<string, unknown>)[key] === 'string');
	if (!Array.isArray(value) || !value.every(isPair)) {
		throw new ResponseError(LSPErrorCodes.RequestFailed, 'The swap pairs must be a list of {axis, fromGroup, toGroup}.');
	}
	return value.map(({ axis, fromGroup, toGroup }) => ({ axis, fromGroup, toGroup }));
}

/** `data.jsonl` → `data.<suffix>.jsonl` in the same folder. */
function sibling(uri: URI, suffix: string): URI {
	const name = Utils.basename(uri);
	const dot = name.lastIndexOf('.');
	const stem = dot > 0 ? name.slice(0, dot) : name;
	return Utils.joinPath(Utils.dirname(uri), `${stem}.${suffix}${dot > 0 ? name.slice(dot) : '.jsonl'}`);
}
