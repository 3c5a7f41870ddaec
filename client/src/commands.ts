/**
 * The commands of the extension, one factory per command (rust-analyzer's pattern): a factory receives the
 * context and returns the function VS Code calls. Commands that talk to the server get a CtxInit, whose client is
 * running; registerCommands makes them wait while the server starts and explain themselves when it is down.
 */
import * as vscode from 'vscode';
import type { Ctx, CtxInit } from './ctx';
import { auditDataset, openSampleDataset } from './commands/audit';
import { addCounterfactualExamples, auditDemographicSkew } from './commands/fairness';
import { lockAdd, lockList, lockUpdate, lockVerify, showLockedDiff } from './commands/lock';
import { removeExactDuplicates, removeNearDuplicates } from './commands/dedup';
import { rebalance, splitDataset } from './commands/rebalance';
import { trainProxy } from './commands/train';
import { compareDatasets } from './commands/drift';
import { probeForgetting } from './commands/forget';
import { openTrainingLog } from './commands/log';
import { redTeamDataset } from './commands/redteam';
import { searchHyperparameters } from './commands/tune';
import { lintFileOnDisk } from './lintFileOnDisk';
import { exportLabelIssues } from './runView/exportCommand';
import { showRuns } from './runView/showRunsCommand';

/** What VS Code calls when a command runs. */
export type Cmd = (...args: never[]) => unknown;

/** A command that works without the server, or one that needs it running. */
export type CommandFactory =
	| { readonly needsServer: false; readonly create: (ctx: Ctx) => Cmd }
	| { readonly needsServer: true; readonly create: (ctx: CtxInit) => Cmd };

/** Every command the manifest declares, by id. */
export const COMMANDS: Readonly<Record<string, CommandFactory>> = {
	'tunelint.restartServer': { needsServer: false, create: restartServer },
	'tunelint.showOutput': { needsServer: false, create: showOutput },
	'tunelint.lintFileOnDisk': { needsServer: true, create: lintFileOnDisk },
	'tunelint.rebalance': { needsServer: true, create: rebalance },
	'tunelint.split': { needsServer: true, create: splitDataset },
	'tunelint.removeExactDuplicates': { needsServer: true, create: removeExactDuplicates },
	'tunelint.removeNearDuplicates': { needsServer: true, create: removeNearDuplicates },
	'tunelint.audit': { needsServer: true, create: auditDataset },
	'tunelint.openSample': { needsServer: false, create: openSampleDataset },
	'tunelint.auditDemographicSkew': { needsServer: true, create: auditDemographicSkew },
	'tunelint.addCounterfactualExamples': { needsServer: true, create: addCounterfactualExamples },
	'tunelint.trainProxy': { needsServer: false, create: trainProxy },
	'tunelint.searchHyperparameters': { needsServer: false, create: searchHyperparameters },
	'tunelint.redTeam': { needsServer: false, create: redTeamDataset },
	'tunelint.compareDatasets': { needsServer: false, create: compareDatasets },
	'tunelint.probeForgetting': { needsServer: false, create: probeForgetting },
	'tunelint.openTrainingLog': { needsServer: false, create: openTrainingLog },
	'tunelint.showRuns': { needsServer: false, create: showRuns },
	'tunelint.exportLabelIssues': { needsServer: false, create: exportLabelIssues },
	'tunelint.lockAdd': { needsServer: true, create: lockAdd },
	'tunelint.lockUpdate': { needsServer: true, create: lockUpdate },
	'tunelint.lockVerify': { needsServer: true, create: lockVerify },
	'tunelint.lockList': { needsServer: true, create: lockList },
	'tunelint.showLockedDiff': { needsServer: true, create: showLockedDiff },
};

/** Registers every command once; a command that needs the server looks it up each time it runs. */
export function registerCommands(ctx: Ctx): vscode.Disposable[] {
	return Object.entries(COMMANDS).map(([id, factory]) => vscode.commands.registerCommand(id, async (...args: never[]) => {
		if (!factory.needsServer) {
			return factory.create(ctx)(...args);
		}
		const running = await ctx.whenRunning();
		if (running === undefined) {
			return explainServerDown(ctx);
		}
		return factory.create(running)(...args);
	}));
}

function restartServer(ctx: Ctx): Cmd {
	return async () => {
		const client = await ctx.restart();
		if (client !== undefined) {
			void vscode.window.setStatusBarMessage('Tunelint: server restarted', 3000);
		}
	};
}

function showOutput(ctx: Ctx): Cmd {
	return () => ctx.outputChannel.show(true);
}

async function explainServerDown(ctx: Ctx): Promise<void> {
	const choice = await vscode.window.showWarningMessage(
		'The Tunelint server is not running, so this command cannot run.',
		'Restart Server',
		'Show Output',
	);
	if (choice === 'Restart Server') {
		await ctx.restart();
	} else if (choice === 'Show Output') {
		ctx.outputChannel.show(true);
	}
}
