export { spawn } from './spawn.js';
