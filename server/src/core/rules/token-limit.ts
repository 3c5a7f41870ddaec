import type { FileFindingDraft, FileRule, LineEntry } from '../rule';
import { countTokens, TOKENIZER_NAME, TOKENS_PER_CONVERSATION, TOKENS_PER_MESSAGE, utf8Length } from '../tokens';

/** OpenAI's per-example limit for gpt-3.5-turbo-1106 and later; examples above it are truncated. */
const DEFAULT_LIMIT = 16385;
/** A record this many times longer than the median record is reported as unusually long. */
const DEFAULT_OUTLIER_FACTOR = 10;
/** Records shorter than this are never called long, however short the others are. */
const MIN_OUTLIER_CHARS = 2000;
const MAX_KEPT = 5000;
/** Role markers of a long conversation: the fast path assumes at most this many tokens of overhead. */
const MAX_OVERHEAD = 3000;

/**
 * Counts tokens per record with a real tokenizer (o200k_base) and reports records over the limit, which providers
 * truncate; records far longer than the rest of the file are reported as information (often a pasted log or a
 * repeated answer). Exact counts are only computed when the UTF-8 length could exceed the limit.
 */
export const tokenLimit: FileRule = {
	kind: 'file',
	id: 'token-limit',
	category: 'format',
	description: 'A record with more tokens than the model\'s context for fine-tuning (it is truncated), or far longer than the rest.',
	defaultSeverity: 'error',
	start(options) {
		const limit = options.number('limit', DEFAULT_LIMIT);
		const outlierFactor = options.number('outlierFactor', DEFAULT_OUTLIER_FACTOR);
		const lengthHistogram = new LogHistogram();
		const findings: FileFindingDraft[] = [];
		const longCandidates: Array<{ line: number; chars: number; length: number }> = [];
		return {
			add(entry) {
				if (entry.match?.format === undefined) {
					return;
				}
				// The raw line bounds the content: escapes only make it longer, and a UTF-16 unit is at most 3 UTF-8
				// bytes. Most records are far below the limit, and this spares extracting their content at all.
				const chars = entry.parsed.text.length;
				lengthHistogram.add(chars);
				const tokens = chars * 3 <= limit - MAX_OVERHEAD ? undefined : entry.memo(`token-limit:${limit}`, () => tokensIfOver(entry, limit));
				if (tokens !== undefined) {
					findings.push({
						message: `${tokens.toLocaleString('en-US')} tokens (${TOKENIZER_NAME}), over the limit of ${limit.toLocaleString('en-US')}: the example will be truncated.`,
						range: { line: entry.line, column: 0, endLine: entry.line, endColumn: entry.parsed.text.length },
						data: { tokens, limit, tokenizer: TOKENIZER_NAME },
					});
				} else if (chars >= MIN_OUTLIER_CHARS && longCandidates.length < MAX_KEPT) {
					longCandidates.push({ line: entry.line, chars, length: entry.parsed.text.length });
				}
			},
			finish() {
				const median = lengthHistogram.median();
				for (const { line, chars, length } of longCandidates) {
					if (median > 0 && chars >= outlierFactor * median) {
						findings.push({
							message: `Unusually long record: ${chars.toLocaleString('en-US')} characters of JSON, ${Math.round(chars / median)}× the median of ${Math.round(median)}.`,
							range: { line, column: 0, endLine: line, endColumn: length },
							severity: 'info',
							data: { chars, median: Math.round(median) },
						});
					}
				}
				return findings;
			},
		};
	},
};

/** The record's token count when it is over the limit, else undefined (without tokenizing when bytes rule it out). */
function tokensIfOver(entry: LineEntry, limit: number): number | undefined {
	const content = entry.content();
	if (content === undefined) {
		return undefined;
	}
	const overhead = content.turns.length * TOKENS_PER_MESSAGE + TOKENS_PER_CONVERSATION;
	const texts = content.chosen !== undefined ? [content.text] : content.turns.map((turn) => turn.content);
	const bytes = texts.reduce((sum, text) => sum + utf8Length(text), 0);
	if (bytes + overhead <= limit) {
		return undefined;
	}
	const tokens = texts.reduce((sum, text) => sum + countTokens(text), 0) + overhead;
	return tokens > limit ? tokens : undefined;
}

const LOG_BASE = Math.log(1.05);
/** Lengths up to 1.05^600 (about 5·10^12) fit; anything longer lands in the last bucket. */
const BUCKETS = 600;

/** Bounded-memory median estimate over lengths: buckets of 5% width on a log scale. */
class LogHistogram {
	private readonly buckets = new Float64Array(BUCKETS);
	private count = 0;

	add(value: number): void {
		const bucket = value < 1 ? 0 : Math.min(BUCKETS - 1, 1 + Math.floor(Math.log(value) / LOG_BASE));
		this.buckets[bucket]++;
		this.count++;
	}

	median(): number {
		let seen = 0;
		for (let bucket = 0; bucket < BUCKETS; bucket++) {
			seen += this.buckets[bucket];
			if (seen * 2 >= this.count && this.count > 0) {
				return bucket === 0 ? 0 : Math.pow(1.05, bucket - 0.5);
			}
		}
		return 0;
	}
}
