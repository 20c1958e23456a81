import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ENV_VARIABLES } from '../packages/core/src/index.js';

/**
 * The documentation stands on its own and says what the code does: every relative link resolves,
 * nothing points outside the repository, every variable or constant a document names exists in
 * the code, and every package script names projects and files that exist.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tracked = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
  cwd: root,
  encoding: 'utf8',
})
  .split('\n')
  .filter((file) => file !== '' && existsSync(path.join(root, file)));
const documents = tracked.filter((file) => file.endsWith('.md'));
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

describe('the documentation', () => {
  it('links only to files that exist', () => {
    const broken: string[] = [];
    for (const file of documents) {
      for (const [, target] of read(file).matchAll(/\]\(([^)\s]+)\)/g)) {
        const link = (target as string).split('#')[0] as string;
        if (link === '' || /^[a-z]+:/.test(link)) continue;
        if (!existsSync(path.resolve(root, path.dirname(file), link))) broken.push(`${file} → ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('points at nothing outside the repository', () => {
    const outside = ['..', 'shared'].join('/');
    const offenders = tracked
      .filter((file) => !/\.(png|jpg|ico|lock)$|pnpm-lock\.yaml$/.test(file))
      .filter((file) => read(file).includes(outside));
    expect(offenders).toEqual([]);
  });

  it('names only variables and constants that exist in the code', () => {
    // Every ALL_CAPS_NAME a document mentions must appear in some file that is not a document:
    // a configuration variable, a constant, an error or reason code.
    const code = tracked
      .filter((file) => !file.endsWith('.md') && !/\.(png|jpg|ico)$/.test(file))
      .map(read)
      .join('\n');
    const unknown = new Set<string>();
    for (const file of documents) {
      for (const [name] of read(file).matchAll(/\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/g)) {
        if (!code.includes(name)) unknown.add(`${name} (${file})`);
      }
    }
    expect([...unknown]).toEqual([]);
  });

  it('lists in .env.example exactly the variables the configuration reads', () => {
    const listed = [...read('.env.example').matchAll(/^#? ?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]);
    expect(new Set(listed)).toEqual(new Set(ENV_VARIABLES));
  });

  it('has package scripts that name existing Vitest projects and files', () => {
    const projects = new Set(['unit', 'integration']);
    const problems: string[] = [];
    for (const manifest of tracked.filter((file) => file.endsWith('package.json'))) {
      const dir = path.dirname(manifest);
      const scripts = (JSON.parse(read(manifest)) as { scripts?: Record<string, string> }).scripts ?? {};
      for (const [name, command] of Object.entries(scripts)) {
        for (const [, project] of command.matchAll(/--project[ =](\S+)/g)) {
          if (!projects.has(project as string)) problems.push(`${manifest} ${name}: no project ${project}`);
        }
        for (const [, file] of command.matchAll(/(?:^|\s)((?:\.{1,2}\/)?[\w./-]+\.(?:ts|sh|mjs|js))\b/g)) {
          if (file?.startsWith('dist/')) continue; // built by `pnpm build`
          if (!existsSync(path.resolve(root, dir, file as string)))
            problems.push(`${manifest} ${name}: no ${file}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
