import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'lossless-json';

/**
 * Checks a record on one of our topics against the AsyncAPI document: the event type is one the
 * document lists on that topic, the CloudEvent matches its payload schema (ajv, JSON Schema, not
 * the zod schemas the service itself uses), and the record key is the order or SKU id.
 */

interface AsyncApiMessage {
  name: string;
  payload: { $ref: string };
  bindings?: { kafka?: { key?: { description?: string } } };
}

interface AsyncApiDocument {
  channels: Record<string, { address: string; messages: Record<string, { $ref: string }> }>;
  components: { messages: Record<string, AsyncApiMessage> };
}

export type EventCheck = (topic: string, key: string | null, value: string) => string[];

function refName(ref: string): string {
  return ref.split('/').pop() as string;
}

export function asyncApiEventCheck(document: Record<string, unknown>): EventCheck {
  const doc = document as unknown as AsyncApiDocument;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema(document, 'asyncapi');
  // topic → event type → validator
  const byTopic = new Map<string, Map<string, ValidateFunction>>();
  for (const channel of Object.values(doc.channels)) {
    const types = byTopic.get(channel.address) ?? new Map<string, ValidateFunction>();
    for (const { $ref } of Object.values(channel.messages)) {
      const message = doc.components.messages[refName($ref)] as AsyncApiMessage;
      const validate = ajv.getSchema(`asyncapi#/components/schemas/${refName(message.payload.$ref)}`);
      if (!validate) throw new Error(`no schema for ${message.name}`);
      types.set(message.name, validate);
    }
    byTopic.set(channel.address, types);
  }

  return (topic, key, value) => {
    const types = byTopic.get(topic);
    if (!types) return [`topic ${topic} is not in the AsyncAPI document`];
    let event: { type?: unknown };
    try {
      event = JSON.parse(value);
    } catch {
      return [`${topic}: the record value is not JSON`];
    }
    const type = String(event.type);
    const validate = types.get(type);
    if (!validate) return [`${topic}: type ${type} is not documented on this topic`];
    const problems = validate(event)
      ? []
      : (validate.errors ?? []).map((e) => `${type}${e.instancePath} ${e.message}`);
    // Read again without rounding: an orderId above 2^53 must match the key digit for digit.
    const data = (parse(value) as { data?: Record<string, unknown> }).data ?? {};
    const expectedKey = String('skuId' in data ? data.skuId : data.orderId);
    if (key !== expectedKey) problems.push(`${type}: key ${key} is not ${expectedKey}`);
    return problems;
  };
}
