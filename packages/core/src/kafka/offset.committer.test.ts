import { describe, expect, it } from 'vitest';
import { createLogger } from '../logging/logger.js';
import { createOffsetCommitter, type TopicPartitionOffset } from './offset.committer.js';

const logger = createLogger({ name: 'test', level: 'silent', pretty: false });

describe('offset committer', () => {
  it('commits the offset after the last handled message of each partition, once', async () => {
    const committer = createOffsetCommitter(logger);
    const commits: TopicPartitionOffset[][] = [];
    const commit = async (offsets: TopicPartitionOffset[]) => void commits.push(offsets);
    committer.handled('a', 0, '4');
    committer.handled('a', 0, '9');
    committer.handled('a', 1, '2');
    await committer.flush(commit);
    await committer.flush(commit); // nothing new: no request
    expect(commits).toEqual([
      [
        { topic: 'a', partition: 0, offset: '10' },
        { topic: 'a', partition: 1, offset: '3' },
      ],
    ]);
  });

  it('never overlaps two commits, so a slow one cannot land after a newer one', async () => {
    const committer = createOffsetCommitter(logger);
    const order: string[] = [];
    let release: () => void = () => {};
    const slow = async (offsets: TopicPartitionOffset[]) => {
      order.push(`start ${offsets[0]?.offset}`);
      if (offsets[0]?.offset === '1') await new Promise<void>((r) => (release = r));
      order.push(`end ${offsets[0]?.offset}`);
    };
    committer.handled('a', 0, '0');
    const first = committer.flush(slow);
    await new Promise((r) => setTimeout(r, 5));
    committer.handled('a', 0, '1');
    const second = committer.flush(slow);
    await new Promise((r) => setTimeout(r, 5));
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['start 1', 'end 1', 'start 2', 'end 2']);
  });

  it('drops a refused commit without failing; a later handled message commits past it', async () => {
    const committer = createOffsetCommitter(logger);
    const commits: string[] = [];
    committer.handled('a', 0, '5');
    await committer.flush(async () => {
      throw new Error('not the member any more');
    });
    await committer.flush(async (o) => void commits.push(...o.map((x) => x.offset)));
    committer.handled('a', 0, '7');
    await committer.flush(async (o) => void commits.push(...o.map((x) => x.offset)));
    expect(commits).toEqual(['8']);
  });
});
