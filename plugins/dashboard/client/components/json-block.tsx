import type { ComponentChildren } from 'preact';
import { json } from '../format.ts';

/**
 * Text in a box of fixed height that scrolls inside itself: a long payload never pushes the
 * page around. The box takes the focus so the keyboard can scroll it, and is named for
 * assistive tech.
 */
export function ScrollBox({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a box that scrolls must take the focus, or the keyboard cannot scroll it
    <section class="json" tabIndex={0} aria-label={label}>
      <pre>{children}</pre>
    </section>
  );
}

/** A JSON value, pretty-printed, in a ScrollBox. */
export function JsonBlock({ value, label, empty = '—' }: { value: unknown; label: string; empty?: string }) {
  return <ScrollBox label={label}>{value === null || value === undefined ? empty : json(value)}</ScrollBox>;
}
