import { copyFile, cp, mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StateSyncError } from '@statesync/core';
import { isTemplateName, TEMPLATES, type TemplateName } from './templates.js';

export interface CreateProjectOptions {
  /** The folder to create the app in. It must not exist yet, or be empty. */
  dir: string;
  /** One of {@link TEMPLATES}. */
  template: TemplateName;
  /**
   * A folder of tarballs made by `npm run pack` in a clone of statesync (it holds `packs.json`).
   * They are copied into the app's `statesync-packs/` and its package.json installs them from
   * there, so the app needs nothing published. Without it, the app depends on the published
   * `@statesync/*` packages of this version range.
   */
  packs?: string;
  /** The app's package name. @default the folder's name */
  name?: string;
}

export interface CreatedProject {
  dir: string;
  template: TemplateName;
  /** What the app's package.json names for each `@statesync/*` package it uses. */
  statesync: Record<string, string>;
}

/** Where the templates are: `templates/` of this package, beside `dist/` and `src/`. */
const templatesDir = () => fileURLToPath(new URL('../templates/', import.meta.url));

/** The `@statesync/*` version range an app created by this version depends on. */
async function publishedRange(): Promise<string> {
  const own = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
  return `^${own.version as string}`;
}

interface PackIndex {
  [name: string]: { version: string; file: string };
}

async function readPacks(dir: string): Promise<PackIndex> {
  try {
    return JSON.parse(await readFile(join(dir, 'packs.json'), 'utf8')) as PackIndex;
  } catch (error) {
    throw new StateSyncError(
      'invalid_option',
      `no packs.json in ${dir}: run "npm run pack" in the statesync clone first`,
      { cause: error },
    );
  }
}

async function assertEmpty(dir: string): Promise<void> {
  const entries = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  if (entries.length > 0) {
    throw new StateSyncError('invalid_option', `${dir} is not empty: choose a new folder`);
  }
}

/**
 * Creates a Vite app from a template in `dir`: copies the template, names the package, and points
 * its `@statesync/*` dependencies at the packed tarballs (`packs`) or the published range. It
 * installs nothing. Throws `invalid_option` for an unknown template, a folder that is not empty or
 * a packs folder without a tarball the template needs; a folder it could not fill is left as it
 * is for you to inspect.
 */
export async function createProject(options: CreateProjectOptions): Promise<CreatedProject> {
  const { template } = options;
  if (!isTemplateName(template)) {
    throw new StateSyncError(
      'invalid_option',
      `unknown template ${JSON.stringify(template)}; choose one of ${Object.keys(TEMPLATES).join(', ')}`,
    );
  }
  const dir = resolve(options.dir);
  await assertEmpty(dir);
  const packs = options.packs === undefined ? undefined : resolve(options.packs);
  const index = packs === undefined ? undefined : await readPacks(packs);

  await mkdir(dir, { recursive: true });
  await cp(join(templatesDir(), template), dir, { recursive: true });
  // npm leaves .gitignore out of a package's tarball, so the templates carry it as _gitignore.
  await rename(join(dir, '_gitignore'), join(dir, '.gitignore'));

  const manifestPath = join(dir, 'package.json');
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8'));
  manifest.name =
    options.name ??
    basename(dir)
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-');
  const range = await publishedRange();
  const statesync: Record<string, string> = {};
  const dependencies = manifest.dependencies as Record<string, string>;
  for (const name of Object.keys(dependencies).filter((dep) => dep.startsWith('@statesync/'))) {
    if (packs === undefined || index === undefined) {
      dependencies[name] = range;
    } else {
      const pack = index[name];
      if (!pack) {
        throw new StateSyncError('invalid_option', `${packs} has no tarball of ${name}`);
      }
      await mkdir(join(dir, 'statesync-packs'), { recursive: true });
      await copyFile(join(packs, pack.file), join(dir, 'statesync-packs', pack.file));
      dependencies[name] = `file:statesync-packs/${pack.file}`;
    }
    statesync[name] = dependencies[name] as string;
  }
  await writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return { dir, template, statesync };
}
