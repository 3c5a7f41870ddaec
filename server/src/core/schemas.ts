/**
 * Structural validation of one record against the JSON Schema of its dataset format (server/schemas/*.schema.json),
 * with ajv's raw errors turned into one human message per real problem.
 */
import type { ErrorObject, SchemaObject, ValidateFunction } from 'ajv/dist/2020';
import Ajv2020 from 'ajv/dist/2020';

import alpacaSchema from '../../schemas/alpaca.schema.json';
import classificationSchema from '../../schemas/classification.schema.json';
import chatSchema from '../../schemas/openai-chat.schema.json';
import chatStrictSchema from '../../schemas/openai-chat.strict.schema.json';
import preferenceSchema from '../../schemas/openai-preference.schema.json';
import promptCompletionSchema from '../../schemas/prompt-completion.schema.json';
import promptOnlySchema from '../../schemas/prompt-only.schema.json';
import sharegptPreferenceSchema from '../../schemas/sharegpt-preference.schema.json';
import sharegptSchema from '../../schemas/sharegpt.schema.json';
import textSchema from '../../schemas/text.schema.json';
import trlPreferenceSchema from '../../schemas/trl-preference.schema.json';
import unpairedPreferenceSchema from '../../schemas/unpaired-preference.schema.json';
import vertexGeminiSchema from '../../schemas/vertex-gemini.schema.json';
import type { DatasetFormat } from './types';

/** One structural problem in a record. */
export interface SchemaError {
	/**
	 * JSON path to the offending value, e.g. `['messages', 2, 'weight']`. When `key` is set, it is the path of the
	 * object that lacks that key or holds it without being allowed to, so `[...path, key]` names the key itself.
	 */
	path: (string | number)[];
	/** For a missing or a not-allowed key: the key's name. */
	key?: string;
	/** A human message, e.g. "messages[2].weight must be 0 or 1, got 2". */
	message: string;
}

/** `strict` forbids keys the provider does not know; only openai-chat has a strict profile, the others fall back to default. */
export type SchemaProfile = 'default' | 'strict';

/**
 * Validates one parsed record against the schema of `format` and returns its problems (empty when valid).
 * Each schema is compiled once, on first use.
 */
export function validateRecord(format: DatasetFormat, value: unknown, profile: SchemaProfile): SchemaError[] {
	// Almost every record is valid: a validator that stops at the first error answers that several times faster
	// than one collecting every error with its value, which then runs only for the invalid records.
	if (validatorFor(format, profile, 'fast')(value)) {
		return [];
	}
	const validate = validatorFor(format, profile, 'detailed');
	if (validate(value)) {
		return [];
	}
	return describeErrors(validate.errors ?? [], value);
}

const DEFAULT_SCHEMAS: Record<DatasetFormat, SchemaObject> = {
	'openai-chat': chatSchema,
	'openai-preference': preferenceSchema,
	'prompt-completion': promptCompletionSchema,
	alpaca: alpacaSchema,
	sharegpt: sharegptSchema,
	'sharegpt-preference': sharegptPreferenceSchema,
	'trl-preference': trlPreferenceSchema,
	'unpaired-preference': unpairedPreferenceSchema,
	'prompt-only': promptOnlySchema,
	text: textSchema,
	'vertex-gemini': vertexGeminiSchema,
	classification: classificationSchema,
};

const STRICT_SCHEMAS: Partial<Record<DatasetFormat, SchemaObject>> = {
	'openai-chat': chatStrictSchema,
};

type ValidatorKind = 'fast' | 'detailed';

/** One ajv instance per kind (a schema's $id can be added to an instance once). */
const instances: Partial<Record<ValidatorKind, Ajv2020>> = {};
const validators: Record<ValidatorKind, Map<SchemaObject, ValidateFunction>> = { fast: new Map(), detailed: new Map() };

function validatorFor(format: DatasetFormat, profile: SchemaProfile, kind: ValidatorKind): ValidateFunction {
	const schema = (profile === 'strict' ? STRICT_SCHEMAS[format] : undefined) ?? DEFAULT_SCHEMAS[format];
	let validate = validators[kind].get(schema);
	if (validate === undefined) {
		// `verbose` makes ajv attach the failing value and schema to each error; the messages below need both.
		const detailed = kind === 'detailed';
		const ajv = (instances[kind] ??= new Ajv2020({ allErrors: detailed, verbose: detailed, strict: true, allowUnionTypes: true }));
		validate = ajv.compile(schema);
		validators[kind].set(schema, validate);
	}
	return validate;
}

/**
 * Collapses ajv's error list into one message per problem. The schemas are written so that this stays simple:
 * role- and type-dependent keys use if/then (the `if` error only repeats its `then` errors, so it is dropped), and
 * every anyOf either chooses between JSON types or between alternative required keys.
 */
function describeErrors(errors: ErrorObject[], root: unknown): SchemaError[] {
	const dropped = new Set<ErrorObject>();
	const summaries = new Map<ErrorObject, SchemaError>();
	for (const error of errors) {
		if (error.keyword === 'if') {
			dropped.add(error);
		} else if (error.keyword === 'anyOf') {
			const summary = summarizeAnyOf(error, errors, dropped, root);
			if (summary === undefined) {
				dropped.add(error);
			} else {
				summaries.set(error, summary);
			}
		}
	}
	dropNarrowerDuplicates(errors, dropped);
	return errors.filter((error) => !dropped.has(error)).map((error) => summaries.get(error) ?? describeError(error, root));
}

interface BranchSchema {
	type?: string | string[];
	required?: string[];
	description?: string;
}

/**
 * Explains a failed anyOf, marking the errors of its branches as dropped. Returns undefined when the value has the
 * JSON type of one branch: then that branch's own errors (deeper in the value) are the real problems.
 */
function summarizeAnyOf(anyOf: ErrorObject, errors: ErrorObject[], dropped: Set<ErrorObject>, root: unknown): SchemaError | undefined {
	const branches = (Array.isArray(anyOf.schema) ? anyOf.schema : []) as BranchSchema[];
	const path = toPath(anyOf.instancePath, root);
	const atSamePlace = errors.filter((error) => error !== anyOf && error.instancePath === anyOf.instancePath);
	if (branches.every((branch) => branch.type === undefined && branch.required !== undefined)) {
		const keys = branches.flatMap((branch) => branch.required ?? []);
		for (const error of atSamePlace) {
			if (error.keyword === 'required' && keys.includes(String(error.params['missingProperty']))) {
				dropped.add(error);
			}
		}
		return { path, message: `${formatPath(path)} must have one of the keys ${keys.map(quote).join(', ')}${neededBecause(anyOf)}` };
	}
	for (const error of atSamePlace) {
		if (error.keyword === 'type') {
			dropped.add(error);
		}
	}
	const actual = jsonType(anyOf.data);
	if (branches.some((branch) => typesOf(branch.type).some((type) => type === actual || (type === 'number' && actual === 'integer')))) {
		return undefined;
	}
	const expected = branches.map((branch) => branch.description ?? typesOf(branch.type).map(typePhrase).join(' or '));
	return { path, message: `${formatPath(path)} must be ${orList(expected)}, got ${describeValue(anyOf.data)}` };
}

/** Two enums on one value (a general message schema and a narrower one) would say the same thing twice: keep the narrower. */
function dropNarrowerDuplicates(errors: ErrorObject[], dropped: Set<ErrorObject>): void {
	const enums = new Map<string, ErrorObject>();
	for (const error of errors) {
		if (error.keyword !== 'enum' || dropped.has(error)) {
			continue;
		}
		const previous = enums.get(error.instancePath);
		if (previous === undefined) {
			enums.set(error.instancePath, error);
		} else if (allowedValues(error).length < allowedValues(previous).length) {
			dropped.add(previous);
			enums.set(error.instancePath, error);
		} else {
			dropped.add(error);
		}
	}
}

function describeError(error: ErrorObject, root: unknown): SchemaError {
	const path = toPath(error.instancePath, root);
	const subject = formatPath(path);
	const got = describeValue(error.data);
	switch (error.keyword) {
		case 'type':
			return { path, message: `${subject} must be ${orList(typesOf(error.params['type']).map(typePhrase))}, got ${got}` };
		case 'enum':
			return { path, message: `${subject} must be ${oneOf(allowedValues(error).map(describeValue))}, got ${got}` };
		case 'const':
			return { path, message: `${subject} must be ${describeValue(error.params['allowedValue'])}, got ${got}` };
		case 'required': {
			const key = String(error.params['missingProperty']);
			return { path, key, message: `${subject} is missing the required key ${quote(key)}${neededBecause(error)}` };
		}
		case 'additionalProperties': {
			const key = String(error.params['additionalProperty']);
			const allowed = Object.keys((error.parentSchema?.['properties'] as object | undefined) ?? {});
			return {
				path,
				key,
				message: `${subject} has the unknown key ${quote(key)} (allowed keys: ${allowed.join(', ')})`,
			};
		}
		case 'minItems':
			return {
				path,
				message:
					error.params['limit'] === 1
						? `${subject} must not be an empty array`
						: `${subject} must have at least ${itemCount(error.params['limit'])}, got ${countOf(error.data)}`,
			};
		case 'maxItems':
		case 'items':
			return { path, message: `${subject} must have at most ${itemCount(error.params['limit'])}, got ${countOf(error.data)}` };
		default:
			return { path, message: `${subject} ${error.message ?? 'is not valid'}` };
	}
}

/** Role- and type-dependent requirements come from a `then`; saying which discriminator triggered it helps the reader. */
function neededBecause(error: ErrorObject): string {
	if (!error.schemaPath.includes('/then/') || !isObject(error.data)) {
		return '';
	}
	for (const discriminator of ['role', 'type']) {
		const value = error.data[discriminator];
		if (typeof value === 'string') {
			return ` (needed when ${discriminator} is ${quote(value)})`;
		}
	}
	return '';
}

/** Turns an ajv instancePath (`/messages/2/weight`) into segments, with numbers for array indexes. */
function toPath(instancePath: string, root: unknown): (string | number)[] {
	const path: (string | number)[] = [];
	let node = root;
	for (const raw of instancePath.split('/').slice(1)) {
		const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
		if (Array.isArray(node)) {
			const index = Number(segment);
			path.push(index);
			node = node[index];
		} else {
			path.push(segment);
			node = isObject(node) ? node[segment] : undefined;
		}
	}
	return path;
}

/** `messages[2].weight`, `metadata["source file"]`, or `the record` for the root. */
function formatPath(path: (string | number)[]): string {
	if (path.length === 0) {
		return 'the record';
	}
	let text = '';
	for (const segment of path) {
		if (typeof segment === 'number') {
			text += `[${segment}]`;
		} else if (/^[A-Za-z_$][\w$]*$/.test(segment)) {
			text += text === '' ? segment : `.${segment}`;
		} else {
			text += `[${JSON.stringify(segment)}]`;
		}
	}
	return text;
}

function jsonType(value: unknown): string {
	if (value === null) {
		return 'null';
	}
	if (Array.isArray(value)) {
		return 'array';
	}
	if (typeof value === 'number' && Number.isInteger(value)) {
		return 'integer';
	}
	return typeof value;
}

function typesOf(type: unknown): string[] {
	if (Array.isArray(type)) {
		return type.map(String);
	}
	return typeof type === 'string' ? type.split(',') : [];
}

function typePhrase(type: string): string {
	switch (type) {
		case 'null':
			return 'null';
		case 'boolean':
			return 'true or false';
		case 'object':
		case 'array':
		case 'integer':
			return `an ${type}`;
		default:
			return `a ${type}`;
	}
}

const MAX_SHOWN_VALUE = 40;

function describeValue(value: unknown): string {
	if (value === undefined) {
		return 'nothing';
	}
	if (Array.isArray(value)) {
		return 'an array';
	}
	if (isObject(value)) {
		return 'an object';
	}
	const text = JSON.stringify(value);
	return text.length > MAX_SHOWN_VALUE ? `${text.slice(0, MAX_SHOWN_VALUE - 1)}…` : text;
}

function allowedValues(error: ErrorObject): unknown[] {
	const values: unknown = error.params['allowedValues'];
	return Array.isArray(values) ? values : [];
}

function oneOf(choices: string[]): string {
	return choices.length > 2 ? `one of ${choices.join(', ')}` : orList(choices);
}

function orList(choices: string[]): string {
	return choices.length > 1 ? `${choices.slice(0, -1).join(', ')} or ${choices[choices.length - 1]}` : (choices[0] ?? 'valid');
}

function itemCount(limit: unknown): string {
	return limit === 1 ? '1 item' : `${String(limit)} items`;
}

function countOf(value: unknown): number {
	return Array.isArray(value) ? value.length : 0;
}

function quote(text: string): string {
	return `'${text}'`;
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
