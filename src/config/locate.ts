// Maps key paths to lines of the YAML source and back, so every config error can name its line.
// Pure: works on an already parsed yaml Document.
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

/** A key path as segments: `['scenarios', 1, 'budgets', 'p99']`. */
export type KeyPath = readonly (string | number)[];

/** `scenarios[1].budgets.p99`; keys that are not identifiers are quoted: `headers["x y"]`. */
export function formatPath(path: KeyPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

export interface Position {
  line: number;
  column: number;
}

/**
 * Where a problem is shown: at the key itself (unknown key), at its value (wrong value), or at the
 * key of the mapping that lacks something (missing key).
 */
export type Anchor = 'key' | 'value' | 'parent';

export class Locator {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** The position for `path`; falls back to the nearest ancestor that exists in the source. */
  position(path: KeyPath, anchor: Anchor): Position | undefined {
    if (anchor === 'parent') return path.length <= 1 ? this.rootPosition() : this.position(path.slice(0, -1), 'key');
    let node: unknown = this.doc.contents;
    let keyNode: unknown;
    let found = this.rootPosition();
    for (const seg of path) {
      const step = this.child(node, seg);
      if (!step) return found;
      keyNode = step.key;
      node = step.value;
      found = this.at(keyNode) ?? found;
    }
    if (anchor === 'value' && hasContent(node)) return this.at(node) ?? found;
    return found;
  }

  /** The deepest key path whose source contains `offset` (for YAML syntax errors). */
  pathAt(offset: number): KeyPath {
    const path: (string | number)[] = [];
    let node: unknown = this.doc.contents;
    descend: while (node) {
      if (isMap(node)) {
        for (const pair of node.items) {
          const key = keyText(pair.key);
          if (contains(pair.key, offset)) return [...path, key];
          if (contains(pair.value, offset)) {
            path.push(key);
            // An error at the very start of a value is about the value as a whole (e.g. a broken
            // flow mapping); the partial structure the parser recovered inside it means nothing.
            if (startsAt(pair.value, offset)) return path;
            node = pair.value;
            continue descend;
          }
        }
      } else if (isSeq(node)) {
        for (const [index, item] of node.items.entries()) {
          if (contains(item, offset)) {
            path.push(index);
            node = item;
            continue descend;
          }
        }
      }
      break;
    }
    return path;
  }

  positionOfOffset(offset: number): Position {
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }

  private rootPosition(): Position | undefined {
    return this.at(this.doc.contents) ?? { line: 1, column: 1 };
  }

  private at(node: unknown): Position | undefined {
    const range = (node as Node | null | undefined)?.range;
    return range ? this.positionOfOffset(range[0]) : undefined;
  }

  private child(node: unknown, seg: string | number): { key: unknown; value: unknown } | undefined {
    if (isAlias(node)) node = node.resolve(this.doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => keyText(p.key) === String(seg));
      if (pair) return { key: pair.key, value: pair.value };
      // A key brought in by a merge (`<<: *defaults`) is found in the merged mapping.
      for (const merge of node.items.filter((p) => keyText(p.key) === '<<')) {
        const sources = isSeq(merge.value) ? merge.value.items : [merge.value];
        for (const source of sources) {
          const found = this.child(source, seg);
          if (found) return found;
        }
      }
      return undefined;
    }
    if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg];
      return item === undefined ? undefined : { key: item, value: item };
    }
    return undefined;
  }
}

// yaml represents a merge key (`<<`) by a symbol whose description is `<<`.
function keyText(key: unknown): string {
  const value = isScalar(key) ? key.value : key;
  return typeof value === 'symbol' ? (value.description ?? '') : String(value);
}

function contains(node: unknown, offset: number): boolean {
  const range = (node as Node | null | undefined)?.range;
  return !!range && range[0] <= offset && offset < Math.max(range[2], range[0] + 1);
}

function startsAt(node: unknown, offset: number): boolean {
  return (node as Node | null | undefined)?.range?.[0] === offset;
}

// An empty value (`build:`) has a zero-width node; the key's line is the useful one then.
function hasContent(node: unknown): boolean {
  const range = (node as Node | null | undefined)?.range;
  return !!range && range[1] > range[0];
}
