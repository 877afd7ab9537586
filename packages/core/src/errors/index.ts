export * from './codes.js';
export * from './registry-error.js';
export * from './serialize.js';
