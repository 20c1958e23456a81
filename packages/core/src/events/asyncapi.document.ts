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

const skuCreated: Message = {
  schema: 'SkuCreated',
  type: 'product.sku.created',
  summary: "Creates the SKU's stock (initialQuantity, default 0) unless it exists",
  key: 'skuId',
};

const order = (schema: string, type: string, summary: string): Message => ({
  schema,
  type,
  summary,
  key: 'orderId',
});
const sku = (schema: string, type: string, summary: string): Message => ({
  schema,
  type,
  summary,
  key: 'skuId',
});

const channels: Record<string, Channel> = {
  orderPlaced: {
    topic: 'orderPlaced',
    action: 'receive',
    description: 'Orders to reserve',
    messages: [order('OrderPlaced', 'order.placed', 'Reserve every item, all or nothing')],
  },
  orderConfirmed: {
    topic: 'orderConfirmed',
    action: 'receive',
    description: 'Orders to confirm',
    messages: [order('OrderConfirmed', 'order.confirmed', 'Deduct what was reserved for the order')],
  },
  orderCancelled: {
    topic: 'orderCancelled',
    action: 'receive',
    description: 'Orders to release',
    messages: [order('OrderCancelled', 'order.cancelled', 'Give back what was reserved for the order')],
  },
  skuCreated: { topic: 'skuCreated', action: 'receive', description: 'New SKUs', messages: [skuCreated] },
  productDefault: {
    topic: 'productDefault',
    action: 'receive',
    description:
      "The catalog's shared product topic: only product.sku.created is read, other types are skipped",
    messages: [skuCreated],
  },
  stockReserved: {
    topic: 'stockReserved',
    action: 'send',
    description: 'Orders whose items are all reserved',
    messages: [order('StockReserved', 'stock.reserved', 'Every item is reserved until expiresAt')],
  },
  stockReservationFailed: {
    topic: 'stockReservationFailed',
    action: 'send',
    description: 'Orders of which nothing was reserved',
    messages: [
      order(
        'StockReservationFailed',
        'stock.reservation.failed',
        'Nothing was reserved; failedItems says why',
      ),
    ],
  },
  stockConfirmed: {
    topic: 'stockConfirmed',
    action: 'send',
    description: 'Confirmed reservations',
    messages: [order('StockConfirmed', 'stock.confirmed', 'The reserved items were deducted')],
  },
  stockConfirmFailed: {
    topic: 'stockConfirmFailed',
    action: 'send',
    description: 'Confirmations with nothing to confirm',
    messages: [order('StockConfirmFailed', 'stock.confirm.failed', 'No reservation to confirm')],
  },
  stockReleased: {
    topic: 'stockReleased',
    action: 'send',
    description: 'Reservations given back (cancelled, expired or released by hand)',
    messages: [order('StockReleased', 'stock.released', 'The reserved items are available again')],
  },
  stockAdjusted: {
    topic: 'stockAdjusted',
    action: 'send',
    description: 'Admin changes and SKU creation, one event per SKU changed',
    messages: [sku('StockAdjusted', 'stock.adjusted', "A SKU's total changed")],
  },
  stockLow: {
    topic: 'stockLow',
    action: 'send',
    description: 'SKUs whose available fell below their low-stock threshold',
    messages: [sku('StockLow', 'stock.low', 'available fell below the threshold')],
  },
  stockDepleted: {
    topic: 'stockDepleted',
    action: 'send',
    description: 'SKUs whose available reached 0',
    messages: [sku('StockDepleted', 'stock.depleted', 'available reached 0')],
  },
  stockRestored: {
    topic: 'stockRestored',
    action: 'send',
    description: 'SKUs whose available rose above 0 again',
    messages: [sku('StockRestored', 'stock.restored', 'available rose above 0')],
  },
};

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
