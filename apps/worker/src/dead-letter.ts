import type { ConsumedMessage, OutgoingMessage } from '@inventory/core';
import { deadLetterTopic } from '@inventory/core';

/**
 * The dead-letter record of a message: the original key and bytes untouched, and why it was
 * refused in headers, so an operator can fix and replay it.
 */
export function toDeadLetter(
  message: ConsumedMessage,
  groupId: string,
  reason: string,
  detail: string,
): OutgoingMessage {
  return {
    topic: deadLetterTopic(message.topic),
    key: message.key,
    value: message.value,
    headers: {
      'dlt-reason': reason,
      // Header values are bytes on the wire: keep them short enough to read in any tool.
      'dlt-detail': detail.slice(0, 2_000),
      'dlt-original-topic': message.topic,
      'dlt-original-partition': String(message.partition),
      'dlt-original-offset': message.offset,
      'dlt-consumer-group': groupId,
      'dlt-failed-at': new Date().toISOString(),
    },
  };
}
