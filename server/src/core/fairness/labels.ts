/**
 * What counts as the "label" of a record for the group × label association when the data is chat or instruction data
 * without an explicit label: the answer class when the answers form a small set, otherwise whether the answer is a refusal.
 */
import { isClassificationLike } from '../balance/labels';

export { MAX_ANSWER_CLASSES } from '../balance/labels';

/** Phrases that open a refusal or an apology-refusal in assistant answers. */
const REFUSAL_OPENING =
	/^(?:i['’]?m sorry|i am sorry|sorry,? (?:but )?i|i apologi[sz]e|unfortunately,? i (?:can(?:no|['’])t|am unable|won['’]t)|i (?:can(?:no|['’])t|cannot|won['’]t|will not|must decline|refuse to)|i['’]?m (?:not able|unable|afraid i (?:can(?:no|['’])t|cannot))|i am (?:not able|unable)|as an ai\b|i do not feel comfortable|i don['’]t feel comfortable|i['’]m not comfortable)/i;

/** Refusal phrases that count anywhere in the first sentences, not only at the start. */
const REFUSAL_ANYWHERE = /\b(?:i (?:can(?:no|['’])t|cannot|won['’]t|will not) (?:help|assist|provide|comply|fulfil|do that|create|write|generate)|against my (?:guidelines|programming|policy)|i['’]?m not able to (?:help|assist|provide))/i;

/** How many leading characters of an answer are searched for refusal phrases. */
const REFUSAL_WINDOW = 300;

/** True when an assistant answer reads as a refusal ("I'm sorry, but I can't help with that"). */
export function isRefusal(answer: string): boolean {
	const opening = answer.trimStart().slice(0, REFUSAL_WINDOW);
	return REFUSAL_OPENING.test(opening) || REFUSAL_ANYWHERE.test(opening);
}

/** The two labels used when answers are generative. */
export const REFUSAL_LABEL = 'refusal';
export const ANSWERED_LABEL = 'answered';

/**
 * The answer as a label: trimmed, exactly as the label-balance rules read it (core/balance/labels.ts), so that both
 * reports name the same classes.
 */
export function answerLabel(answer: string): string {
	return answer.trim();
}

/**
 * True when `distinctAnswers` classes over `records` answered records make a classification task: the label-balance rule
 * (at most 50 classes and under a third of the records), and at least two classes, since one class has nothing to skew.
 */
export function isSmallAnswerSet(distinctAnswers: number, records: number): boolean {
	return distinctAnswers >= 2 && isClassificationLike(undefined, distinctAnswers, records);
}
