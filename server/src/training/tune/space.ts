/**
 * A search space of hyper-parameters and its map onto the unit cube, where the optimisers work: log-scale
 * parameters (learning rate, L2) are uniform in their logarithm, integers are rounded, choices are spread over [0, 1).
 */

/** One hyper-parameter. */
export type Parameter =
	| { name: string; kind: 'log'; min: number; max: number }
	| { name: string; kind: 'linear'; min: number; max: number }
	| { name: string; kind: 'int'; min: number; max: number }
	| { name: string; kind: 'choice'; values: readonly number[] };

/** A point of the space: parameter name → value. */
export type Params = Record<string, number>;

/** The value of a parameter at unit coordinate u ∈ [0, 1]. */
export function fromUnit(parameter: Parameter, u: number): number {
	const t = Math.min(1, Math.max(0, u));
	switch (parameter.kind) {
		case 'log':
			return Math.exp(Math.log(parameter.min) + t * (Math.log(parameter.max) - Math.log(parameter.min)));
		case 'linear':
			return parameter.min + t * (parameter.max - parameter.min);
		case 'int':
			return Math.round(parameter.min + t * (parameter.max - parameter.min));
		case 'choice':
			return parameter.values[Math.min(parameter.values.length - 1, Math.floor(t * parameter.values.length))];
	}
}

/** The unit coordinate of a parameter value (the centre of its cell for choices). */
export function toUnit(parameter: Parameter, value: number): number {
	switch (parameter.kind) {
		case 'log':
			return (Math.log(value) - Math.log(parameter.min)) / (Math.log(parameter.max) - Math.log(parameter.min));
		case 'linear':
		case 'int':
			return parameter.max === parameter.min ? 0.5 : (value - parameter.min) / (parameter.max - parameter.min);
		case 'choice':
			return (Math.max(0, parameter.values.indexOf(value)) + 0.5) / parameter.values.length;
	}
}

/** The params at a point of the unit cube. */
export function paramsAt(space: readonly Parameter[], unit: readonly number[]): Params {
	return Object.fromEntries(space.map((parameter, index) => [parameter.name, fromUnit(parameter, unit[index])]));
}

/**
 * Unit coordinates of what the objective actually sees (rounded integers, snapped choices), so the surrogate model
 * is fitted where the evaluations really were.
 */
export function snapped(space: readonly Parameter[], unit: readonly number[]): number[] {
	return space.map((parameter, index) => (parameter.kind === 'log' || parameter.kind === 'linear' ? unit[index] : toUnit(parameter, fromUnit(parameter, unit[index]))));
}

/** Values a grid takes on a parameter with `levels` levels: all choices, or evenly spaced unit coordinates. */
export function gridLevels(parameter: Parameter, levels: number): number[] {
	if (parameter.kind === 'choice') {
		return parameter.values.map((value) => toUnit(parameter, value));
	}
	if (levels <= 1) {
		return [0.5];
	}
	const units = Array.from({ length: levels }, (_, k) => k / (levels - 1));
	return parameter.kind === 'int' ? [...new Set(units.map((u) => toUnit(parameter, fromUnit(parameter, u))))] : units;
}

/**
 * The default space. The proxy is a linear model over sparse features, so it has no embedding or hidden size to
 * tune; those belong to a larger model than this one.
 */
export const DEFAULT_TUNE_SPACE: Parameter[] = [
	{ name: 'learningRate', kind: 'log', min: 1e-3, max: 0.5 },
	{ name: 'l2', kind: 'log', min: 1e-7, max: 1e-1 },
	{ name: 'dropout', kind: 'linear', min: 0, max: 0.5 },
	{ name: 'batchSize', kind: 'choice', values: [32, 64, 128, 256] },
];
