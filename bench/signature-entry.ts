/** What the signature micro-benchmark runs: the Worker's own parsing and verification. */
export { verifySignature } from '../src/access/signature';
export { readConfig } from '../src/config';
export { readTarget } from '../src/request/query';
