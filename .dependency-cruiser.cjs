// The house's floors (docs/architecture.md): a folder of src/ may import its own floor's helpers and the floors
// below it, never one above. `npm run lint` fails on an import that runs back up, on a cycle, and on rules
// code that reaches for I/O.
const FLOORS = [
  ['config', 'logging'],
  ['common'],
  ['database', 'jobs', 'metrics'],
  ['centers', 'audit', 'health'],
  ['follow-ups', 'webhooks', 'admin'],
  ['reminders', 'interactions'],
  ['directory', 'advisors-api'],
];

const above = (floor) => FLOORS.slice(floor + 1).flat();
const upward = FLOORS.flatMap((folders, floor) =>
  above(floor).length === 0
    ? []
    : [
        {
          name: `floor-${floor + 1}-imports-upward`,
          comment: `${folders.join(', ')} may not import ${above(floor).join(', ')}: that import runs back up`,
          severity: 'error',
          from: { path: `^src/(${folders.join('|')})/` },
          to: { path: `^src/(${above(floor).join('|')}|app\\.module|bootstrap|main)\\b` },
        },
      ],
);

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...upward,
    {
      name: 'no-circular',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'rules-stay-pure',
      comment: 'src/follow-ups/domain is pure: no framework, database, queue or other folder of the app',
      severity: 'error',
      from: { path: '^src/follow-ups/domain/' },
      to: {
        pathNot: ['^src/follow-ups/domain/', 'node_modules/(luxon|mustache)/'],
        dependencyTypesNot: ['core', 'type-only'],
      },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['\\.spec\\.ts$', '^src/follow-ups/domain/reference/'] },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
