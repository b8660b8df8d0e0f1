import { createHash } from 'node:crypto';

/** 32-bit points from an md5 digest: well spread even for near-identical keys ("w1#0", "w1#1"). */
function md5Points(key: string): number[] {
  const digest = createHash('md5').update(key).digest();
  return [digest.readUInt32BE(0), digest.readUInt32BE(4), digest.readUInt32BE(8), digest.readUInt32BE(12)];
}

export function hashKey(key: string): number {
  return createHash('md5').update(key).digest().readUInt32BE(0);
}

/**
 * A consistent-hash ring (ketama layout): every member owns `virtualNodes` points, and a key
 * belongs to the first point clockwise from its hash. Removing a member only moves the keys
 * that member owned; adding one only takes keys from its neighbours.
 */
export class HashRing {
  /** Sorted point hashes and, at the same index, the member owning the point. */
  private readonly points: Uint32Array;
  private readonly owners: string[];
  readonly members: ReadonlySet<string>;

  constructor(members: Iterable<string>, virtualNodes: number) {
    this.members = new Set(members);
    const entries: { point: number; owner: string }[] = [];
    const digests = Math.ceil(virtualNodes / 4);
    for (const member of this.members) {
      let placed = 0;
      for (let i = 0; i < digests && placed < virtualNodes; i++) {
        for (const point of md5Points(`${member}#${i}`)) {
          if (placed++ >= virtualNodes) break;
          entries.push({ point, owner: member });
        }
      }
    }
    // Ties on a point (astronomically rare) are broken by owner so every process builds the same ring.
    entries.sort((a, b) => a.point - b.point || (a.owner < b.owner ? -1 : a.owner > b.owner ? 1 : 0));
    this.points = Uint32Array.from(entries, (e) => e.point);
    this.owners = entries.map((e) => e.owner);
  }

  /**
   * The owner of `hash`, walking clockwise past members `accept` rejects (members that are
   * on the ring but not eligible right now). Undefined when no member is accepted.
   */
  lookup(hash: number, accept: (member: string) => boolean = () => true): string | undefined {
    const size = this.points.length;
    if (size === 0) return undefined;
    const start = this.firstPointAtOrAfter(hash);
    for (let step = 0; step < size; step++) {
      const owner = this.owners[(start + step) % size];
      if (owner !== undefined && accept(owner)) return owner;
    }
    return undefined;
  }

  /** Binary search for the first point >= hash, wrapping to 0 past the last point. */
  private firstPointAtOrAfter(hash: number): number {
    let low = 0;
    let high = this.points.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.points[mid] ?? 0) < hash) low = mid + 1;
      else high = mid;
    }
    return low === this.points.length ? 0 : low;
  }
}
