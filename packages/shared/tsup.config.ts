import { packageBuild } from '../../tsup.base';

export default packageBuild(['src/index.ts', 'src/testing.ts', 'src/devtools.ts', 'src/server.ts']);
