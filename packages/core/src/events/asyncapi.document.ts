import type { KafkaTopics } from '../config/index.js';
import { eventSchemas } from './asyncapi.schemas.js';

/**
 * The AsyncAPI 3.0 document of our Kafka side: the topics we consume and publish, the CloudEvents
 * on each, and the record key. Built from the configured topic names, so a renamed topic is
 * documented as it is; the API serves it at /asyncapi.json and `pnpm openapi` commits the
 * default-topic copy as docs/asyncapi.json.
 */

interface Message {
  /** Key of `eventSchemas` holding the whole CloudEvent. */
  schema: string;
  type: string;
  summary: string;
  key: 'orderId' | 'skuId';
}

interface Channel {
  topic: keyof KafkaTopics;
  action: 'receive' | 'send';
  description: string;
  messages: Message[];
}

type Key = Message['key'];
const message = (schema: string, type: string, key: Key, summary: string): Message => ({
  schema,
  type,
  key,
  summary,
});
const channel = (
  topic: keyof KafkaTopics,
  action: Channel['action'],
  description: string,
  m: Message,
): Channel => ({
  topic,
  action,
  description,
  messages: [m],
});

const skuCreated = message(
  'SkuCreated',
  'product.sku.created',
  'skuId',
  "Creates the SKU's stock unless it exists",
);
const sharedProductTopic =
  "The catalog's shared product topic: only product.sku.created is read, others are skipped";

/** Every topic of ours: what we consume (receive) and what the relay publishes (send). */
const channels: Record<string, Channel> = Object.fromEntries(
  [
    channel(
      'orderPlaced',
      'receive',
      'Orders to reserve',
      message('OrderPlaced', 'order.placed', 'orderId', 'Reserve every item, all or nothing'),
    ),
    channel(
      'orderConfirmed',
      'receive',
      'Orders to confirm',
      message('OrderConfirmed', 'order.confirmed', 'orderId', 'Deduct what was reserved'),
    ),
    channel(
      'orderCancelled',
      'receive',
      'Orders to release',
      message('OrderCancelled', 'order.cancelled', 'orderId', 'Give back what was reserved'),
    ),
    channel('skuCreated', 'receive', 'New SKUs', skuCreated),
    channel('productDefault', 'receive', sharedProductTopic, skuCreated),
    channel(
      'stockReserved',
      'send',
      'Orders whose items are all reserved',
      message('StockReserved', 'stock.reserved', 'orderId', 'Every item is reserved until expiresAt'),
    ),
    channel(
      'stockReservationFailed',
      'send',
      'Orders of which nothing was reserved',
      message(
        'StockReservationFailed',
        'stock.reservation.failed',
        'orderId',
        'Nothing was reserved; failedItems says why',
      ),
    ),
    channel(
      'stockConfirmed',
      'send',
      'Confirmed reservations',
      message('StockConfirmed', 'stock.confirmed', 'orderId', 'The reserved items were deducted'),
    ),
    channel(
      'stockConfirmFailed',
      'send',
      'Confirmations with nothing to confirm',
      message('StockConfirmFailed', 'stock.confirm.failed', 'orderId', 'No reservation to confirm'),
    ),
    channel(
      'stockReleased',
      'send',
      'Reservations given back (cancelled, expired or released by hand)',
      message('StockReleased', 'stock.released', 'orderId', 'The reserved items are available again'),
    ),
    channel(
      'stockAdjusted',
      'send',
      'Admin changes and SKU creation, one event per SKU changed',
      message('StockAdjusted', 'stock.adjusted', 'skuId', "A SKU's total changed"),
    ),
    channel(
      'stockLow',
      'send',
      'SKUs whose available fell below their low-stock threshold',
      message('StockLow', 'stock.low', 'skuId', 'available fell below the threshold'),
    ),
    channel(
      'stockDepleted',
      'send',
      'SKUs whose available reached 0',
      message('StockDepleted', 'stock.depleted', 'skuId', 'available reached 0'),
    ),
    channel(
      'stockRestored',
      'send',
      'SKUs whose available rose above 0 again',
      message('StockRestored', 'stock.restored', 'skuId', 'available rose above 0'),
    ),
  ].map((c) => [c.topic, c]),
);

function messageId(message: Message): string {
  return message.schema.charAt(0).toLowerCase() + message.schema.slice(1);
}

function kafkaKey(key: Message['key']) {
  const description =
    key === 'orderId' ? 'The orderId as a decimal string (or the string orderId)' : 'The skuId';
  return { kafka: { key: { type: 'string', description }, bindingVersion: '0.5.0' } };
}

export interface AsyncApiOptions {
  topics: KafkaTopics;
  /** The CloudEvents `source` we write. */
  source: string;
}

export function buildAsyncApiDocument({ topics, source }: AsyncApiOptions): Record<string, unknown> {
  const messages: Record<string, unknown> = {};
  const channelObjects: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  for (const [name, channel] of Object.entries(channels)) {
    const refs: Record<string, unknown> = {};
    for (const message of channel.messages) {
      const id = messageId(message);
      messages[id] = {
        name: message.type,
        title: message.type,
        summary: message.summary,
        contentType: 'application/json',
        payload: { $ref: `#/components/schemas/${message.schema}` },
        bindings: kafkaKey(message.key),
      };
      refs[id] = { $ref: `#/components/messages/${id}` };
    }
    channelObjects[name] = {
      address: topics[channel.topic],
      description: channel.description,
      messages: refs,
    };
    const verb = channel.action === 'receive' ? 'consume' : 'publish';
    operations[`${verb}${name.charAt(0).toUpperCase()}${name.slice(1)}`] = {
      action: channel.action,
      channel: { $ref: `#/channels/${name}` },
      summary: `${channel.action === 'receive' ? 'Consume' : 'Publish'} ${channel.messages.map((m) => m.type).join(', ')}`,
      messages: Object.keys(refs).map((id) => ({ $ref: `#/channels/${name}/messages/${id}` })),
    };
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Inventory service events',
      version: '1.0.0',
      description:
        'The order saga over Kafka: structured-mode CloudEvents 1.0, one JSON object per record value. ' +
        `We write source \`${source}\`; correlationId and causationId travel inside data. A record that ` +
        'cannot be read goes to `<topic>.DLT` with the reason.',
    },
    defaultContentType: 'application/json',
    channels: channelObjects,
    operations,
    components: { messages, schemas: eventSchemas },
  };
}

/** The channel (topic) → CloudEvent schema name of every outbound event type, for validators. */
export function outboundSchemaByType(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const channel of Object.values(channels)) {
    if (channel.action !== 'send') continue;
    for (const message of channel.messages) out[message.type] = message.schema;
  }
  return out;
}
