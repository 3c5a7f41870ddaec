// Entry point of the API-level suite that runs inside a VS Code extension host: code-server's (through the URL
// payload route, see ../extensionTests.mjs) or a downloaded VS Code's (@vscode/test-electron, ../runVSCode.mjs).
// Both call run() and read its outcome: resolved means passed, rejected means failed.
const fs = require('node:fs');
const path = require('node:path');
const util = require('node:util');
const Mocha = require('mocha');

/** Marks the report's lines, so a harness that reads the whole extension host console can pick them out. */
const REPORT_PREFIX = '[tunelint-suite]';

/** Runs every *.test.js file of this folder with mocha. */
exports.run = function run() {
	// Mocha's reporters print through Base.consoleLog; one line per call, prefixed.
	Mocha.reporters.Base.consoleLog = (...args) => console.log(`${REPORT_PREFIX} ${util.format(...args)}`);
	const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000 });
	for (const name of fs.readdirSync(__dirname).filter((entry) => entry.endsWith('.test.js')).sort()) {
		mocha.addFile(path.join(__dirname, name));
	}
	return new Promise((resolve, reject) => {
		mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} extension test(s) failed`)) : resolve()));
	});
};
