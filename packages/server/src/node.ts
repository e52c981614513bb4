// `@porter/cloud-connect-server/node`: what only Node (and Express) needs.
export { type NodeListener, type NodeListenerOptions, toNodeListener } from './node-listener';
