import { parseArgs } from 'node:util';
import { auditDocument } from '../core/fairness/document';
import { auditMarkdown } from '../core/fairness/report';
import { readLines } from '../node/readLines';
import { ConfigError, loadSettings } from './config';
import { UsageError, type CliIo } from './io';
import { single } from './rebalance';

export const FAIRNESS_USAGE = `Usage: tunelint fairness FILE [options]

Prints the demographic audit of a JSONL dataset: how often each identity group of the lexicon is mentioned, within
its axis, and the group × label table (counts, rates, gaps, chi-square or Fisher p-values, Bonferroni-corrected).
The user lexicon named by lexiconFile in .tunelintrc.json is used. "tunelint audit" puts the same table in the
HTML report; "tunelint augment --counterfactual" writes counterfactual copies for the groups it flags.

Options:
  --format markdown|json   markdown: the tables; json: the audit data (default markdown)
  --config FILE            use this config file instead of the nearest .tunelintrc.json

Exit codes: 0 the audit was printed (whatever it found; "tunelint check" is the gate), 2 usage or internal error.`;

/** `tunelint fairness`: the demographic audit of one file, as Markdown tables or JSON. */
export async function runFairness(argv: string[], io: CliIo): Promise<number> {
	const { values, positionals } = parseArgs({
		args: argv,
		allowPositionals: true,
		options: {
			format: { type: 'string', default: 'markdown' },
			config: { type: 'string' },
			help: { type: 'boolean', default: false },
		},
	});
	if (values.help) {
		io.out(FAIRNESS_USAGE);
		return 0;
	}
	if (values.format !== 'markdown' && values.format !== 'json') {
		throw new UsageError(`unknown --format "${values.format}" (use markdown or json)`);
	}
	const file = single(positionals);
	const { settings, problems } = await loadSettings(values.config, process.cwd());
	for (const problem of problems) {
		io.err(`tunelint: warning: ${problem}`);
	}
	// auditDocument takes a synchronous iterable; the audit itself keeps only groups × labels, the lines are the cost.
	const lines: string[] = [];
	try {
		for await (const line of readLines(file)) {
			lines.push(line);
		}
	} catch (error) {
		throw new ConfigError(`${file}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
	}
	const audit = auditDocument(lines, settings);
	if (audit.lexiconError !== undefined) {
		io.err(`tunelint: warning: ${audit.lexiconError}`);
	}
	io.out(values.format === 'json' ? JSON.stringify(audit, null, 2) : auditMarkdown(audit));
	return 0;
}
