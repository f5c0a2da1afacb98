import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isStateSyncError } from '@statesync/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProject, TEMPLATES, type TemplateName } from '../src/index.js';

let work: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'create-project-'));
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

const manifestOf = async (dir: string) =>
  JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
const own = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));

/** A packs folder as npm run pack writes it, with stand-in tarballs of the given packages. */
async function fakePacks(names: string[]): Promise<string> {
  const dir = join(work, 'packs');
  await mkdir(dir);
  const index: Record<string, { version: string; file: string }> = {};
  for (const name of names) {
    const file = `${name.slice(1).replace('/', '-')}-0.1.0.tgz`;
    await writeFile(join(dir, file), name);
    index[name] = { version: '0.1.0', file };
  }
  await writeFile(join(dir, 'packs.json'), JSON.stringify(index));
  return dir;
}

describe('createProject', () => {
  it.each(Object.keys(TEMPLATES) as TemplateName[])(
    '%s: the published range by default, the folder name as package name, a .gitignore',
    async (template) => {
      const dir = join(work, 'My App');
      const created = await createProject({ dir, template });
      const manifest = await manifestOf(dir);
      expect(manifest.name).toBe('my-app');
      const statesync = Object.keys(manifest.dependencies).filter((n) =>
        n.startsWith('@statesync/'),
      );
      expect(statesync.length).toBeGreaterThan(0);
      for (const name of statesync) expect(manifest.dependencies[name]).toBe(`^${own.version}`);
      expect(created.statesync).toEqual(
        Object.fromEntries(statesync.map((name) => [name, `^${own.version}`])),
      );
      expect((await stat(join(dir, '.gitignore'))).isFile()).toBe(true);
      await expect(stat(join(dir, '_gitignore'))).rejects.toThrow();
    },
  );

  it('with packs, copies the tarballs in and installs them from there', async () => {
    const packs = await fakePacks(['@statesync/core', '@statesync/shared', '@statesync/vue']);
    const dir = join(work, 'app');
    await createProject({ dir, template: 'vue-shared-tab', packs, name: 'tabs' });
    const manifest = await manifestOf(dir);
    expect(manifest.name).toBe('tabs');
    expect(manifest.dependencies['@statesync/shared']).toBe(
      'file:statesync-packs/statesync-shared-0.1.0.tgz',
    );
    expect(await readFile(join(dir, 'statesync-packs', 'statesync-vue-0.1.0.tgz'), 'utf8')).toBe(
      '@statesync/vue',
    );
    expect(manifest.dependencies.vue).toMatch(/^\^3/);
  });

  it('refuses an unknown template, a folder in use, packs without packs.json or a needed tarball', async () => {
    const refusals = [
      () => createProject({ dir: join(work, 'a'), template: 'angular' as TemplateName }),
      async () => {
        await mkdir(join(work, 'used'));
        await writeFile(join(work, 'used', 'keep.txt'), 'mine');
        return createProject({ dir: join(work, 'used'), template: 'vue-shared-tab' });
      },
      () =>
        createProject({ dir: join(work, 'b'), template: 'tauri-pinia', packs: join(work, 'none') }),
      async () =>
        createProject({
          dir: join(work, 'c'),
          template: 'react-shared-worker',
          packs: await fakePacks(['@statesync/core']),
        }),
    ];
    for (const refusal of refusals) {
      const error = await refusal().then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(isStateSyncError(error, 'invalid_option')).toBe(true);
    }
    // What was in the folder is untouched.
    expect(await readFile(join(work, 'used', 'keep.txt'), 'utf8')).toBe('mine');
  });
});
