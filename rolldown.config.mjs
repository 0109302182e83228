// `npm run build`, after tsc: bundle bin/flotilla's entry (dist/cli/entry.js) in place with every module
// it imports, so the commands agents run many times a minute load one file instead of a dozen
// (see src/cli/entry.ts). The full CLI (main.js, imported by URL) and proper-lockfile (loaded only
// to change the registry) stay outside.
export default {
  input: 'dist/cli/entry.js',
  platform: 'node',
  external: ['proper-lockfile'],
  output: { file: 'dist/cli/entry.js', format: 'esm', inlineDynamicImports: true },
};
