// Bundles the extension client, the language server and the CLI. `node esbuild.mjs --watch` rebuilds on change.
import { copyFileSync, existsSync, readdirSync } from 'node:fs';
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

/**
 * Heavy modules loaded only when needed live in bundles of their own, so that starting the CLI or the server does not
 * compile them: the o200k_base vocabulary (4 MB of JavaScript, needed only for records near the token limit) and
 * TensorFlow.js behind `tunelint train`. Imports of them become run-time requires of the sibling file.
 */
const LAZY_BUNDLES = [
	{ filter: /^gpt-tokenizer\/encoding\/o200k_base$/, entry: 'node_modules/gpt-tokenizer/cjs/encoding/o200k_base.js', outfile: 'server/out/o200k_base.js' },
	{ filter: /^\.\/train(\.js)?$/, importer: /server[\\/]src[\\/]cli[\\/]main\.ts$/, entry: 'server/src/cli/train.ts', outfile: 'server/out/cliTrain.js' },
	{ filter: /^\.\/drift(\.js)?$/, importer: /server[\\/]src[\\/]cli[\\/]main\.ts$/, entry: 'server/src/cli/drift.ts', outfile: 'server/out/cliDrift.js' },
	{ filter: /^\.\/tune(\.js)?$/, importer: /server[\\/]src[\\/]cli[\\/]main\.ts$/, entry: 'server/src/cli/tune.ts', outfile: 'server/out/cliTune.js' },
];

const lazyBundles = {
	name: 'lazy-bundles',
	setup(build) {
		for (const lazy of LAZY_BUNDLES) {
			build.onResolve({ filter: lazy.filter }, (args) => {
				if (lazy.importer !== undefined && !lazy.importer.test(args.importer)) {
					return undefined;
				}
				return { path: `./${lazy.outfile.split('/').pop()}`, external: true };
			});
		}
	},
};

const entries = [
	{ entryPoints: ['client/src/extension.ts'], outfile: 'client/out/extension.js' },
	{ entryPoints: ['server/src/main.ts'], outfile: 'server/out/server.js' },
	{ entryPoints: ['server/src/cli/main.ts'], outfile: 'server/out/cli.js', banner: { js: '#!/usr/bin/env node' } },
	{ entryPoints: ['server/src/training/worker.ts'], outfile: 'server/out/trainingWorker.js' },
	{ entryPoints: ['server/src/training/tune/trialWorker.ts'], outfile: 'server/out/tuneWorker.js' },
	{ entryPoints: ['server/src/node/lintWorker.ts'], outfile: 'server/out/lintWorker.js' },
	// The audit report's renderer runs in a browser or a webview; the CLI and the extension inline it into the page.
	{ entryPoints: ['client/src/report/view/main.mts'], outfile: 'server/out/reportView.js', platform: 'browser', format: 'iife', target: 'es2022', sourcemap: false, minify: true },
	// The run view's renderer (client/src/runView/view), inlined into the "Tunelint Runs" webview by the extension.
	{ entryPoints: ['client/src/runView/view/main.mts'], outfile: 'server/out/runView.js', platform: 'browser', format: 'iife', target: 'es2022', sourcemap: false, minify: true },
	...LAZY_BUNDLES.map((lazy) => ({ entryPoints: [lazy.entry], outfile: lazy.outfile })),
].filter((entry) => existsSync(entry.entryPoints[0]));

const contexts = await Promise.all(entries.map((entry) => esbuild.context({ ...common, plugins: [lazyBundles], ...entry })));
if (watch) {
	await Promise.all(contexts.map((context) => context.watch()));
} else {
	await Promise.all(contexts.map((context) => context.rebuild()));
	await Promise.all(contexts.map((context) => context.dispose()));
}

// The wasm backend loads its binaries from beside the bundle when the npm package is not installed (a packaged .vsix).
const wasmDist = 'node_modules/@tensorflow/tfjs-backend-wasm/dist';
for (const name of existsSync(wasmDist) ? readdirSync(wasmDist).filter((file) => file.endsWith('.wasm')) : []) {
	copyFileSync(`${wasmDist}/${name}`, `server/out/${name}`);
}
