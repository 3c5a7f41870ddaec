import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

import { BackendUnavailable, type BackendName, selectBackend } from '../../server/src/training/backend';

/** The backend order of issue 7: tfjs-node if it loads, else wasm if its training smoke test passes, else cpu. */

/** A stand-in that starts the backends in `working` and reports why the others failed, recording what was tried. */
function standIn(working: BackendName[], tried: BackendName[]): (name: BackendName) => Promise<string | undefined> {
	return async (name) => {
		tried.push(name);
		return working.includes(name) ? undefined : `${name} is broken here`;
	};
}

const tfjsNodeInstalled = (() => {
	try {
		require.resolve('@tensorflow/tfjs-node');
		return true;
	} catch {
		return false;
	}
})();

// The compiled test lives in out/test/training/, three folders below the repository root.
const repositoryRoot = path.resolve(__dirname, '..', '..', '..');

void describe('backend selection', () => {
	void it('ships tfjs and its wasm backend, and only wants tfjs-node (whose install downloads libtensorflow)', () => {
		const manifest = JSON.parse(readFileSync(path.join(repositoryRoot, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
		assert.ok(manifest.dependencies?.['@tensorflow/tfjs'] !== undefined && manifest.dependencies['@tensorflow/tfjs-backend-wasm'] !== undefined);
		assert.ok(manifest.optionalDependencies?.['@tensorflow/tfjs-node'] !== undefined);
		assert.equal(manifest.dependencies['@tensorflow/tfjs-node'], undefined);
		assert.match(readFileSync(path.join(repositoryRoot, 'esbuild.mjs'), 'utf8'), /external: \[[^\]]*'@tensorflow\/tfjs-node'/, 'the bundles load tfjs-node only if it is installed');
	});
	void it('tries node, then wasm, then cpu with auto, and says why it passed over each', async () => {
		const tried: BackendName[] = [];
		assert.deepEqual(await selectBackend('auto', standIn(['cpu'], tried)), {
			name: 'cpu',
			skipped: [
				{ name: 'node', reason: 'node is broken here' },
				{ name: 'wasm', reason: 'wasm is broken here' },
			],
		});
		assert.deepEqual(tried, ['node', 'wasm', 'cpu']);
		assert.equal((await selectBackend('auto', standIn(['wasm', 'cpu'], []))).name, 'wasm');
		assert.equal((await selectBackend('auto', standIn(['node', 'wasm', 'cpu'], []))).name, 'node');
	});
	void it('tries only the backend asked for, and explains when it cannot start', async () => {
		const tried: BackendName[] = [];
		await assert.rejects(selectBackend('wasm', standIn(['cpu'], tried)), (error: unknown) => error instanceof BackendUnavailable && /\(wasm: wasm is broken here\)/.test(error.message));
		assert.deepEqual(tried, ['wasm']);
	});
	void it('passes over the missing tfjs-node for wasm, whose training smoke test passes on this machine', { skip: tfjsNodeInstalled ? '@tensorflow/tfjs-node is installed here' : false }, async () => {
		const selection = await selectBackend('auto');
		assert.equal(selection.name, 'wasm', JSON.stringify(selection.skipped));
		assert.deepEqual(selection.skipped.map((entry) => entry.name), ['node']);
		await assert.rejects(selectBackend('node'), BackendUnavailable);
	});
});
