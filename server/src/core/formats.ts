import type { DatasetFormat, FieldMapping, JsonObject, JsonValue } from './types';

/** Every format Tunelint validates, in the order detection tries them (most specific first). */
export const DATASET_FORMATS: readonly DatasetFormat[] = [
	'openai-preference',
	'unpaired-preference',
	'openai-chat',
	'sharegpt-preference',
	'sharegpt',
	'vertex-gemini',
	'trl-preference',
	'prompt-completion',
	'alpaca',
	'classification',
	'text',
	'prompt-only',
];

/** What detection says about one record: its format, or the candidates when its keys fit more than one family. */
export interface FormatMatch {
	format: DatasetFormat | undefined;
	/** Set when the record carries the signature keys of two formats that are not one known format. */
	ambiguousWith?: DatasetFormat[];
}

/**
 * The key families that identify a format. A record that carries the primary keys of two families (say `text` and
 * `messages`) matches no single format: Together AI rejects such files, and we report them as ambiguous.
 */
const FAMILY_KEYS: ReadonlyArray<{ format: DatasetFormat; keys: readonly string[] }> = [
	{ format: 'openai-chat', keys: ['messages'] },
	{ format: 'sharegpt', keys: ['conversations'] },
	{ format: 'vertex-gemini', keys: ['contents'] },
	{ format: 'alpaca', keys: ['instruction'] },
	{ format: 'openai-preference', keys: ['preferred_output', 'non_preferred_output', 'preferred_completion', 'non_preferred_completion'] },
	{ format: 'text', keys: ['text'] },
];

/** Detects the format of one parsed record from its keys; field names for classification come from settings. */
export function detectRecordFormat(record: JsonObject, fields: FieldMapping): FormatMatch {
	const format = detectByKeys(record, fields);
	const families = FAMILY_KEYS.filter((family) => family.keys.some((key) => key in record)).map((family) => family.format);
	const foreign = families.filter((family) => !belongsTo(family, format));
	if (format === undefined || foreign.length === 0) {
		return { format };
	}
	return { format: undefined, ambiguousWith: [format, ...foreign] };
}

/** The `messages` family also covers KTO records with messages; the DPO family covers OpenAI preference only. */
function belongsTo(family: DatasetFormat, format: DatasetFormat | undefined): boolean {
	if (family === format) {
		return true;
	}
	if (family === 'openai-chat') {
		return format === 'unpaired-preference';
	}
	if (family === 'sharegpt') {
		return format === 'sharegpt-preference';
	}
	if (family === 'text') {
		// `text` is also the default text field of classification records.
		return format === 'classification';
	}
	return false;
}

function detectByKeys(record: JsonObject, fields: FieldMapping): DatasetFormat | undefined {
	const has = (key: string): boolean => key in record;
	if (has('input') && isObject(record.input) && (has('preferred_output') || has('non_preferred_output') || has('preferred_completion') || has('non_preferred_completion'))) {
		return 'openai-preference';
	}
	if (typeof record.label === 'boolean' && (has('messages') || (has('prompt') && has('completion')))) {
		return 'unpaired-preference';
	}
	if (has('messages')) {
		return 'openai-chat';
	}
	if (has('conversations')) {
		return has('chosen') || has('rejected') ? 'sharegpt-preference' : 'sharegpt';
	}
	if (has('contents')) {
		return 'vertex-gemini';
	}
	if (has('chosen') && has('rejected')) {
		return 'trl-preference';
	}
	if (has('prompt') && has('completion')) {
		return 'prompt-completion';
	}
	if (has('instruction') && (has('output') || has('input'))) {
		return 'alpaca';
	}
	if (findField(record, fields.textFields) !== undefined && findField(record, fields.labelFields) !== undefined) {
		return 'classification';
	}
	if (has('text')) {
		return 'text';
	}
	if (has('prompt')) {
		return 'prompt-only';
	}
	return undefined;
}

/** The first of the candidate field names present in the record. */
export function findField(record: JsonObject, candidates: readonly string[]): string | undefined {
	return candidates.find((name) => name in record && record[name] !== undefined);
}

function isObject(value: JsonValue | undefined): value is JsonObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The file's format is the most common record format; ties go to the format seen first, so a file is stable
 * under appends of minority records.
 */
export function majorityFormat(counts: ReadonlyMap<DatasetFormat, number>): DatasetFormat | undefined {
	let best: DatasetFormat | undefined;
	let bestCount = 0;
	for (const [format, count] of counts) {
		if (count > bestCount) {
			best = format;
			bestCount = count;
		}
	}
	return best;
}
