import { URI, Utils } from 'vscode-uri';
import { LSPErrorCodes, ResponseError } from 'vscode-languageserver';
import { collectLines } from '../core/balance/collect';
import { planRebalance, rebalancedLines, type RebalanceStrategy } from '../core/balance/rebalance';
import { planSplit, splitStratum } from '../core/balance/split';
import { fairnessLexicon } from '../core/fairness/settings';
import { splitLines, type Settings } from '../core';
import { PLAN_REBALANCE_COMMAND, PLAN_SPLIT_COMMAND, type RebalancePreview, type SplitPreview } from '../protocol/balance';

/** The lines of a document (open in the editor, or read from disk) and its line ending. */
export interface DocumentText {
	text: string;
}

/**
 * Plans a rebalance or a split of a document for the editor. Nothing is written here: the client previews the plan
 * and creates the new files through a WorkspaceEdit, which the user can undo.
 */
export function planBalanceCommand(command: string, args: readonly unknown[], document: DocumentText, settings: Settings): RebalancePreview | SplitPreview | undefined {
	const uri = URI.parse(String(args[0] ?? ''));
	const eol = document.text.includes('\r\n') ? '\r\n' : '\n';
	const lines = splitLines(document.text).map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
	const join = (selected: readonly number[]): string => (selected.length === 0 ? '' : `${selected.map((line) => lines[line]).join(eol)}${eol}`);
	// The axes of the lexicon the fairness rules use, so the client can offer reweighing and stratifying by group.
	const groupAxes = fairnessLexicon(settings).lexicon.axes.map((axis) => axis.id);
	const groupAxis = args[3] === undefined || args[3] === null ? undefined : String(args[3]);
	if (groupAxis !== undefined && !groupAxes.includes(groupAxis)) {
		throw new ResponseError(LSPErrorCodes.RequestFailed, `Unknown group axis "${groupAxis}"; the lexicon has ${groupAxes.join(', ')}.`);
	}
	if (command === PLAN_REBALANCE_COMMAND) {
		const strategy = String(args[1] ?? 'under') as RebalanceStrategy;
		if (!['under', 'over', 'reweigh'].includes(strategy)) {
			throw new ResponseError(LSPErrorCodes.RequestFailed, `Unknown rebalance strategy "${strategy}".`);
		}
		const labelled = collectLines(lines, settings, groupAxis).filter((line) => line.label !== undefined);
		if (labelled.length === 0) {
			throw new ResponseError(LSPErrorCodes.RequestFailed, 'This file has no labelled records (classification labels, KTO booleans, or a small set of answers) to rebalance.');
		}
		const plan = planRebalance(labelled.map((line) => ({ line: line.line, label: line.label ?? '', group: line.group })), strategy, Number(args[2] ?? 1));
		const content = strategy === 'reweigh'
			? (plan.weights ?? []).map((weight) => `${JSON.stringify({ line: weight.line + 1, label: weight.label, ...(weight.group === undefined ? {} : { group: weight.group }), weight: Number(weight.weight.toFixed(6)) })}\n`).join('')
			: join(rebalancedLines(plan, lines.length));
		return {
			strategy,
			groupAxes,
			...(groupAxis === undefined ? {} : { groupAxis }),
			before: plan.before,
			after: plan.after,
			copies: plan.copies.map((line) => line + 1),
			unlabelledLeftOut: strategy === 'under' ? lines.length - labelled.length : 0,
			files: [{ uri: sibling(uri, strategy === 'reweigh' ? 'weights' : 'rebalanced').toString(), content }],
		};
	}
	if (command === PLAN_SPLIT_COMMAND) {
		const share = Number(args[1] ?? 0.1);
		if (!(share > 0 && share < 1)) {
			throw new ResponseError(LSPErrorCodes.RequestFailed, `The validation share must be between 0 and 1, got ${String(args[1])}.`);
		}
		const collected = collectLines(lines, settings, groupAxis);
		const plan = planSplit(collected.map((line) => ({ line: line.line, stratum: splitStratum(line.label, line.group), duplicateKey: line.duplicateKey })), share, Number(args[2] ?? 1));
		return {
			groupAxes,
			...(groupAxis === undefined ? {} : { groupAxis }),
			trainRecords: plan.train.length,
			validationRecords: plan.validation.length,
			strata: plan.strata,
			files: [
				{ uri: sibling(uri, 'train').toString(), content: join(plan.train) },
				{ uri: sibling(uri, 'valid').toString(), content: join(plan.validation) },
			],
		};
	}
	return undefined;
}

export const BALANCE_COMMANDS: readonly string[] = [PLAN_REBALANCE_COMMAND, PLAN_SPLIT_COMMAND];

/** `data.jsonl` → `data.<suffix>.jsonl` in the same folder. */
function sibling(uri: URI, suffix: string): URI {
	const name = Utils.basename(uri);
	const dot = name.lastIndexOf('.');
	const stem = dot > 0 ? name.slice(0, dot) : name;
	const extension = dot > 0 ? name.slice(dot) : '.jsonl';
	return Utils.joinPath(Utils.dirname(uri), `${stem}.${suffix}${extension}`);
}
