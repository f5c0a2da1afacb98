import { randomId } from '@statesync/core';
import { createRandom } from '@statesync/core/testing';

const windowId = randomId(); // e.g. '1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed'
const seededId = randomId(createRandom(7)); // the same 16 hex digits on every run
console.log(windowId, seededId);
