// Builds the pages' scripts and stylesheet (functions/Pages/web/src) into functions/Pages/assets with
// the pinned esbuild and uPlot. The output is committed, so `dotnet publish` ships exactly what was
// tested without a Node step; `--check` type-checks the sources and fails when the committed files
// differ from a fresh build (./bourse test runs it).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const web = path.resolve(here, '../../functions/Pages/web');
const out = path.resolve(here, '../../functions/Pages/assets');
const check = process.argv.includes('--check');
const pages = ['market', 'model', 'apply', 'x402'];

const result = await build({
  entryPoints: [...pages.map((p) => path.join(web, 'src', `${p}.ts`)), path.join(web, 'src', 'bourse.css')],
  outdir: out,
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2021'],
  legalComments: 'eof',
  nodePaths: [path.join(here, 'node_modules')],
  charset: 'utf8',
  write: false,
  logLevel: 'warning',
});

const stale = [];
mkdirSync(out, { recursive: true });
for (const file of result.outputFiles) {
  const name = path.relative(out, file.path);
  const committed = existsSync(file.path) ? readFileSync(file.path) : null;
  if (committed && Buffer.compare(committed, Buffer.from(file.contents)) === 0) continue;
  if (check) stale.push(name);
  else {
    writeFileSync(file.path, file.contents);
    console.log(`wrote functions/Pages/assets/${name} (${file.contents.length} bytes)`);
  }
}

if (check) {
  try {
    execFileSync(process.execPath, [path.join(here, 'node_modules/typescript/bin/tsc'), '-p', path.join(web, 'tsconfig.json')], { stdio: 'inherit' });
  } catch {
    console.error('the page sources do not type-check (tsc above)');
    process.exit(1);
  }
  if (stale.length) {
    console.error(`stale page assets: ${stale.join(', ')} (run: node tools/pages/build.mjs)`);
    process.exit(1);
  }
  console.log(`page assets are current (${result.outputFiles.length} files)`);
}
