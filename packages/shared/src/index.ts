export { defineStore } from './define-store.js';
export type {
  ByeMessage,
  EmitMessage,
  EmitResultMessage,
  HelloMessage,
  SharedMessage,
  SubscribeMessage,
  UnsubscribeMessage,
  WelcomeMessage,
  WireMessage,
} from './protocol.js';
export { createSharedApp } from './shared-app.js';
export { type ConnectEventTarget, createSharedWorkerServerTransport } from './shared-worker.js';
export { spawn } from './spawn.js';
export type {
  Action,
  ActionArgs,
  ActionName,
  ActionResult,
  ActionsOf,
  AnyStoreDefinition,
  ClientChannel,
  ClientConnector,
  ClientShareOptions,
  Disposer,
  LocalShareOptions,
  ServerChannel,
  ServerShareOptions,
  ServerTransport,
  SharedApp,
  SharedAppOptions,
  SharedAppStatus,
  SharedErrorContext,
  SharedErrorPhase,
  SharedMode,
  SharedRole,
  SharedWorkerConstructor,
  SharedWorkerLike,
  ShareOptions,
  StateOf,
  StoreDefinition,
  StoreHandle,
} from './types.js';
