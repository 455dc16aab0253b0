/**
 * Module boundaries, checked by `npm run lint:deps` (dependency-cruiser).
 *
 * - A lib's files are private: from outside libs/X only libs/X/src/index.ts may be imported
 *   (written `#lib/X`, which package.json "imports" resolves with the "source" condition).
 * - No import cycles between libs (a cycle inside one lib is that lib's business; TypeORM entity
 *   relations are type-only anyway).
 * - Libs never import apps/, test/, scripts/ or bench/.
 * - Everything must resolve (a typo in `#lib/...` or a missing `.js` file fails here, not at runtime).
 *
 * dependency-cruiser 17 is pinned because 18 refuses to run on Node 20.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'lib-private',
      comment:
        'Import another lib only through its public API: `#lib/<name>` (libs/<name>/src/index.ts). ' +
        'Export what you need from that index instead of reaching into its files.',
      severity: 'error',
      from: { pathNot: '^libs/' },
      to: {
        path: '^libs/[^/]+/src/.+',
        pathNot: '^libs/[^/]+/src/index\\.ts$',
      },
    },
    {
      name: 'lib-private-from-other-lib',
      comment: 'A lib imports another lib only through `#lib/<name>`.',
      severity: 'error',
      from: { path: '^libs/([^/]+)/' },
      to: {
        path: '^libs/([^/]+)/src/.+',
        pathNot: ['^libs/$1/', '^libs/[^/]+/src/index\\.ts$'],
      },
    },
    {
      name: 'no-cycles-between-libs',
      comment:
        'Libs form a directed graph (kernel <- regions <- providers, elders <- identity <- orders; ' +
        'audit-trail and notifications only on kernel). Break the cycle with a port in the lower lib.',
      severity: 'error',
      from: { path: '^libs/([^/]+)/' },
      to: {
        circular: true,
        viaSomeNot: '^libs/$1/',
      },
    },
    {
      name: 'libs-not-to-apps',
      comment: 'Libs never depend on the application, the tests, the scripts or the benchmarks.',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^(apps|test|scripts|bench)/' },
    },
    {
      name: 'app-code-not-to-tests',
      comment: 'Production code does not import test support.',
      severity: 'error',
      from: { path: '^(apps|libs|scripts)/', pathNot: '\\.spec\\.ts$' },
      to: { path: '^test/' },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'This import cannot be resolved (typo, missing file, or a package that is not installed).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'not-to-dev-dep',
      comment:
        'Code that runs in production (apps/, libs/, and scripts/seed/ which the API loads on first start) ' +
        'must not import devDependencies: the Docker image prunes them.',
      severity: 'error',
      from: { path: '^(apps|libs|scripts/seed)/', pathNot: '\\.spec\\.ts$' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules|coverage)/' },
    tsPreCompilationDeps: true,
    combinedDependencies: false,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      // "source" first: `#lib/x` → libs/x/src/index.ts (package.json "imports"), as tsc and jest see it.
      conditionNames: ['source', 'import', 'require', 'node', 'default', 'types'],
      exportsFields: ['exports'],
      mainFields: ['module', 'main', 'types', 'typings'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.d.ts'],
    },
    skipAnalysisNotInRules: true,
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
