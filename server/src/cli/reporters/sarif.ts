import * as path from 'node:path';
import { ALL_RULES, type Finding } from '../../core';
import type { Reporter } from './types';

/** Where each rule's documentation lives; SARIF viewers link to it. */
export const RULE_DOCS_BASE = 'https://github.com/tunelint/tunelint/blob/main/docs/rules.md';

/** GitHub code scanning rejects runs with more results than this; beyond it a summary result says what was left out. */
const MAX_RESULTS = 25000;

const LEVELS = { error: 'error', warning: 'warning', info: 'note' } as const;

/**
 * `--format sarif`: SARIF 2.1.0 for GitHub code scanning. Line findings carry a region; dataset-level findings
 * carry the file location only.
 */
export const sarifReporter: Reporter = (reports) => {
	const results: unknown[] = [];
	let omitted = 0;
	for (const { file, result } of reports) {
		for (const finding of result.findings) {
			if (results.length >= MAX_RESULTS) {
				omitted++;
				continue;
			}
			results.push(sarifResult(file, finding));
		}
	}
	const log = {
		$schema: 'https://json.schemastore.org/sarif-2.1.0.json',
		version: '2.1.0',
		runs: [{
			tool: {
				driver: {
					name: 'tunelint',
					informationUri: 'https://github.com/tunelint/tunelint',
					rules: ALL_RULES.map((rule) => ({
						id: rule.id,
						shortDescription: { text: rule.description },
						helpUri: `${RULE_DOCS_BASE}#${rule.id}`,
						defaultConfiguration: { level: LEVELS[rule.defaultSeverity] },
						properties: { category: rule.category },
					})),
				},
			},
			results,
			...(omitted > 0 ? { properties: { omittedResults: omitted } } : {}),
		}],
	};
	return JSON.stringify(log, null, 2);
};

function sarifResult(file: string, finding: Finding): unknown {
	const artifactLocation = { uri: toUri(file) };
	const region = finding.scope === 'file'
		? undefined
		: {
			startLine: finding.range.line + 1,
			startColumn: finding.range.column + 1,
			endLine: finding.range.endLine + 1,
			endColumn: Math.max(finding.range.endColumn + 1, finding.range.line === finding.range.endLine ? finding.range.column + 2 : 1),
		};
	return {
		ruleId: finding.ruleId,
		ruleIndex: ALL_RULES.findIndex((rule) => rule.id === finding.ruleId),
		level: LEVELS[finding.severity],
		message: { text: finding.message },
		locations: [{ physicalLocation: { artifactLocation, ...(region === undefined ? {} : { region }) } }],
		...(finding.data === undefined ? {} : { properties: finding.data }),
	};
}

/** SARIF wants URIs; relative paths stay relative (GitHub resolves them against the repository root). */
function toUri(file: string): string {
	const relative = path.isAbsolute(file) ? path.relative(process.cwd(), file) : file;
	return relative.split(path.sep).map(encodeURIComponent).join('/');
}
