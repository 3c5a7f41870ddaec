import { type Random, seededRandom, shuffleInPlace } from './random';

/**
 * Stratified, seeded splits over example indices: every label keeps its share in each part, so a rare label is never
 * missing from the validation set or from a fold.
 */

/** Indices of the examples, grouped by class id and shuffled with `random`. */
function shuffledByClass(classes: ArrayLike<number>, random: Random): number[][] {
	const byClass: number[][] = [];
	for (let i = 0; i < classes.length; i++) {
		(byClass[classes[i]] ??= []).push(i);
	}
	return byClass.map((indices) => shuffleInPlace(indices, random));
}

/** Splits indices into train and validation parts, holding out `validationShare` of every class (at least one record). */
export function stratifiedSplit(classes: ArrayLike<number>, validationShare: number, seed: number): { train: number[]; validation: number[] } {
	const train: number[] = [];
	const validation: number[] = [];
	for (const indices of shuffledByClass(classes, seededRandom(seed))) {
		const held = Math.max(1, Math.round(indices.length * validationShare));
		validation.push(...indices.slice(0, held));
		train.push(...indices.slice(held));
	}
	return { train: train.sort((a, b) => a - b), validation: validation.sort((a, b) => a - b) };
}

/** Assigns every index to one of `folds` folds, dealing each class round-robin so the folds are stratified. */
export function stratifiedFolds(classes: ArrayLike<number>, folds: number, seed: number): number[][] {
	const result: number[][] = Array.from({ length: folds }, () => []);
	let next = 0;
	for (const indices of shuffledByClass(classes, seededRandom(seed))) {
		for (const index of indices) {
			result[next % folds].push(index);
			next++;
		}
	}
	return result.map((fold) => fold.sort((a, b) => a - b));
}

/** A stratified subsample holding `share` of every class of `indices` (at least one record per class). */
export function stratifiedSubsample(indices: readonly number[], classes: ArrayLike<number>, share: number, seed: number): number[] {
	const subset = indices.map((index) => classes[index]);
	const { validation } = stratifiedSplit(subset, share, seed);
	return validation.map((position) => indices[position]);
}
