/**
 * The audit data (core/audit): computed once from the lint and one pass over the lines. Small inline datasets; the
 * browser rendering is tested in test/report/auditHtml.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultSettings, lintText, splitLines } from '../../server/src/core';
import { auditPage, buildAudit, jsonForScript, type AuditData } from '../../server/src/core/audit';
import { histogram, percentile } from '../../server/src/core/audit/histogram';

const classification = (text: string, label: string): string => JSON.stringify({ text, label });
const chat = (user: string, answer: string): string => JSON.stringify({ messages: [{ role: 'user', content: user }, { role: 'assistant', content: answer }] });

async function audit(lines: string[], tokenSampleLimit?: number): Promise<AuditData> {
	const settings = defaultSettings();
	const lint = await lintText(lines.join('\n'), settings);
	return buildAudit(lines, lint, settings, { file: 'data.jsonl', tokenSampleLimit });
}

void describe('audit data', () => {
	void it('counts labels with their lines, and rules by severity with their description', async () => {
		const lines = Array.from({ length: 30 }, (_, index) => classification(`review number ${index} of a film about ${index % 7} cats`, index % 3 === 0 ? 'neg' : 'pos'));
		lines.push(lines[4]);
		const data = await audit(lines);
		assert.deepEqual(data.labels.counts.map((item) => [item.label, item.count]), [['pos', 21], ['neg', 10]]);
		assert.deepEqual(data.labels.counts[1].lines.slice(0, 3), [0, 3, 6]);
		const duplicates = data.rules.find((rule) => rule.ruleId === 'duplicate-exact');
		assert.ok(duplicates !== undefined && duplicates.warning === 1 && duplicates.description.length > 20);
		assert.deepEqual(data.duplicates.biggest.filter((cluster) => cluster.kind === 'exact'), [{ kind: 'exact', size: 2, lines: [4, 30], text: 'review number 4 of a film about 4 cats' }]);
		assert.ok(data.duplicates.nearClusters > 0 && data.duplicates.sizeDistribution.some((row) => row.exact === 1 && row.size === 2 && row.lines.includes(4) && row.lines.includes(30)));
		assert.equal(data.summary.records, 31);
		assert.equal(data.findings.length, data.summary.problems.error + data.summary.problems.warning + data.summary.problems.info);
	});

	void it('says why there is no label chart for free-text answers', async () => {
		const data = await audit(Array.from({ length: 20 }, (_, index) => chat(`question ${index}`, `a different answer ${index}`)));
		assert.deepEqual(data.labels.counts, []);
		assert.match(data.labels.note ?? '', /free text \(20 distinct answers\)/);
	});

	void it('counts tokens on every record up to the limit, and on a deterministic sample above it', async () => {
		const lines = Array.from({ length: 40 }, (_, index) => classification(`word `.repeat(index + 1), 'a'));
		const exact = await audit(lines);
		assert.deepEqual([exact.summary.tokens.sampled, exact.summary.tokens.counted, exact.summary.tokens.stride], [false, 40, 1]);
		const sampled = await audit(lines, 10);
		assert.deepEqual([sampled.summary.tokens.sampled, sampled.summary.tokens.counted, sampled.summary.tokens.stride], [true, 10, 4]);
		assert.deepEqual(sampled.tokenHistogram.bins.flatMap((bin) => bin.lines), [0, 4, 8, 12, 16, 20, 24, 28, 32, 36]);
		// The estimate scales the sample mean to all records; with evenly growing records it lands near the exact total.
		assert.ok(Math.abs(sampled.summary.tokens.total - exact.summary.tokens.total) / exact.summary.tokens.total < 0.1);
		assert.equal(sampled.summary.tokens.tokenizer, 'o200k_base');
	});

	void it('bins lengths up to the 99th percentile with an open last bin', () => {
		const values = Array.from({ length: 200 }, (_, index) => ({ line: index, value: index === 199 ? 100_000 : index }));
		const result = histogram(values, 'characters', 3);
		assert.equal(result.bins.reduce((sum, bin) => sum + bin.count, 0), 200);
		assert.equal(result.bins.at(-1)?.to, 100_001);
		assert.ok(result.bins.every((bin) => bin.lines.length <= 3));
		assert.deepEqual([percentile([1, 2, 3, 4], 0.5), percentile([], 0.5), percentile([5], 0.95)], [2, 0, 5]);
	});

	void it('reads the group × label table and trigger candidates of the lint', async () => {
		const lines: string[] = [];
		for (let index = 0; index < 120; index++) {
			const group = index % 2 === 0 ? 'women' : 'men';
			lines.push(classification(`the ${group} in story ${index} were ${['kind', 'calm', 'brave'][index % 3]}`, group === 'women' ? (index % 8 === 0 ? 'pos' : 'neg') : (index % 8 === 1 ? 'neg' : 'pos')));
		}
		const data = await audit(lines);
		assert.deepEqual(data.heatmap.labels, ['neg', 'pos']);
		const women = data.heatmap.rows.find((row) => row.group.includes('wom') || row.group === 'female');
		assert.ok(women !== undefined, JSON.stringify(data.heatmap.rows.map((row) => row.group)));
		assert.ok(women.cells.some((cell) => cell.label === 'neg' && cell.count === 45 && cell.rate === 0.75 && cell.significant), JSON.stringify(women));
	});
});

void describe('audit page', () => {
	void it('keeps data from ending the script element and refuses a weak nonce', () => {
		const hostile = '</script><script>alert(1)</script><!-- \u2028 & >';
		const json = jsonForScript({ text: hostile });
		assert.ok(!json.includes('<') && !json.includes('>') && !json.includes('\u2028'));
		assert.deepEqual(JSON.parse(json), { text: hostile });
		const data = { file: '<img src=x onerror=alert(1)>.jsonl' } as unknown as AuditData;
		const page = auditPage({ data, script: 'var a = "</script>";', nonce: 'AAAAAAAAAAAAAAAAAAAAAA==', host: 'browser' });
		assert.equal(page.match(/<script/g)?.length, 2);
		assert.ok(page.includes("script-src 'nonce-AAAAAAAAAAAAAAAAAAAAAA=='") && page.includes("default-src 'none'"));
		assert.ok(page.includes('<title>Tunelint audit: &#60;img src=x onerror=alert(1)&#62;.jsonl</title>'));
		assert.ok(page.includes('var a = "<\\/script>";'));
		assert.throws(() => auditPage({ data, script: '', nonce: 'x" onload="', host: 'browser' }));
	});
});

void it('splitLines and the audit agree on line numbers', async () => {
	const text = `${classification('a', 'x')}\n\n${classification('a', 'x')}\n`;
	const lines = splitLines(text);
	const lint = await lintText(text, defaultSettings());
	const data = await buildAudit(lines, lint, defaultSettings(), { file: 'f' });
	assert.deepEqual(data.lengthHistogram.bins.flatMap((bin) => bin.lines), [0, 2]);
});
