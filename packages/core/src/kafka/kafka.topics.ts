import type { KafkaTopics } from '../config/index.js';

/** Where a consumer puts a message it cannot parse or validate. */
export function deadLetterTopic(topic: string): string {
  return `${topic}.DLT`;
}

/** Inbound topics, their dead-letter topics, and outbound topics: everything `pnpm topics` creates. */
export function serviceTopics(topics: KafkaTopics): string[] {
  const inbound = [
    topics.orderPlaced,
    topics.orderConfirmed,
    topics.orderCancelled,
    topics.skuCreated,
    topics.productDefault,
  ];
  const outbound = [
    topics.stockReserved,
    topics.stockReservationFailed,
    topics.stockConfirmed,
    topics.stockConfirmFailed,
    topics.stockReleased,
    topics.stockAdjusted,
    topics.stockDepleted,
    topics.stockRestored,
    topics.stockLow,
  ];
  return [...inbound, ...inbound.map(deadLetterTopic), ...outbound];
}
