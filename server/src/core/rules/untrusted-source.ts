import { spanOf } from '../jsonLocate';
import type { FileFindingDraft, FileRule } from '../rule';
import type { JsonObject, JsonValue } from '../types';

/** Where records usually say where they came from; `fields` replaces the list. */
const DEFAULT_FIELDS = ['source', 'meta.source', 'metadata.source'];

/** Distinct sources counted by name; beyond this they are pooled so memory stays bounded on huge files. */
const MAX_DISTINCT_SOURCES = 1000;

/** How many sources the file-level finding lists by name. */
const LISTED_SOURCES = 10;

const MISSING = '(no source)';
const OTHERS = '(other sources)';

/**
 * Records whose per-record source is not in the allowlist (`ruleOptions['untrusted-source'].allow`: exact
 * sources, or prefixes ending in `*`). Each such record gets a finding on its source value (or on the line when
 * it has none), and one file-level finding shows how records are distributed over sources. Without an
 * allowlist the rule has nothing to judge by and stays silent.
 */
export const untrustedSource: FileRule = {
	kind: 'file',
	id: 'untrusted-source',
	category: 'provenance',
	description: 'Records whose source field (source, meta.source, metadata.source) is not in the configured allowlist of trusted sources.',
	defaultSeverity: 'warning',
	start(options, settings) {
		const allow = options.strings('allow', []);
		const fields = options.strings('fields', DEFAULT_FIELDS).map((field) => field.split('.'));
		const allowMissing = options.boolean('allowMissing', false);
		const trusted = trustTest(allow);
		const lineDrafts: FileFindingDraft[] = [];
		const distribution = new Map<string, { records: number; trusted: boolean }>();
		let untrusted = 0;
		let withSource = 0;
		let records = 0;
		const tally = (name: string, isTrusted: boolean): void => {
			const key = distribution.has(name) || distribution.size < MAX_DISTINCT_SOURCES ? name : OTHERS;
			const item = distribution.get(key) ?? { records: 0, trusted: isTrusted };
			item.records++;
			item.trusted &&= isTrusted;
			distribution.set(key, item);
		};
		return {
			add({ record, parsed, line }) {
				if (allow.length === 0 || record === undefined) {
					return;
				}
				records++;
				const found = findSource(record, fields);
				if (found === undefined) {
					tally(MISSING, allowMissing);
					if (!allowMissing) {
						untrusted++;
						// Kept up to the problem cap: the counts stay exact while memory stays bounded.
						if (lineDrafts.length < settings.maxProblems) {
							lineDrafts.push({ message: `This record has no source (looked at ${fields.map((field) => field.join('.')).join(', ')}), so it cannot be traced to a trusted source.`, range: { line, column: 0, endLine: line, endColumn: parsed.text.length } });
						}
					}
					return;
				}
				withSource++;
				const isTrusted = trusted(found.source);
				tally(found.source, isTrusted);
				if (!isTrusted) {
					untrusted++;
					if (lineDrafts.length < settings.maxProblems) {
						const span = spanOf(parsed.text, found.path);
						lineDrafts.push({ message: `Source ${JSON.stringify(found.source)} is not in the allowlist of trusted sources.`, range: { line, column: span.start, endLine: line, endColumn: span.end }, data: { source: found.source, field: found.path.join('.') } });
					}
				}
			},
			finish() {
				if (allow.length === 0 || untrusted === 0) {
					return [];
				}
				const sources = [...distribution.entries()].sort((a, b) => b[1].records - a[1].records || (a[0] < b[0] ? -1 : 1));
				const listed = sources.slice(0, LISTED_SOURCES).map(([name, item]) => `${name === MISSING || name === OTHERS ? name : JSON.stringify(name)} ${item.records}${item.trusted ? '' : ' (untrusted)'}`);
				const more = sources.length > LISTED_SOURCES ? `, and ${sources.length - LISTED_SOURCES} more` : '';
				const summary: FileFindingDraft = {
					message: `${untrusted} of ${records} records come from sources outside the allowlist. Sources: ${listed.join(', ')}${more}.`,
					data: { untrusted, records, withSource, sources: Object.fromEntries(sources.map(([name, item]) => [name, item.records])) },
				};
				// Without any source field, one finding says so instead of one per line.
				return withSource === 0 ? [{ ...summary, message: `No record has a source field (looked at ${fields.map((field) => field.join('.')).join(', ')}), so none can be traced to the allowlist of trusted sources.` }] : [summary, ...lineDrafts];
			},
		};
	},
};

/** Exact sources, or prefixes written with a trailing `*` (e.g. `https://huggingface.co/datasets/acme/*`). */
function trustTest(allow: readonly string[]): (source: string) => boolean {
	const exact = new Set(allow.filter((item) => !item.endsWith('*')));
	const prefixes = allow.filter((item) => item.endsWith('*')).map((item) => item.slice(0, -1));
	return (source) => exact.has(source) || prefixes.some((prefix) => source.startsWith(prefix));
}

/** The first field of the list that holds a non-empty scalar; objects and arrays are not sources. */
function findSource(record: JsonObject, fields: ReadonlyArray<readonly string[]>): { source: string; path: string[] } | undefined {
	for (const path of fields) {
		let value: JsonValue | undefined = record;
		for (const key of path) {
			value = typeof value === 'object' && value !== null && !Array.isArray(value) ? value[key] : undefined;
		}
		if (typeof value === 'string' && value.trim() !== '') {
			return { source: value, path: [...path] };
		}
		if (typeof value === 'number' || typeof value === 'boolean') {
			return { source: String(value), path: [...path] };
		}
	}
	return undefined;
}
