/**
 * pdf.js clones its text state on every `q` operator and font change while extracting
 * text, as `Object.assign(Object.create(this), this)`: each clone takes the state it
 * was cloned from as its prototype. V8 turns every object used as a prototype into a
 * prototype-mode object and every clone gets a map of its own, so the copy runs on
 * the slow path; on a 6-page WPS report the clones were ~20 % of the text path.
 *
 * Every field of the state is an own property (class fields, copied again by each
 * clone), so a clone whose prototype is the class's own prototype behaves the same.
 * TextState is not exported; it is found the first time pdf.js clones one, by
 * watching Object.create while documents are open, and its `clone` is replaced once.
 * If a pdf.js release renames or reshapes it, nothing is replaced and text extraction
 * is only slower (tests/pdf-speedups.test.ts notices).
 */

interface TextStateLike {
  clone(): TextStateLike;
  textMatrix: number[];
  textLineMatrix: number[];
  fontMatrix: number[];
}

const nativeCreate = Object.create;
let patched = false;
let watching = 0;

function isTextState(value: unknown): value is TextStateLike {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Partial<TextStateLike> & { constructor?: { name?: string } };
  return v.constructor?.name === "TextState" && typeof v.clone === "function" && Array.isArray(v.textMatrix) && Array.isArray(v.textLineMatrix);
}

function patchClone(instance: TextStateLike): void {
  let proto: object | null = instance;
  while (proto && !Object.prototype.hasOwnProperty.call(proto, "clone")) proto = Object.getPrototypeOf(proto) as object | null;
  if (!proto) return;
  const classPrototype = proto;
  (classPrototype as TextStateLike).clone = function clone(this: TextStateLike): TextStateLike {
    const copy = Object.assign(nativeCreate(classPrototype) as TextStateLike, this);
    copy.textMatrix = this.textMatrix.slice();
    copy.textLineMatrix = this.textLineMatrix.slice();
    copy.fontMatrix = this.fontMatrix.slice();
    return copy;
  };
  patched = true;
}

function watchingCreate(this: unknown, proto: object | null, properties?: PropertyDescriptorMap): unknown {
  if (!patched && properties === undefined && isTextState(proto)) {
    patchClone(proto);
    Object.create = nativeCreate;
  }
  return properties === undefined ? nativeCreate(proto) : nativeCreate(proto, properties);
}

/** Called when a document opens: watches for the first text-state clone until it is patched. */
export function watchTextStateClones(): void {
  if (++watching === 1 && !patched) Object.create = watchingCreate as typeof Object.create;
}

/** Called when a document closes: the watch never outlives the open documents. */
export function unwatchTextStateClones(): void {
  if (--watching === 0 && Object.create === (watchingCreate as unknown)) Object.create = nativeCreate;
}

/** Whether pdf.js's text-state clone has been replaced (for the test that guards it). */
export function textStateClonePatched(): boolean {
  return patched;
}
