// ESLint flat config: typescript-eslint's recommended rules with type information, plus the house rules of
// shared/guides/style.md §8.6 (no floating promises, no console in the server, the pure core kept pure).
import tseslint from 'typescript-eslint';

export default tseslint.config(
	{ ignores: ['out/**', '**/out/**', 'node_modules/**', '.e2e/**', '.bench/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
	...tseslint.configs.recommended,
	{
		files: ['**/*.ts'],
		languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
		rules: {
			'@typescript-eslint/no-floating-promises': 'error',
			'@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
			eqeqeq: 'error',
			curly: 'error',
		},
	},
	{
		files: ['server/src/**/*.ts'],
		ignores: ['server/src/cli/**'],
		rules: { 'no-console': 'error' },
	},
	{
		// The engine is pure: no editor, protocol or file system (shared/guides/style.md §8.2).
		files: ['server/src/core/**/*.ts'],
		rules: {
			'no-restricted-imports': ['error', { patterns: [{ group: ['vscode', 'vscode-*', 'node:*', 'fs', 'path', 'child_process', 'crypto', 'os'], message: 'server/src/core is pure: no editor, protocol, file system or Node APIs.' }] }],
		},
	},
);
