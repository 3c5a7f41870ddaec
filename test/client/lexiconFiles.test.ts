import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { buildSync } from 'esbuild';

// The client compiles outside out/test, so the pure module is bundled from source, as test/client/helpers.test.ts does.
const repositoryRoot = path.resolve(__dirname, '..', '..', '..');
const scratch = mkdtempSync(path.join(tmpdir(), 'tunelint-client-lexicon-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

interface LexiconFilesModule {
	lexiconFileOf(folder: string, configFile: string, editorRuleOptions: Record<string, Record<string, unknown>> | undefined): string | undefined;
}

function load(): LexiconFilesModule {
	const outfile = path.join(scratch, 'lexiconFiles.js');
	buildSync({ entryPoints: [path.join(repositoryRoot, 'client', 'src', 'lexiconFiles.ts')], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'silent' });
	// eslint-disable-next-line @typescript-eslint/no-require-imports -- the bundle just built, by its path.
	return require(outfile) as LexiconFilesModule;
}

void describe('the lexicon file the client watches', () => {
	const { lexiconFileOf } = load();
	const folder = path.join(scratch, 'workspace');
	mkdirSync(path.join(folder, 'config'), { recursive: true });

	void it('is the one the config file names, relative to the config file', () => {
		writeFileSync(path.join(folder, 'config', 'tunelint.json'), JSON.stringify({ ruleOptions: { 'demographic-representation': { lexiconFile: 'terms.json' } } }));
		assert.equal(lexiconFileOf(folder, 'config/tunelint.json', {}), path.join(folder, 'config', 'terms.json'));
	});

	void it('is the one the editor settings name, relative to the folder, before the config file\'s', () => {
		assert.equal(lexiconFileOf(folder, 'config/tunelint.json', { 'group-label-association': { lexiconFile: 'mine.json' } }), path.join(folder, 'mine.json'));
	});

	void it('is none without a config file, or with a malformed one', () => {
		assert.equal(lexiconFileOf(folder, '.tunelintrc.json', undefined), undefined);
		writeFileSync(path.join(folder, '.tunelintrc.json'), '{"ruleOptions": ');
		assert.equal(lexiconFileOf(folder, '.tunelintrc.json', undefined), undefined);
	});
});
