import { packageBuild } from '../../tsup.base';

// The command line is built beside the library; the CommonJS copy finds the templates through
// tsup's import.meta.url shim.
export default { ...packageBuild(['src/index.ts', 'src/cli.ts']), shims: true };
