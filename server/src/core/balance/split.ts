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

/**
 * A seeded, stratified train/validation split that is a partition of the input (every line exactly once, each side
 * in file order) and never puts exact duplicates on both sides: duplicates move together, as one unit, in the
 * stratum of their first record. Each stratum sends round(share × size) records to validation, counted in units.
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
	for (const [stratum, stratumUnits] of [...byStratum].sort((a, b) => a[0].localeCompare(b[0]))) {
		const size = stratumUnits.reduce((sum, unit) => sum + unit.lines.length, 0);
		const wanted = Math.round(validationShare * size);
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
