/** Balance measures of a label distribution, as reported in findings and the audit. */
export interface BalanceMeasures {
	classes: number;
	total: number;
	/** Largest class count divided by smallest. */
	imbalanceRatio: number;
	/** Shannon entropy divided by log(K): 1 for a uniform distribution, near 0 when one class dominates. */
	normalizedEntropy: number;
	/** The rarest class's share of the records. */
	rarestShare: number;
	/** cleanlab's class_imbalance rule: the rarest class's share is below threshold × 1/K (threshold 0.1 by default). */
	cleanlabImbalanced: boolean;
	majority: string;
	minority: string;
}

/** cleanlab flags a class whose share is below this fraction of the uniform share 1/K. */
export const CLEANLAB_THRESHOLD = 0.1;

/** The measures of a label distribution; `cleanlabThreshold` is the fraction of the uniform share cleanlab flags below. */
export function balanceMeasures(counts: ReadonlyMap<string, number>, cleanlabThreshold = CLEANLAB_THRESHOLD): BalanceMeasures {
	const entries = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
	const total = entries.reduce((sum, [, count]) => sum + count, 0);
	const classes = entries.length;
	const largest = entries[0]?.[1] ?? 0;
	const smallest = entries[classes - 1]?.[1] ?? 0;
	let entropy = 0;
	for (const [, count] of entries) {
		const p = count / total;
		entropy -= p > 0 ? p * Math.log(p) : 0;
	}
	const rarestShare = total === 0 ? 0 : smallest / total;
	return {
		classes,
		total,
		imbalanceRatio: smallest === 0 ? Infinity : largest / smallest,
		normalizedEntropy: classes > 1 ? entropy / Math.log(classes) : 1,
		rarestShare,
		cleanlabImbalanced: classes > 1 && rarestShare < cleanlabThreshold / classes,
		majority: entries[0]?.[0] ?? '',
		minority: entries[classes - 1]?.[0] ?? '',
	};
}

/** One-sided exact binomial tail P(X ≥ k) for X ~ Bin(n, p), in log space so large n does not underflow. */
export function binomialUpperTail(k: number, n: number, p: number): number {
	if (k <= 0) {
		return 1;
	}
	if (k > n) {
		return 0;
	}
	let total = 0;
	const logP = Math.log(p);
	const logQ = Math.log(1 - p);
	let logCoefficient = logChoose(n, k);
	for (let i = k; i <= n; i++) {
		total += Math.exp(logCoefficient + i * logP + (n - i) * logQ);
		logCoefficient += Math.log(n - i) - Math.log(i + 1);
	}
	return Math.min(1, total);
}

function logChoose(n: number, k: number): number {
	return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
}

function logFactorial(n: number): number {
	let sum = 0;
	for (let i = 2; i <= n; i++) {
		sum += Math.log(i);
	}
	return sum;
}

/** A short "name 87% (4,827)" list of the distribution, largest first. */
export function describeDistribution(counts: ReadonlyMap<string, number>, limit = 8): string {
	const total = [...counts.values()].reduce((sum, count) => sum + count, 0);
	const entries = [...counts.entries()].sort((a, b) => b[1] - a[1]);
	const shown = entries.slice(0, limit).map(([label, count]) => `${displayLabel(label)} ${((100 * count) / total).toFixed(1)}% (${count.toLocaleString('en-US')})`);
	return entries.length > limit ? `${shown.join(', ')}, and ${entries.length - limit} more` : shown.join(', ');
}

/** Labels can be whole answers: show them quoted and shortened. */
export function displayLabel(label: string): string {
	const oneLine = label.replace(/\s+/g, ' ');
	return JSON.stringify(oneLine.length > 40 ? `${oneLine.slice(0, 40)}…` : oneLine);
}
