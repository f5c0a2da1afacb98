import { createRandom } from '@statesync/core/testing';

const a = createRandom(42);
const b = createRandom(42);
console.log(a() === b(), a() === b()); // true true
