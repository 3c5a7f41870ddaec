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
 * The default space. The proxy's embedding size (0 = the linear classifier, e > 0 fastText's e-wide embedding and a
 * dense layer) is searched only when the config file's `tune.space` names it ({@link EMBEDDING_SIZE}): an embedding of
 * 16 made a trial 2–3 times slower and one of 64 about 8 times, and on a 2,000-record sample of sst2_train neither
 * reached the linear model's validation loss at its best learning rate (0.518 at e = 64 against 0.505).
 */
export const DEFAULT_TUNE_SPACE: Parameter[] = [
	{ name: 'learningRate', kind: 'log', min: 1e-3, max: 0.5 },
	{ name: 'l2', kind: 'log', min: 1e-7, max: 1e-1 },
	{ name: 'dropout', kind: 'linear', min: 0, max: 0.5 },
	{ name: 'batchSize', kind: 'choice', values: [32, 64, 128, 256] },
];

/** The embedding size, searched when `tune.space` names it; `{"embeddingSize": {}}` takes these values. */
export const EMBEDDING_SIZE: Parameter = { name: 'embeddingSize', kind: 'choice', values: [0, 16, 64] };

/** Every parameter the proxy has: the default space's, then those a config file may add. */
const KNOWN_PARAMETERS: Parameter[] = [...DEFAULT_TUNE_SPACE, EMBEDDING_SIZE];

/** The smallest value each choice parameter takes (a batch needs a record; an embedding size of 0 is the linear model). */
const CHOICE_MINIMUM: Record<string, number> = { batchSize: 1, embeddingSize: 0 };

/** What a configured range of each range parameter must satisfy (log scales need positive bounds). */
const RANGE_RULES: Record<string, { valid(min: number, max: number): boolean; text: string }> = {
	learningRate: { valid: (min, max) => min > 0 && min < max, text: '0 < min < max' },
	l2: { valid: (min, max) => min > 0 && min < max, text: '0 < min < max' },
	dropout: { valid: (min, max) => min >= 0 && min < max && max < 1, text: '0 ≤ min < max < 1' },
};

/**
 * The default space with a config file's `tune.space` applied: `{"learningRate": {"min": 1e-4, "max": 0.1},
 * "batchSize": {"values": [16, 32]}}` replaces a range or the choices of a parameter; the parameters it does not name
 * keep their defaults, and `embeddingSize` joins the space when named (`{}` for its default values). An entry that
 * is not a valid range or choice list, or that names a parameter the proxy does not have, is reported in `problems`
 * (as "tune.space.NAME: …") and ignored.
 */
export function configuredSpace(overrides: unknown, problems: string[]): Parameter[] {
	const known = KNOWN_PARAMETERS.map((parameter) => parameter.name).join(', ');
	if (!isRecord(overrides)) {
		problems.push(`tune.space must be an object keyed by parameter (${known})`);
		return DEFAULT_TUNE_SPACE;
	}
	for (const name of Object.keys(overrides)) {
		if (!KNOWN_PARAMETERS.some((parameter) => parameter.name === name)) {
			problems.push(`tune.space.${name} is not a parameter of the proxy model (known: ${known})`);
		}
	}
	const searched = KNOWN_PARAMETERS.filter((parameter) => DEFAULT_TUNE_SPACE.includes(parameter) || overrides[parameter.name] !== undefined);
	return searched.flatMap((parameter) => {
		const entry = overrides[parameter.name];
		if (entry === undefined) {
			return [parameter];
		}
		// An unusable entry keeps what the space would have without it: the default, or no search of an optional parameter.
		const inDefaultSpace = DEFAULT_TUNE_SPACE.includes(parameter);
		const fallback = inDefaultSpace ? { parameters: [parameter], text: 'using the default' } : { parameters: [], text: 'not searched' };
		if (parameter.kind === 'choice') {
			const values = isRecord(entry) ? (entry.values ?? parameter.values) : undefined;
			const minimum = CHOICE_MINIMUM[parameter.name];
			if (Array.isArray(values) && values.length > 0 && values.every((value) => Number.isInteger(value) && (value as number) >= minimum)) {
				return [{ ...parameter, values: [...new Set(values as number[])] }];
			}
			problems.push(`tune.space.${parameter.name}: ${JSON.stringify(entry)} is not {"values": [whole numbers ≥ ${minimum}]}; ${fallback.text}`);
			return fallback.parameters;
		}
		const rule = RANGE_RULES[parameter.name];
		const { min, max } = isRecord(entry) ? entry : {};
		if (typeof min === 'number' && typeof max === 'number' && rule.valid(min, max)) {
			return [{ ...parameter, min, max }];
		}
		problems.push(`tune.space.${parameter.name}: ${JSON.stringify(entry)} is not {"min": x, "max": y} with ${rule.text}; ${fallback.text}`);
		return fallback.parameters;
	});
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
