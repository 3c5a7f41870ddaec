import { seededRandom, shuffled } from './random';

/** A record as the splitter sees it: line, stratum (label, or label and group) and a key shared by exact duplicates. */
export interface SplitRecord {
	line: number;
	stratum: string;
	duplicateKey: string;
}

export interface SplitPlan {
	train: number[];
	validation: number[];
	/** Per stratum: how many records went to each side. */
	strata: Record<string, { train: number; validation: number }>;
}

/** The stratum of a record: its label, or its label and demographic group (the name the split's report shows). */
export function splitStratum(label = '', group?: string): string {
	return group === undefined ? label : `${label} / ${group}`;
}

/**
 * A seeded, stratified train/validation split that is a partition of the input (every line exactly once, each side
 * in file order) and never puts exact duplicates on both sides: duplicates move together, as one unit, in the
 * stratum of their first record. The strata share round(share × records) validation records by largest remainder
 * (each gets floor(share × size), and the largest fractions one more), so many small strata do not all round to
 * nothing; a stratum fills its quota with whole units.
 */
export function planSplit(records: readonly SplitRecord[], validationShare: number, seed: number): SplitPlan {
	const random = seededRandom(seed);
	const units = new Map<string, { stratum: string; lines: number[] }>();
	for (const record of records) {
		const unit = units.get(record.duplicateKey);
		if (unit === undefined) {
			units.set(record.duplicateKey, { stratum: record.stratum, lines: [record.line] });
		} else {
			unit.lines.push(record.line);
		}
	}
	const byStratum = new Map<string, Array<{ lines: number[] }>>();
	for (const unit of units.values()) {
		byStratum.set(unit.stratum, [...(byStratum.get(unit.stratum) ?? []), unit]);
	}
	const train: number[] = [];
	const validation: number[] = [];
	const strata: SplitPlan['strata'] = {};
	const ordered = [...byStratum].sort((a, b) => a[0].localeCompare(b[0]));
	const quotas = validationQuotas(ordered.map(([, stratumUnits]) => stratumUnits.reduce((sum, unit) => sum + unit.lines.length, 0)), validationShare, random);
	for (const [index, [stratum, stratumUnits]] of ordered.entries()) {
		const wanted = quotas[index];
		let taken = 0;
		const counts = { train: 0, validation: 0 };
		for (const unit of shuffled(stratumUnits, random)) {
			const side = taken < wanted ? validation : train;
			side.push(...unit.lines);
			if (side === validation) {
				taken += unit.lines.length;
				counts.validation += unit.lines.length;
			} else {
				counts.train += unit.lines.length;
			}
		}
		strata[stratum] = counts;
	}
	train.sort((a, b) => a - b);
	validation.sort((a, b) => a - b);
	return { train, validation, strata };
}

/** Validation records per stratum, summing to round(share × total): floors first, then the largest remainders. */
function validationQuotas(sizes: readonly number[], share: number, random: () => number): number[] {
	const exact = sizes.map((size) => share * size);
	const quotas = exact.map(Math.floor);
	const total = sizes.reduce((sum, size) => sum + size, 0);
	const remaining = Math.round(share * total) - quotas.reduce((sum, quota) => sum + quota, 0);
	// Equal remainders are drawn at random (a stable sort of a seeded shuffle), not given to the first names.
	const byRemainder = shuffled(exact.map((value, index) => ({ index, fraction: value - quotas[index] })), random).sort((a, b) => b.fraction - a.fraction);
	for (const { index } of byRemainder.slice(0, Math.max(0, remaining))) {
		quotas[index]++;
	}
	return quotas;
}
