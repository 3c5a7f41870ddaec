import { runAudit } from './audit';
import { runAugment } from './augment';
import { CHECK_USAGE, runCheck } from './check';
import { ConfigError } from './config';
import { runDedup } from './dedup';
import { runForget } from './forget';
import { runFairness } from './fairness';
import { processIo, UsageError, type CliIo } from './io';
import { runLock } from './lock';
import { runLog } from './log';
import { runRebalance } from './rebalance';
import { runRedTeam } from './redteam';
import { runSplit } from './split';
import { runStats } from './stats';

/** A subcommand: takes its arguments, returns the exit code. Each lives in its own file. */
type Command = (argv: string[], io: CliIo) => Promise<number>;

/** Every subcommand, in one explicit list (`check` is also the default when the first argument is a path). */
const COMMANDS: Record<string, Command> = {
	check: runCheck,
	audit: runAudit,
	fairness: runFairness,
	augment: runAugment,
	lock: runLock,
	dedup: runDedup,
	rebalance: runRebalance,
	redteam: runRedTeam,
	split: runSplit,
	// TensorFlow.js is loaded only for this command (its own bundle), so that `check` starts fast.
	train: async (argv, io) => (await import('./train.js')).runTrain(argv, io),
	stats: runStats,
	log: runLog,
	forget: runForget,
	drift: async (argv, io) => (await import('./drift.js')).runDrift(argv, io),
	tune: async (argv, io) => (await import('./tune.js')).runTune(argv, io),
};

const USAGE = `Usage: tunelint <command> [options]

Commands:
  check FILE|DIR...   lint JSONL datasets (default command)
  audit FILE          write the audit report (--format html|json --out F)
  fairness FILE       print the demographic audit: group mentions and group × label table (--format markdown|json)
  augment FILE --counterfactual   write FILE plus identity-swapped copies to a new file
  lock add|update|verify|list   provenance lock of dataset files (see tunelint lock --help)
  dedup FILE --out F  write a copy without exact (and with --near, near) duplicates
  rebalance FILE      write a rebalanced copy (--strategy under|over|reweigh)
  redteam FILE --attack A   write a poisoned copy + ground truth, print each rule's recall on it
  split FILE          write a stratified, seeded, leak-free train/validation split
  train FILE          validation fine-tune of a TensorFlow.js proxy model (see tunelint train --help)
  stats FILE          profile snapshot of a dataset (--out stats.json), for drift
  tune FILE           hyper-parameter search of the proxy model (--method grid|random|bayes|tpe --trials N [--save])
  forget --base B --target T   catastrophic-forgetting probe with mitigations (replay, L2-SP, EWC, distillation)
  log FILE            training and validation curves of a real fine-tune's log, overfitting, early stopping
  drift A B           drift between two datasets or snapshots (labels, lengths, vocabulary, groups, domain classifier)

Run "tunelint <command> --help" for a command's options.

${CHECK_USAGE}`;

/** Runs the CLI and returns the exit code (0 clean, 1 findings, 2 usage or internal error). */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
	const [first, ...rest] = argv;
	if (first === undefined || first === '--help' || first === '-h') {
		io.out(USAGE);
		return first === undefined ? 2 : 0;
	}
	if (first === '--version') {
		io.out('0.1.0');
		return 0;
	}
	const command = COMMANDS[first];
	try {
		return command === undefined ? await runCheck(argv, io) : await command(rest, io);
	} catch (error) {
		if (error instanceof UsageError || (error instanceof TypeError && (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS'))) {
			io.err(`tunelint: ${error.message}\nRun "tunelint --help" for usage.`);
			return 2;
		}
		if (error instanceof ConfigError) {
			io.err(`tunelint: ${error.message}`);
			return 2;
		}
		io.err(`tunelint: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
		return 2;
	}
}

if (require.main === module) {
	main(process.argv.slice(2)).then(
		(code) => {
			process.exitCode = code;
		},
		(error: unknown) => {
			process.stderr.write(`tunelint: internal error: ${String(error)}\n`);
			process.exitCode = 2;
		},
	);
}
