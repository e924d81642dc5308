/** The scenario language: types, authoring functions and validation. */
export * from './types.js';
export * from './dsl.js';
export * from './matchers.js';
export * from './errors.js';
export { validateScenario } from './validate.js';
export * from './model.js';
