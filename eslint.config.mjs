// ESLint (flat config): typescript-eslint's recommended rules, React hooks in the client, and the
// import boundaries that keep the layers honest. Run by `npm run lint` (part of `npm test`).
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'

const NODE_BUILTINS = [
  'assert',
  'buffer',
  'child_process',
  'crypto',
  'dns',
  'events',
  'fs',
  'fs/promises',
  'http',
  'https',
  'net',
  'os',
  'path',
  'process',
  'stream',
  'url',
  'util',
  'worker_threads',
  'zlib',
]
const nodeBuiltins = {
  paths: NODE_BUILTINS.map(name => ({ name, message: 'domain/ is pure: no Node APIs (it runs in cloud functions, scripts and the mini-program)' })),
  patterns: [{ group: ['node:*'], message: 'domain/ is pure: no Node APIs' }],
}
// One home per collection (docs/architecture.md): a collection's name appears only in its home,
// cloudfunctions/shared/collections/<name>.ts, which makes its handle; function code uses the handle.
const HOME = 'use the handle from cloudfunctions/shared/collections/<name>.ts (its home), not the name'
const NAME = '/^(Literal|TemplateLiteral)$/'
const collectionNames = [
  { selector: `CallExpression[callee.property.name='collection'][arguments.0.type=${NAME}]`, message: HOME },
  { selector: `CallExpression[callee.name=/^(getInTransaction|insertOnce)$/][arguments.1.type=${NAME}]`, message: HOME },
  { selector: `CallExpression[callee.name='docsByIds'][arguments.0.type=${NAME}]`, message: HOME },
  { selector: "CallExpression[callee.name='collectionHandle']", message: 'a collection handle is made only in its home, cloudfunctions/shared/collections/<name>.ts' },
]
const layer = (dirs, why) => ({ group: dirs.flatMap(d => [`../${d}/*`, `../../${d}/*`, `../../../${d}/*`, `../../../../${d}/*`, `../${d}`, `../../${d}`]), message: why })

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test-artifacts/**', '.data/**', 'client/config/**', '**/*.js', '**/*.cjs', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      // the emulator and the SDK speak untyped JSON; `any` stays visible in review rather than banned
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-require-imports': 'off',
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  {
    files: ['client/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // zod must stay out of the mini-program bundle: only types (and zod-free constants) from types/
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/types/*', '!**/types/limits'], allowTypeImports: true, message: 'import type only: types/ brings zod into the bundle (constants the client needs live in types/limits.ts)' },
          ],
        },
      ],
    },
  },
  {
    files: ['domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.paths,
          patterns: [...nodeBuiltins.patterns, layer(['cloudfunctions', 'emulator', 'scripts', 'client', 'test', 'deploy'], 'domain/ imports only types/ and pure libraries')],
        },
      ],
    },
  },
  {
    files: ['types/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [layer(['domain', 'cloudfunctions', 'emulator', 'scripts', 'client', 'test', 'deploy'], 'types/ holds contracts only: it imports nothing of ours but types/')] },
      ],
    },
  },
  {
    files: ['cloudfunctions/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [layer(['emulator', 'scripts', 'client', 'test'], 'a cloud function ships alone: only domain/, types/ and cloudfunctions/shared')] }] },
  },
  {
    files: ['cloudfunctions/**/*.ts'],
    ignores: ['cloudfunctions/shared/collections/**'],
    rules: { 'no-restricted-syntax': ['error', ...collectionNames] },
  },
  {
    files: ['scripts/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [layer(['test'], 'scripts/ never imports test/ (a deploy or a bench must not depend on the test suite)')] }] },
  },
)
