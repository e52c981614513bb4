// The sandbox's SNS: topics in the vendor account, HTTP(S) subscriptions confirmed as SNS
// confirms them, and CloudFormation's custom resource requests published to them, signed with
// the sandbox's certificate. Answers come back as PUTs to a presigned-style ResponseURL on the
// sandbox origin.
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { VENDOR_ACCOUNT_ID } from './accounts';
import type { SandboxClock } from './clock';
import type {
  CustomResourceAnswer,
  CustomResourceCall,
  CustomResourceEndpoint,
  Stack,
} from './cloud-state';
import type { SandboxResponse } from './http-response';
import { createSnsSigner, type SnsSigner } from './sns-signing';
import type { PlannedResource } from './template-evaluator';

/** An HTTP(S) subscription of a sandbox topic. */
export interface SandboxSnsSubscription {
  subscriptionArn: string;
  topicArn: string;
  endpoint: string;
  /** True once the endpoint fetched the SubscribeURL; only then are notifications delivered. */
  readonly confirmed: boolean;
}

/** One POST the sandbox's SNS made to a subscriber. */
export interface SandboxSnsDelivery {
  type: 'SubscriptionConfirmation' | 'Notification';
  endpoint: string;
  topicArn: string;
  /** The subscriber's HTTP status, or undefined when the request failed (`error` says why). */
  status?: number;
  error?: string;
}

/** The sandbox's SNS, on `sandbox.sns`. */
export interface SandboxSns {
  /** Where the signing certificate is served: every message's SigningCertURL. */
  readonly signingCertUrl: string;
  /**
   * Creates a topic in the vendor account (idempotent) and returns its ARN. A custom resource
   * whose ServiceToken is this ARN is then delivered to the topic's confirmed subscriptions.
   */
  createTopic(name: string, region?: string): string;
  /**
   * Subscribes an HTTP(S) endpoint: POSTs a signed SubscriptionConfirmation whose SubscribeURL
   * points back to the sandbox, and resolves once the endpoint answered (check `confirmed`).
   */
  subscribe(topicArn: string, endpoint: string): Promise<SandboxSnsSubscription>;
  /** Every POST made so far, oldest first. */
  readonly deliveries: readonly SandboxSnsDelivery[];
}

/** What the sandbox wires to its SNS. */
export interface SandboxSnsInternals {
  sns: SandboxSns;
  endpoint: CustomResourceEndpoint;
  /** The SNS and ResponseURL routes; undefined for any other path. */
  handleRequest(method: string, url: URL, body: Buffer): SandboxResponse | undefined;
  close(): void;
}

const CERTIFICATE_PATH = '/_sns/SimpleNotificationService-sandbox.pem';
const CONFIRM_PATH = '/_sns/confirm';
const RESPONSE_PATH = '/_cloudformation-response/';
const TOPIC_NAME = /^[\w-]{1,256}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const DELIVERY_TIMEOUT_MS = 15_000;

interface Topic {
  arn: string;
  subscriptions: Array<SandboxSnsSubscription & { confirmed: boolean; token: string }>;
}

/** The sandbox's SNS; `answer` records a PUT to a ResponseURL in the cloud state. */
export function createSandboxSns(input: {
  origin: () => string;
  clock: SandboxClock;
  answer: (requestId: string, answer: CustomResourceAnswer) => boolean;
}): SandboxSnsInternals {
  // Making an RSA key blocks for up to a second: it is made when SNS first signs a message or
  // serves its certificate, so a sandbox that never uses SNS starts at once.
  let signer: SnsSigner | undefined;
  const signing = () => {
    signer ??= createSnsSigner();
    return signer;
  };
  const responseKey = randomBytes(32);
  const topics = new Map<string, Topic>();
  const deliveries: SandboxSnsDelivery[] = [];
  const closing = new AbortController();

  const responseSignature = (requestId: string) =>
    createHmac('sha256', responseKey).update(requestId).digest('hex');

  async function post(
    endpoint: string,
    topicArn: string,
    message: Record<string, string>,
  ): Promise<SandboxSnsDelivery> {
    const type = message.Type as SandboxSnsDelivery['type'];
    const signed = {
      ...message,
      SignatureVersion: '1',
      Signature: signing().sign(message, '1'),
      SigningCertURL: `${input.origin()}${CERTIFICATE_PATH}`,
    };
    const delivery: SandboxSnsDelivery = { type, endpoint, topicArn };
    deliveries.push(delivery);
    try {
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'text/plain; charset=UTF-8',
          'x-amz-sns-message-type': type,
          'x-amz-sns-message-id': message.MessageId ?? '',
          'x-amz-sns-topic-arn': topicArn,
        },
        body: JSON.stringify(signed),
        redirect: 'manual',
        signal: AbortSignal.any([closing.signal, AbortSignal.timeout(DELIVERY_TIMEOUT_MS)]),
      });
      await response.body?.cancel().catch(() => {});
      delivery.status = response.status;
    } catch (error) {
      delivery.error = error instanceof Error ? error.message : String(error);
    }
    return delivery;
  }

  const sns: SandboxSns = {
    get signingCertUrl() {
      return `${input.origin()}${CERTIFICATE_PATH}`;
    },
    createTopic(name, region = 'us-east-1') {
      if (typeof name !== 'string' || !TOPIC_NAME.test(name))
        throw new TypeError(`Invalid SNS topic name ${JSON.stringify(name)}.`);
      if (typeof region !== 'string' || !REGION.test(region))
        throw new TypeError(`Invalid region ${JSON.stringify(region)}.`);
      const arn = `arn:aws:sns:${region}:${VENDOR_ACCOUNT_ID}:${name}`;
      if (!topics.has(arn)) topics.set(arn, { arn, subscriptions: [] });
      return arn;
    },
    async subscribe(topicArn, endpoint) {
      const topic = topics.get(topicArn);
      if (!topic) throw new TypeError(`No sandbox SNS topic ${JSON.stringify(topicArn)}.`);
      let url: URL | undefined;
      try {
        url = new URL(endpoint);
      } catch {
        url = undefined;
      }
      if (url?.protocol !== 'http:' && url?.protocol !== 'https:')
        throw new TypeError(
          `The endpoint must be an http(s) URL, got ${JSON.stringify(endpoint)}.`,
        );
      const token = randomBytes(32).toString('hex');
      const subscription = {
        subscriptionArn: `${topicArn}:${randomUUID()}`,
        topicArn,
        endpoint,
        confirmed: false,
        token,
      };
      topic.subscriptions.push(subscription);
      const query = new URLSearchParams({
        Action: 'ConfirmSubscription',
        TopicArn: topicArn,
        Token: token,
      });
      await post(endpoint, topicArn, {
        Type: 'SubscriptionConfirmation',
        MessageId: randomUUID(),
        Token: token,
        TopicArn: topicArn,
        Message: `You have chosen to subscribe to the topic ${topicArn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`,
        SubscribeURL: `${input.origin()}${CONFIRM_PATH}?${query}`,
        Timestamp: new Date(input.clock.now()).toISOString(),
      });
      const { token: _, ...visible } = subscription;
      return Object.defineProperty(visible, 'confirmed', {
        get: () => subscription.confirmed,
        enumerable: true,
      });
    },
    get deliveries() {
      return deliveries;
    },
  };

  const endpoint: CustomResourceEndpoint = {
    handles: (serviceToken) => typeof serviceToken === 'string' && topics.has(serviceToken),
    send(stack: Stack, resource: PlannedResource, call: CustomResourceCall) {
      const topic = topics.get(resource.properties.ServiceToken as string);
      if (!topic) return;
      const request = {
        RequestType: call.requestType,
        ServiceToken: topic.arn,
        ResponseURL: `${input.origin()}${RESPONSE_PATH}${call.requestId}?X-Amz-Expires=7200&X-Amz-Signature=${responseSignature(call.requestId)}`,
        StackId: stack.stackId,
        RequestId: call.requestId,
        LogicalResourceId: resource.logicalId,
        ...(call.physicalId !== undefined && { PhysicalResourceId: call.physicalId }),
        ResourceType: resource.type,
        ResourceProperties: resource.properties,
      };
      const message = {
        Type: 'Notification',
        MessageId: randomUUID(),
        TopicArn: topic.arn,
        Subject: 'AWS CloudFormation custom resource request',
        Message: JSON.stringify(request),
        Timestamp: new Date(call.sentAt).toISOString(),
      };
      // SNS delivers after the publish returns; a subscriber that does not answer makes the
      // resource time out (ServiceTimeout), as on AWS. The sandbox does not retry.
      for (const subscription of topic.subscriptions) {
        if (subscription.confirmed) void post(subscription.endpoint, topic.arn, message);
      }
    },
  };

  function handleRequest(method: string, url: URL, body: Buffer): SandboxResponse | undefined {
    if (url.pathname === CERTIFICATE_PATH && (method === 'GET' || method === 'HEAD')) {
      return {
        status: 200,
        headers: { 'content-type': 'application/x-x509-ca-cert' },
        body: signing().certificatePem,
      };
    }
    if (url.pathname === CONFIRM_PATH && method === 'GET') {
      const topic = topics.get(url.searchParams.get('TopicArn') ?? '');
      const token = url.searchParams.get('Token') ?? '';
      const subscription = topic?.subscriptions.find((candidate) => candidate.token === token);
      if (!subscription) {
        return xmlError(404, 'NotFound', 'No subscription is waiting for this token.');
      }
      subscription.confirmed = true;
      return {
        status: 200,
        headers: { 'content-type': 'text/xml' },
        body: `<ConfirmSubscriptionResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><ConfirmSubscriptionResult><SubscriptionArn>${subscription.subscriptionArn}</SubscriptionArn></ConfirmSubscriptionResult></ConfirmSubscriptionResponse>`,
      };
    }
    if (url.pathname.startsWith(RESPONSE_PATH)) {
      if (method !== 'PUT') return xmlError(405, 'MethodNotAllowed', 'Answers are PUT.');
      const requestId = url.pathname.slice(RESPONSE_PATH.length);
      const given = Buffer.from(url.searchParams.get('X-Amz-Signature') ?? '', 'utf8');
      const expected = Buffer.from(responseSignature(requestId), 'utf8');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        return xmlError(403, 'SignatureDoesNotMatch', 'The request signature does not match.');
      }
      const answer = parseAnswer(body);
      if (!answer) {
        return xmlError(400, 'MalformedAnswer', 'Expected JSON with Status SUCCESS or FAILED.');
      }
      // S3 stores whatever is PUT; CloudFormation reads only the first answer in time.
      input.answer(requestId, { ...answer, at: input.clock.now() });
      return { status: 200, headers: {}, body: '' };
    }
    return undefined;
  }

  return {
    sns,
    endpoint,
    handleRequest,
    close: () => closing.abort(),
  };
}

function parseAnswer(body: Buffer): Omit<CustomResourceAnswer, 'at'> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { Status, Reason, PhysicalResourceId } = value as Record<string, unknown>;
  if (Status !== 'SUCCESS' && Status !== 'FAILED') return undefined;
  return {
    status: Status,
    ...(typeof Reason === 'string' && { reason: Reason }),
    ...(typeof PhysicalResourceId === 'string' && { physicalId: PhysicalResourceId }),
  };
}

function xmlError(status: number, code: string, message: string): SandboxResponse {
  return {
    status,
    headers: { 'content-type': 'application/xml' },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`,
  };
}
