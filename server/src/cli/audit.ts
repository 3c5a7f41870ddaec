import { promises as fs } from 'node:fs';
import { parseArgs } from 'node:util';
import * as path from 'node:path';
import { auditFile } from '../audit/auditFile';
import { auditHtml, MissingRendererError, readRendererBundle } from '../audit/reportPage';
import { TargetExistsError, writeNewFile } from '../node/safeWrite';
import { configDirectory, loadProvenance } from '../provenance/adapter';
import { checkFile } from './check';
import { ConfigError, loadSettings } from './config';
import { UsageError, type CliIo } from './io';

export const AUDIT_USAGE = `Usage: tunelint audit FILE [options]

Writes the audit report of a JSONL dataset: summary, findings by rule, label, length and token distributions,
identity group × label table, duplicate clusters, trigger candidates and the saved validation fine-tunes.

Options:
  --format html|json   html: one self-contained page that opens offline; json: the data behind it (default html)
  --out FILE           where to write it ("-" for standard output; default: standard output for json)
  --force              replace an existing --out file
  --runs DIR           where validation fine-tunes are saved (default .tunelint/runs)
  --config FILE        use this config file instead of the nearest .tunelintrc.json

Exit codes: 0 the report was written (whatever it found; "tunelint check" is the gate), 2 usage or internal error.`;

/** `tunelint audit`: computes the audit once and writes it as HTML or JSON. */
export async function runAudit(argv: string[], io: CliIo): Promise<number> {
	const { values, positionals } = parseArgs({
		args: argv,
		allowPositionals: true,
		options: {
			format: { type: 'string', default: 'html' },
			out: { type: 'string' },
			force: { type: 'boolean', default: false },
			runs: { type: 'string' },
			config: { type: 'string' },
			help: { type: 'boolean', default: false },
		},
	});
	if (values.help) {
		io.out(AUDIT_USAGE);
		return 0;
	}
	if (values.format !== 'html' && values.format !== 'json') {
		throw new UsageError(`unknown --format "${values.format}" (use html or json)`);
	}
	if (positionals.length !== 1) {
		throw new UsageError(positionals.length === 0 ? 'no file given' : 'audit takes one file');
	}
	const out = values.out ?? (values.format === 'json' ? '-' : undefined);
	if (out === undefined) {
		throw new UsageError('--format html needs --out FILE (or --out - for standard output)');
	}
	const file = positionals[0];
	if (out !== '-' && path.resolve(out) === path.resolve(file)) {
		throw new UsageError('--out must not name the dataset');
	}
	// A missing renderer is found before the (possibly long) audit, not after.
	let script: string | undefined;
	try {
		script = values.format === 'html' ? readRendererBundle() : undefined;
	} catch (error) {
		if (error instanceof MissingRendererError) {
			throw new ConfigError(error.message);
		}
		throw error;
	}
	if (!(await fs.stat(file).then((stat) => stat.isFile(), () => false))) {
		throw new ConfigError(`${file}: no such file (or not a file)`);
	}
	const { settings, problems } = await loadSettings(values.config, process.cwd());
	for (const problem of problems) {
		io.err(`tunelint: warning: ${problem}`);
	}
	const provenance = await loadProvenance(settings, await configDirectory(values.config, process.cwd()), process.cwd());
	const data = await auditFile(file, settings, {
		root: process.cwd(),
		runsDirectory: values.runs,
		lint: async (used) => (await checkFile(file, used, { provenance })).result,
	});
	const content = values.format === 'html' ? auditHtml(data, script) : `${JSON.stringify(data, null, '\t')}\n`;
	if (out === '-') {
		io.out(content);
		return 0;
	}
	try {
		await writeNewFile(out, content, { overwrite: values.force, inputs: [file] });
	} catch (error) {
		if (error instanceof TargetExistsError) {
			throw new UsageError(`${out} exists; pass --force to replace it`);
		}
		throw error;
	}
	io.err(`tunelint: wrote the ${values.format === 'html' ? 'HTML report' : 'audit data'} of ${file} to ${out}`);
	return 0;
}
