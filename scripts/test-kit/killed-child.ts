/**
 * Test kit for crash tests (drivers/store's power loss, host-sdk's killed
 * host): a fixture bundled once with esbuild and run with plain node (fast
 * to start, so hundreds of rounds fit in a test), SIGKILLed at the moment
 * its own stdout lines announce.
 * @module
 */
import { build } from 'esbuild';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/**
 * Bundle the fixture at `entry` into `outdir`; the native `modules` stay
 * external, resolved to their absolute paths from here.
 * @returns the bundled script's path.
 */
export async function bundleFixture(entry: URL, outdir: string, modules: readonly string[]): Promise<string> {
  const require = createRequire(import.meta.url);
  const outfile = join(outdir, `${basename(entry.pathname, '.ts')}.mjs`);
  const natives = new RegExp(`^(${modules.join('|')})$`);
  await build({
    entryPoints: [fileURLToPath(entry)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    logLevel: 'silent',
    plugins: [{ name: 'native-modules', setup: (b) => b.onResolve({ filter: natives }, (args) => ({ path: require.resolve(args.path), external: true })) }],
  });
  return outfile;
}

/** When to kill: as soon as the process spawns, at the first line `killAt` says yes to, or never. */
export type KillMoment = 'spawn' | 'never' | ((line: string) => boolean);

/**
 * Run `script` with node until `moment`, SIGKILL it there, and return every
 * line it printed; `killed` is true only when SIGKILL ended it (not a
 * natural end that raced the kill).
 */
export function runUntilKilled(script: string, args: readonly string[], moment: KillMoment): Promise<{ lines: string[]; killed: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines: string[] = [];
    let killed = false;
    const fire = (): void => {
      if (!killed) killed = child.kill('SIGKILL');
    };
    if (moment === 'spawn') child.once('spawn', fire);
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      if (typeof moment === 'function' && moment(line)) fire();
    });
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ lines, killed: killed && signal === 'SIGKILL' && code === null }));
  });
}
