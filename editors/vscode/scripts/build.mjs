// Bundles src/extension.ts and vscode-languageclient into dist/extension.js.
// Usage: node scripts/build.mjs [--watch] [--dev]
import * as esbuild from 'esbuild';

const watch = process.argv.includes('--watch');
const dev = watch || process.argv.includes('--dev');

const options = {
  entryPoints: ['src/extension.ts'],
  outfile: 'dist/extension.js',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  // VS Code 1.82 (the oldest we accept) runs extensions on Node 18.
  target: 'node18',
  external: ['vscode'],
  sourcemap: dev ? 'inline' : false,
  minifyWhitespace: !dev,
  minifySyntax: !dev,
  logLevel: 'info',
};

if (watch) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
} else {
  await esbuild.build(options);
}
