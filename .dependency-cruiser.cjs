/**
 * The house's layer map, checked by `npm test` (ARCHITECTURE.md#layers).
 * Arrows point down: http → jobs → app (and the feature folders email/, calendar/) → integrations
 * → db → domain; shared is usable by all and uses none of them.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle means two modules cannot be understood (or tested) one without the other.',
      from: { path: '^(src|packages/strava-sim/src)/' },
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment:
        'Detection and plan logic are functions over plain data and a reference time: no I/O, no other layer.',
      from: { path: '^src/domain/' },
      to: { path: '^src/(?!domain/)' },
    },
    {
      name: 'domain-has-no-io',
      severity: 'error',
      comment: 'The domain never reaches the network, the disk, the database or the queue.',
      from: { path: '^src/domain/' },
      to: {
        dependencyTypes: ['npm', 'core'],
        path: '(^|/)(node:)?(fs|net|http|https|child_process|pg|ioredis|bullmq|axios|express|drizzle-orm|nodemailer)(/|$)',
      },
    },
    {
      name: 'http-never-imports-db',
      severity: 'error',
      comment: 'Handlers call use cases; queries live in src/db/repositories.',
      from: { path: '^src/http/' },
      to: { path: '^src/db/' },
    },
    {
      name: 'app-never-imports-jobs',
      severity: 'error',
      comment: 'Use cases reach queues through the JobQueue port in AppDeps; src/jobs implements it.',
      from: { path: '^src/(app|email|calendar)/' },
      to: { path: '^src/jobs/' },
    },
    {
      name: 'integrations-never-import-app',
      severity: 'error',
      comment: 'Adapters to Strava and mail know nothing of the use cases that call them.',
      from: { path: '^src/(integrations|email/transport)/' },
      to: { path: '^src/(app|jobs|http|email/(?!transport/)|calendar)/' },
    },
    {
      name: 'only-repositories-touch-tables',
      severity: 'error',
      comment: 'src/db/repositories owns every query: nothing else imports the drizzle tables.',
      from: { path: '^src/', pathNot: '^src/db/' },
      to: { path: '^src/db/schema/' },
    },
    {
      name: 'db-stays-below',
      severity: 'error',
      comment: 'The database layer serves the layers above and never calls them.',
      from: { path: '^src/db/' },
      to: { path: '^src/(app|jobs|http|email|calendar|integrations|cli)/' },
    },
    {
      name: 'shared-stays-shared',
      severity: 'error',
      comment: 'src/shared holds small tools every layer may use, so it may use no layer.',
      from: { path: '^src/shared/' },
      to: { path: '^src/(app|jobs|http|email|calendar|integrations|db|cli)/' },
    },
    {
      name: 'service-never-imports-the-simulator-source',
      severity: 'error',
      comment: 'The simulator is its own package (@rampguard/strava-sim), imported by name only.',
      from: { path: '^src/' },
      // tsconfig maps the package name to its source for development; only its index is public.
      to: { path: '^packages/', pathNot: '^packages/strava-sim/src/index\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.json'],
    },
  },
};
