import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench/**', 'examples/**', 'bin/**', 'scripts/**', 'test/fixtures/**', 'eslint.config.js', 'web/vite.config.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { 'import-x': importX },
    // Resolves `./x.js` specifiers to the `.ts` files, so the import rules see every import.
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver()] },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'import-x/no-cycle': 'error',
      'no-restricted-imports': 'off',
    },
  },
  {
    // The layers (docs/architecture.md). Every import counts, type-only ones included.
    files: ['src/**/*.ts'],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            { target: './src/domain', from: './src', except: ['./domain'], message: 'domain imports nothing outward.' },
            { target: './src/lib', from: './src', except: ['./lib', './domain'], message: 'lib imports only domain.' },
            {
              target: './src/definition',
              from: ['./src/engine', './src/agent', './src/stores', './src/providers', './src/server', './src/cli', './src/packaging'],
              message: 'definition imports only domain and lib.',
            },
            {
              target: './src/engine',
              from: ['./src/providers', './src/agent', './src/server', './src/cli'],
              message: 'the engine never imports providers, agent, server or cli: the contract lives in src/domain/jobs.',
            },
            {
              target: './src/agent',
              from: ['./src/engine', './src/server', './src/cli'],
              message: 'the agent runs jobs through the contract in src/domain/jobs, never the engine.',
            },
            {
              target: './src/stores',
              from: ['./src/providers', './src/engine', './src/agent', './src/server', './src/cli'],
              message: 'stores never import providers, engine, agent, server or cli.',
            },
            {
              target: './src/providers',
              from: ['./src/engine', './src/definition', './src/agent', './src/server', './src/cli'],
              message: 'providers never import engine, definition, agent, server or cli.',
            },
          ],
        },
      ],
    },
  },
  {
    // Every SQL statement is behind a store (docs/architecture.md): no query building, and no
    // `sql` template from Kysely, outside src/stores.
    files: ['src/**/*.ts'],
    ignores: ['src/stores/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'CallExpression[callee.property.name=/^(selectFrom|selectNoFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto)$/]',
          message: 'SQL runs in src/stores: add a function or method to a store there (e.g. src/stores/state/*-records.ts) and call it.',
        },
        {
          selector: "ImportDeclaration[source.value='kysely'] > ImportSpecifier[imported.name='sql']",
          message: "`sql` from 'kysely' is for src/stores only: put the statement in a store there and call it.",
        },
        {
          selector: "ExportNamedDeclaration[source.value='kysely'] > ExportSpecifier[local.name='sql']",
          message: "`sql` from 'kysely' is for src/stores only: put the statement in a store there and call it.",
        },
      ],
    },
  },
  {
    // One job per file (CONTRIBUTING.md): a file past 400 lines holds more than one.
    files: ['src/**/*.ts', 'web/**/*.{ts,tsx}', 'test/**/*.ts'],
    rules: { 'max-lines': ['error', { max: 400 }] },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['node:*'] }] },
  },
  {
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-unsafe-member-access': 'off', '@typescript-eslint/no-unsafe-assignment': 'off' },
  },
);
