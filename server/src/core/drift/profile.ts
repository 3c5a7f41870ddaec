import { recordContent } from '../content';
import { matchGroups } from '../fairness/matcher';
import { BUILT_IN_LEXICON, type Lexicon } from '../fairness/lexicon';
import { detectRecordFormat, majorityFormat } from '../formats';
import { isJsonObject, parseLine, splitLines } from '../records';
import { countTokens } from '../tokens';
import type { DatasetFormat, FieldMapping, JsonObject } from '../types';

/**
 * A dataset's profile: everything `drift` compares, in a small JSON object. `tunelint stats` writes it as a snapshot,
 * so a CI job can compare a new batch with the data a model was trained on without keeping that data around.
 * Numeric samples are capped (every k-th record) so a snapshot stays small; the KS test on 5,000 values resolves
 * CDF gaps of about 0.03, well under the shifts worth reporting.
 */

/** Version of the snapshot format; a snapshot of another version is refused with a message. */
export const PROFILE_VERSION = 1;

/** The profile of one dataset (the `tunelint stats` snapshot). */
export interface DatasetProfile {
	kind: 'tunelint-profile';
	version: number;
	/** The file as the user named it. */
	file: string;
	records: number;
	/** Lines that are blank, not JSON, or not objects. */
	skipped: number;
	formats: Record<string, number>;
	/** Role sequences ("system>user>assistant") of conversational records, with their counts. */
	roles: Record<string, number>;
	labels: Record<string, number>;
	/** Characters of content per record (a sample of at most {@link ProfileOptions.maxSample}). */
	lengths: number[];
	/** o200k_base tokens of content per record (same sample). */
	tokens: number[];
	/** The most frequent word unigrams and bigrams with their counts, and the total counted. */
	ngrams: Record<string, number>;
	ngramTotal: number;
	/** Records that mention each identity group (`axis/group`), non-ambiguous mentions only. */
	groups: Record<string, number>;
}

/** Caps that keep a profile small. */
export interface ProfileOptions {
	maxSample: number;
	maxNgrams: number;
	lexicon: Lexicon;
}

export const DEFAULT_PROFILE_OPTIONS: ProfileOptions = { maxSample: 5000, maxNgrams: 20000, lexicon: BUILT_IN_LEXICON };

const WORD = /[\p{L}\p{N}]+(?:'\p{L}+)?/gu;

/** Lower-cased words of a text (the vocabulary unit of the drift report). */
export function words(text: string): string[] {
	return text.toLowerCase().match(WORD) ?? [];
}

/** Unigrams and bigrams of a text. */
export function ngramsOf(text: string): string[] {
	const tokens = words(text);
	const result = [...tokens];
	for (let i = 0; i + 1 < tokens.length; i++) {
		result.push(`${tokens[i]} ${tokens[i + 1]}`);
	}
	return result;
}

/** One record's content as the drift report sees it: the text a model reads (and writes), its label, its role sequence. */
export interface ProfiledRecord {
	text: string;
	label?: string;
	roles?: string;
	format: DatasetFormat;
}

/**
 * The JSON object records of a document with their content; everything else is counted as skipped, and the first
 * skipped line (1-based) is named so the caller can point at it.
 */
export function profiledRecords(text: string, fields: FieldMapping): { records: ProfiledRecord[]; skipped: number; firstSkippedLine?: number } {
	const objects: { value: JsonObject; line: number }[] = [];
	let skipped = 0;
	let firstSkippedLine = Number.POSITIVE_INFINITY;
	const skip = (line: number): void => {
		skipped++;
		firstSkippedLine = Math.min(firstSkippedLine, line);
	};
	splitLines(text).forEach((raw, index) => {
		const parsed = parseLine(raw);
		if (parsed.kind === 'value' && isJsonObject(parsed.value)) {
			objects.push({ value: parsed.value, line: index + 1 });
		} else if (raw.trim() !== '' || parsed.kind === 'invalid') {
			skip(index + 1);
		}
	});
	const formats = objects.map(({ value }) => detectRecordFormat(value, fields).format);
	const counts = new Map<DatasetFormat, number>();
	formats.forEach((format) => format !== undefined && counts.set(format, (counts.get(format) ?? 0) + 1));
	const majority = majorityFormat(counts);
	const records: ProfiledRecord[] = [];
	objects.forEach(({ value, line }, index) => {
		const format = formats[index] ?? majority;
		if (format === undefined) {
			skip(line);
			return;
		}
		const content = recordContent(value, format, fields);
		const label = content.label ?? (format === 'classification' ? undefined : answerLabel(content.answer));
		const conversational = content.turns.length > 1 || format === 'openai-chat' || format === 'sharegpt';
		records.push({ text: content.text, label, roles: conversational ? content.turns.map((turn) => turn.role).join('>') : undefined, format });
	});
	return { records, skipped, ...(skipped > 0 ? { firstSkippedLine } : {}) };
}

/** Free-text answers are not labels: only short answers (a class name, "yes") are counted as labels. */
function answerLabel(answer: string): string | undefined {
	const trimmed = answer.trim();
	return trimmed !== '' && trimmed.length <= 40 && !trimmed.includes('\n') ? trimmed : undefined;
}

/** Profiles a JSONL document. */
export function profileDataset(text: string, file: string, fields: FieldMapping, options: ProfileOptions = DEFAULT_PROFILE_OPTIONS): DatasetProfile {
	const { records, skipped } = profiledRecords(text, fields);
	return profileRecords(records, skipped, file, options);
}

/** Profiles records already extracted (the domain classifier and the tests reuse the extraction). */
export function profileRecords(records: readonly ProfiledRecord[], skipped: number, file: string, options: ProfileOptions = DEFAULT_PROFILE_OPTIONS): DatasetProfile {
	const formats: Record<string, number> = {};
	const roles: Record<string, number> = {};
	const labels: Record<string, number> = {};
	const groups: Record<string, number> = {};
	const ngrams = new Map<string, number>();
	let ngramTotal = 0;
	const lengths: number[] = [];
	const tokens: number[] = [];
	const step = Math.max(1, Math.ceil(records.length / options.maxSample));
	records.forEach((record, index) => {
		increment(formats, record.format);
		if (record.roles !== undefined) {
			increment(roles, record.roles);
		}
		// Answer "labels" of a free-text dataset would be noise; they are dropped below when they are mostly distinct.
		if (record.label !== undefined) {
			increment(labels, record.label);
		}
		for (const gram of ngramsOf(record.text)) {
			ngrams.set(gram, (ngrams.get(gram) ?? 0) + 1);
			ngramTotal++;
		}
		const mentioned = new Set(matchGroups(record.text, options.lexicon).filter((mention) => !mention.ambiguous).map((mention) => `${mention.axis}/${mention.group}`));
		mentioned.forEach((group) => increment(groups, group));
		if (index % step === 0) {
			lengths.push(record.text.length);
			tokens.push(countTokens(record.text));
		}
	});
	const labelCount = Object.keys(labels).length;
	const isLabelled = labelCount > 0 && labelCount <= Math.max(20, Math.sqrt(records.length));
	const topNgrams = [...ngrams].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, options.maxNgrams);
	return {
		kind: 'tunelint-profile',
		version: PROFILE_VERSION,
		file,
		records: records.length,
		skipped,
		formats,
		roles,
		labels: isLabelled ? labels : {},
		lengths,
		tokens,
		ngrams: Object.fromEntries(topNgrams),
		ngramTotal,
		groups,
	};
}

/** Why a parsed JSON value is not a profile snapshot, or undefined when it is one. */
export function profileProblem(value: unknown): string | undefined {
	if (typeof value !== 'object' || value === null || (value as { kind?: unknown }).kind !== 'tunelint-profile') {
		return 'not a tunelint stats snapshot (no "kind": "tunelint-profile")';
	}
	const profile = value as Partial<DatasetProfile>;
	if (profile.version !== PROFILE_VERSION) {
		return `snapshot version ${String(profile.version)} is not supported (this tunelint writes version ${PROFILE_VERSION}); run tunelint stats again`;
	}
	for (const key of ['formats', 'roles', 'labels', 'ngrams', 'groups'] as const) {
		if (typeof profile[key] !== 'object' || profile[key] === null) {
			return `snapshot field "${key}" is missing or not an object`;
		}
	}
	for (const key of ['lengths', 'tokens'] as const) {
		if (!Array.isArray(profile[key]) || !profile[key].every((item) => typeof item === 'number')) {
			return `snapshot field "${key}" must be an array of numbers`;
		}
	}
	if (typeof profile.records !== 'number' || typeof profile.ngramTotal !== 'number') {
		return 'snapshot fields "records" and "ngramTotal" must be numbers';
	}
	return undefined;
}

function increment(counts: Record<string, number>, key: string): void {
	counts[key] = (counts[key] ?? 0) + 1;
}
