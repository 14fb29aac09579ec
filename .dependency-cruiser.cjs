/**
 * Import hygiene, checked by `npm run lint`: no module may reach itself again through its
 * imports, type-only ones included (a type cycle still ties two modules into one unit that
 * neither can be understood, moved or tested without the other).
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import cycle: move what both sides need into a module that neither imports.',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|out|test-results)/' },
    // Read imports before TypeScript erases the type-only ones.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
}
