import { LSPErrorCodes, ResponseError } from 'vscode-languageserver';
import { splitLines, type Settings } from '../core';
import { planDeduplication } from '../core/dedup/plan';
import { nearDuplicateOptions } from '../core/dedup/recordText';
import { RuleOptions } from '../core/rule';
import { compareMode } from '../core/rules/duplicate-exact';
import { PLAN_DEDUP_COMMAND, type DedupCluster, type DedupCommandRequest, type DedupPreview } from '../protocol/dedup';

/** The characters of a kept line shown in the preview. */
const PREVIEW_LENGTH = 120;

/**
 * Plans `Tunelint: Remove Exact Duplicates` / `Remove Near Duplicates` for the editor, with the same plan as
 * `tunelint dedup`. Nothing is changed here: the client previews the clusters and deletes the lines itself.
 */
export function planDedupCommand(command: string, args: readonly unknown[], document: { text: string; version: number | null }, settings: Settings): DedupPreview | undefined {
	if (command !== PLAN_DEDUP_COMMAND) {
		return undefined;
	}
	const request = dedupRequest(args[1]);
	// Lines are numbered as the editor numbers them, so a carriage return stays with its line and is not compared.
	const lines = splitLines(document.text).map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
	const nearOptions = nearDuplicateOptions(new RuleOptions(settings.ruleOptions['duplicate-near'] ?? {}));
	const compare = compareMode(new RuleOptions(settings.ruleOptions['duplicate-exact'] ?? {}).string('compare', 'whole'));
	const plan = planDeduplication(lines, settings, { compare, near: request.near, nearOptions, keep: request.keep });
	const clusters = new Map<number, DedupCluster>();
	for (const item of plan.dropped) {
		const cluster = clusters.get(item.keptLine) ?? { keptLine: item.keptLine, keptText: lines[item.keptLine].slice(0, PREVIEW_LENGTH), dropped: [] };
		cluster.dropped.push({ line: item.line, reason: item.reason, similarity: Number(item.similarity.toFixed(4)) });
		clusters.set(item.keptLine, cluster);
	}
	const exact = plan.dropped.filter((item) => item.reason === 'exact').length;
	return {
		version: document.version,
		lineCount: plan.lineCount,
		recordCount: plan.recordCount,
		exact,
		near: plan.dropped.length - exact,
		threshold: nearOptions.threshold,
		keep: request.keep,
		droppedLines: plan.dropped.map((item) => item.line),
		clusters: [...clusters.values()].sort((a, b) => b.dropped.length - a.dropped.length || a.keptLine - b.keptLine),
	};
}

export const DEDUP_COMMANDS: readonly string[] = [PLAN_DEDUP_COMMAND];

function dedupRequest(value: unknown): DedupCommandRequest {
	const request = (typeof value === 'object' && value !== null ? value : {}) as Partial<Record<keyof DedupCommandRequest, unknown>>;
	const keep = request.keep ?? 'first';
	if (keep !== 'first' && keep !== 'longest') {
		throw new ResponseError(LSPErrorCodes.RequestFailed, `Keep must be "first" or "longest", got "${String(keep)}".`);
	}
	return { near: request.near === true, keep };
}
