import {
  assertRevision,
  compareRevisions,
  isCanonicalRevision,
  nextRevision,
  type Revision,
  ZERO_REVISION,
} from '@statesync/core';

isCanonicalRevision('42'); // true
isCanonicalRevision('042'); // false (also false for 42, '-1', '1e3', '18446744073709551616')
const revision: Revision = assertRevision(JSON.parse('"17"'), 'body.revision'); // throws `protocol` otherwise
compareRevisions('9', '10') < 0; // true: negative, 0 or positive, like a sort comparator
nextRevision('99'); // '100'; throws `protocol` after '18446744073709551615'
console.log(ZERO_REVISION, nextRevision(revision)); // '0' '18'
