// Bundles the extension client, the language server and the CLI. `node esbuild.mjs --watch` rebuilds on change.
import { existsSync } from 'node:fs';
import * as esbuild from 'esbuild';

const watch = process.argv.includes('--watch');

/** Every bundle: CommonJS for Node 20, with @tensorflow/tfjs-node left out (optional, native, loaded if present). */
const common = {
	bundle: true,
	platform: 'node',
	format: 'cjs',
	target: 'node20',
	sourcemap: true,
	logLevel: 'warning',
	external: ['vscode', '@tensorflow/tfjs-node'],
};

const entries = [
	{ entryPoints: ['client/src/extension.ts'], outfile: 'client/out/extension.js' },
	{ entryPoints: ['server/src/main.ts'], outfile: 'server/out/server.js' },
	{ entryPoints: ['server/src/cli/main.ts'], outfile: 'server/out/cli.js', banner: { js: '#!/usr/bin/env node' } },
	{ entryPoints: ['server/src/training/worker.ts'], outfile: 'server/out/trainingWorker.js' },
].filter((entry) => existsSync(entry.entryPoints[0]));

const contexts = await Promise.all(entries.map((entry) => esbuild.context({ ...common, ...entry })));
if (watch) {
	await Promise.all(contexts.map((context) => context.watch()));
} else {
	await Promise.all(contexts.map((context) => context.rebuild()));
	await Promise.all(contexts.map((context) => context.dispose()));
}
