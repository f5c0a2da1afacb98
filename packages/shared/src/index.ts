export * from './app/public.js';
export * from './authority/public.js';
export * from './client/public.js';
export type { LockRequester, MessageEventTarget } from './links/connect-link.js';
export * from './links/public.js';
export type {
  ExtensionEventLike,
  RuntimeLike,
  RuntimePortLike,
} from './links/runtime-port-transport.js';
export * from './store/public.js';
export type {
  Action,
  ActionArgs,
  ActionName,
  ActionResult,
  ActionsOf,
  AnyStoreDefinition,
  AutoShareOptions,
  BoundActions,
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
  SharedStorage,
  SharedTabShareOptions,
  SharedWorkerConstructor,
  SharedWorkerLike,
  ShareOptions,
  StateOf,
  StoreDefinition,
  StoreHandle,
  WorkerMode,
} from './types.js';
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
} from './wire/protocol.js';
