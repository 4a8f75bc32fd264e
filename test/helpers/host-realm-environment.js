/**
 * Jest's node environment runs each test file in its own V8 realm, so typed arrays made by
 * native addons (onnxruntime-node, ours) come from the host realm and fail `instanceof
 * Float32Array` checks inside the test realm — in libraries we do not control. This
 * environment hands the test realm the host's typed-array and ArrayBuffer constructors, so
 * arrays made on either side are the same kind, as they are in production.
 */
import { TestEnvironment } from 'jest-environment-node';

const SHARED = [
  'ArrayBuffer',
  'SharedArrayBuffer',
  'DataView',
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
];

// Jest loads a test environment from its module's default export.
// eslint-disable-next-line no-restricted-syntax
export default class HostRealmEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of SHARED) this.global[name] = globalThis[name];
  }
}
