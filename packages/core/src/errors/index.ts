export * from './codes.js';
export * from './registry-error.js';
export { errorHeaders } from './http-headers.js';
export * from './serialize.js';
export * from './unavailable.js';
