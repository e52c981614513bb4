export {
  CUSTOMER_ACCOUNT_ID,
  OTHER_ACCOUNT_ID,
  VENDOR_ACCOUNT_ID,
  VENDOR_PRINCIPAL_ARN,
} from './accounts';
export { createManualClock, type ManualClock, type SandboxClock, systemClock } from './clock';
export type { StackStatus } from './cloud-state';
export {
  type CustomerCreateStackOptions,
  type CustomerStack,
  type CustomerStackOptions,
  type SandboxCustomer,
  SandboxCustomerError,
  type SandboxCustomerErrorCode,
  type WaitForStackOptions,
} from './customer';
export type { SandboxCredentials } from './identities';
export { type Sandbox, type SandboxOptions, startSandbox } from './sandbox';
export {
  DEFAULT_SANDBOX_TIMING,
  isSandboxScenario,
  SANDBOX_SCENARIOS,
  type SandboxScenario,
  type SandboxTiming,
} from './scenarios';
export type { SandboxSns, SandboxSnsDelivery, SandboxSnsSubscription } from './sns';
export {
  createSnsSigner,
  type SnsSigner,
  type SnsSignerOptions,
  snsStringToSign,
} from './sns-signing';
export type { CloudFormationTemplate } from './template-evaluator';
