// `@porter/cloud-connect-server/node`: what only Node (and Express) needs.
export {
  DEFAULT_BODY_TIMEOUT_MS,
  type NodeListener,
  type NodeListenerOptions,
  toNodeListener,
} from './node-listener';
