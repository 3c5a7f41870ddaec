import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** One problem ajv found, in ajv 6's shape. */
export interface SarifSchemaError {
	dataPath: string;
	message?: string;
	params: Record<string, unknown>;
}

interface DraftFourValidator {
	(data: unknown): boolean;
	errors?: SarifSchemaError[] | null;
}

interface DraftFourAjv {
	addMetaSchema(schema: object): void;
	compile(schema: object): DraftFourValidator;
}

type DraftFourAjvConstructor = new (options: Record<string, unknown>) => DraftFourAjv;

let validator: DraftFourValidator | undefined;

/**
 * Validates a SARIF log against the official SARIF 2.1.0 JSON schema (sarif-2.1.0-rtm.5.json, as shipped in the
 * @microsoft/jest-sarif package). The schema is JSON Schema draft-04, which ajv 8 no longer reads, so this uses the
 * ajv 6 that @microsoft/jest-sarif itself depends on, configured the way its own matcher configures it.
 */
export function validateSarif(log: unknown): SarifSchemaError[] {
	validator ??= compileSarifSchema();
	return validator(log) ? [] : [...(validator.errors ?? [])];
}

function compileSarifSchema(): DraftFourValidator {
	// Resolving from the package's own folder finds its ajv 6 whether npm nested or hoisted it.
	const fromPackage = createRequire(require.resolve('@microsoft/jest-sarif/package.json'));
	const readJson = (id: string): object => JSON.parse(readFileSync(fromPackage.resolve(id), 'utf8')) as object;
	const Ajv = fromPackage('ajv') as DraftFourAjvConstructor;
	const ajv = new Ajv({ schemaId: 'auto', allErrors: true, validateSchema: false });
	ajv.addMetaSchema(readJson('ajv/lib/refs/json-schema-draft-04.json'));
	return ajv.compile(readJson('./lib/schemas/sarif-2.1.0-rtm.5.json'));
}
