import { json } from '../format.ts';

/** JSON in a box of fixed height that scrolls inside itself: a long payload never pushes the page around. */
export function JsonBlock({ value, label, empty = '—' }: { value: unknown; label: string; empty?: string }) {
  const text = value === null || value === undefined ? empty : json(value);
  return (
    <pre class="json" tabIndex={0} aria-label={label}>
      {text}
    </pre>
  );
}
