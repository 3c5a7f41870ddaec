import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultSettings, lintText, ruleById, type Rule } from '../../server/src/core';

const encoding = [ruleById('encoding')].filter((rule): rule is Rule => rule !== undefined);

async function kindsOf(text: string): Promise<unknown[]> {
	const result = await lintText(text, defaultSettings(), encoding);
	return result.findings.filter((finding) => finding.ruleId === 'encoding').map((finding) => (finding.data as { kind: string }).kind);
}

// Text that cannot come from a UTF-8 file (the fixtures), only from an editor buffer: raw lone surrogates, and raw
// control characters, which JSON allows in no valid line.
void describe('encoding on text only an editor buffer holds', () => {
	void it('finds a raw lone surrogate in a line that parses', async () => {
		assert.deepEqual(await kindsOf('{"text": "cut \ud83d here"}\n{"text": "low \ude00 half"}\n'), ['lone-surrogate', 'lone-surrogate']);
	});
	void it('finds a raw control character in a line that does not parse', async () => {
		assert.deepEqual(await kindsOf('{"text": "a\u0000b"}\n{"text": "bell\u0007"\n'), ['control-character', 'control-character']);
	});
	void it('passes a paired surrogate, raw or escaped, and tab between tokens', async () => {
		assert.deepEqual(await kindsOf('{"text": "\ud83d\ude00 and \\ud83d\\ude00"}\n{\t"text": "tab before the key"}\n'), []);
	});
});
